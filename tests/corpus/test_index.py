"""Tests for briefgen.corpus.index: the index finds what verify_quote accepts, and only that."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from array import array
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import briefgen.corpus.catalog as catalog_module
import briefgen.corpus.index as index_module
from briefgen.corpus.catalog import ParsedCatalog, SourceCatalog
from briefgen.corpus.index import CorpusIndex, index_path, quote_runs
from briefgen.corpus.quotes import verify_quote
from briefgen.corpus.text import SourceText
from briefgen.errors import SourceError
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


# --- the catalog kept in the index ------------------------------------------------------------


def _copied_corpus(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path / "seeds" / "sources.yaml"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each catalog the index parses (rather than re-opens), in order."""
    calls: list[Path] = []
    real = catalog_module.parse_catalog

    def counting(path: Path, raw: bytes) -> ParsedCatalog:
        calls.append(path)
        return real(path, raw)

    monkeypatch.setattr(catalog_module, "parse_catalog", counting)
    return calls


def _answers(index: CorpusIndex) -> dict[str, object]:
    """Everything a command reads from an open index and its catalog, to compare two."""
    catalog = index.catalog
    return {
        "ids": catalog.ids(),
        "records": [catalog.get(sid) for sid in catalog.ids()],
        "lines": [catalog.line(sid) for sid in catalog.ids()],
        "places": [catalog.places(sid) for sid in catalog.ids()],
        "texts": [catalog.text(sid) for sid in catalog.ids() if catalog.quotable(sid)],
        "found": [index.find(quote) for _sid, quote, _n, _p in GENUINE],
        "closest": index.closest("MINUSMA has a 12-2 split of soldiers and police"),
        "claims": index.claims(),
        "paragraphs": index.paragraph_count(),
    }


def test_a_warm_open_does_not_parse_the_catalog_and_answers_as_a_cold_one(
    tmp_path: Path, parses: list[Path]
) -> None:
    path = _copied_corpus(tmp_path)
    cold = CorpusIndex.open_catalog(path, tmp_path / "cache")
    assert parses == [path] and len(cold.update.indexed) == 7
    expected = _answers(cold)
    cold.close()
    warm = CorpusIndex.open_catalog(path, tmp_path / "cache")
    assert parses == [path], "the second open re-opened the index instead of parsing"
    assert warm.update.indexed == () and warm.update.removed == ()
    assert _answers(warm) == expected
    warm.close()
    # And both are what loading the catalog itself gives.
    loaded = SourceCatalog.load(path)
    assert expected["records"] == [loaded.get(sid) for sid in loaded.ids()]
    assert expected["lines"] == [loaded.line(sid) for sid in loaded.ids()]


def test_a_changed_catalog_byte_parses_it_again(tmp_path: Path, parses: list[Path]) -> None:
    path = _copied_corpus(tmp_path)
    CorpusIndex.open_catalog(path, tmp_path / "cache").close()
    raw = path.read_bytes()
    at = raw.index(b'title: "The Emergence') + len(b'title: "The ')
    path.write_bytes(raw[:at] + b"e" + raw[at + 1:])  # "Emergence" -> "emergence": one byte
    again = CorpusIndex.open_catalog(path, tmp_path / "cache")
    assert parses == [path, path]
    assert again.catalog.get("isisk-taliban-emergence").title.startswith("The emergence")
    # Its record is part of its fingerprint: that source alone is indexed again.
    assert again.update.indexed == ("isisk-taliban-emergence",)
    again.close()


def test_a_touched_but_unchanged_catalog_is_not_parsed_again(
    tmp_path: Path, parses: list[Path]
) -> None:
    path = _copied_corpus(tmp_path)
    CorpusIndex.open_catalog(path, tmp_path / "cache").close()
    path.write_bytes(path.read_bytes())  # new stamp, same bytes: the sha256 decides
    CorpusIndex.open_catalog(path, tmp_path / "cache").close()
    assert parses == [path]


