#!/usr/bin/env bash
# Builds and runs every test once, under AddressSanitizer + UndefinedBehaviorSanitizer (preset
# `asan`: a debug build with the sanitizers, examples included), then the fuzz smoke
# (scripts/fuzz-smoke.sh: the clang fuzz build, then 30 s per libFuzzer target; --no-fuzz or
# SIO_FUZZ_SMOKE=0 skips it). Installs what it needs first.
# One sanitized pass rather than a plain debug pass and then a sanitized one: the sanitized pass
# checks everything the plain one does, and the second cold build and run cost CI ~15 of its 40
# minutes. --no-sanitize runs the plain debug preset instead (faster to build locally).
# Usage: scripts/test.sh [--no-sanitize] [--no-fuzz] [extra ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=1
fuzz=${SIO_FUZZ_SMOKE:-1}
while (($#)); do
  case "$1" in
    --no-sanitize) sanitize=0; shift ;;
    --fuzz) fuzz=1; shift ;;
    --no-fuzz) fuzz=0; shift ;;
    *) break ;;
  esac
done

scripts/install-deps.sh
ulimit -n 20000 2>/dev/null || true
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"
# The packaging test also builds, links and runs its add_subdirectory consumer (the library compiled
# once more, ~2 min cold): issue 15 asks for all four consumers to run.
export SIO_PACKAGING_ADD_SUBDIRECTORY="${SIO_PACKAGING_ADD_SUBDIRECTORY:-build}"

run_preset() {
  local preset=$1; shift
  echo "=== $preset: configure, build, test"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" "$@"
}

start=$(date +%s)
if ((sanitize)); then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_preset asan "$@"
else
  run_preset debug "$@"
fi
if ((fuzz)); then
  scripts/fuzz-smoke.sh
fi
echo "=== all tests passed in $(( $(date +%s) - start )) s"
