"""Sustained load on ``eventwire serve`` (issue 9): a fixed request rate for a fixed time, loopback only.

    .venv/bin/python bench/serve_load.py [--rate 200] [--seconds 60] [--db STORE] [--articles 4000]

``eventwire serve`` runs as a separate process on 127.0.0.1 over a store of about 20,000 happenings (built
with bench/serve_speed.py's generator unless ``--db`` names one). The load is open-loop: request *i* is due
at ``i / rate`` seconds and is sent by one of a pool of client threads; its latency counts from when it was
due, so a server that falls behind is charged for the queue it builds (no coordinated omission). The mix:
filtered API queries (events pages, points, timeline, stats), one happening, one article, the page and its
script, and hostile requests — path traversal, unknown parameters, an over-long value, a bad date — that
must be refused with a 4xx. An error is a 5xx, a refused or dropped connection, a timeout, or any status
other than the one expected (200 for good requests, 4xx for hostile ones).

The run is bounded: ``rate * seconds`` requests at most, and it stops at ``seconds + 30`` whatever happens.
Target: the rate held for the whole time, p99 under 250 ms, no errors. Exit 1 when missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from serve_speed import QUERIES, build, free_port, wait_up

HOSTILE = [  # (path, the status it must get)
    ("/static/../app.py", 404), ("/static/%2e%2e/server.py", 404), ("/../../etc/passwd", 404),
    ("/api/events?colour=red", 400), ("/api/events?q=" + "x" * 3000, 400), ("/api/events?since=2021-02-30", 400),
    ("/api/events?limit=99999", 400), ("/api/events/%27%3Bdrop", 400), ("/api/nothing", 404),
]


def targets(port: int) -> list[tuple[str, int]]:
    """The request mix: each good query several times, the detail views, the page, the hostile ones."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/events?limit=20")
    page = json.loads(conn.getresponse().read())
    conn.close()
    happenings = [e["cluster_id"] for e in page["events"]][:10]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/api/events/{happenings[0]}")
    detail = json.loads(conn.getresponse().read())
    conn.close()
    articles = sorted({m["article_id"] for m in detail.get("members", [])})[:3]
    mix = [(f"/api/{q}", 200) for q in QUERIES] * 3
    mix += [(f"/api/events/{h}", 200) for h in happenings]
    mix += [(f"/api/articles/{a}", 200) for a in articles]
    mix += [("/", 200), ("/static/app.js", 200), ("/api/stats", 200)]
    return mix + HOSTILE


def load(port: int, mix: list[tuple[str, int]], rate: float, seconds: float, threads: int) -> dict[str, object]:
    total = int(rate * seconds)
    latencies: list[float] = []
    service: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    next_index = [0]
    start = time.perf_counter() + 0.5
    deadline = start + seconds + 30

    def worker() -> None:
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= total:
                return
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            if time.perf_counter() > deadline:
                with lock:
                    errors.append(f"{i}: not sent before the deadline")
                continue
            path, expected = mix[i % len(mix)]
            sent = time.perf_counter()
            problem = None
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                conn.close()
                if response.status != expected:
                    problem = f"{path[:60]}: {response.status}, expected {expected}"
                elif b"Traceback" in body:
                    problem = f"{path[:60]}: a traceback in the body"
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{path[:60]}: {type(exc).__name__} {exc}"
            done = time.perf_counter()
            with lock:
                latencies.append(done - due)
                service.append(done - sent)
                if problem:
                    errors.append(problem)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(max(0.0, deadline - time.perf_counter()))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")

    return {"requests": total, "answered": len(latencies), "seconds": round(elapsed, 1),
            "rate": round(len(latencies) / elapsed, 1), "p50_ms": round(pct(0.50), 1),
            "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1), "max_ms": round(pct(1.0), 1),
            "service_p99_ms": round(1000 * sorted(service)[int(0.99 * len(service))], 1) if service else None,
            "mean_service_ms": round(1000 * statistics.fmean(service), 1) if service else None,
            "errors": len(errors), "first_errors": errors[:5]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--db", type=Path, help="an existing store (default: build one of --articles)")
    parser.add_argument("--articles", type=int, default=4000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ew-load-") as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "store.duckdb"
            build(db, args.articles, 5)
        port = free_port()
        server = subprocess.Popen([str(Path(sys.executable).with_name("eventwire")), "serve", "--db", str(db),
                                   "--port", str(port)], stdout=subprocess.DEVNULL)
        try:
            wait_up(f"http://127.0.0.1:{port}/api/stats")
            result = load(port, targets(port), args.rate, args.seconds, args.threads)
        finally:
            server.terminate()
            server.wait(10)
    result["target"] = {"rate": args.rate, "seconds": args.seconds, "p99_ms": 250}
    print(json.dumps(result, indent=1))
    held = result["answered"] == result["requests"] and float(str(result["rate"])) >= 0.98 * args.rate
    return 0 if held and result["errors"] == 0 and float(str(result["p99_ms"])) < 250 else 1


if __name__ == "__main__":
    sys.exit(main())
