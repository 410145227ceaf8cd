#pragma once
// Where the external test peers live: node, the npm packages in tests/js, Debian's python3,
// the openssl CLI. Paths are fixed at configure time (tests/support/CMakeLists.txt).

#include <chrono>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace siotest {

/// Absolute path of `node` (empty if CMake did not find it).
std::string node_executable();
/// The tests/js directory (package.json + node_modules; scripts in tests/js/<layer>/).
std::string js_dir();
/// tests/js/<relative>, e.g. js_path("engineio/handshake.mjs").
std::string js_path(const std::string& relative);
/// Debian's /usr/bin/python3, the one that sees python3-socketio / python3-engineio.
std::string python_executable();
/// Absolute path of the `openssl` CLI.
std::string openssl_executable();

/// Runs `node tests/js/<script> args...` with cwd tests/js (so its node_modules resolve) and
/// returns its result; killed after `timeout`.
ProcessResult run_node_script(const std::string& script, const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20),
                              std::vector<std::pair<std::string, std::string>> env = {});

}  // namespace siotest
