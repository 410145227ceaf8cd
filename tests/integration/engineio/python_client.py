"""Debian's python3-engineio client against our server: connect with one transport mode, echo
text and binary both ways, then disconnect. Run with /usr/bin/python3 (the one that sees
python3-engineio):

    /usr/bin/python3 python_client.py <base-url> <polling|websocket|upgrade>

Prints JSON lines ({"event": "open", "sid": ..., "transport": ...}); exits non-zero on failure.
"""
import json
import queue
import sys
import time
import urllib.parse

import engineio


def report(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def wait_until_writer_idle(client, timeout=5):
    """Waits until python-engineio's write loop has finished its last request and is blocked
    reading its queue again. Its disconnect() queues the CLOSE and then marks the client
    disconnecting; a write loop still waiting for the answer to the previous POST then sees that
    state and exits without sending the CLOSE (python-engineio 4.3.4), and the held GET is only
    answered by the next ping, 25 s later. The echo can arrive on the GET before that POST's "ok".
    """
    deadline = time.monotonic() + timeout
    while client.queue.unfinished_tasks or not client.queue.not_empty._waiters:
        assert time.monotonic() < deadline, "the write loop stayed busy"
        time.sleep(0.005)


def main():
    base, mode = sys.argv[1], sys.argv[2]
    url = urllib.parse.urlsplit(base)
    transports = {"polling": ["polling"], "websocket": ["websocket"],
                  "upgrade": ["polling", "websocket"]}[mode]
    received = queue.Queue()
    client = engineio.Client()
    client.on("message", lambda data: received.put(data))
    client.connect(f"{url.scheme}://{url.netloc}", transports=transports,
                   engineio_path=url.path)
    if mode == "upgrade":
        deadline = time.monotonic() + 5
        while client.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.05)
    expected_transport = "polling" if mode == "polling" else "websocket"
    assert client.transport() == expected_transport, client.transport()
    report("open", sid=client.sid, transport=client.transport())

    # (ASCII text only: python-engineio 4.3.4 sends polling bodies as Latin-1.)
    for message in ["hello", "a=1&b=2 {}", b"\x00\x01\xfe\xff", "x" * 3000]:
        client.send(message)
        echoed = received.get(timeout=5)
        assert echoed == message, f"sent {message!r}, got back {echoed!r}"
    wait_until_writer_idle(client)
    client.disconnect()
    report("closed")


if __name__ == "__main__":
    main()
