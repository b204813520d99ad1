"""Sustained load on ``eventwire serve`` (issue 9): a fixed request rate for a fixed time, loopback only.

    .venv/bin/python bench/serve_load.py [--rate 200] [--seconds 60] [--db STORE] [--articles 4000]

``eventwire serve`` runs as a separate process on 127.0.0.1 over a store of about 20,000 happenings (built
with bench/serve_speed.py's generator unless ``--db`` names one). The load is open-loop: request *i* is due
at ``i / rate`` seconds and is sent by one of a pool of client threads; its latency counts from when it was
due, so a server that falls behind is charged for the queue it builds (no coordinated omission). The mix:
page loads (the same points, timeline and stats each time), filters changed at random (mostly queries not
asked before, so the server's answer cache does not carry the run), happenings and articles opened, the page
and its script, and hostile requests — path traversal, unknown parameters, an over-long value, a bad date — that
must be refused with a 4xx. An error is a 5xx, a refused or dropped connection, a timeout, or any status
other than the one expected (200 for good requests, 4xx for hostile ones).

The run is bounded: ``rate * seconds`` requests at most, and it stops at ``seconds + 30`` whatever happens.
Target: the rate held for the whole time, p99 under 250 ms, no errors. Exit 1 when missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))
from serve_speed import QUERIES, build, free_port, wait_up

HOSTILE = [  # (path, the status it must get)
    ("/static/../app.py", 404), ("/static/%2e%2e/server.py", 404), ("/../../etc/passwd", 404),
    ("/api/events?colour=red", 400), ("/api/events?q=" + "x" * 3000, 400), ("/api/events?since=2021-02-30", 400),
    ("/api/events?limit=99999", 400), ("/api/events/%27%3Bdrop", 400), ("/api/nothing", 404),
]


def targets(port: int, total: int, seed: int = 11) -> list[tuple[str, int]]:
    """``total`` requests as users make them: page loads (the same map points, timeline and stats every
    time), filters they change (random countries, types, actors, month windows, circles, pages, words, so
    most of these are queries not asked before), happenings and articles opened, and hostile requests."""
    def fetch(path: str) -> object:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        body = json.loads(conn.getresponse().read())
        conn.close()
        return body

    page = fetch("/api/events?limit=200&offset=1000")
    happenings = [e["cluster_id"] for e in page["events"]]  # type: ignore[index]
    articles = sorted({m["article_id"] for h in happenings[:40]
                       for m in fetch(f"/api/events/{h}")["members"]})  # type: ignore[index]
    stats = fetch("/api/stats")
    countries = [c["country_code"] or c["country"] for c in stats.get("countries", [])][:40]  # type: ignore[union-attr]
    types = [t["event_type"] for t in stats.get("types", [])]  # type: ignore[union-attr]
    actors = ["Rebels", "Police", "Military", "Protesters", "Civilians", "Unidentified", "Militia"]
    rng = random.Random(seed)

    def random_filters() -> str:
        parts: list[str] = []
        if rng.random() < 0.5 and countries:
            parts.append(f"country={quote(rng.choice(countries))}")
        if rng.random() < 0.4 and types:
            parts.append(f"type={quote(rng.choice(types))}")
        if rng.random() < 0.2:
            parts.append(f"actor={rng.choice(actors)}")
        if rng.random() < 0.5:
            month = rng.randint(1, 12)
            parts.append(f"since=2021-{month:02d}-{rng.randint(1, 9):02d}&until=2021-{month:02d}-{rng.randint(20, 28)}")
        if rng.random() < 0.2:
            parts.append(f"near={rng.uniform(-40, 60):.2f},{rng.uniform(-100, 120):.2f},{rng.choice((50, 200, 800))}")
        if rng.random() < 0.1:
            parts.append(f"q=town%20{rng.randint(0, 99)}")
        return "&".join(parts)

    requests: list[tuple[str, int]] = []
    for _ in range(total):
        roll = rng.random()
        if roll < 0.45:  # a page load, or a view shared by URL
            requests.append((f"/api/{rng.choice(QUERIES)}", 200) if rng.random() < 0.8
                            else (rng.choice(("/", "/static/app.js", "/static/app.css")), 200))
        elif roll < 0.85:  # a filter changed: the page asks for the list, the points and the timeline
            filters = random_filters()
            route = rng.choice(("events", "points", "timeline"))
            extra = f"&offset={100 * rng.randint(0, 5)}" if route == "events" else ""
            requests.append((f"/api/{route}?{filters}{extra}".replace("?&", "?").rstrip("?"), 200))
        elif roll < 0.95:  # a happening or an article opened
            requests.append((f"/api/events/{rng.choice(happenings)}", 200) if rng.random() < 0.6
                            else (f"/api/articles/{rng.choice(articles)}", 200))
        else:
            requests.append(rng.choice(HOSTILE))
    return requests


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
            path, expected = mix[i]
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
            wait_up(f"http://127.0.0.1:{port}/")
            mix = targets(port, int(args.rate * args.seconds))
            result = load(port, mix, args.rate, args.seconds, args.threads)
            result["distinct_requests"] = len(set(mix))
        finally:
            server.terminate()
            server.wait(10)
    result["target"] = {"rate": args.rate, "seconds": args.seconds, "p99_ms": 250}
    print(json.dumps(result, indent=1))
    held = result["answered"] == result["requests"] and float(str(result["rate"])) >= 0.98 * args.rate
    return 0 if held and result["errors"] == 0 and float(str(result["p99_ms"])) < 250 else 1


if __name__ == "__main__":
    sys.exit(main())
