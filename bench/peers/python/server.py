"""python-socketio (Debian's python3-socketio, on aiohttp) serving the bench contract
(bench/README.md), default options:
  namespace "/"; "echo" (args...) acks with the same arguments; "broadcast" (x) emits "bcast" (x)
  to every client of "/", sender included, then acks with no arguments.

  /usr/bin/python3 server.py PORT      (prints "listening on PORT" once it accepts)
"""
import asyncio
import signal
import sys

import socketio
from aiohttp import web

sio = socketio.AsyncServer()  # async_mode aiohttp; no logging
app = web.Application()
sio.attach(app)


@sio.on("echo")
async def echo(sid, *args):
    return args  # a tuple: the ack carries each element as one argument


@sio.on("broadcast")
async def broadcast(sid, payload):
    # AsyncServer.emit awaits each recipient's queue: when it returns, every client has the bcast.
    await sio.emit("bcast", payload)


async def main(port):
    runner = web.AppRunner(app, access_log=None)  # nothing logged per request
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=4096)
    await site.start()
    print(f"listening on {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
