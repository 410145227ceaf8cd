#!/usr/bin/env bash
# Fuzz smoke: builds the libFuzzer targets (preset `fuzz`, clang) and runs each one for
# FUZZ_SECONDS (30) on a scratch copy of its corpus fuzz/<name>_corpus, with its dictionary
# fuzz/<name>.dict when there is one (<name>: the target without _fuzz). One process per target,
# as many at once as there are cores (FUZZ_JOBS). Fails on a crash, leak, sanitizer report or
# timeout, leaving the reproducer in the work directory it names. The corpora in the repository
# are never written to.
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
# One libFuzzer process per core at a time (the machines have 2): the smoke takes half as long.
jobs=${FUZZ_JOBS:-$(nproc)}
fuzz_one() {  # target: runs it; its exit status says whether it found nothing
  local target=$1 name=${1%_fuzz}
  local corpus="$work/$target"
  mkdir -p "$corpus"
  if [[ -d "fuzz/${name}_corpus" ]]; then cp -r "fuzz/${name}_corpus/." "$corpus/"; fi
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix="$work/$target-")
  if [[ -f "fuzz/$name.dict" ]]; then args+=(-dict="fuzz/$name.dict"); fi
  "build/fuzz/fuzz/$target" "${args[@]}" "$corpus" >"$work/$target.log" 2>&1
}
pids=()
names=()
failed=""
wait_oldest() {
  if ! wait "${pids[0]}"; then
    tail -n 60 "$work/${names[0]}.log"
    failed="$failed ${names[0]}"
  else
    grep -E '^stat::number_of_executed_units' "$work/${names[0]}.log" | sed "s/^/    ${names[0]} /"
  fi
  pids=("${pids[@]:1}")
  names=("${names[@]:1}")
}
for target in "${targets[@]}"; do
  ((${#pids[@]} < jobs)) || wait_oldest
  echo "=== fuzz: $target for $seconds s"
  fuzz_one "$target" &
  pids+=($!)
  names+=("$target")
done
while ((${#pids[@]})); do wait_oldest; done
if [[ -n $failed ]]; then
  echo "=== fuzz:$failed FAILED; logs and reproducers in $work" >&2
  exit 1
fi
rm -rf "$work"
echo "=== fuzz smoke passed in $(($(date +%s) - start)) s"
