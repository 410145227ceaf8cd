// The version compiled into the library (socketio/version.hpp's macros, as they were when it was
// built).

#include "socketio/version.hpp"

namespace socketio {

const char* version() noexcept {
    return SOCKETIO_CPP_VERSION_STRING;
}

int version_number() noexcept {
    return SOCKETIO_CPP_VERSION;
}

}  // namespace socketio
