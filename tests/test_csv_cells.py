"""Tests for briefgen.csv_cells: text a spreadsheet would run as a formula is guarded, and back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefgen.csv_cells import FORMULA_STARTS, guarded, unguarded


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://example.org","x")', '\'=HYPERLINK("http://example.org","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=1+1", "''=1+1"),  # already looks guarded: guarded again, so reading gives it back
        ("Soldiers", "Soldiers"),
        ("13-2 split", "13-2 split"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_formula_starts_are_guarded_with_a_single_quote(text: str, cell: str) -> None:
    assert guarded(text) == cell
    assert unguarded(cell) == text


@given(st.text(alphabet=st.sampled_from([*FORMULA_STARTS, "'", "a", "1", " ", '"'])))
def test_guarding_never_leaves_a_formula_and_reading_undoes_it(text: str) -> None:
    cell = guarded(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert unguarded(cell) == text


def test_a_cell_a_person_wrote_is_read_as_it_is() -> None:
    assert unguarded("'Tis the season") == "'Tis the season"
    assert unguarded("Police") == "Police"
