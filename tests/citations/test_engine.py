"""The CSL engine alone: each repair of citeproc-py that its docstring lists, seen in output."""

from __future__ import annotations

from typing import Any

from briefgen.citations.engine import CslEngine
from briefgen.citations.styles import STYLES

CHICAGO = STYLES["chicago-note-bibliography"]


def _report(item_id: str, **extra: Any) -> dict[str, Any]:
    item = {
        "id": item_id, "type": "report", "title": "Water Rights on the Upper Delta",
        "author": [{"family": "Okafor-Lindqvist", "given": "Marguerite"}],
        "publisher": "Institute for River Basins", "issued": {"date-parts": [[2024, 3, 5]]},
    }
    item.update(extra)
    return item


def _engine(*items: dict[str, Any]) -> CslEngine:
    engine = CslEngine(CHICAGO)
    for item in items:
        engine.add(item)
    return engine


def test_given_names_are_printed_whole_where_the_style_says_initialize_false() -> None:
    note = _engine(_report("a")).cite([("a", "page", "4")])
    assert "Marguerite Okafor-Lindqvist" in note
    assert "M. Okafor-Lindqvist" not in note


def test_the_same_locator_twice_in_a_row_is_plain_ibid() -> None:
    engine = _engine(_report("a"))
    engine.cite([("a", "paragraph", "4")])
    again = engine.cite([("a", "paragraph", "4")])
    # Lower case: the capital at the start of a note is html_runs' business.
    assert again == "ibid."


def test_another_locator_after_the_same_source_is_ibid_with_it() -> None:
    engine = _engine(_report("a"))
    engine.cite([("a", "paragraph", "4")])
    assert "7" in engine.cite([("a", "paragraph", "7")])


def test_data_is_escaped_so_it_cannot_pass_for_markup() -> None:
    note = _engine(_report("a", title="Q&A on <b>Rivers</b>")).cite([("a", "", "")])
    assert "Q&amp;A" in note
    assert "<b>Rivers" not in note


def test_the_bibliography_entry_carries_no_locator_of_the_first_cite() -> None:
    engine = _engine(_report("a"))
    engine.cite([("a", "paragraph", "12")])
    [(source_id, entry)] = engine.bibliography(["a"])
    assert source_id == "a"
    assert "12" not in entry
    assert "Okafor-Lindqvist, Marguerite" in entry


def test_an_unsigned_source_prints_its_publisher_once() -> None:
    item = _report("a", author=[])
    [(_, entry)] = _engine(item).bibliography(["a"])
    assert entry.count("Institute for River Basins") == 1


def test_ids_differing_in_case_stay_two_sources() -> None:
    engine = _engine(_report("FT", title="First"), _report("ft", title="Second"))
    assert "First" in engine.cite([("FT", "", "")])
    assert "Second" in engine.cite([("ft", "", "")])


def test_chicago_is_a_note_style_and_apa_is_not() -> None:
    assert _engine().is_note_style
    assert not CslEngine(STYLES["apa"]).is_note_style
