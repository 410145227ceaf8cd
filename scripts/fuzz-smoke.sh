#!/usr/bin/env bash
# Fuzz smoke: builds the libFuzzer targets (preset `fuzz`, clang) and runs each one for
# FUZZ_SECONDS (30) on a scratch copy of its corpus fuzz/<name>_corpus, with its dictionary
# fuzz/<name>.dict when there is one (<name>: the target without _fuzz). One process per target, one at a time (1 core). Fails on
# the first crash, leak, sanitizer report or timeout, leaving the reproducer in the work
# directory it names. The corpora in the repository are never written to.
# Usage: scripts/fuzz-smoke.sh [target...]     (default: every target in fuzz/CMakeLists.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/.ccache}"

if (($#)); then
  targets=("$@")
else
  mapfile -t targets < <(sed -n 's/^sio_fuzz_target(\([a-z0-9_]*\) .*/\1/p' fuzz/CMakeLists.txt)
fi

start=$(date +%s)
echo "=== fuzz: configure, build ${targets[*]}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}" --target "${targets[@]}"
echo "=== fuzz: built in $(($(date +%s) - start)) s"

work=$(mktemp -d "${TMPDIR:-/tmp}/sio-fuzz.XXXXXX")
for target in "${targets[@]}"; do
  name=${target%_fuzz}
  corpus="$work/$target"
  mkdir -p "$corpus"
  if [[ -d "fuzz/${name}_corpus" ]]; then cp -r "fuzz/${name}_corpus/." "$corpus/"; fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$work/$target-")
  if [[ -f "fuzz/$name.dict" ]]; then args+=(-dict="fuzz/$name.dict"); fi
  echo "=== fuzz: $target for $seconds s"
  if ! "build/fuzz/fuzz/$target" "${args[@]}" "$corpus" >"$work/$target.log" 2>&1; then
    tail -n 60 "$work/$target.log"
    echo "=== fuzz: $target FAILED; log and reproducer in $work" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units' "$work/$target.log" | sed "s/^/    $target /"
done
rm -rf "$work"
echo "=== fuzz smoke passed in $(($(date +%s) - start)) s"
