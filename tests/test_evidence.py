"""Quotations in a spec checked against their sources: all failures reported, with the nearest passage."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.corpus.catalog import SourceCatalog
from briefgen.errors import SourceError
from briefgen.evidence import verify_evidence
from briefgen.spec.loader import load_spec
from tests.conftest import SEEDS

BASE = """\
title: T
date: 2021-07-15
summary: |
  The mission is "the UN's most dangerous current peacekeeping operation" [@un-mali-future].
sections:
  - heading: H
    excerpts:
      - source: un-mali-future
        quote: "MINUSMA has a 13-2 split of soldiers and police."
      - source: ft-isisk-2021
        quote: "Last year’s UN report estimated that Isis-K had just 2,200 fighters in Afghanistan"
recommendations: [{title: t, action: a}]
"""


@pytest.fixture(scope="module")
def catalog() -> SourceCatalog:
    return SourceCatalog.load(SEEDS / "sources.yaml")


def load(tmp_path: Path, text: str):
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


def test_genuine_quotes_verify_with_paragraphs(tmp_path: Path, catalog: SourceCatalog) -> None:
    spec, located = load(tmp_path, BASE)
    evidence = verify_evidence(spec, located, catalog)
    paragraphs = sorted(v.match.paragraph for v in evidence.excerpts.values())
    assert paragraphs == [10, 16]
    assert [q.match.source_id for q in evidence.inline] == ["un-mali-future"]
    assert all(len(v.source_sha256) == 64 for v in evidence.excerpts.values())


def test_every_altered_quote_is_reported_at_once(tmp_path: Path, catalog: SourceCatalog) -> None:
    text = BASE.replace("13-2 split", "12-2 split").replace("2,200 fighters", "2,300 fighters")
    text = text.replace("most dangerous current", "least dangerous current")
    spec, located = load(tmp_path, text)
    with pytest.raises(SourceError) as err:
        verify_evidence(spec, located, catalog)
    report = err.value.report()
    assert len(err.value.problems) == 3
    assert "12-2 split" in report and "13-2 split" in report  # the quote, then the source
    assert "2,300 fighters" in report and "2,200 fighters" in report
    assert "closest passage" in report
