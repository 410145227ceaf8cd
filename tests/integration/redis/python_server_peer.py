"""A python-socketio server in a Redis cluster, with one python-socketio client of its own.

Usage: /usr/bin/python3 python_server_peer.py REDIS_URL CHANNEL ROOM EVENTS

Runs Debian's python3-socketio Server with RedisManager(REDIS_URL, channel=CHANNEL) on a threaded
WSGI server on 127.0.0.1 (a free port), connects a socketio.Client to it (polling), puts the
client's socket in ROOM, prints {"event": "ready", "sid": SID} and then one line per event the
client receives: {"event": "got", "name": ..., "args": [...]} (bytes as {"binary": [...]}), in
the order its handlers ran (python's client runs each on a thread of its own: any order).
An event that asks for an ack is answered with ["answer", NAME, ARGS...]. Exits 0 after EVENTS
events and a quiet 300 ms (a duplicate would be seen), 1 after 20 s, 3 when python-socketio is
missing. Run with /usr/bin/python3: the python3 on PATH does not see Debian's packages.
"""
import json
import sys
import threading
import time

try:
    import socketio
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
    from socketserver import ThreadingMixIn
except ImportError:
    sys.exit(3)

url, channel, room, wanted = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def plain(value):
    if isinstance(value, (bytes, bytearray)):
        return {"binary": list(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


output = threading.Lock()


def report(event, **fields):
    # The client runs each event's handler on a thread of its own: one whole line at a time.
    with output:
        sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
        sys.stdout.flush()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


server = socketio.Server(client_manager=socketio.RedisManager(url, channel=channel),
                         async_mode="threading")


@server.on("connect")
def on_connect(sid, environ):
    server.enter_room(sid, room)


http = make_server("127.0.0.1", 0, socketio.WSGIApp(server), server_class=ThreadingWSGIServer,
                   handler_class=QuietHandler)
threading.Thread(target=http.serve_forever, daemon=True).start()

client = socketio.Client(reconnection=False)
received = []
last = [time.monotonic()]


@client.on("*")
def on_any(name, *args):
    report("got", name=name, args=plain(list(args)))
    received.append(name)
    last[0] = time.monotonic()
    return ("answer", name) + tuple(args)


client.connect("http://127.0.0.1:%d" % http.server_port, transports=["polling"])
report("ready", sid=client.get_sid())
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    if len(received) >= wanted and time.monotonic() - last[0] > 0.3:
        client.disconnect()
        sys.exit(0)
    time.sleep(0.02)
print("timed out: %d of %d events" % (len(received), wanted), file=sys.stderr, flush=True)
sys.exit(1)
