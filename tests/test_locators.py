"""Citation locators against the places their sources have (briefgen.locators)."""

from __future__ import annotations

import pytest

from briefgen.locators import locator_problem, quoted_pages_problem

TEXT = {"paragraph": 8}  # a text source: numbered paragraphs, no pages
PAGED = {"paragraph": 8, "page": 20}  # what a source with pages (a PDF) would offer


@pytest.mark.parametrize("locator", ["para 1", "para 8", "paras 3-5", "paras. 3\u20135",
                                     "para 1, 3", "paras 2 and 4", "¶ 2", "paragraph 7", ""])
def test_places_the_source_has_pass(locator: str) -> None:
    assert locator_problem("src", locator, TEXT) == ""


@pytest.mark.parametrize(("locator", "says"), [
    ("para 9", "source 'src' has 8 paragraphs; paragraph 9 is past its end"),
    ("paras 7-9", "source 'src' has 8 paragraphs; paragraph 9 is past its end"),
    ("para 2, 99", "paragraph 99 is past its end"),
    ("para 0", "paragraphs are numbered from 1; there is no paragraph 0"),
    ("para 5-3", "the range '5-3' runs backwards"),
    ("para iv", "expected paragraph numbers from 1 to 8 (4, 3-5 or 1, 3) but received 'iv'"),
    ("p. 3", "source 'src' has no pages, only paragraphs (1 to 8); cite a paragraph as "
             "[@src, para N]"),
    ("3", "(a number without a label is a page)"),
    ("sec. 2", "source 'src' has no sections, only paragraphs (1 to 8)"),
    ("§ 2", "source 'src' has no sections, only paragraphs (1 to 8)"),
    ("paragrph 1", "unknown label 'paragrph' (did you mean 'paragraph'?)"),
    ("para", "locator 'para' has no value after its label"),
])
def test_places_the_source_lacks_are_named(locator: str, says: str) -> None:
    assert says in locator_problem("src", locator, TEXT)


def test_only_a_bare_number_is_explained_as_a_page() -> None:
    assert "without a label" not in locator_problem("src", "§ 2", TEXT)
    assert "without a label" not in locator_problem("src", "p. 2", TEXT)


def test_a_source_with_pages_can_be_cited_by_page() -> None:
    assert locator_problem("src", "p. 12", PAGED) == ""
    assert locator_problem("src", "pp. 19-21", PAGED) == (
        "source 'src' has 20 pages; page 21 is past its end")


def test_a_source_of_unknown_places_takes_any_well_formed_locator() -> None:
    assert locator_problem("src", "p. 300", None) == ""
    assert "unknown label" in locator_problem("src", "slide 3", None)


# --- pages as printed ------------------------------------------------------------------------

LABELS = ("i", "ii", "1", "2", "3")  # front matter in roman, the body from 1


@pytest.mark.parametrize("locator", ["p. 1", "p. ii", "pp. 1-3", "pp. 1\u20132", "pp. ii-2",
                                     "pp. 1, 3", "3", "page 2", "para 8"])
def test_printed_pages_pass(locator: str) -> None:
    assert locator_problem("src", locator, {"page": 5, "paragraph": 8}, LABELS) == ""


@pytest.mark.parametrize(("locator", "says"), [
    ("p. 9", "source 'src' has no page '9'; its pages are printed i, ii, 1, 2, 3"),
    ("p. iv", "has no page 'iv'"),
    ("pp. 3-1", "the range '3-1' runs backwards"),
    ("pp. 2-ii", "runs backwards"),
])
def test_pages_the_source_does_not_print_are_named(locator: str, says: str) -> None:
    assert says in locator_problem("src", locator, {"page": 5, "paragraph": 8}, LABELS)


@pytest.mark.parametrize(("locator", "pages", "says"), [
    ("p. 2", ("2",), ""),
    ("pp. 1-3", ("2",), ""),           # a range that holds the page is right
    ("pp. 1\u20132", ("1", "2"), ""),
    ("para 4", ("2",), ""),            # a paragraph locator is not a page claim
    ("p. 3", ("2",), "the quotation is on p. 2 of its source, not p. 3; cite it as p. 2"),
    ("p. 1", ("1", "2"), "the quotation is on pp. 1\u20132 of its source, not p. 1; cite it "
                         "as pp. 1\u20132"),
    ("p. 9", ("2",), ""),              # no such page: check_locators says so, once
])
def test_a_typed_page_must_be_where_the_quotation_is(locator: str, pages: tuple[str, ...],
                                                     says: str) -> None:
    assert quoted_pages_problem(locator, pages, LABELS) == says
