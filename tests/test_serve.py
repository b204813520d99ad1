"""The web API through the in-process application: filters, paging, validation, ids, static files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from eventwire.serve import App

pytestmark = pytest.mark.model  # the sample store is built by the pipeline


@pytest.fixture(scope="module")
def app(sample_store: Path) -> Iterator[App]:
    application = App(sample_store)
    yield application
    application.close()


def get(app: App, target: str, status: int = 200) -> Any:
    code, headers, body = app.get(target)
    assert code == status, body[:300]
    assert dict(headers)["Content-Type"].startswith("application/json")
    return json.loads(body)


def test_stats_counts_what_the_store_holds(app: App, sample_store: Path) -> None:
    stats = get(app, "/api/stats")
    with duckdb.connect(str(sample_store), read_only=True) as con:
        clusters = con.execute("SELECT count(*) FROM clusters").fetchone()[0]  # type: ignore[index]
    assert stats["articles"] == 11 and stats["happenings"] == clusters > 0
    assert sum(c["count"] for c in stats["countries"]) <= clusters
    assert {"Kenya", "Syria"} <= {c["country"] for c in stats["countries"]}


def test_events_filters_agree_with_the_store(app: App, sample_store: Path) -> None:
    every = get(app, "/api/events?limit=1000")
    assert every["total"] == len(every["events"])
    syria = get(app, "/api/events?country=SY&limit=1000")
    assert 0 < syria["total"] < every["total"]
    assert {e["country_code"] for e in syria["events"]} == {"SY"}
    assert get(app, "/api/events?country=syria&limit=1000")["total"] == syria["total"]
    battles = get(app, "/api/events?type=Battles&limit=1000")["events"]
    assert battles and {e["event_type"] for e in battles} == {"Battles"}
    dated = get(app, "/api/events?since=2019-03-01&until=2019-03-31&limit=1000")["events"]
    assert dated and all("2019-03-01" <= e["date"][:10] <= "2019-03-31" for e in dated)
    lat, lon = syria["events"][0]["lat"], syria["events"][0]["lon"]
    near = get(app, f"/api/events?near={lat},{lon},50&limit=1000")["events"]
    assert near and all(abs(e["lat"] - lat) < 1 and abs(e["lon"] - lon) < 1 for e in near)
    assert get(app, f"/api/events?near={lat + 10},{lon},50&limit=1000")["total"] < len(near) or lat > 80
    box = get(app, "/api/events?bbox=30,-5,50,5&limit=1000")["events"]
    assert box and all(30 <= e["lon"] <= 50 and -5 <= e["lat"] <= 5 for e in box)
    text = get(app, "/api/events?q=nairobi&limit=1000")["events"]
    assert text and all("nairobi" in json.dumps(e).lower() for e in text)
    sdf = get(app, "/api/events?actor=SDF&limit=1000")["events"]
    assert sdf and all("Syrian Democratic Forces" in f"{e['actor1']} {e['actor2']}" for e in sdf)


def test_paging_walks_every_happening_once(app: App) -> None:
    total = get(app, "/api/events?limit=1")["total"]
    seen = []
    for offset in range(0, total, 7):
        page = get(app, f"/api/events?limit=7&offset={offset}")
        assert page["total"] == total and page["offset"] == offset
        seen += [e["cluster_id"] for e in page["events"]]
    assert len(seen) == len(set(seen)) == total
    assert get(app, f"/api/events?offset={total}")["events"] == []


def test_points_and_timeline_follow_the_filters(app: App) -> None:
    points = get(app, "/api/points?country=SY")
    assert points["fields"][:3] == ["id", "lat", "lon"]
    assert len(points["rows"]) == get(app, "/api/events?country=SY&limit=1")["total"]
    assert all(0 <= row[3] < len(points["types"]) for row in points["rows"])
    days = get(app, "/api/timeline")
    assert days["bin"] == "day" and sum(n for _d, n in days["counts"]) <= get(app, "/api/stats")["happenings"]
    weeks = get(app, "/api/timeline?bin=week")["counts"]
    assert sum(n for _d, n in weeks) == sum(n for _d, n in days["counts"])
    assert all(__import__("datetime").date.fromisoformat(d).weekday() == 0 for d, _n in weeks)


def test_one_event_and_its_articles_with_evidence(app: App) -> None:
    first = get(app, "/api/events?type=Battles&limit=1")["events"][0]
    event = get(app, f"/api/events/{first['cluster_id']}")
    assert event["cluster_id"] == first["cluster_id"] and event["members"]
    member = event["members"][0]
    article = get(app, f"/api/articles/{member['article_id']}")
    text = article["text"]
    triggers = [s for s in article["spans"] if s["kind"] == "trigger" and s["event_id"] == member["event_id"]]
    assert len(triggers) == 1 and text[triggers[0]["start"]:triggers[0]["end"]] == member["trigger"]
    kinds = {s["kind"] for s in article["spans"]}
    assert {"trigger", "sentence", "actor", "place", "time"} <= kinds
    assert all(0 <= s["start"] < s["end"] <= len(text) for s in article["spans"])


@pytest.mark.parametrize("target, message", [
    ("/api/events?near=1,2", "near"),
    ("/api/events?near=100,0,5", "near"),
    ("/api/events?near=a,b,c", "near"),
    ("/api/events?near=nan,0,5", "near"),
    ("/api/events?since=2019-13-01", "since"),
    ("/api/events?since=yesterday", "since"),
    ("/api/events?until=2019-02-30", "until"),
    ("/api/events?since=2020-01-02&until=2020-01-01", "since"),
    ("/api/events?limit=0", "limit"),
    ("/api/events?limit=5000", "limit"),
    ("/api/events?limit=-1", "limit"),
    ("/api/events?offset=x", "offset"),
    ("/api/events?bbox=1,2,3", "bbox"),
    ("/api/events?bbox=0,10,10,5", "bbox"),
    ("/api/events?country=a&country=b", "country"),
    ("/api/events?colour=red", "colour"),
    ("/api/timeline?bin=month", "bin"),
    ("/api/stats?x=1", "x"),
    ("/api/events?q=" + "x" * 300, "q"),
    ("/api/events/bad%20id", "id"),
    ("/api/events?" + "&".join(f"q{i}=1" for i in range(60)), "50 parameters"),
])
def test_bad_parameters_get_a_400_with_a_message(app: App, target: str, message: str) -> None:
    body = get(app, target, 400)
    assert message in body["error"] and "Traceback" not in body["error"]


def test_unknown_ids_and_paths_are_404(app: App) -> None:
    assert "no happening" in get(app, "/api/events/0000000000000000", 404)["error"]
    assert "no article" in get(app, "/api/articles/0000000000", 404)["error"]
    assert get(app, "/api/nothing", 404)["status"] == 404


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/..%2Fapp.py", "/static/%2e%2e/app.py",
                                  "/static//etc/passwd", "/../../etc/passwd", "/static/app.py",
                                  "/static/.%2e/__init__.py", "/static/sub/app.js", "/etc/passwd"])
def test_static_files_refuse_traversal(app: App, path: str) -> None:
    code, _headers, body = app.get(path)
    assert code == 404 and b"import" not in body and b"root:" not in body


def test_static_files_and_page_are_served(app: App) -> None:
    for path, kind in (("/", "text/html"), ("/static/app.js", "text/javascript"), ("/static/app.css", "text/css")):
        code, headers, body = app.get(path)
        assert code == 200 and dict(headers)["Content-Type"].startswith(kind) and body
        assert "default-src 'self'" in dict(headers)["Content-Security-Policy"]
    # The page builds every piece of data with textContent; no innerHTML anywhere in our script.
    script = (Path(__file__).parents[1] / "src/eventwire/serve/static/app.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_errors_inside_a_handler_are_a_500_without_a_traceback(sample_store: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail at /home/x")

    fresh = App(sample_store)
    try:
        monkeypatch.setattr(fresh, "stats", broken)
        body = get(fresh, "/api/stats", 500)
        assert body["error"].startswith("internal error") and "secret" not in json.dumps(body)
    finally:
        fresh.close()


def test_a_repeated_query_is_answered_from_the_cache_within_its_bound(
        sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import eventwire.serve.app as app_module

    fresh = App(sample_store)
    try:
        first = fresh.get("/api/events?limit=3&country=SY")
        calls: list[object] = []
        monkeypatch.setattr(fresh, "events", lambda *a, **k: calls.append(a) or {})
        assert fresh.get("/api/events?country=SY&limit=3") == first and not calls  # same query, any order
        assert get(fresh, "/api/events?country=SY&limit=4") == {} and len(calls) == 1  # another query is asked
        monkeypatch.setattr(app_module, "CACHE_BYTES", 8 * len(first[2]))
        for limit in range(5, 40):
            fresh.get(f"/api/timeline?bin=day&since=2000-01-{limit % 28 + 1:02d}")
        assert fresh._answer_bytes <= app_module.CACHE_BYTES
    finally:
        fresh.close()


def test_only_get_and_head(app: App) -> None:
    status, _h, body = app.handle("POST", "/api/stats", "")
    assert status == 405 and json.loads(body)["error"]
    assert app.wsgi_get("/api/stats")[0] == "200 OK"


def test_store_is_opened_read_only(app: App) -> None:
    with pytest.raises(duckdb.Error):
        app.store.con.execute("CREATE TABLE x (a INTEGER)")


def test_cli_get_prints_the_body_and_fails_on_errors(sample_store: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "eventwire.cli", "serve", "--db", str(sample_store), "--get",
                         "/api/events?country=SY&limit=2"], check=False, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and len(json.loads(ok.stdout)["events"]) == 2
    bad = subprocess.run([sys.executable, "-m", "eventwire.cli", "serve", "--db", str(sample_store), "--get",
                          "/api/events?since=nope"], check=False, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "since" in json.loads(bad.stdout)["error"]


@pytest.fixture(scope="module")
def served(sample_store: Path) -> Iterator[tuple[str, int]]:
    """The real server (the standard library's, as ``eventwire serve`` runs it) on a free loopback port."""
    import threading

    from eventwire.serve.server import make

    server, application = make(sample_store, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield str(server.server_address[0]), int(server.server_address[1])
    server.shutdown()
    server.server_close()
    application.close()


def raw(address: tuple[str, int], request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (no client normalises the path) and read the status and the body."""
    import socket

    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    if not data.startswith(b"HTTP/"):  # refused before the request line was understood: an HTTP/0.9 answer,
        code = re.search(rb"Error code: (\d+)", data)  # the standard library's error page with no headers
        return (int(code.group(1)) if code else 0), data
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_the_server_binds_to_loopback_by_default(served: tuple[str, int]) -> None:
    assert served[0] == "127.0.0.1"
    from eventwire.cli import _parser

    assert _parser().parse_args(["serve"]).host == "127.0.0.1"


@pytest.mark.parametrize(("request_line", "status"), [
    (b"GET /static/../server.py HTTP/1.0", 404),
    (b"GET /static/..%2f..%2fcli.py HTTP/1.0", 404),
    (b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.0", 404),
    (b"GET /api/events?q=" + b"x" * 5000 + b" HTTP/1.0", 400),
    (b"GET /api/events?" + b"&".join(b"a%d=1" % i for i in range(500)) + b" HTTP/1.0", 400),
    (b"GET /api/events?since=" + b"9" * 100 + b" HTTP/1.0", 400),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.0", 414),  # longer than the server reads in a request line
    (b"NONSENSE", 400),
    (b"GET /api/stats HTTP/9.9", 505),
    (b"DELETE /api/events HTTP/1.0", 405),
])
def test_hostile_requests_over_the_socket_get_a_4xx_and_no_internals(
        served: tuple[str, int], request_line: bytes, status: int) -> None:
    code, body = raw(served, request_line + b"\r\nHost: x\r\n\r\n")
    assert code == status, body[:200]
    assert b"Traceback" not in body and b"import " not in body and b"root:" not in body
    assert raw(served, b"GET /api/stats HTTP/1.0\r\n\r\n")[0] == 200  # and it goes on serving


def test_the_server_lets_a_run_write_and_then_shows_what_it_wrote(sample_store: Path, tmp_path: Path) -> None:
    import shutil
    import time

    db = tmp_path / "store.duckdb"
    shutil.copy(sample_store, db)
    fresh = App(db, idle_seconds=0.2)
    try:
        before = get(fresh, "/api/stats")["happenings"]
        time.sleep(1.0)  # idle: the server has let go of the file
        writer = subprocess.Popen(  # another process, as `eventwire run` is: it can open the file to write
            [sys.executable, "-c", ("import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('open', flush=True); "
             "sys.stdin.readline(); con.execute('DELETE FROM clusters WHERE cluster_id = "
             "(SELECT min(cluster_id) FROM clusters)'); con.close(); print('done', flush=True)"), str(db)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdin is not None
        assert writer.stdout.readline().strip() == "open"
        busy = get(fresh, "/api/stats", 503)  # while it writes: a clear 503, the page and outlines still served
        assert "eventwire run" in busy["error"] and fresh.get("/")[0] == 200 and fresh.get("/api/outlines")[0] == 200
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "done" and writer.wait(30) == 0
        assert get(fresh, "/api/stats")["happenings"] == before - 1  # the cached answer was dropped
    finally:
        fresh.close()
