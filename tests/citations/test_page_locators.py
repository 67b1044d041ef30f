"""Page locators, as evidence makes them for a paginated source, formatted per style.

CMOS 17 §14.148: a note cites the page number alone ("12"), a range with an en dash
("12–13", §6.78); APA 7 §8.13: "p. 12", "pp. 12–13". Front matter keeps its roman numerals.
"""

from __future__ import annotations

from briefgen.citations import CitationFormatter, CitationRef, Locator
from briefgen.citations.csl import parse_locator
from briefgen.corpus.catalog import Person, SourceRecord

REPORT = SourceRecord(
    "keita", "Annual report on the mission", "report", (Person("Keita", "Awa"),), "",
    "Institute for Sahel Studies", "2023-05-04", "", "report.pdf",
)


def _plain(runs) -> str:  # type: ignore[no-untyped-def]
    return "".join(getattr(run, "text", "") or getattr(run, "url", "") for run in runs)


def _cite(formatter: CitationFormatter, locator: Locator) -> str:
    return _plain(formatter.cite([CitationRef("keita", locator)]))


def test_evidence_makes_page_locators_with_an_en_dash() -> None:
    assert Locator.pages("12", "12") == Locator("page", "12")
    assert Locator.pages("12", "13") == Locator("page", "12\u201313")
    # The same as a writer types them: "p. 12" and "pp. 12–13" are page locators.
    assert parse_locator("p. 12") == ("page", "12")
    assert parse_locator("pp. 12\u201313") == ("page", "12\u201313")


def test_chicago_prints_the_page_number_alone() -> None:
    chicago = CitationFormatter([REPORT], "chicago-note-bibliography")
    first = _cite(chicago, Locator.pages("12", "12"))
    assert first.endswith("(Institute for Sahel Studies, 2023), 12.")
    assert "p. 12" not in first and "page" not in first
    assert _cite(chicago, Locator.pages("12", "13")) == "Ibid., 12\u201313."
    assert _cite(chicago, Locator.pages("ii", "ii")) == "Ibid., ii."


def test_apa_prints_p_and_pp() -> None:
    apa = CitationFormatter([REPORT], "apa")
    assert _cite(apa, Locator.pages("12", "12")) == "(Keita, 2023, p. 12)"
    assert _cite(apa, Locator.pages("12", "13")) == "(Keita, 2023, pp. 12\u201313)"


def test_the_bibliography_has_no_page() -> None:
    for style in ("chicago-note-bibliography", "apa"):
        formatter = CitationFormatter([REPORT], style)
        _cite(formatter, Locator.pages("12", "13"))
        [(source_id, runs)] = formatter.bibliography()
        assert source_id == "keita" and "12" not in _plain(runs)
