"""Citeproc's answers remembered across builds: the same text as a fresh format, always."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.citations import CitationFormatter, CitationRef, Locator
from briefgen.citations import memo
from tests.citations.test_formatter import NEWS, RECORDS, REPORT, UNSIGNED

SEQUENCE = [
    [CitationRef(NEWS.id, Locator.paragraph(4))],
    [CitationRef(NEWS.id, Locator.paragraph(4))],
    [CitationRef(UNSIGNED.id)],
    [CitationRef(REPORT.id, Locator.paragraph(2)), CitationRef(NEWS.id)],
    [CitationRef(NEWS.id, Locator.paragraph(5))],
]


def run(formatter: CitationFormatter, sequence: list[list[CitationRef]]):
    notes = [formatter.cite(refs) for refs in sequence]
    return notes, formatter.bibliography()


@pytest.fixture(autouse=True)
def _fresh_process_memory() -> None:
    memo._LOADED.clear()  # each test starts as a new process would


@pytest.mark.parametrize("style", ["chicago-note-bibliography", "apa"])
def test_a_remembered_build_says_exactly_what_citeproc_says(tmp_path: Path, style: str) -> None:
    fresh = run(CitationFormatter(RECORDS, style), SEQUENCE)
    first = run(CitationFormatter(RECORDS, style, tmp_path), SEQUENCE)
    memo._LOADED.clear()
    again_formatter = CitationFormatter(RECORDS, style, tmp_path)
    again = run(again_formatter, SEQUENCE)
    assert fresh == first == again
    assert again_formatter._engine._engine is None  # citeproc was never needed


def test_an_edit_part_way_replays_the_history_into_citeproc(tmp_path: Path) -> None:
    run(CitationFormatter(RECORDS, cache_dir=tmp_path), SEQUENCE)
    edited = SEQUENCE[:2] + [[CitationRef(REPORT.id)]] + SEQUENCE[2:]
    memo._LOADED.clear()
    remembered = run(CitationFormatter(RECORDS, cache_dir=tmp_path), edited)
    assert remembered == run(CitationFormatter(RECORDS), edited)
    # The stored answers for the old order are not reused once the order changed.
    assert remembered[0][2] != run(CitationFormatter(RECORDS), SEQUENCE)[0][2]


def test_a_damaged_store_is_ignored(tmp_path: Path) -> None:
    run(CitationFormatter(RECORDS, cache_dir=tmp_path), SEQUENCE)
    for store in tmp_path.glob("*.json"):
        store.write_text("{not json", encoding="utf-8")
    memo._LOADED.clear()
    assert run(CitationFormatter(RECORDS, cache_dir=tmp_path), SEQUENCE) == run(
        CitationFormatter(RECORDS), SEQUENCE)

