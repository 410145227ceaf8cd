// expect: socketio::Ack: every value must convert to json
// An ack value of a type without to_json is refused where it is written, with a message that says
// why (not only nlohmann's list of the json constructors that do not fit).
#include "socketio/ack.hpp"

struct Point {  // no to_json
    int x = 0;
    int y = 0;
};

socketio::Ack where() {
    return socketio::Ack{Point{1, 2}, "ok"};
}
