"""Naming the part of a written date that is not on the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from briefgen.dates import calendar_problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2023-13-45", "month 13 is not 1-12"),
        ("2023-00-10", "month 0 is not 1-12"),
        ("2023-06-31", "day 31 is not 1-30: June has 30 days"),
        ("2023-01-00", "day 0 is not 1-31: January has 31 days"),
        ("2023-02-29", "day 29 is not 1-28: February 2023 has 28 days"),
        ("2024-02-30", "day 30 is not 1-29: February 2024 has 29 days"),
        ("2023-13", "month 13 is not 1-12"),
        ("2021-31-12", "month 31 is not 1-12; did you mean 2021-12-31 (month before day)?"),
        ("2021-31-02", "month 31 is not 1-12"),  # 2021-02-31 is no date either
        ("0000-01-01", "year 0000 is not on the calendar; years run from 0001"),
    ],
)
def test_the_wrong_part_is_named(text: str, problem: str) -> None:
    assert calendar_problem(text) == problem


@pytest.mark.parametrize("day", [dt.date(2024, 2, 29), dt.date(2023, 12, 31), dt.date(1, 1, 1)])
def test_real_dates_have_no_problem(day: dt.date) -> None:
    assert calendar_problem(day.isoformat()) is None
    assert calendar_problem(day.isoformat()[:7]) is None
    assert calendar_problem(day.isoformat()[:4]) is None


@pytest.mark.parametrize("text", ["15/07/2021", "2021-7-15", "July 2021", ""])
def test_other_forms_are_left_to_the_caller(text: str) -> None:
    assert calendar_problem(text) is None
