"""The preview's build state: what one session shows after a good build, a broken save and a
fix, compared with what `check` and `build` say of the same files (no browser here)."""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefgen.errors import BriefgenError
from briefgen.pipeline import check
from briefgen.preview.session import PreviewSession
from tests.conftest import BRIEFS, REPO, SEEDS

WAIT = 90.0  # seconds: a rebuild on a loaded machine; a broken session fails, never hangs
SAMPLE = "isk-narratives.yaml"  # a sample whose sources disagree on a figure it cites


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("session-project")
    for folder in (BRIEFS, SEEDS, REPO / "templates"):
        shutil.copytree(folder, root / folder.name)
    return root / "briefs" / SAMPLE


@pytest.fixture(scope="module")
def session(spec: Path) -> Iterator[PreviewSession]:
    running = PreviewSession(spec)
    running.start()
    _wait(running, lambda s: s["status"] == "ok")
    yield running
    running.close()


def _wait(session: PreviewSession, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    changed = threading.Event()
    forget = session.listen(changed.set)
    try:
        while True:
            snapshot = session.snapshot()
            if done(snapshot):
                return snapshot
            assert changed.wait(WAIT), f"no change in {WAIT} s; last: {snapshot['status']}"
            changed.clear()
    finally:
        forget()


def _save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_pages_and_downloads_come_from_one_build(session: PreviewSession) -> None:
    snapshot = session.snapshot()
    pdf = session.download("pdf")
    assert pdf is not None and session.download("docx") is not None
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(snapshot["pages"]) == len(reader.pages)
    page = session.page(1)
    assert page is not None and page.svg.startswith(b"<svg")
    box = reader.pages[0].mediabox
    assert abs(page.width - float(box.width)) < 1 and abs(page.height - float(box.height)) < 1
    assert session.page(len(reader.pages) + 1) is None


def test_evidence_items_are_the_evidence_record(session: PreviewSession, spec: Path) -> None:
    record_file = session.download("evidence")
    assert record_file is not None
    record = json.loads(record_file.data)
    items = session.snapshot()["evidence"]
    quotes = [i for i in items if i["kind"] == "quote"]
    numbers = [i for i in items if i["kind"] == "number"]
    assert [i["key"] for i in quotes] == [q["key"] for q in record["quotes"]]
    assert [i["key"] for i in numbers] == [d["key"] for d in record["data"]]
    for item, quote in zip(quotes, record["quotes"]):
        assert item["match"] == quote["passage"]
        assert item["source"] == quote["source"] and item["where"] == f"para {quote['paragraph']}"
    assert len({i["id"] for i in items}) == len(items)
    # Each quotation's spec line is where check locates its key.
    located = check(spec).located
    assert all(i["line"] == located.line(i["key"]) for i in quotes)


def test_a_disagreement_warning_is_beside_its_item(session: PreviewSession, spec: Path) -> None:
    disagreements = check(spec).evidence.warnings
    assert disagreements, "the sample cites a figure its sources give differently"
    beside = [w for item in session.snapshot()["evidence"] for w in item["warnings"]]
    assert sorted(beside) == sorted(w for w in disagreements if "other sources give" in w)
    assert set(disagreements) <= set(session.snapshot()["warnings"])


def test_a_broken_quote_keeps_the_last_pages_and_lists_the_problems(
        session: PreviewSession, spec: Path) -> None:
    before = session.snapshot()
    original = spec.read_text(encoding="utf-8")
    excerpt = check(spec).spec.excerpts()[0]
    broken = original.replace(excerpt.quote, excerpt.quote.replace(" ", "  not ", 1), 1)
    assert broken != original
    _save(spec, broken)
    try:
        failed = _wait(session, lambda s: s["status"] == "failed")
        with pytest.raises(BriefgenError) as raised:
            check(spec)
        assert [p["text"] for p in failed["problems"]] == [str(p) for p in raised.value.problems]
        assert failed["headline"] == str(raised.value)
        assert failed["stale"] and failed["pages"] == before["pages"]
        bad = [i for i in failed["evidence"] if i["state"] == "failed"]
        assert [i["key"] for i in bad] == [f"{excerpt.key}.quote"]
        assert "not" in bad[0]["quote"]
        assert session.download("pdf") is not None  # the last good build's, still
    finally:
        _save(spec, original)
    fixed = _wait(session, lambda s: s["status"] == "ok")
    assert not fixed["stale"] and fixed["problems"] == []
    assert [p["digest"] for p in fixed["pages"]] == [p["digest"] for p in before["pages"]]


def test_an_item_is_located_in_the_pages(session: PreviewSession) -> None:
    items = session.snapshot()["evidence"]
    printed = [i for i in items if i["kind"] == "quote"]
    places = [session.locate(i["id"]) for i in printed]
    assert any(places)
    for place in filter(None, places):
        assert 1 <= place["page"] <= len(session.snapshot()["pages"]) and 0 <= place["y"] <= 1
    assert session.locate("no-such-item") is None
