"""Tests for briefgen.corpus.claims: the written forms of a number, the seeds' declared topics,
and the figures a corpus nobody wrote topics for groups by itself (tests/roots/figures-corpus)."""

from __future__ import annotations

import pytest

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.claims import Claim, FigureGroup, claims_in, group_claims, numbers_in, occurs
from briefgen.corpus.topics import Topic, load_topics
from briefgen.evidence import corpus_claims
from tests.conftest import ROOTS

FIGURES_CORPUS = ROOTS / "figures-corpus" / "sources.yaml"

# (value, text, how the text writes it) — the value occurs in the text.
WRITTEN = [
    (2200, "just 2,200 fighters", "2,200"),
    (2200, "just 2200 fighters", "2200"),
    (2200, "about 2.2 thousand fighters", "2.2 thousand"),
    (2.2, "about 2.2 thousand fighters", "2.2 thousand"),
    (100_000_000, "exceeding $100 million", "100 million"),
    (13, "MINUSMA has a 13-2 split", "13"),
    (2, "MINUSMA has a 13-2 split", "2"),
    (2, "a ratio of 13:2", "2"),
    (3000, "roughly 2,000 to 3,000 fighters", "3,000"),
    (15209, "out of the 15,209 authorized personnel", "15,209"),
    (12, "on the 12th of May 2020", "12th"),
    (4, "four peacekeepers were killed and nineteen wounded", "four"),
    (19, "four peacekeepers were killed and nineteen wounded", "nineteen"),
    (25, "twenty-five were hurt", "twenty-five"),
    (80, "80% of the budget", "80"),
    (-3.5, "growth of -3.5 per cent", "-3.5"),
]

# (value, text) — the value does not occur: a changed digit, a piece of a longer number,
# another scale.
NOT_WRITTEN = [
    (2300, "just 2,200 fighters"),
    (200, "just 2,200 fighters"),
    (2, "just 2,200 fighters"),
    (20, "the figure was 2.20"),
    (12, "MINUSMA has a 13-2 split"),
    (2_200_000, "about 2.2 thousand fighters"),
    (15290, "out of the 15,209 authorized personnel"),
    (209, "out of the 15,209 authorized personnel"),
    (2021, "in August 2022"),
]


@pytest.mark.parametrize(("value", "text", "written"), WRITTEN)
def test_a_number_occurs_in_each_written_form(value: float, text: str, written: str) -> None:
    mention = occurs(value, text)
    assert mention is not None
    assert mention.text == written


@pytest.mark.parametrize(("value", "text"), NOT_WRITTEN)
def test_a_different_number_does_not_occur(value: float, text: str) -> None:
    assert occurs(value, text) is None


def test_numbers_in_reads_each_number_once_in_order() -> None:
    found = numbers_in("On April 2nd, 253 of 15,209 (1.7%) died; 2,000-3,000 fighters.")
    assert [m.text for m in found] == ["2nd", "253", "15,209", "1.7", "2,000", "3,000"]


def _declared(catalog: SourceCatalog) -> dict[str, FigureGroup]:
    topics = load_topics(catalog.path.parent).topics
    corpus = corpus_claims(catalog, topics)
    return {g.topic: g for g in group_claims(corpus.claims, topics, corpus.terms) if g.topic}


def _figures(group: FigureGroup) -> dict[str, tuple[float, float]]:
    return {c.source_id: (c.low, c.high) for c in group.claims}


# --- the seeds' topics, declared in seeds/figures.yaml ---------------------------------------


def test_sources_disagree_on_the_airport_toll(catalog: SourceCatalog) -> None:
    group = _declared(catalog)["airport-deaths"]
    assert group.disagree
    by_source = {c.source_id: (c.figure, c.paragraph) for c in group.claims}
    assert by_source["isisk-taliban-emergence"] == ("180", 2)
    assert by_source["ft-isisk-2021"] == ("at least 79", 2)
    assert by_source["ali-isisk-renewed-threat"] == ("at least 175", 6)
    for claim in group.claims:  # each claim is the source's own words
        paragraph = catalog.text(claim.source_id).paragraph(claim.paragraph).text
        assert paragraph[claim.start:claim.end] == claim.text


def test_sources_disagree_on_isk_fighters(catalog: SourceCatalog) -> None:
    group = _declared(catalog)["isk-fighters"]
    assert group.disagree
    assert _figures(group) == {"ft-isisk-2021": (2200, 2200),
                               "newarab-taliban-isk-2023": (2000, 3000),
                               "ali-isisk-renewed-threat": (2000, 4000),
                               "kumar-isisk-first-blood": (2000, 2000)}
    # "28 Taliban members" in Ali's airport sentence is not IS-K's strength.
    assert all(c.low != 28 for c in group.claims)


def test_sources_that_agree_are_not_a_disagreement(catalog: SourceCatalog) -> None:
    group = _declared(catalog)["airport-us-deaths"]
    assert not group.disagree
    assert {c.low for c in group.claims} == {13} and len({c.source_id for c in group.claims}) == 4


def test_a_declared_exclusion_keeps_a_tally_out_of_a_toll(catalog: SourceCatalog) -> None:
    group = _declared(catalog)["school-deaths"]
    assert _figures(group) == {"isk-peace-process": (85, 85), "ft-isisk-2021": (80, 80)}


def test_a_figure_a_topic_claims_is_not_grouped_again(catalog: SourceCatalog) -> None:
    topics = load_topics(catalog.path.parent).topics
    corpus = corpus_claims(catalog, topics)
    declared = {(c.source_id, c.paragraph, c.start) for c in corpus.claims if c.topic}
    for group in group_claims(corpus.claims, topics, corpus.terms):
        if not group.topic:
            assert not {(c.source_id, c.paragraph, c.start) for c in group.claims} & declared


