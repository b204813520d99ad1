"""Web page and API speed on a store of about 20,000 happenings (issue 8).

    .venv/bin/python bench/serve_speed.py [--articles 4000] [--events 5] [--keep /tmp/ew-serve.duckdb]
                                          [--requests 300] [--loads 3]

The store is built with bench/export_speed.py's generator (synthetic articles, random places, types, actors
and dates) and fused. Then ``eventwire serve`` runs as a separate process on 127.0.0.1 and:

* API: a bounded, sequential load of ``--requests`` filtered requests (events pages, map points, timeline;
  filters by country, type, actor, dates, near, bbox, free text) over HTTP; p50/p95/max wall time each.
* First paint: headless Chromium (Debian's chromium + chromedriver, through Selenium) loads the page
  ``--loads`` times; the time is the page's own ``performance.now()`` when it has drawn every point of the
  map (``window.__ewPainted``, set after outlines, stats, points and timeline are fetched and drawn).

Targets: API p95 <= 100 ms; first paint <= 2 s.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # for export_speed: the shared store generator
from eventwire.actors import load_actors
from eventwire.fusion import fuse
from eventwire.store import Store
from export_speed import synthetic_article

QUERIES = [
    "events?limit=100", "events?country=SY&limit=100", "events?type=Battles&limit=100&offset=500",
    "events?actor=Rebels&limit=50", "events?since=2021-03-01&until=2021-03-31&limit=100",
    "events?near=10,20,300&limit=100", "events?q=town%203&limit=100", "events?bbox=0,0,30,30&limit=100",
    "points?type=Protests", "points?since=2021-06-01&until=2021-06-30", "points?actor=Police",
    "points?bbox=0,0,30,30", "points", "timeline?bin=day", "timeline?bin=week&type=Battles",
    "timeline?country=SY&actor=Military", "stats",
]


def build(db: Path, articles: int, events: int) -> None:
    rng = random.Random(7)
    started = time.perf_counter()
    with Store(db) as store:
        for first in range(0, articles, 500):
            batch = [synthetic_article(n, events, rng) for n in range(first, min(first + 500, articles))]
            store.write(batch, inputs=[(a.id, a.id, a.source.path) for a in batch], run_id="bench")
        fused = fuse(store, load_actors())
    print(f"store: {articles} articles, {articles * events} events, {fused.clusters} happenings, built and "
          f"fused in {time.perf_counter() - started:.1f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "api/stats", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def api_load(url: str, requests: int) -> float:
    timings: dict[str, list[float]] = {}
    for i in range(requests):
        path = QUERIES[i % len(QUERIES)]
        started = time.perf_counter()
        with urllib.request.urlopen(url + "api/" + path, timeout=30) as response:
            response.read()
            assert response.status == 200
        timings.setdefault(path, []).append(time.perf_counter() - started)
    every = sorted(t for ts in timings.values() for t in ts)
    for path, ts in timings.items():
        print(f"  /api/{path:<45} median {statistics.median(ts) * 1000:6.1f} ms  max {max(ts) * 1000:6.1f} ms")
    p95 = every[int(0.95 * (len(every) - 1))] * 1000
    print(f"API: {len(every)} requests, p50 {statistics.median(every) * 1000:.1f} ms, p95 {p95:.1f} ms, "
          f"max {every[-1] * 1000:.1f} ms (target p95 <= 100 ms)")
    return p95


def first_paint(url: str, loads: int) -> float | None:
    if not Path("/usr/bin/chromium").exists() or not Path("/usr/bin/chromedriver").exists():
        print("first paint: skipped, /usr/bin/chromium or /usr/bin/chromedriver missing")
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    times: list[float] = []
    try:
        for _ in range(loads):
            driver.get("about:blank")
            driver.get(url)
            WebDriverWait(driver, 60).until(lambda d: d.execute_script("return window.__ewPainted"))
            painted = float(driver.execute_script("return window.__ewPainted"))
            points = driver.execute_script("return document.body.dataset.points")
            times.append(painted)
            print(f"  load: {points} points drawn at {painted:.0f} ms")
    finally:
        driver.quit()
    median = statistics.median(times)
    print(f"first paint: median {median:.0f} ms, worst {max(times):.0f} ms over {loads} loads (target <= 2000 ms)")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--events", type=int, default=5, help="events per article")
    parser.add_argument("--keep", type=Path, help="build the store here and keep it (reused when it exists)")
    parser.add_argument("--requests", type=int, default=300, help="API requests in the load (bounded)")
    parser.add_argument("--loads", type=int, default=3, help="page loads in Chromium")
    args = parser.parse_args()
    db = args.keep or Path(tempfile.mkdtemp(prefix="ew-serve-")) / "store.duckdb"
    if not db.exists():
        build(db, args.articles, args.events)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "eventwire.cli", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_up(url)
        with urllib.request.urlopen(url + "api/stats", timeout=30) as response:
            print(f"serving {db} ({response.read().decode()[:90]}…)")
        p95 = api_load(url, args.requests)
        paint = first_paint(url, args.loads)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = p95 <= 100 and (paint is None or paint <= 2000)
    print("targets met" if ok else "target missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