def test_a_changed_source_file_is_checked_and_indexed_again(
    tmp_path: Path, parses: list[Path]
) -> None:
    path = _copied_corpus(tmp_path)
    CorpusIndex.open_catalog(path, tmp_path / "cache").close()
    with open(path.parent / "002_9560ccf9f8c25f6d.txt", "a", encoding="utf-8") as out:
        out.write("\nA zebra crossed the Hindu Kush in 2031.\n")
    changed = CorpusIndex.open_catalog(path, tmp_path / "cache")
    assert parses == [path] and changed.update.indexed == ("ft-isisk-2021",)
    [match] = changed.find("A zebra crossed the Hindu Kush")
    assert match.source_id == "ft-isisk-2021"
    assert changed.paragraph(match.source_id, match.paragraph) == (
        changed.catalog.text("ft-isisk-2021").paragraph(match.paragraph).text)
    changed.close()


def test_a_source_file_broken_after_indexing_is_kept_broken_as_loading_keeps_it(
    tmp_path: Path,
) -> None:
    path = _copied_corpus(tmp_path)
    cache = tmp_path / "cache"
    CorpusIndex.open_catalog(path, cache).close()
    text_file = path.parent / "002_9560ccf9f8c25f6d.txt"
    good = text_file.read_bytes()
    text_file.write_bytes(b"Title\n\nCaf\xe9 au lait\n")
    loaded = SourceCatalog.load(path)
    [source_id] = loaded.broken_ids()
    warm = CorpusIndex.open_catalog(path, cache)
    assert warm.catalog.broken_ids() == [source_id] == warm.broken_ids()
    assert warm.catalog.broken(source_id) == loaded.broken(source_id)
    [problem] = warm.catalog.broken(source_id)
    assert problem.key == "sources[4].file" and "is not UTF-8" in problem.message
    assert not warm.catalog.quotable(source_id)
    assert source_id in warm.update.removed  # no longer searched
    warm.close()
    # Kept broken on the next run, warm (searching only) too, without re-reading the file.
    again = CorpusIndex.open_search(path, cache)
    assert again.broken_ids() == [source_id] and again.update.indexed == ()
    assert again.catalog.broken(source_id) == loaded.broken(source_id)
    again.close()
    # Repaired, it is read and searched again.
    text_file.write_bytes(good)
    repaired = CorpusIndex.open_catalog(path, cache)
    assert repaired.broken_ids() == [] and repaired.update.indexed == (source_id,)
    assert repaired.catalog.quotable(source_id)
    repaired.close()


def test_a_corrupt_index_file_is_rebuilt(tmp_path: Path) -> None:
    path = _copied_corpus(tmp_path)
    cache = tmp_path / "cache"
    CorpusIndex.open_catalog(path, cache).close()
    index_path(path, cache).write_bytes(b"not an SQLite database\n" * 200)
    rebuilt = CorpusIndex.open_catalog(path, cache)
    assert len(rebuilt.update.indexed) == 7
    assert {m.source_id for m in rebuilt.find("13 US service members")} == {
        "isisk-taliban-emergence"}
    rebuilt.close()


def test_rows_the_index_did_not_write_are_a_message_and_rebuilt(
    tmp_path: Path, parses: list[Path]
) -> None:
    path = _copied_corpus(tmp_path)
    cache = tmp_path / "cache"
    CorpusIndex.open_catalog(path, cache).close()
    with sqlite3.connect(index_path(path, cache)) as db:
        db.execute("UPDATE entries SET record = '{\"id\": 5}' WHERE source_id = 'un-mali-future'")
    opened = CorpusIndex.open_catalog(path, cache)
    with pytest.raises(SourceError, match="is damaged"):
        opened.catalog.get("un-mali-future")
    opened.close()
    again = CorpusIndex.open_catalog(path, cache)  # parsed and stored afresh
    assert len(parses) == 2 and again.catalog.get("un-mali-future").title
    again.close()
    with sqlite3.connect(index_path(path, cache)) as db:
        db.execute("UPDATE meta SET value = x'00' WHERE key = 'file_stamps'")
    CorpusIndex.open_catalog(path, cache).close()  # caught on opening: rebuilt at once
    assert len(parses) == 3


