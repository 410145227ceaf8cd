#!/usr/bin/env bash
# Builds and runs every test: first a debug build, then the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer. Installs what it needs first.
# Usage: scripts/test.sh [--no-sanitize] [extra ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=1
if [[ "${1:-}" == "--no-sanitize" ]]; then sanitize=0; shift; fi

scripts/install-deps.sh
ulimit -n 20000 2>/dev/null || true
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"

run_preset() {
  local preset=$1; shift
  echo "=== $preset: configure, build, test"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" "$@"
}

start=$(date +%s)
run_preset debug "$@"
if ((sanitize)); then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The reference checks run Node against Node: no C++ of ours to sanitize, run them once.
  run_preset asan --label-exclude reference "$@"
fi
echo "=== all tests passed in $(( $(date +%s) - start )) s"
