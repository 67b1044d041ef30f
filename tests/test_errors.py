"""The exception tree: how a problem and an error read when the CLI prints them."""

from __future__ import annotations

import pytest

from briefgen.errors import (
    BriefgenError, ChartError, Problem, RenderError, SourceError, SpecError, TemplateError,
    WarningsRefused,
)


@pytest.mark.parametrize(("problem", "shown"), [
    (Problem("brief.yaml", 12, "sections[0].title", "empty"), "brief.yaml:12 sections[0].title: empty"),
    (Problem("brief.yaml", None, "title", "missing"), "brief.yaml title: missing"),
    (Problem("brief.yaml", 3, "", "not a mapping"), "brief.yaml:3: not a mapping"),
    (Problem(None, None, "charts[1]", "no data"), "charts[1]: no data"),
    (Problem(None, None, "", "nothing to say"), "nothing to say"),
])
def test_a_problem_names_as_much_of_its_place_as_it_knows(problem: Problem, shown: str) -> None:
    assert str(problem) == shown


def test_report_is_the_headline_then_one_indented_line_per_problem() -> None:
    error = SpecError("brief.yaml: 2 problems", [
        Problem("brief.yaml", 1, "title", "empty"),
        Problem("brief.yaml", 9, "sections", "expected a list"),
    ])
    assert error.report().splitlines() == [
        "brief.yaml: 2 problems",
        "  brief.yaml:1 title: empty",
        "  brief.yaml:9 sections: expected a list",
    ]


def test_an_error_without_problems_reports_its_message_alone() -> None:
    assert SourceError("seeds/sources.yaml: not found").report() == "seeds/sources.yaml: not found"


def test_the_problems_list_is_the_errors_own() -> None:
    problems = [Problem("a", 1, "k", "m")]
    error = ChartError("x", problems)
    problems.append(Problem("b", 2, "k", "m"))
    assert len(error.problems) == 1


def test_every_user_error_is_a_briefgen_error_with_its_own_category() -> None:
    kinds = [SpecError, SourceError, ChartError, TemplateError, RenderError, WarningsRefused]
    assert all(issubclass(kind, BriefgenError) for kind in kinds)
    categories = [kind.category for kind in kinds]
    assert len(set(categories)) == len(categories)
    assert BriefgenError.category not in categories
