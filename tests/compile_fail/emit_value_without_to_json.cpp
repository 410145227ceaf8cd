// expect: socketio: an emitted argument must be socketio::json, a type with to_json
// Emitting a value of a type without to_json does not compile, with one readable error.
#include "socketio/server.hpp"

struct Point {  // no to_json
    int x = 0;
    int y = 0;
};

void moved(socketio::Server& io) {
    io.emit("moved", Point{1, 2});
}
