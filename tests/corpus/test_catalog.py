"""Tests for briefgen.corpus.catalog: the seed catalog's records and every kind of bad catalog."""

from __future__ import annotations

import hashlib
import os
import textwrap
from pathlib import Path

import pytest

from briefgen.corpus.catalog import (
    MAX_CATALOG_BYTES,
    MAX_NODES,
    MAX_REPEATED,
    MAX_SOURCES,
    Person,
    SourceCatalog,
    max_nodes,
)
from briefgen.errors import Problem, SourceError

from .conftest import CATALOG, SEEDS

SEED_IDS = [
    "isisk-taliban-emergence",
    "un-mali-future",
    "isk-peace-process",
    "newarab-taliban-isk-2023",
    "ft-isisk-2021",
    "ali-isisk-renewed-threat",
    "kumar-isisk-first-blood",
]


# --- the seed catalog ------------------------------------------------------------------------


def test_seed_catalog_has_exactly_the_agreed_ids(catalog: SourceCatalog) -> None:
    assert catalog.ids() == SEED_IDS
    assert catalog.path == CATALOG


def test_membership_and_unknown_ids(catalog: SourceCatalog) -> None:
    assert "un-mali-future" in catalog
    assert "un-mali" not in catalog
    with pytest.raises(KeyError):
        catalog.get("un-mali")
    with pytest.raises(KeyError):
        catalog.text("un-mali")


@pytest.mark.parametrize(
    ("source_id", "file", "authors", "container", "date", "type_"),
    [
        ("isisk-taliban-emergence", "000_510f991e798c4a6e.txt", (), "", "", "webpage"),
        ("un-mali-future", "000_510f991e798c4a6e.txt", (), "", "", "webpage"),
        ("isk-peace-process", "000_510f991e798c4a6e.txt", (), "", "", "webpage"),
        ("newarab-taliban-isk-2023", "001_5d1e88d8945dea5b.txt",
         (Person("Fenton-Harvey", "Jonathan"),), "The New Arab", "2023-05-03",
         "article-newspaper"),
        ("ft-isisk-2021", "002_9560ccf9f8c25f6d.txt", (), "Financial Times", "",
         "article-newspaper"),
        ("ali-isisk-renewed-threat", "003_08414819bec02379.txt", (Person("Ali", "Faizan"),), "",
         "", "report"),
        ("kumar-isisk-first-blood", "004_1dbf526cc40aa5d1.txt", (Person("Kumar", "Rohan"),),
         "American Kahani", "", "article-magazine"),
    ],
)
def test_seed_records(
    catalog: SourceCatalog,
    source_id: str,
    file: str,
    authors: tuple[Person, ...],
    container: str,
    date: str,
    type_: str,
) -> None:
    record = catalog.get(source_id)
    assert record.id == source_id
    assert record.file == file
    assert record.authors == authors
    assert record.container_title == container
    assert record.date == date  # only the New Arab states a date; none is guessed
    assert record.type == type_
    assert record.language == "en"
    assert record.url == ""


def test_only_the_three_articles_of_000_have_a_start(catalog: SourceCatalog) -> None:
    starts = {sid: catalog.get(sid).start for sid in SEED_IDS if catalog.get(sid).start}
    assert starts == {
        "isisk-taliban-emergence": "The Emergence and Expansion of ISIS-K and the Taliban",
        "un-mali-future": "The United Nations in Africa: Mali’s Challenging Future",
        "isk-peace-process": "The Islamic State of Khorasan and the Afghan Peace Process",
    }


def test_text_is_built_once(catalog: SourceCatalog) -> None:
    assert catalog.text("un-mali-future") is catalog.text("un-mali-future")


def test_a_text_source_is_cited_by_its_paragraphs_only(catalog: SourceCatalog) -> None:
    for source_id in catalog.ids():
        if catalog.quotable(source_id):
            count = len(catalog.text(source_id).paragraphs)
            assert catalog.places(source_id) == {"paragraph": count} and count > 0


