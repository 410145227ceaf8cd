#pragma once
// The version of socketio-cpp: of these headers (the macros, known at compile time) and of the
// library linked in (socketio::version(), known at run time). They differ when a program is built
// against one version's headers and runs with another's shared library; see CHANGELOG.md and
// docs/api.md#stability for what a version number promises.
// Kept equal to project(... VERSION) in CMakeLists.txt (configure fails otherwise).
#define SOCKETIO_CPP_VERSION_MAJOR 0
#define SOCKETIO_CPP_VERSION_MINOR 2
#define SOCKETIO_CPP_VERSION_PATCH 0
#define SOCKETIO_CPP_VERSION_STRING "0.2.0"
/// One number for #if comparisons: MAJOR * 10000 + MINOR * 100 + PATCH (0.2.0 is 200).
#define SOCKETIO_CPP_VERSION                                                 \
    (SOCKETIO_CPP_VERSION_MAJOR * 10000 + SOCKETIO_CPP_VERSION_MINOR * 100 + \
     SOCKETIO_CPP_VERSION_PATCH)

namespace socketio {

/// The version of the library this program runs with, "MAJOR.MINOR.PATCH" (a static string).
/// Thread-safe.
const char* version() noexcept;

/// The same as SOCKETIO_CPP_VERSION, of the library this program runs with. Thread-safe.
int version_number() noexcept;

}  // namespace socketio
