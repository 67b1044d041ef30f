"""Tests for briefgen.corpus.index: the index finds what verify_quote accepts, and only that."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.index import CorpusIndex, quote_runs
from briefgen.corpus.quotes import verify_quote
from tests.corpus.conftest import SEEDS
from tests.corpus.test_quotes import ALTERED, GENUINE, _restyle, spans


@pytest.fixture(scope="module")
def index(catalog: SourceCatalog, tmp_path_factory: pytest.TempPathFactory) -> CorpusIndex:
    return CorpusIndex.open(catalog, tmp_path_factory.mktemp("index"))


@pytest.mark.parametrize(("source_id", "quote", "paragraph", "passage"), GENUINE)
def test_every_genuine_quote_is_found_where_it_stands(
    index: CorpusIndex, source_id: str, quote: str, paragraph: int, passage: str | None
) -> None:
    places = {(m.source_id, m.paragraph) for m in index.find(quote)}
    assert (source_id, paragraph) in places


@pytest.mark.parametrize(("source_id", "quote"), ALTERED)
def test_no_altered_quote_is_found_in_its_source(
    index: CorpusIndex, source_id: str, quote: str
) -> None:
    assert all(m.source_id != source_id for m in index.find(quote))


def test_find_agrees_with_verify_quote_on_every_source(
    index: CorpusIndex, catalog: SourceCatalog
) -> None:
    quote = "13 US service members"
    expected = {sid for sid in catalog.ids() if verify_quote(quote, catalog.text(sid))}
    assert {m.source_id for m in index.find(quote)} == expected == {"isisk-taliban-emergence"}


def test_runs_leave_out_words_a_bracket_may_change() -> None:
    assert quote_runs("[t]he group recruits") == [["group", "recruits"]]
    assert quote_runs("One of [IS-K]'s greatest … strengths") == [
        ["one", "of"], ["s", "greatest"], ["strengths"]]
    assert quote_runs("[sic]") == []


def test_closest_passages_point_at_the_misquote(index: CorpusIndex) -> None:
    near = index.closest("MINUSMA has a 12-2 split of soldiers and police")
    assert near[0].source_id == "un-mali-future" and near[0].paragraph == 10
    assert "13-2 split" in near[0].passage and near[0].score >= 90
    assert [n.score for n in near] == sorted((n.score for n in near), reverse=True)


_PROPERTY = settings(max_examples=100, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow,
                                            HealthCheck.function_scoped_fixture])


@_PROPERTY
@given(data=st.data())
def test_any_span_is_found_by_the_index(
    index: CorpusIndex, catalog: SourceCatalog, data: st.DataObject
) -> None:
    source_id, number, span = data.draw(spans(catalog))
    assume(re.search(r"\w", span))
    quote = _restyle(data, span)
    found = {(m.source_id, m.paragraph) for m in index.find(quote)}
    direct = verify_quote(quote, catalog.text(source_id))
    assert direct is not None and (source_id, direct.paragraph) in found


def test_only_changed_sources_are_read_again(tmp_path: Path) -> None:
    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    cache = tmp_path / "cache"
    first = CorpusIndex.open(SourceCatalog.load(corpus / "sources.yaml"), cache)
    assert first.update.kept == 0 and len(first.update.indexed) == 7
    first.close()
    again = CorpusIndex.open(SourceCatalog.load(corpus / "sources.yaml"), cache)
    assert again.update.indexed == () and again.update.kept == 7
    again.close()
    # 002 holds one source; append a paragraph to a copy (the seeds themselves never change).
    with open(corpus / "002_9560ccf9f8c25f6d.txt", "a", encoding="utf-8") as out:
        out.write("\nA zebra crossed the Hindu Kush in 2031.\n")
    changed = CorpusIndex.open(SourceCatalog.load(corpus / "sources.yaml"), cache)
    assert changed.update.indexed == ("ft-isisk-2021",) and changed.update.kept == 6
    assert [m.source_id for m in changed.find("A zebra crossed the Hindu Kush")] == [
        "ft-isisk-2021"]
    changed.close()


def test_claims_are_read_again_when_the_topics_change(tmp_path: Path) -> None:
    from tests.conftest import ROOTS

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOTS / "figures-corpus", corpus)
    cache = tmp_path / "cache"
    first = CorpusIndex.open(SourceCatalog.load(corpus / "sources.yaml"), cache)
    assert not any(c.topic for c in first.claims())
    first.close()
    (corpus / "figures.yaml").write_text(
        "topics:\n  - id: ferry-deaths\n    name: Ferry\n    context: [Sela Mara]\n"
        "    counted: [passengers, people died]\n", encoding="utf-8")
    again = CorpusIndex.open(SourceCatalog.load(corpus / "sources.yaml"), cache)
    assert len(again.update.indexed) == 6  # every source: its claims depend on the topics
    assert {(c.source_id, c.low) for c in again.claims() if c.topic == "ferry-deaths"} == {
        ("orune-ferry-inquiry", 63), ("orune-weekly", 71)}
    counts = again.corpus_claims().terms
    assert counts.paragraphs == again.paragraph_count() and counts.counts["t:orune"] >= 2
    again.close()