def test_building_on_two_cores_indexes_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copied_corpus(tmp_path)
    alone = CorpusIndex.open_catalog(path, tmp_path / "one")
    expected = _answers(alone)
    alone.close()
    monkeypatch.setattr(index_module, "_PARALLEL_FROM", 1)
    real = index_module._rows_of
    pids = tmp_path / "pids"

    def rows_of(text: SourceText, *args: object) -> object:
        with open(pids, "a", encoding="utf-8") as out:  # the workers' lists are their own
            out.write(f"{os.getpid()}\n")
        return real(text, *args)

    monkeypatch.setattr(index_module, "_rows_of", rows_of)
    both = CorpusIndex.open_catalog(path, tmp_path / "two")
    workers = set(pids.read_text(encoding="utf-8").split())
    assert str(os.getpid()) not in workers and workers, "indexed in worker processes"
    assert _answers(both) == expected
    both.close()


def test_a_search_of_an_unchanged_corpus_loads_no_catalog(
    tmp_path: Path, parses: list[Path]
) -> None:
    path = _copied_corpus(tmp_path)
    cache = tmp_path / "cache"
    cold = CorpusIndex.open_catalog(path, cache)
    expected = [_answers(cold)[key] for key in ("found", "closest", "claims")]
    cold.close()
    search = CorpusIndex.open_search(path, cache)
    assert [[search.find(quote) for _sid, quote, _n, _p in GENUINE],
            search.closest("MINUSMA has a 12-2 split of soldiers and police"),
            search.claims()] == expected
    # Its catalog (for find's page locators) is the one the index holds, made unparsed.
    records = [search.catalog.get(sid) for sid in search.catalog.ids()]
    assert parses == [path]
    loaded = SourceCatalog.load(path)
    assert records == [loaded.get(sid) for sid in loaded.ids()]
    search.close()
    parses.clear()
    parses.append(path)
    # A changed source file: the search opens the catalog (from the index) and re-indexes.
    with open(path.parent / "002_9560ccf9f8c25f6d.txt", "a", encoding="utf-8") as out:
        out.write("\nA zebra crossed the Hindu Kush in 2031.\n")
    changed = CorpusIndex.open_search(path, cache)
    assert changed.update.indexed == ("ft-isisk-2021",) and parses == [path]
    assert [m.source_id for m in changed.find("A zebra crossed")] == ["ft-isisk-2021"]
    changed.close()


def test_a_tampered_paragraph_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = _copied_corpus(tmp_path)
    cache = tmp_path / "cache"
    CorpusIndex.open_catalog(path, cache).close()
    with sqlite3.connect(index_path(path, cache)) as db:
        db.execute("UPDATE paragraphs SET text = x'00'")  # TEXT affinity keeps a blob
    opened = CorpusIndex.open_search(path, cache)
    with pytest.raises(SourceError, match="is damaged"):
        opened.find("13 US service members")
    opened.close()
    rebuilt = CorpusIndex.open_search(path, cache)  # marked, so rebuilt
    assert {m.source_id for m in rebuilt.find("13 US service members")} == {
        "isisk-taliban-emergence"}
    rebuilt.close()


def test_stamps_taken_in_two_processes_are_those_taken_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copied_corpus(tmp_path)
    files = sorted(p.name for p in path.parent.glob("*.txt")) + ["missing.txt"]
    alone = index_module._stamps_of(path.parent, files)
    monkeypatch.setattr(index_module, "_FORK_STAT_FROM", 1)
    assert index_module._file_stamps(path.parent, files) == alone
    assert alone[-index_module._STAMP_BYTES:] == array("q", [-1] * 5).tobytes()