def test_a_source_without_text_has_no_known_places(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - {id: no-text, file: '', title: T, type: report, authors: [],\n"
        "     container_title: '', publisher: '', date: '', url: ''}\n", encoding="utf-8")
    assert SourceCatalog.load(tmp_path / "sources.yaml").places("no-text") is None


def test_000_is_split_into_three_slices_that_add_up_to_the_file(catalog: SourceCatalog) -> None:
    raw = (SEEDS / "000_510f991e798c4a6e.txt").read_bytes()
    cut_2 = raw.index("The United Nations in Africa: Mali’s".encode())
    cut_3 = raw.index(b"The Islamic State of Khorasan and the Afghan Peace Process")
    slices = [raw[:cut_2], raw[cut_2:cut_3], raw[cut_3:]]
    ids = ["isisk-taliban-emergence", "un-mali-future", "isk-peace-process"]
    for source_id, piece in zip(ids, slices, strict=True):
        assert catalog.text(source_id).sha256 == hashlib.sha256(piece).hexdigest()


def test_single_article_files_hash_the_whole_file(catalog: SourceCatalog) -> None:
    raw = (SEEDS / "001_5d1e88d8945dea5b.txt").read_bytes()
    assert catalog.text("newarab-taliban-isk-2023").sha256 == hashlib.sha256(raw).hexdigest()


def test_start_line_may_use_straight_quotes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("First\n\nOne.\n\nMali’s Future\n\nTwo.\n", encoding="utf-8")
    path = _catalog(tmp_path, """
        sources:
          - {id: a, file: a.txt, start: "First", title: First, type: webpage}
          - {id: b, file: a.txt, start: "Mali's Future", title: "Mali's Future", type: webpage}
    """)
    catalog = SourceCatalog.load(path)
    assert [p.text for p in catalog.text("a").paragraphs] == ["One."]
    assert [p.text for p in catalog.text("b").paragraphs] == ["Two."]


def test_scalars_stay_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("T\n\nP\n", encoding="utf-8")
    path = _catalog(tmp_path, """
        sources:
          - id: a
            file: a.txt
            title: T
            type: webpage
            date: 2021-08-26
            language: no
            authors:
    """)
    record = SourceCatalog.load(path).get("a")
    assert record.date == "2021-08-26"  # not a datetime.date
    assert record.language == "no"  # Norwegian, not False
    assert record.authors == ()


# --- bad catalogs ----------------------------------------------------------------------------


def _catalog(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(SourceError) as raised:
        SourceCatalog.load(path)
    assert raised.value.category == "source"
    return raised.value.problems


def _broken(path: Path, source_id: str = "a") -> list[Problem]:
    """The problems of a source that loads as broken: the catalog loads, its text does not."""
    catalog = SourceCatalog.load(path)
    assert not catalog.quotable(source_id)
    assert catalog.broken_ids() == [source_id]
    with pytest.raises(SourceError) as raised:
        catalog.text(source_id)
    assert list(raised.value.problems) == list(catalog.broken(source_id))
    return list(catalog.broken(source_id))


@pytest.mark.parametrize(
    ("entry", "line", "key", "message"),
    [
        ("{id: a, file: missing.txt, title: T, type: webpage}", 2, "sources[0].file",
         "source file not found"),
        ("{id: a, file: a.txt, start: Nowhere, title: T, type: webpage}", 2, "sources[0].start",
         "no line of a.txt reads 'Nowhere'"),
    ],
)
def test_entry_whose_file_fails_is_broken_not_fatal(
    tmp_path: Path, entry: str, line: int, key: str, message: str
) -> None:
    (tmp_path / "a.txt").write_text("T\n\nP\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("T\n\nP\n", encoding="utf-8")
    path = _catalog(tmp_path, f"sources:\n  - {entry}\n"
                              "  - {id: b, file: b.txt, title: T, type: webpage}\n")
    [problem] = _broken(path)
    assert (problem.file, problem.line, problem.key) == (str(path), line, key)
    assert message in problem.message
    # The other source is untouched.
    assert SourceCatalog.load(path).text("b").paragraphs[0].text == "P"


GOOD = "{id: a, file: a.txt, title: T, type: webpage}"


@pytest.mark.parametrize(
    ("entry", "line", "key", "message"),
    [
        ("{id: a, file: a.txt, title: T, type: webpage, containr_title: X}", 2,
         "sources[0].containr_title", "did you mean 'container_title'?"),
        ("{id: a, file: a.txt, title: T}", 2, "sources[0]", "missing required key 'type'"),
        ("{id: a, file: a.txt, title: '', type: webpage}", 2, "sources[0].title",
         "expected text but received an empty string"),
        ("{id: a, file: a.txt, title: T, type: webpage, date: 3 May 2023}", 2, "sources[0].date",
         "expected YYYY-MM-DD, YYYY-MM, YYYY"),
        ("{id: a, file: a.txt, title: T, type: webpage, date: 2021-02-30}", 2, "sources[0].date",
         "'2021-02-30' is not a real date: day 30 is not 1-28: February 2021 has 28 days"),
        ("{id: a, file: a.txt, title: T, type: webpage, date: 2021-13}", 2, "sources[0].date",
         "'2021-13' is not a real date: month 13 is not 1-12"),
        ("{id: a, file: a.txt, title: T, type: webpage, accessed: 2024-04-31}", 2,
         "sources[0].accessed", "'2024-04-31' is not a real date: day 31 is not 1-30: April"),
        ("{id: a, file: a.txt, title: T, type: article-newspapr}", 2, "sources[0].type",
         "but received the text 'article-newspapr'; did you mean 'article-newspaper'?"),
        ("{id: Un Mali, file: a.txt, title: T, type: webpage}", 2, "sources[0].id",
         "lowercase letters"),
        ("{id: a, file: a.txt, title: T, type: webpage, authors: Ali}", 2, "sources[0].authors",
         "expected a list"),
        ("{id: a, file: a.txt, title: T, type: webpage, authors: [{given: Faizan}]}", 2,
         "sources[0].authors[0]", "missing required key 'family'"),
        ("{id: a, file: a.txt, title: T, type: webpage, authors: [Faizan Ali]}", 2,
         "sources[0].authors[0]",
         "expected a mapping (with family) but received the text 'Faizan Ali'"),
        ("{id: a, file: a.txt, title: [T], type: webpage}", 2, "sources[0].title",
         "expected text"),
        ("just text", 2, "sources[0]", "expected a mapping"),
        ("{id: a, file: a.txt, title: T, type: webpage, accessed: 2024-01}", 2,
         "sources[0].accessed", "expected the day it was read, YYYY-MM-DD"),
        ("{id: a, file: '', start: T, title: T, type: webpage}", 2, "sources[0].start",
         "a source without a file has no article to start"),
        ("{id: a, file: '', title: T, type: webpage, file: a.txt}", 2, "sources[0].file",
         "key given twice"),
    ],
)
def test_bad_entry(tmp_path: Path, entry: str, line: int, key: str, message: str) -> None:
    (tmp_path / "a.txt").write_text("T\n\nP\n", encoding="utf-8")
    path = _catalog(tmp_path, f"sources:\n  - {entry}\n")
    problems = _problems(path)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.line, problem.key) == (str(path), line, key)
    assert message in problem.message
    assert str(problem).startswith(f"{path}:{line} {key}: ")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("T\n\nP\n", encoding="utf-8")
    path = _catalog(tmp_path, f"""
        sources:
          - {GOOD}
          - {GOOD}
          - id: c
            file: c.txt
            title: T
            type: webpage
            date: someday
    """)
    problems = _problems(path)
    # Entries are checked first, then ids across entries; the bad entry c is not looked up.
    assert [(p.line, p.key) for p in problems] == [(8, "sources[2].date"), (3, "sources[1].id")]
    assert "duplicate id 'a'" in problems[1].message


def test_sources_sharing_a_file_each_need_a_start(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One\n\nP\n\nTwo\n\nQ\n", encoding="utf-8")
    path = _catalog(tmp_path, """
        sources:
          - {id: a, file: a.txt, start: One, title: One, type: webpage}
          - {id: b, file: a.txt, title: Two, type: webpage}
    """)
    [problem] = _problems(path)
    assert (problem.line, problem.key) == (3, "sources[1].start")
    assert "holds several sources" in problem.message


def test_start_not_found_suggests_the_nearest_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The United Nations in Africa\n\nP\n", encoding="utf-8")
    path = _catalog(tmp_path, """
        sources:
          - {id: a, file: a.txt, start: The United Nations of Africa, title: T, type: webpage}
    """)
    [problem] = _broken(path)
    assert "Did you mean 'The United Nations in Africa'?" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("- just\n- a list\n", 1, "", "expected a mapping (with sources) but received a list of 2"),
        ("source:\n  - {id: a}\n", 1, "source", "did you mean 'sources'?"),
        ("sources: {id: a}\n", 1, "sources", "expected a list but received a mapping"),
        ("sources:\n  - {id: a, file: a.txt\n", 3, "", ""),  # YAML syntax error
        ("", None, "", "expected a mapping"),
    ],
)
def test_bad_top_level(
    tmp_path: Path, text: str, line: int | None, key: str, message: str
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    problems = _problems(path)
    assert (problems[0].line, problems[0].key) == (line, key)
    assert message in problems[0].message


def test_missing_catalog(tmp_path: Path) -> None:
    [problem] = _problems(tmp_path / "nope.yaml")
    assert problem.message == "no such file"


def test_source_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Title\n\nCaf\xe9\n")
    path = _catalog(tmp_path, f"sources:\n  - {GOOD}\n")
    [problem] = _broken(path)
    assert "not UTF-8" in problem.message and "line 3" in problem.message


def test_csl_fields_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("T\n\nP\n", encoding="utf-8")
    path = _catalog(tmp_path, """
        sources:
          - id: a
            file: a.txt
            title: "The Emergence and Expansion of ISIS-K"
            sentence_case_title: "The emergence and expansion of ISIS-K"
            short_title: "Emergence of ISIS-K"
            type: webpage
            accessed: "2024-01-15"
        """)
    record = SourceCatalog.load(path).get("a")
    assert record.sentence_case_title == "The emergence and expansion of ISIS-K"
    assert (record.short_title, record.accessed) == ("Emergence of ISIS-K", "2024-01-15")


def test_a_source_without_a_file_is_citable_not_quotable(tmp_path: Path) -> None:
    path = _catalog(tmp_path, """
        sources:
          - id: imported
            file: ""
            title: "A report we hold no text of"
            type: report
        """)
    catalog = SourceCatalog.load(path)
    assert catalog.ids() == ["imported"] and not catalog.quotable("imported")
    with pytest.raises(SourceError) as raised:
        catalog.text("imported")
    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.key) == (str(path), 2, "sources[0].file")
    assert "cited but not quoted" in str(raised.value)


def test_seed_titles_in_headline_case_carry_a_sentence_case_form(catalog: SourceCatalog) -> None:
    for source_id in catalog.ids():
        record = catalog.get(source_id)
        words = record.title.split()
        headline = sum(w[:1].isupper() for w in words[1:]) > len(words) // 2
        if headline:
            assert record.sentence_case_title, source_id
            assert record.sentence_case_title.lower() == record.title.lower()


def test_a_thousand_sources_sharing_one_file_load_in_linear_time(tmp_path: Path) -> None:
    import time

    count = 1000
    articles = "".join(f"Bulletin number {n}\n\nIn week {n} the ferry ran {n % 7} times.\n\n"
                       for n in range(count))
    (tmp_path / "bulletins.txt").write_text(articles, encoding="utf-8")
    entries = "".join(f"  - id: bulletin-{n}\n    type: report\n    title: Bulletin {n}\n"
                      f"    file: bulletins.txt\n    start: Bulletin number {n}\n"
                      for n in range(count))
    (tmp_path / "sources.yaml").write_text("sources:\n" + entries, encoding="utf-8")
    started = time.monotonic()
    catalog = SourceCatalog.load(tmp_path / "sources.yaml")
    assert time.monotonic() - started < 5  # was 30 s: every start searched every line again
    assert len(catalog.ids()) == count
    assert "ran 3 times" in " ".join(p.text for p in catalog.text("bulletin-500").paragraphs)


def test_the_catalog_refuses_yaml_tags_as_a_spec_does(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("T\n\nP\n", encoding="utf-8")
    path = _catalog(tmp_path, "sources:\n  - {id: a, file: a.txt, title: !!python/name:os.system "
                              "'', type: webpage}\n")
    with pytest.raises(SourceError) as raised:
        SourceCatalog.load(path)
    assert str(raised.value) == f"{path}: the source catalog uses YAML features briefgen refuses"
    [problem] = raised.value.problems
    assert (problem.line, problem.key) == (2, "sources[0].title")
    assert "YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed" in problem.message


# --- scale -----------------------------------------------------------------------------------


def test_a_generated_catalog_of_10000_sources_loads_under_its_limit(tmp_path: Path) -> None:
    from benchmarks.catalog_scale import write_corpus

    path, _quotes = write_corpus(tmp_path, 10_000, texts=False)
    size = path.stat().st_size
    assert 1024 * 1024 < size < MAX_CATALOG_BYTES  # refused at 1 MiB before
    assert MAX_CATALOG_BYTES >= MAX_SOURCES * size // 10_000  # and 100,000 such entries fit
    catalog = SourceCatalog.load(path)
    assert len(catalog.ids()) == 10_000
    last = catalog.get("s009999")
    assert last.authors and last.date and last.url == "https://example.org/9999"
    assert catalog.line("s009999") == path.read_text(encoding="utf-8").splitlines().index(
        "  - id: s009999") + 1


def test_a_catalog_over_its_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_bytes(b"sources: []\n")
    os.truncate(path, MAX_CATALOG_BYTES + 1)  # sparse: refused by its size, never read
    with pytest.raises(SourceError) as raised:
        SourceCatalog.load(path)
    [problem] = raised.value.problems
    assert f"the limit for a source catalog is {MAX_CATALOG_BYTES:,} bytes" in problem.message


def test_an_alias_bomb_is_refused_though_the_limit_grew(tmp_path: Path) -> None:
    import time

    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    path = _catalog(tmp_path, "\n".join(levels) + "\nsources: []\n")  # 9**10 values
    started = time.monotonic()
    with pytest.raises(SourceError, match=f"repeats more than {MAX_REPEATED:,} values through "
                                          "aliases"):
        SourceCatalog.load(path)
    assert time.monotonic() - started < 10
    # And without aliases, the values of the largest catalog are bounded too.
    assert MAX_NODES <= max_nodes(MAX_CATALOG_BYTES) < 10 * MAX_NODES
