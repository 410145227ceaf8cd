"""Replays cluster messages through python-socketio's own PubSubManager and prints what it did.

Usage: python_pubsub_replay.py MESSAGES_FILE SOCKETS_JSON
MESSAGES_FILE holds one published payload per line (what a socketio-cpp server published);
SOCKETS_JSON lists the sockets of this python "server": [{"sid": ..., "rooms": [...]}, ...].
Prints {"emits": [...], "disconnects": [...], "rooms": {room: [sids]}} as JSON: the events
python-socketio delivers to its clients (with the arguments its _emit_internal sends), the
disconnects it performs and its rooms afterwards. Exit status 3: python-socketio is missing.
"""
import json
import sys

try:
    import socketio
except ImportError:
    sys.exit(3)


class ReplayManager(socketio.PubSubManager):
    def __init__(self, messages):
        super().__init__()
        self.messages = messages
        self.published = []

    def _publish(self, data):
        self.published.append(data)

    def _listen(self):
        yield from self.messages


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        messages = [line for line in f.read().split("\n") if line]
    manager = ReplayManager(messages)
    server = socketio.Server(client_manager=manager, async_mode="threading")
    emits = []
    disconnects = []

    def emit_internal(eio_sid, event, data, namespace=None, id=None):
        # As Server._emit_internal: a tuple is several arguments, None none, anything else one.
        if isinstance(data, tuple):
            args = list(data)
        elif data is not None:
            args = [data]
        else:
            args = []
        emits.append({"to": eio_sid[len("eio-"):], "event": event, "args": args,
                      "namespace": namespace})

    def disconnect(sid, namespace=None, **kwargs):
        disconnects.append({"sid": sid, "namespace": namespace})

    server._emit_internal = emit_internal
    server.disconnect = disconnect
    for socket in json.loads(sys.argv[2]):
        sid = socket["sid"]
        manager.enter_room(sid, "/", None, eio_sid="eio-" + sid)
        manager.enter_room(sid, "/", sid, eio_sid="eio-" + sid)
        for room in socket.get("rooms", []):
            manager.enter_room(sid, "/", room, eio_sid="eio-" + sid)
    manager._thread()
    rooms = {}
    for room, members in manager.rooms.get("/", {}).items():
        if room is not None:
            rooms[room] = sorted(members.keys())
    print(json.dumps({"emits": emits, "disconnects": disconnects, "rooms": rooms}))


main()