def test_two_processes_building_one_cold_index_index_each_source_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copied_corpus(tmp_path)
    cache = tmp_path / "cache"
    real = index_module._work
    other: list[CorpusIndex] = []

    def work_while_another_builds(*args: object) -> object:
        results = real(*args)  # type: ignore[arg-type]
        if not other:  # the other process finishes first, from the same empty index
            monkeypatch.setattr(index_module, "_work", real)
            other.append(CorpusIndex.open_catalog(path, cache))
            other[0].close()
        return results

    monkeypatch.setattr(index_module, "_work", work_while_another_builds)
    late = CorpusIndex.open_catalog(path, cache)
    assert late.update.indexed == ()  # the other had indexed every source already
    alone = CorpusIndex.open_catalog(_copied_corpus(tmp_path / "alone"), tmp_path / "c2")
    assert late.paragraph_count() == alone.paragraph_count()
    assert [len(late.find(q)) for _s, q, _n, _p in GENUINE] == [
        len(alone.find(q)) for _s, q, _n, _p in GENUINE]
    late.close()
    alone.close()


# --- stored texts, originals and topics, through the index ------------------------------------


def test_a_stored_text_is_searched_and_a_changed_original_breaks_only_its_source(
    tmp_path: Path, parses: list[Path]
) -> None:
    from tests.corpus.paged import ON_PAGE_3, write_paged_project

    path = write_paged_project(tmp_path)
    cache = tmp_path / "cache"
    cold = CorpusIndex.open_catalog(path, cache)
    assert [m.source_id for m in cold.find(ON_PAGE_3)] == ["mission-report"]
    # The stamps cover the original beside its stored text.
    assert {p.name for p in cold.source_files()} == {"plain.txt", "report.pdf",
                                                      "report.pdf.text.txt"}
    expected = cold.catalog.text("mission-report")
    cold.close()
    warm = CorpusIndex.open_search(path, cache)
    assert warm.update.indexed == () and warm.catalog.text("mission-report") == expected
    warm.close()
    original = path.parent / "report.pdf"
    good = original.read_bytes()
    original.write_bytes(good + b"changed\n")
    changed = CorpusIndex.open_search(path, cache)
    assert changed.broken_ids() == ["mission-report"] and parses == [path]
    assert changed.find(ON_PAGE_3) == []
    assert changed.catalog.broken("mission-report") == SourceCatalog.load(path).broken(
        "mission-report")
    [problem] = changed.catalog.broken("mission-report")
    assert problem.key == "sources[1].sha256" and "changed since its text" in problem.message
    assert changed.catalog.quotable("plain-source")
    changed.close()
    original.write_bytes(good)
    restored = CorpusIndex.open_catalog(path, cache)
    assert restored.broken_ids() == [] and restored.update.indexed == ("mission-report",)
    restored.close()


def test_a_changed_stored_text_is_indexed_again(tmp_path: Path) -> None:
    from tests.corpus.paged import write_paged_project

    path = write_paged_project(tmp_path)
    cache = tmp_path / "cache"
    CorpusIndex.open_catalog(path, cache).close()
    stored = path.parent / "report.pdf.text.txt"
    stored.write_text(stored.read_text(encoding="utf-8") + "\nA zebra line at the end.\n",
                      encoding="utf-8")
    changed = CorpusIndex.open_search(path, cache)
    assert changed.update.indexed == ("mission-report",)
    assert [m.source_id for m in changed.find("A zebra line at the end.")] == ["mission-report"]
    changed.close()


def test_a_search_notices_new_topics(tmp_path: Path) -> None:
    from tests.conftest import ROOTS

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOTS / "figures-corpus", corpus)
    cache = tmp_path / "cache"
    first = CorpusIndex.open_catalog(corpus / "sources.yaml", cache)
    assert not any(c.topic for c in first.claims())
    first.close()
    (corpus / "figures.yaml").write_text(
        "topics:\n  - id: ferry-deaths\n    name: Ferry\n    context: [Sela Mara]\n"
        "    counted: [passengers, people died]\n", encoding="utf-8")
    again = CorpusIndex.open_search(corpus / "sources.yaml", cache)
    assert len(again.update.indexed) == 6
    assert {(c.source_id, c.low) for c in again.claims() if c.topic == "ferry-deaths"} == {
        ("orune-ferry-inquiry", 63), ("orune-weekly", 71)}
    assert again.topics.topics[0].id == "ferry-deaths"
    again.close()
