#!/usr/bin/python3
"""Writes the benchmark report of one run of scripts/bench.sh.

    /usr/bin/python3 bench/report.py DIR [--into docs/benchmarks.md]

Reads DIR/results.jsonl (one sio_loadgen line per run, plus the "case" bench.sh adds),
DIR/meta.json (machine, load, commit) and DIR/micro.json if present (Google Benchmark), and writes
DIR/benchmarks.md and DIR/bench-*.png (gnuplot); with --into, also the generated part of that file
(between its markers, the rest kept) with the charts copied next to it in img/. Every ratio is between servers of this run: the
numbers of another machine or another run are not comparable.
"""
import json
import os
import shutil
import subprocess
import sys

SERVERS = [("floor", "floor"), ("node", "Node socket.io"), ("python", "python-socketio"),
           ("cpp", "socketio-cpp")]


def median_run(rs):
    """The run whose main figure (work per server CPU-s; connects per second for a connect run)
    is the median of the repetitions: one real run stands for the case, all its columns together.
    Failed runs count as the lowest."""
    def key(r):
        if not ok(r):
            return float("-inf")
        return r["throughput"] if r.get("scenario") == "connect" else r["per_server_cpu_s"]
    ranked = sorted(rs, key=key)
    chosen = dict(ranked[(len(ranked) - 1) // 2])
    chosen["repetitions"] = len(rs)
    return chosen


def load(out):
    grouped = {}
    with open(os.path.join(out, "results.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                grouped.setdefault((r["server"], r.get("case", r["scenario"])), []).append(r)
    runs = {k: median_run(rs) for k, rs in grouped.items()}
    with open(os.path.join(out, "meta.json")) as f:
        meta = json.load(f)
    micro = None
    path = os.path.join(out, "micro.json")
    if os.path.exists(path):
        with open(path) as f:
            micro = json.load(f)
    return runs, meta, micro


def ok(r):
    return r is not None and "count" in r and r["count"] > 0


def number(v, digits=None):
    if v is None:
        return "–"
    if digits is None:
        digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2
    return f"{v:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}"


def metric(runs, server, case, key):
    r = runs.get((server, case))
    if not ok(r):
        return None
    if key == "p99":
        return r["latency_ms"]["p99"]
    v = r.get(key)
    return v if v is not None and v >= 0 else None


def summary_rows(runs, meta):
    connect_note = f"{meta['connect_clients']:,} clients"
    if meta["python_connect_clients"] != meta["connect_clients"]:
        connect_note += f"; Python {meta['python_connect_clients']:,}"
    broadcast = runs.get(("floor", "broadcast")) or runs.get(("cpp", "broadcast")) or {}
    # The last item is issue 11's goal for socketio-cpp: (kind, bound) with kind "floor" (at
    # least bound × the floor's), "floor_max" (at most bound × the floor's) or "max" (at most
    # bound, absolute).
    return [
        ("echo, 100 clients × 1 ack in flight, round trips per server CPU-s", "echo_w1",
         "per_server_cpu_s", ("floor", 0.6)),
        ("echo, 100 clients × 16 acks in flight, round trips per server CPU-s", "echo_w16",
         "per_server_cpu_s", ("floor", 0.5)),
        ("echo × 16, p99 latency (ms; lower is better)", "echo_w16", "p99", ("floor_max", 3)),
        (f"broadcast to {broadcast.get('clients', 1000):,} clients (ack-paced), deliveries per "
         "server CPU-s", "broadcast", "per_server_cpu_s", ("floor", 0.8)),
        (f"connections per second ({connect_note})", "connect", "throughput", ("floor", 0.7)),
        (f"connections per server CPU-s ({connect_note})", "connect", "per_server_cpu_s", None),
        ("server memory per idle WebSocket client (KB, after the hold; lower is better)",
         "connect", "idle_rss_per_client_kb", ("max", 2.0)),
        ("… of which anonymous memory (RssAnon: heap, stacks; KB)",
         "connect", "idle_anon_per_client_kb", None),
    ]


def goal_text(goal, values):
    """Issue 11's goal for socketio-cpp in words, and whether this run meets it."""
    if goal is None:
        return "–"
    kind, bound = goal
    cpp, floor = values.get("cpp"), values.get("floor")
    if kind == "max":
        text, met = f"≤ {bound:g}", cpp is not None and cpp <= bound
    elif kind == "floor_max":
        text = f"≤ {bound:g}× floor"
        met = cpp is not None and floor is not None and cpp <= bound * floor
    else:
        text = f"≥ {bound:g}× floor"
        met = cpp is not None and floor is not None and cpp >= bound * floor
    if cpp is None or (kind != "max" and floor is None):
        return text
    return f"{text} {'✓' if met else '✗'}"


BEGIN = "<!-- scripts/bench.sh: begin (generated; edit outside these markers) -->"
END = "<!-- scripts/bench.sh: end -->"


def markdown(runs, meta, micro, charts):
    present = [(s, name) for s, name in SERVERS if any(k[0] == s for k in runs)]
    lines = []
    w = lines.append
    w("Written by `scripts/bench.sh` (issue 11) between the markers; what is outside them is "
      "kept when it runs again. One run, one machine: the ratios compare servers **within this "
      "run**; absolute numbers from another machine or another run are not comparable.")
    w("")
    w(f"- command: `{meta.get('command', 'scripts/bench.sh')}` (niceness {meta.get('nice', '?')})")
    quick = " (`--quick`: smoke-sized, not for conclusions)" if meta.get("quick") else ""
    w(f"- run: {meta['started']} → {meta['finished']}{quick}; commit `{meta['commit']}`")
    w(f"- machine: {meta['cpus']} × {meta['cpu_model']}, Linux {meta['kernel']}; "
      f"load average (1, 5, 15 min) before **{meta['load_before']}**, after "
      f"**{meta['load_after']}** — the machine is shared, so a busy neighbour shows in every "
      "column alike, but not necessarily equally")
    w(f"- peers: Node {meta['node']} with socket.io {meta['socket_io']}; python3-socketio "
      f"{meta['python_socketio']} (aiohttp) on /usr/bin/python3; the floor; socketio-cpp "
      "(`bench/servers/socketio_bench.cpp`, default options: one event loop per core)")
    repeat = meta.get("repeat", 1)
    repeated = (f"; each case run {repeat} times (the servers in turn), the run with the median "
                "figure shown" if repeat > 1 else "")
    w(f"- each scenario: {meta['warmup']} s warm-up, then {meta['seconds']} s measured; "
      f"connect: held {meta['hold']} s; 64-byte payloads; the server restarted before each"
      f"{repeated}")
    w("")
    w("## Summary")
    w("")
    header = "| work | " + " | ".join(name for _, name in present)
    has = {s for s, _ in present}
    comparisons = []
    if "cpp" in has and "floor" in has:
        comparisons.append(("cpp / floor", "floor"))
    if "cpp" in has and "node" in has:
        comparisons.append(("cpp / Node", "node"))
    header += "".join(f" | {c}" for c, _ in comparisons)
    header += " | issue 11 goal for cpp |" if "cpp" in has else " |"
    w(header)
    w("|---|" + "--:|" * (len(present) + len(comparisons)) + ("--:|" if "cpp" in has else ""))
    for label, case, key, goal in summary_rows(runs, meta):
        values = {s: metric(runs, s, case, key) for s, _ in present}
        digits = (2 if key in ("idle_rss_per_client_kb", "idle_anon_per_client_kb")
                  else 1 if key == "p99" else 0)
        row = f"| {label} | " + " | ".join(number(values[s], digits) for s, _ in present)
        row += "".join(f" | {ratio(values['cpp'], values[base])}" for _, base in comparisons)
        if "cpp" in has:
            row += f" | {goal_text(goal, values)}"
        w(row + " |")
    w("")
    w("\"per server CPU-s\" = the work done in the measured window divided by the server "
      "process's CPU seconds (user + system, all threads, summed from /proc/PID/task/*/schedstat) in that window. "
      "Higher is better except where the row says otherwise. "
      "Memory per client = (after the hold − before connecting) / clients, from /proc/PID/status: "
      "VmRSS, the goal's measure, also counts the pages of the program's code and libraries that "
      "the first connections touch (a cost paid once, not per client); RssAnon does not.")
    w("")
    for name, title in charts:
        w(f"![{title}]({name})")
        w("")
    w("## Every run")
    w("")
    w("| server | case | clients | W | per wall s | per server CPU-s | p50 ms | p90 ms | "
      "p99 ms | max ms | per client min / median / max | server CPU s | loadgen CPU s | "
      "server RSS MB | KB / client | errors | missing |")
    w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    cases = ["echo_w1", "echo_w16", "broadcast", "connect"]
    notes = []
    for s, name in present:
        for case in cases:
            r = runs.get((s, case))
            if r is None:
                continue
            if "count" not in r:
                w(f"| {name} | {case} | {r.get('clients', '')} | {r.get('window', '')} | "
                  "– | – | – | – | – | – | – | – | – | – | – | "
                  f"{r.get('errors', 1)} | – |")
                notes.append(f"{name} {case}: {r.get('first_error', 'failed')}")
                continue
            lat = r["latency_ms"]
            per_client = r["idle_rss_per_client_kb"] if case == "connect" else None
            spread = r.get("per_client")
            spread = (f"{spread['min']:,} / {spread['median']:,} / {spread['max']:,}"
                      if spread and case != "connect" else "–")
            w(f"| {name} | {case} | {r['clients']:,} | {r['window']} | {number(r['throughput'])} | "
              f"{number(r['per_server_cpu_s'] if r['per_server_cpu_s'] >= 0 else None)} | "
              f"{number(lat['p50'], 2)} | {number(lat['p90'], 2)} | {number(lat['p99'], 2)} | "
              f"{number(lat['max'], 2)} | {spread} | {number(r['server_cpu_s'], 2)} | "
              f"{number(r['loadgen_cpu_s'], 2)} | {number(r['server_rss_kb'] / 1024, 1)} | "
              f"{number(per_client, 1) if per_client is not None else '–'} | {r['errors']} | "
              f"{r['missing']} |")
            if r.get("first_error"):
                notes.append(f"{name} {case}: {r['errors']} error(s), first: "
                             f"`{r['first_error']}`")
            if case != "connect" and r["seconds"] > 0 and r["loadgen_cpu_s"] / r["seconds"] > 0.9:
                notes.append(f"{name} {case}: the load generator was busy "
                             f"{100 * r['loadgen_cpu_s'] / r['seconds']:.0f} % of the window — "
                             "it may have limited the throughput (not the per-CPU-s figure)")
    w("")
    w("\"per wall s\" of a connect run is connects per second from the first connect() to the "
      "last Socket.IO CONNECT reply; its latencies are those of whole connections (TCP, upgrade, "
      "Engine.IO open, Socket.IO CONNECT) with up to 256 in progress at once. \"per client\" is "
      "the round trips (echo) or deliveries (broadcast) each client saw in the window: an even "
      "server gives every client about the same. \"KB / client\" is "
      "(VmRSS after the hold − VmRSS before connecting) / clients. The load generator's CPU is "
      "its own getrusage over the same window.")
    connects = [(name, runs[(s, "connect")]) for s, name in present
                if ok(runs.get((s, "connect")))]
    if connects:
        w("")
        after = meta.get("after_close", 2)
        w("Server RSS (MB) around the connect runs — before connecting, right after, after the "
          f"hold, and {after} s after the load generator closed every connection (does it give "
          "memory back?):")
        w("")
        w(f"| server | clients | before | connected | after the hold | {after} s after closing |")
        w("|---|--:|--:|--:|--:|--:|")
        for name, r in connects:
            before = r["server_rss_before_kb"]
            connected = before + r["rss_per_client_kb"] * r["clients"]
            closed = r["rss_after_close_kb"]
            w(f"| {name} | {r['clients']:,} | {number(before / 1024, 1)} | "
              f"{number(connected / 1024, 1)} | {number(r['server_rss_kb'] / 1024, 1)} | "
              f"{number(closed / 1024, 1) if closed >= 0 else '–'} |")
    hold = runs.get(("cpp", "hold"))
    if hold:
        w("")
        w("Holding 19,000 WebSocket clients on one socketio-cpp process for 60 s (each answers "
          "the server's pings; a connection the server drops counts as an error), then closing "
          "them all:")
        w("")
        w("| connected | held | pings answered | errors | KB / client | RSS before | connected "
          "| 30 s after closing |")
        w("|--:|--:|--:|--:|--:|--:|--:|--:|")
        if "pings" in hold or ok(hold):
            before = hold.get("server_rss_before_kb", -1)
            closed = hold.get("rss_after_close_kb", -1)
            mb = lambda kb: number(kb / 1024, 1) if kb is not None and kb >= 0 else "–"
            w(f"| {hold.get('connected', 0):,} | 60 s | {hold.get('pings', 0):,} | "
              f"{hold.get('errors', '–')} | {number(hold.get('idle_rss_per_client_kb', -1), 1)} | "
              f"{mb(before)} MB | {mb(hold.get('server_rss_kb', -1))} MB | {mb(closed)} MB |")
        if hold.get("errors"):
            notes.append(f"socketio-cpp hold: {hold.get('first_error', 'failed')}")
    if notes:
        w("")
        w("Notes:")
        w("")
        for n in notes:
            w(f"- {n}")
    if micro:
        w("")
        w("## Micro-benchmarks (`build/release/bench/sio_micro`, Google Benchmark)")
        w("")
        w("| benchmark | time per iteration | items per second |")
        w("|---|--:|--:|")
        for b in micro.get("benchmarks", []):
            if b.get("run_type", "iteration") != "iteration":
                continue
            t = b.get("real_time", 0)
            unit = b.get("time_unit", "ns")
            ips = b.get("items_per_second")
            w(f"| {b['name']} | {t:,.1f} {unit} | {number(ips) if ips else '–'} |")
        w("")
        w("BroadcastToSessions/N: one `emit` to N in-process sessions on one loop through the "
          "in-memory adapter (sessions that only count what they get); items = deliveries.")
    w("")
    w("## Method")
    w("")
    w("- Load generator: `bench/loadgen` (`sio_loadgen`), one thread on epoll, speaking "
      "WebSocket, Engine.IO v4 and Socket.IO v5 itself with strings (no JSON library), one "
      "send() per connection per loop turn; it answers pings and checks every ack and delivery.")
    w("- echo: each client keeps W emits of `[\"echo\", <64-byte string>]` with an ack id in "
      "flight and expects the ack `[<same string>]`; latency = emit to ack.")
    w("- broadcast: client 0 emits `[\"broadcast\", \"<send time>:<seq>:…\"]` with an ack and the "
      "next one when the ack is back; every client, the sender included, must get "
      "`[\"bcast\", …]`; latency = send time to delivery; *missing* = deliveries that had not "
      "arrived 5 s after the window.")
    w("- connect: connections from 32 source addresses of the run's own (127.N.0.2…, away from "
      "the TIME_WAIT sockets of earlier runs), at most 256 handshaking at once, then held (pings "
      "answered) and closed.")
    w("- The contract every server implements (`bench/README.md`): `echo` acks with its "
      "arguments; `broadcast` emits `bcast` to every client of `/` and acks with no arguments "
      "once every client's send path has it.")
    w("- Threads: the floor and Node run one thread; python-socketio one asyncio loop; "
      "socketio-cpp one event loop per core (2 here). Per-CPU-second figures make them "
      "comparable; per-wall-second figures are shown too.")
    w("")
    return "\n".join(lines)


def gnuplot(out, name, script):
    path = os.path.join(out, name)
    with open(path + ".gp", "w") as f:
        f.write(f"set terminal pngcairo size 900,480 font 'sans,10'\nset output '{path}'\n")
        f.write(script)
    subprocess.run(["gnuplot", path + ".gp"], check=True)


def charts(out, runs):
    present = [(s, n) for s, n in SERVERS if any(k[0] == s for k in runs)]
    made = []
    if ("floor", "echo_w1") in runs and present:
        rows = [("echo×1", "echo_w1", "per_server_cpu_s"), ("echo×16", "echo_w16",
                                                             "per_server_cpu_s"),
                ("broadcast", "broadcast", "per_server_cpu_s"),
                ("connects/s", "connect", "throughput"),
                ("connects/CPU-s", "connect", "per_server_cpu_s")]
        with open(os.path.join(out, "throughput.dat"), "w") as f:
            for label, case, key in rows:
                base = metric(runs, "floor", case, key)
                vals = []
                for s, _ in present:
                    v = metric(runs, s, case, key)
                    vals.append(f"{v / base:.4f}" if v and base else "NaN")
                f.write(f"\"{label}\" " + " ".join(vals) + "\n")
        plots = ", ".join(
            (f"'{out}/throughput.dat' using {i + 2}:xtic(1) title '{n}'" if i == 0 else
             f"'' using {i + 2} title '{n}'") for i, (_, n) in enumerate(present))
        gnuplot(out, "bench-throughput.png",
                "set title 'Work per server CPU-second, relative to the floor (same run; higher is "
                "better)'\nset style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset logscale y\nset yrange [0.001:2]\n"
                "set grid ytics\nset key below horizontal\nset ylabel 'ratio to the floor (log)'\n"
                f"plot {plots}\n")
        made.append(("bench-throughput.png", "work per server CPU-second relative to the floor"))
    if any(ok(runs.get((s, "echo_w16"))) for s, _ in present):
        with open(os.path.join(out, "latency.dat"), "w") as f:
            for s, n in present:
                r = runs.get((s, "echo_w16"))
                if ok(r):
                    lat = r["latency_ms"]
                    f.write(f"\"{n}\" {lat['p50']} {lat['p90']} {lat['p99']} {lat['max']}\n")
        gnuplot(out, "bench-latency.png",
                "set title 'echo, 100 clients × 16 acks in flight: round-trip latency (lower is "
                "better)'\nset style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset logscale y\nset grid ytics\n"
                "set ylabel 'ms (log)'\nset key top left\n"
                f"plot '{out}/latency.dat' using 2:xtic(1) title 'p50', '' using 3 title 'p90', "
                "'' using 4 title 'p99', '' using 5 title 'max'\n")
        made.append(("bench-latency.png", "echo × 16 latency percentiles"))
    if any(ok(runs.get((s, "connect"))) for s, _ in present):
        with open(os.path.join(out, "memory.dat"), "w") as f:
            for s, n in present:
                r = runs.get((s, "connect"))
                if ok(r):
                    f.write(f"\"{n}\" {max(0.0, r['rss_per_client_kb'])} "
                            f"{max(0.0, r['idle_rss_per_client_kb'])}\n")
        gnuplot(out, "bench-memory.png",
                "set title 'Server memory per WebSocket client (RSS growth / clients; lower is "
                "better)'\nset style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset grid ytics\nset ylabel 'KB'\n"
                "set key top left\nset yrange [0:*]\n"
                f"plot '{out}/memory.dat' using 2:xtic(1) title 'right after connecting', "
                "'' using 3 title 'after the idle hold'\n")
        made.append(("bench-memory.png", "server memory per WebSocket client"))
    return made


def embed(path, body):
    """Puts `body` between the markers of the file at `path` (a new file: title + body)."""
    text = ""
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = f"{head}{BEGIN}\n{body}\n{END}{tail}"
    else:
        text = f"# Benchmarks\n\n{BEGIN}\n{body}\n{END}\n"
    with open(path, "w") as f:
        f.write(text)


def main():
    """report.py DIR [--into FILE]: DIR/benchmarks.md; with --into, also FILE (charts in img/)."""
    out = sys.argv[1]
    runs, meta, micro = load(out)
    made = charts(out, runs)
    embed(os.path.join(out, "benchmarks.md"), markdown(runs, meta, micro, made))
    print(f"report: {os.path.join(out, 'benchmarks.md')}")
    if len(sys.argv) > 3 and sys.argv[2] == "--into":
        into = sys.argv[3]
        img = os.path.join(os.path.dirname(into), "img")
        os.makedirs(img, exist_ok=True)
        for name, _ in made:
            shutil.copyfile(os.path.join(out, name), os.path.join(img, name))
        embed(into, markdown(runs, meta, micro, [(f"img/{n}", t) for n, t in made]))
        print(f"report: {into} and its charts in {img}/")


if __name__ == "__main__":
    main()
