"""Tests for briefgen.corpus.counting: what a number counts, and which figures are one thing."""

from __future__ import annotations

import pytest

from briefgen.corpus.counting import Figure, Reading, TermCounts, group_figures, read_number


def reading(sentence: str, number: str, context: str = "", published: str = "") -> Reading:
    start = sentence.index(number)
    found = read_number(sentence, start, start + len(number), context, [], published)
    assert found is not None, sentence
    return found


def figure(source: str, sentence: str, number: str, value: float,
           published: str = "") -> Figure:
    return Figure(reading(sentence, number, published=published), source, value, value)


# Every feature rare: one paragraph in forty holds it.
TERMS = TermCounts(400, {})


@pytest.mark.parametrize(("sentence", "number", "measure", "qualifiers"), [
    ("Gunmen killed 13 Vorn service members and 180 Xelians at the port.", "13",
     "troops killed", ("Vorn",)),
    ("Gunmen killed 13 Vorn service members and 180 Xelians at the port.", "180",
     "people killed", ("Xelians",)),
    ("The Red Hand has 2,000 fighters.", "2,000", "fighters", ()),
    ("Four peacekeepers were killed and 19 wounded.", "19", "people wounded", ()),
    ("At least 30 people were reported missing.", "30", "people missing", ()),
])
def test_the_noun_and_verb_around_a_number_say_what_it_counts(
    sentence: str, number: str, measure: str, qualifiers: tuple[str, ...]
) -> None:
    found = reading(sentence, number)
    assert (found.measure, found.qualifiers) == (measure, qualifiers)


def test_names_places_and_dates_come_from_the_sentence() -> None:
    found = reading("Floods in Veldora Province in March 2025 killed 112 people.", "112")
    assert {"veldora", "province"} <= set(found.names)
    assert found.dates == ("2025-03",) and found.place_written == "in Veldora Province"


@pytest.mark.parametrize(("published", "dates"), [
    ("", ("-03",)),              # an undated source: March of any year
    ("2025-04-02", ("2025-03",)),
    ("2025-02-10", ("2024-03",)),  # a March still to come is last year's
    ("2025", ("2025-03",)),
])
def test_a_month_without_its_year_is_of_the_sources_year(
    published: str, dates: tuple[str, ...]
) -> None:
    found = reading("The March floods killed 112 people.", "112", published=published)
    assert found.dates == dates and found.date_written == "March"


def test_the_same_month_of_other_years_is_another_event() -> None:
    figures = [
        figure("a", "The March floods in Veldora Province killed 112 people.", "112", 112,
               published="2025-03-20"),
        figure("b", "The March floods in Veldora Province killed 45 people.", "45", 45,
               published="2019-04-01"),
        figure("c", "The March floods in Veldora Province killed 128 people.", "128", 128,
               published="2025-03-25"),
    ]
    assert group_figures(figures, TERMS) == [[0, 2], [1]]


def test_figures_of_one_event_from_two_sources_are_grouped() -> None:
    figures = [figure("a", "Floods in Veldora Province killed 112 people.", "112", 112),
               figure("b", "In Veldora Province, the floods killed 128 people.", "128", 128)]
    assert group_figures(figures, TERMS) == [[0, 1]]


@pytest.mark.parametrize("second", [
    # Another year.
    ("b", "Floods in Veldora Province in 2019 killed 45 people.", "45", 45),
    # Another thing counted.
    ("b", "Floods in Veldora Province displaced 112 people.", "112", 112),
    # Troops, not fighters.
    ("b", "In Veldora Province the army has 3,000 troops.", "3,000", 3000),
    # The same source giving another figure is another event.
    ("a", "In Veldora Province in March 2025 floods killed 9 people.", "9", 9),
])
def test_what_sets_figures_apart_keeps_them_apart(second: tuple[str, str, str, float]) -> None:
    first = figure("a", "Floods in Veldora Province in March 2025 killed 112 people.", "112",
                   112)
    assert group_figures([first, figure(*second)], TERMS) == [[0], [1]]


def test_qualifiers_with_no_name_in_common_are_other_things() -> None:
    figures = [figure("a", "In Veldora Province 2,000 Red Hand fighters remain.", "2,000", 2000),
               figure("b", "In Veldora Province 2,500 Black Reed fighters remain.", "2,500",
                      2500)]
    assert group_figures(figures, TERMS) == [[0], [1]]


def test_a_figure_sharing_with_one_member_only_does_not_join_the_group() -> None:
    figures = [
        figure("a", "The Sela Mara ferry from Port Vess sank; 63 passengers died.", "63", 63),
        figure("b", "The Sela Mara ferry sank on Lake Orune and 71 people died.", "71", 71),
        # Shares "Port Vess" with the first only: enough for a link to it, not to the group.
        figure("c", "A storm in Port Vess killed 5 people.", "5", 5),
    ]
    terms = TermCounts(400, {"t:port": 30, "t:vess": 30})
    assert group_figures(figures[::2], terms) == [[0, 1]]
    assert group_figures(figures, terms) == [[0, 1], [2]]


def test_grouping_does_not_depend_on_the_order_of_the_figures() -> None:
    figures = [figure("a", "Floods in Veldora Province killed 112 people.", "112", 112),
               figure("c", "A storm in Orune killed 5 people.", "5", 5),
               figure("b", "In Veldora Province, the floods killed 128 people.", "128", 128)]
    forward = group_figures(figures, TERMS)
    backward = group_figures(figures[::-1], TERMS)
    assert {frozenset(g) for g in forward} == {frozenset(2 - i for i in g) for g in backward}
