"""Tests for briefgen.corpus.claims: the written forms of a number, and claims in the seeds."""

from __future__ import annotations

import pytest

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.claims import TOPICS, claims_in, group_claims, numbers_in, occurs

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


def _claims(catalog: SourceCatalog) -> dict[str, tuple[list, bool]]:
    claims = [c for sid in catalog.ids() for p in catalog.text(sid).paragraphs
              for c in claims_in(p.text, sid, p.number)]
    return {topic.key: (found, disagree) for topic, found, disagree in group_claims(claims)}


def test_sources_disagree_on_the_airport_toll(catalog: SourceCatalog) -> None:
    found, disagree = _claims(catalog)["airport-deaths"]
    assert disagree
    by_source = {c.source_id: (c.figure, c.paragraph) for c in found}
    assert by_source["isisk-taliban-emergence"] == ("180", 2)
    assert by_source["ft-isisk-2021"] == ("at least 79", 2)
    assert by_source["ali-isisk-renewed-threat"] == ("at least 175", 6)
    for claim in found:  # each claim is the source's own words
        paragraph = catalog.text(claim.source_id).paragraph(claim.paragraph).text
        assert paragraph[claim.start:claim.end] == claim.text


def test_sources_disagree_on_isk_fighters(catalog: SourceCatalog) -> None:
    found, disagree = _claims(catalog)["isk-fighters"]
    assert disagree
    figures = {c.source_id: (c.low, c.high) for c in found}
    assert figures == {"ft-isisk-2021": (2200, 2200),
                       "newarab-taliban-isk-2023": (2000, 3000),
                       "ali-isisk-renewed-threat": (2000, 4000),
                       "kumar-isisk-first-blood": (2000, 2000)}
    # "28 Taliban members" in Ali's airport sentence is not IS-K's strength.
    assert all(c.low != 28 for c in found)


def test_sources_that_agree_are_not_a_disagreement(catalog: SourceCatalog) -> None:
    found, disagree = _claims(catalog)["airport-us-deaths"]
    assert not disagree
    assert {c.low for c in found} == {13} and len({c.source_id for c in found}) == 4


def test_every_topic_has_a_unique_key() -> None:
    keys = [t.key for t in TOPICS]
    assert len(keys) == len(set(keys))
