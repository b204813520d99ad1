"""The DuckDB store: idempotent, transactional per batch, remembers inputs and runs."""

from __future__ import annotations

import pytest

from eventwire.errors import StoreError
from eventwire.records import Article, Entity, Problem, Section, Source, content_id
from eventwire.store import RunSummary, Store


def _article(text: str, *, n_entities: int = 2) -> Article:
    return Article(id=content_id(text), source=Source(path=f"{text[:5]}.txt"), text=text,
                   sections=(Section(kind="body", start=0, end=len(text)),),
                   entities=tuple(Entity(text=text[:1], label="GPE", start=0, end=1) for _ in range(n_entities)))


def test_store_write_twice_adds_nothing() -> None:
    batch = [_article("Alpha story."), _article("Beta story.")]
    with Store(":memory:") as store:
        store.write(batch, inputs=[("h1", batch[0].id, "a"), ("h2", batch[1].id, "b")], run_id="r1")
        first = store.counts()
        store.write(batch, inputs=[("h1", batch[0].id, "a"), ("h2", batch[1].id, "b")], run_id="r2")
        assert store.counts() == first
        assert first["articles"] == 2 and first["entities"] == 4 and first["inputs"] == 2


def test_store_rewrite_replaces_span_rows() -> None:
    with Store(":memory:") as store:
        store.write([_article("Gamma story.", n_entities=3)], inputs=[], run_id="r1")
        store.write([_article("Gamma story.", n_entities=1)], inputs=[], run_id="r2")
        assert store.counts()["entities"] == 1


def test_store_failed_batch_stores_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(":memory:") as store:
        original = store._insert_spans

        def broken(table: str, *args: object) -> None:
            if table == "entities":
                store.con.execute("INSERT INTO no_such_table VALUES (1)")
            original(table, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(store, "_insert_spans", broken)
        with pytest.raises(StoreError, match="nothing of it was stored"):
            store.write([_article("Delta story.")], inputs=[("h", "x", "p")], run_id="r")
        assert store.counts()["articles"] == 0 and store.counts()["sections"] == 0
        assert store.counts()["inputs"] == 0


def test_store_done_inputs_depends_on_version_and_model() -> None:
    article = _article("Epsilon story.")
    with Store(":memory:") as store:
        store.write([article], inputs=[("h1", article.id, "a")], run_id="r")
        model = article.extractor.model or ""
        assert store.done_inputs(["h1", "h2"], version=article.extractor.version, model=model) == {"h1"}
        assert store.done_inputs(["h1"], version="other", model=model) == set()


def test_store_runs_and_problems_are_kept() -> None:
    problem = Problem(severity="error", code="EW103", where="x.bin", message="binary")
    with Store(":memory:") as store:
        store.start_run("r1", config={"model": "m"}, version="1", model="m", gazetteer=None)
        store.add_problems("r1", [problem])
        store.finish_run(RunSummary(run_id="r1", inputs=1, stored=0, skipped=0, failed=1, problems=(problem,)))
        assert store.problems() == [problem]
        row = store.con.execute("SELECT failed, config->>'model' FROM runs").fetchone()
        assert row == (1, "m")


def test_store_missing_database_read_only_says_what_to_do(tmp_path: object) -> None:
    with pytest.raises(StoreError, match="eventwire run"):
        Store(f"{tmp_path}/none.duckdb", read_only=True)
