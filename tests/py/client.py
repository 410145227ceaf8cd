"""Socket.IO client scenarios with Debian's python3-socketio 5.7.2 (socketio.Client).

    /usr/bin/python3 tests/py/client.py <server-url> <scenario> transport=polling|websocket

The server runs the "scenario app" (tests/js/socketio/scenarios/reference-server.mjs describes
it; tests/integration/socketio/scenario_app.cpp is ours). A scenario asserts what it gets and
exits non-zero with the failure on stderr; it reports what it saw as JSON lines on stdout
({"event": "whoami", ...}) for the C++ test. Must run with /usr/bin/python3: the python3 on PATH
does not see Debian's python3-socketio.
"""

import json
import os
import sys
import threading
import traceback

import socketio

TIMEOUT = 4  # seconds for any single wait


def report(event, **fields):
    def plain(value):
        if isinstance(value, (bytes, bytearray)):
            return {"binary": list(value)}
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    sys.stdout.write(json.dumps({"event": event, **plain(fields)}) + "\n")
    sys.stdout.flush()


def client():
    # No reconnection: a dropped connection must fail the scenario, not be papered over.
    return socketio.Client(reconnection=False)


def connect(sio, url, transport, wait_timeout=TIMEOUT, **kwargs):
    sio.connect(url, transports=[transport], wait_timeout=wait_timeout, **kwargs)
    return sio


class Inbox:
    """Collects the arguments of one event; wait() blocks until `count` arrived."""

    def __init__(self, sio, event, namespace="/"):
        self.items = []
        self.cond = threading.Condition()

        def on_event(*args):
            with self.cond:
                self.items.append(list(args))
                self.cond.notify_all()

        sio.on(event, on_event, namespace=namespace)

    def wait(self, count=1):
        with self.cond:
            ok = self.cond.wait_for(lambda: len(self.items) >= count, timeout=TIMEOUT)
        assert ok, "expected %d, got %r" % (count, self.items)
        return self.items


def call(sio, event, *args, namespace="/"):
    """Emits with an ack; returns the ack's arguments as a list."""
    done = threading.Event()
    result = []

    def on_ack(*ack_args):
        result.extend(ack_args)
        done.set()

    sio.emit(event, tuple(args), namespace=namespace, callback=on_ack)
    assert done.wait(TIMEOUT), "no ack for %r" % event
    return result


def scenario_connect_auth(url, transport):
    sio = connect(client(), url + "?token=q-1", transport,
                  headers={"X-Custom": "hdr-value", "Cookie": "flavor=mint; other=1"},
                  auth={"token": "abc", "n": 1})
    [me] = call(sio, "whoami")
    assert me["auth"] == {"token": "abc", "n": 1}, me
    assert me["token"] == "q-1", me
    assert me["custom"] == "hdr-value", me
    assert me["flavor"] == "mint", me
    assert me["address"] == "127.0.0.1", me
    assert me["transport"] == transport, me
    assert me["sid"] == sio.get_sid("/"), (me, sio.get_sid("/"))
    report("whoami", **me)
    sio.disconnect()


def scenario_refused(url, transport):
    for refuse, expected in (
            ("false", {"message": "Connection rejected by server"}),
            ("throw", {"message": "not authorized", "data": {"code": 4001, "hint": "bad token"}})):
        sio = client()
        errors = Inbox(sio, "connect_error")
        try:
            # After CONNECT_ERROR the client still waits wait_timeout once more: keep it short.
            connect(sio, url, transport, auth={"refuse": refuse}, wait_timeout=1)
        except socketio.exceptions.ConnectionError:
            pass
        else:
            raise AssertionError("connected although refused (%s)" % refuse)
        [[data]] = errors.wait()
        assert data == expected, (refuse, data)
        report("connect_error", refuse=refuse, data=data)
        sio.disconnect()


