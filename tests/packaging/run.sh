#!/usr/bin/env bash
# The packaging test (ctest -L packaging): installs an already-built tree into a temporary prefix
# (no rebuild of the library) and builds and runs the consumers in this folder against it:
#   find_package/      find_package(socketio-cpp 0.2) + socketio::socketio, and a program with
#                      header-only Asio of its own (common/own_asio.cpp)
#   pkg-config         g++ $(pkg-config --cflags --libs socketio-cpp), no CMake
#   add_subdirectory/  the source tree as a subproject: configured, and the consumer's own sources
#                      compiled; SIO_PACKAGING_ADD_SUBDIRECTORY=build also builds the library a
#                      second time, links and runs it (minutes of CPU, too many for CI)
# Usage: tests/packaging/run.sh BUILD_DIR [SOURCE_DIR]
set -euo pipefail
build=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(realpath "${2:-$here/../..}")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sio-packaging.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
step() { echo "--- $*"; }
started=$(date +%s)

step "install $build into $tmp/prefix"
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null

step "find_package consumer (and one with header-only Asio of its own)"
cmake -S "$here/find_package" -B "$tmp/find_package" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_FLAGS_DEBUG=-g0 -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  "${launcher[@]}" >/dev/null
cmake --build "$tmp/find_package" -j2 >/dev/null
"$tmp/find_package/find_package_consumer"
"$tmp/find_package/own_asio_consumer"

step "pkg-config consumer"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
[[ $(pkg-config --modversion socketio-cpp) == 0.2.* ]]
compiler=g++
command -v ccache >/dev/null && compiler="ccache g++"
# shellcheck disable=SC2046 # pkg-config's output is meant to be split
$compiler -o "$tmp/pkg_config_consumer" "$here/common/main.cpp" "$here/common/no_own_asio.cpp" \
  $(pkg-config --cflags socketio-cpp) $(pkg-config --libs socketio-cpp)
# pkg-config sets no run path: a shared build's libraries are found like a system library's.
LD_LIBRARY_PATH="$tmp/prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/pkg_config_consumer"

step "add_subdirectory consumer"
cmake -S "$here/add_subdirectory" -B "$tmp/add_subdirectory" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_FLAGS_DEBUG=-g0 -DSOCKETIO_CPP_SOURCE_DIR="$source_dir" \
  "${launcher[@]}" >/dev/null
if [[ "${SIO_PACKAGING_ADD_SUBDIRECTORY:-compile}" == build ]]; then
  cmake --build "$tmp/add_subdirectory" -j2 >/dev/null
  "$tmp/add_subdirectory/add_subdirectory_consumer"
else
  # The consumer's own objects only (Ninja compiles them without building the library first): the
  # subproject's usage requirements reach them (include/ only, C++20, no internal macros).
  mapfile -t objects < <(ninja -C "$tmp/add_subdirectory" -t targets all |
    sed -n 's|^\(CMakeFiles/add_subdirectory_consumer.dir/[^:]*\.o\):.*|\1|p')
  ((${#objects[@]} == 2))
  ninja -C "$tmp/add_subdirectory" -j2 "${objects[@]}" >/dev/null
  echo "configured, consumer compiled (SIO_PACKAGING_ADD_SUBDIRECTORY=build also builds and runs it)"
fi

echo "--- packaging: all consumers passed in $(($(date +%s) - started)) s"
