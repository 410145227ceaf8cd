// expect: basic_json<>::basic_json(const Point&)
// Emitting a value of a type without to_json does not compile (today nlohmann's error, from the
// conversion of each argument to json).
#include "socketio/server.hpp"

struct Point {  // no to_json
    int x = 0;
    int y = 0;
};

void moved(socketio::Server& io) {
    io.emit("moved", Point{1, 2});
}