def scenario_events(url, transport):
    sio = connect(client(), url, transport)
    many = ["str", 1.5, -3, True, False, None, {"a": {"b": [1, "x", None]}}, [1, [2]], "é✓"]
    assert call(sio, "echo") == []
    assert call(sio, "echo", 42) == [42]
    assert call(sio, "echo", *many) == many
    back = Inbox(sio, "echo-back")
    sio.emit("echo-emit", tuple(many))
    assert back.wait() == [many]
    assert call(sio, "sum", 2, 3) == [5]
    assert call(sio, "ack-many") == [1, "two", {"three": 3}, [4], None, True]
    assert call(sio, "unknown-event", 1) == ["caught", "unknown-event", 1]
    # The server's emit with ack: this handler's return value is the client's ack.
    sio.on("please-ack", lambda payload: ("got", payload))
    result = Inbox(sio, "ask-result")
    sio.emit("ask", ("please-ack", {"n": 1}))
    assert result.wait() == [[{"ok": True, "args": ["got", {"n": 1}]}]], result.items
    report("ok", sid=sio.get_sid("/"))
    sio.disconnect()


def scenario_binary(url, transport):
    sio = connect(client(), url, transport)
    flat = b"\x00\x01\xff"
    nested = {"f": b"abc", "l": [b"\x01", b""]}
    assert call(sio, "echo", flat, nested, "text") == [flat, nested, "text"]
    back = Inbox(sio, "echo-back")
    sio.emit("echo-emit", (nested, flat))
    assert back.wait() == [[nested, flat]]
    assert call(sio, "ack-binary") == [
        b"\x01\x02\x03", {"nested": {"buf": b"\x04\x05", "list": [b"\x06"]}}]
    report("ok", sid=sio.get_sid("/"))
    sio.disconnect()


def scenario_room_broadcast(url, transport):
    a = connect(client(), url, transport)
    b = connect(client(), url, transport)
    inbox_a = Inbox(a, "room-msg")
    inbox_b = Inbox(b, "room-msg")
    call(a, "join", "r")
    call(b, "join", "r")
    call(a, "to-room-from-me", "r", "from-a")  # b only
    call(b, "to-rooms", ["r"], "to-all-of-r")   # a and b
    # One ack round trip each: everything broadcast before it has arrived.
    call(a, "echo")
    call(b, "echo")
    assert [m for [m] in inbox_a.items] == ["to-all-of-r"], inbox_a.items
    assert [m for [m] in inbox_b.items] == ["from-a", "to-all-of-r"], inbox_b.items
    report("sids", a=a.get_sid("/"), b=b.get_sid("/"))
    a.disconnect()
    b.disconnect()


def scenario_namespace(url, transport):
    sio = connect(client(), url, transport, namespaces=["/", "/chat"])
    root, chat = sio.get_sid("/"), sio.get_sid("/chat")
    assert root and chat and root != chat, (root, chat)
    [me] = call(sio, "whoami", namespace="/chat")
    assert me["nsp"] == "/chat" and me["sid"] == chat, me
    assert call(sio, "echo", "in chat", namespace="/chat") == ["in chat"]
    report("connected", nsp="/", sid=root)
    report("connected", nsp="/chat", sid=chat)
    sio.disconnect()


def scenario_server_disconnect(url, transport):
    sio = connect(client(), url, transport)
    gone = threading.Event()
    sio.on("disconnect", gone.set)
    report("connected", sid=sio.get_sid("/"))
    sio.emit("disconnect-me")
    assert gone.wait(TIMEOUT), "no disconnect"
    report("disconnect")


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    url, scenario = sys.argv[1].rstrip("/"), sys.argv[2]
    params = dict(kv.split("=", 1) for kv in sys.argv[3:])
    fn = globals().get("scenario_" + scenario)
    if fn is None:
        sys.stderr.write("unknown scenario %r\n" % scenario)
        sys.exit(2)

    def overtime():
        sys.stderr.write("scenario %r did not finish in time\n" % scenario)
        os._exit(3)

    watchdog = threading.Timer(15, overtime)
    watchdog.daemon = True
    watchdog.start()
    try:
        fn(url, params.get("transport", "websocket"))
    except Exception:  # noqa: BLE001 - every failure is reported the same way
        sys.stderr.write("scenario %r failed:\n%s" % (scenario, traceback.format_exc()))
        sys.stdout.flush()
        os._exit(1)
    report("done", scenario=scenario)
    sys.stdout.flush()
    os._exit(0)  # the client's background threads must not keep the process alive


if __name__ == "__main__":
    main()