# --- no topic declared: the automatic pass ----------------------------------------------------


@pytest.fixture(scope="module")
def found_in_text() -> list[FigureGroup]:
    catalog = SourceCatalog.load(FIGURES_CORPUS)
    assert load_topics(catalog.path.parent).topics == ()  # nothing declared
    corpus = corpus_claims(catalog)
    return group_claims(corpus.claims, (), corpus.terms)


def _group_with(groups: list[FigureGroup], source_id: str, value: float) -> FigureGroup:
    [group] = [g for g in groups if any(c.source_id == source_id and c.low == value
                                        for c in g.claims)]
    return group


@pytest.mark.parametrize(("source_id", "value", "expected"), [
    # A flood's toll: 112 twice, 128 once; the 2019 flood's 45 is another event.
    ("veldora-sitrep", 112, {"veldora-sitrep": (112, 112), "castria-herald-floods": (128, 128),
                             "veldora-armed-groups": (112, 112)}),
    # A ferry's toll.
    ("orune-ferry-inquiry", 63, {"orune-ferry-inquiry": (63, 63), "orune-weekly": (71, 71)}),
    # A militia's strength: fighters, not the 3,000 troops sent against it.
    ("veldora-armed-groups", 3000, {"veldora-armed-groups": (3000, 3000),
                                    "minutar-review": (4500, 4500)}),
    # A mission's dead.
    ("orune-weekly", 97, {"orune-weekly": (97, 97), "minutar-review": (104, 104)}),
])
def test_different_figures_for_one_thing_are_a_disagreement(
    found_in_text: list[FigureGroup], source_id: str, value: float,
    expected: dict[str, tuple[float, float]]
) -> None:
    group = _group_with(found_in_text, source_id, value)
    assert group.topic == "" and group.disagree
    assert _figures(group) == expected


@pytest.mark.parametrize(("source_id", "value", "other"), [
    ("orune-ferry-inquiry", 140, "orune-weekly"),  # the rescued
    ("orune-weekly", 11_800, "minutar-review"),    # the mission's personnel
])
def test_one_figure_from_two_sources_is_agreement(
    found_in_text: list[FigureGroup], source_id: str, value: float, other: str
) -> None:
    group = _group_with(found_in_text, source_id, value)
    assert not group.disagree
    assert {c.source_id for c in group.claims} == {source_id, other}
    assert {c.low for c in group.claims} == {value}


def test_figures_that_look_alike_but_count_other_things_are_not_grouped(
    found_in_text: list[FigureGroup]
) -> None:
    groups = {id(g): g for g in found_in_text}
    fighters = _group_with(found_in_text, "veldora-armed-groups", 3000)
    troops = [g for g in groups.values() if any(c.text == "3,000 troops" for c in g.claims)]
    homes = [g for g in groups.values() if any(c.text == "3,000 homes" for c in g.claims)]
    assert troops == [] and homes == []  # each alone: not printed as a group
    assert all(c.reading is not None and c.reading.measure == "fighters"
               for c in fighters.claims)
    flood = _group_with(found_in_text, "veldora-sitrep", 112)
    assert 45 not in {c.low for c in flood.claims}  # the 2019 flood


def test_groups_are_labelled_with_what_their_sentences_share(
    found_in_text: list[FigureGroup]
) -> None:
    assert _group_with(found_in_text, "veldora-sitrep", 112).label == \
        "people killed in Veldora Province, March 2025"
    assert _group_with(found_in_text, "orune-ferry-inquiry", 63).label == \
        "people killed on Lake Orune, June 2024"


def test_grouping_is_the_same_whatever_order_the_sources_come_in() -> None:
    catalog = SourceCatalog.load(FIGURES_CORPUS)
    corpus = corpus_claims(catalog)
    forward = group_claims(corpus.claims, (), corpus.terms)
    backward = group_claims(tuple(reversed(corpus.claims)), (), corpus.terms)

    def shape(groups: list[FigureGroup]) -> set[frozenset[tuple[str, int, int]]]:
        return {frozenset((c.source_id, c.paragraph, c.start) for c in g.claims) for g in groups}

    assert shape(forward) == shape(backward)


@pytest.mark.parametrize(("sentence", "measure", "written"), [
    ("The storm killed at least 40 people in Marrow.", "people killed", "at least 40 people"),
    ("Four peacekeepers were killed near the camp.", "troops killed", "Four peacekeepers"),
    ("Officials said 85 were killed on Monday.", "people killed", "85"),
    ("In May, 12 peacekeepers were killed near the camp.", "troops killed", "12 peacekeepers"),
    ("The death toll rose to 45 on Friday.", "people killed", "45"),
    ("The group has about 2,000 fighters.", "fighters", "about 2,000 fighters"),
    ("The fire destroyed 300 homes.", "homes destroyed", "300 homes"),
    ("About 9,000 refugees crossed the border.", "refugees", "About 9,000 refugees"),
    ("The 2,500 tonnes of food arrived.", "", ""),
    ("It held two separate meetings.", "", ""),
    ("Growth was 3 per cent in 2021.", "", ""),
])
def test_what_a_number_counts_comes_from_its_sentence(sentence: str, measure: str,
                                                      written: str) -> None:
    found = [c for c in claims_in(sentence) if c.reading is not None]
    assert [(c.reading.measure, c.text) for c in found if c.reading] == \
        ([(measure, written)] if measure else [])


def test_claims_in_reads_a_declared_topic_before_the_automatic_pass() -> None:
    topic = Topic("storm-deaths", "The storm's toll", context=(("storm",),), verbs=("killed",))
    [claim] = claims_in("The storm killed 40 people.", topics=(topic,))
    assert isinstance(claim, Claim) and claim.topic == "storm-deaths" and claim.reading is None
