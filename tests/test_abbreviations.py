"""Abbreviations found in text written for the purpose, on topics the seeds do not cover."""

from __future__ import annotations

from briefgen.abbreviations import (
    base_form,
    definitions,
    first_uses,
    is_abbreviation,
    masked,
    uses,
)


def pairs(text: str) -> list[tuple[str, str]]:
    return [(d.term, d.expansion) for d in definitions(text)]


def test_expansions_whose_initials_spell_the_abbreviation() -> None:
    text = ("Fighting between the Rapid Support Forces (RSF) and the Sudanese Armed Forces (SAF) "
            "displaced millions; the World Food Programme (WFP) warned of famine, and an "
            "improvised explosive device (IED) closed the road.")
    assert pairs(text) == [("RSF", "Rapid Support Forces"), ("SAF", "Sudanese Armed Forces"),
                           ("WFP", "World Food Programme"),
                           ("IED", "improvised explosive device")]


def test_letters_inside_words_and_hyphens() -> None:
    text = ("The Department of Defense (DoD) and the Haitian National Police (HNP) met the "
            "Kenya-led Multinational Security Support (MSS) mission and Boko Haram's Islamic "
            "State West Africa Province (ISWAP).")
    found = dict(pairs(text))
    assert found["DoD"] == "Department of Defense"
    assert found["HNP"] == "Haitian National Police"
    assert found["MSS"] == "Multinational Security Support"
    assert found["ISWAP"] == "Islamic State West Africa Province"
    # Not from the joining word: "of American States" is the shorter match, and wrong.
    assert pairs("The Organization of American States (OAS) met.") == [
        ("OAS", "Organization of American States")]


def test_an_abbreviation_of_other_language_words_by_its_capitalised_run() -> None:
    # MONUSCO's letters follow the French name; the English words before the bracket hold
    # most of them as initials, though not in order. The sentence's first word is not part.
    text = ("Today the United Nations Organization Stabilization Mission in the Democratic "
            "Republic of the Congo (MONUSCO) closed a base.")
    assert pairs(text) == [("MONUSCO", "United Nations Organization Stabilization Mission in "
                                       "the Democratic Republic of the Congo")]


def test_the_abbreviation_first_and_its_expansion_in_brackets() -> None:
    assert pairs("The ANC (African National Congress) won the vote.") == [
        ("ANC", "African National Congress")]


def test_brackets_that_define_nothing() -> None:
    # A year, a word, an abbreviation whose letters the words before do not give, a clause
    # boundary between them.
    text = ("The vote (2024) was close (narrowly). Officials of the good offices (SRSG) spoke. "
            "He joined the army. (NATO) agreed.")
    assert pairs(text) == []


def test_what_counts_as_an_abbreviation() -> None:
    assert all(is_abbreviation(w) for w in ("UN", "IS-K", "ISWAP", "COVID-19", "DoD", "NGOs"))
    # One capital and digits ("G20", a road "M4") is too little to tell.
    assert not any(is_abbreviation(w) for w in ("The", "A", "II", "IV", "Kabul", "McDonald", "G20",
                                                 "ABCDEFGHIJKLMN"))
    assert base_form("NGOs") == "NGO" and base_form("IS-K") == "IS-K"


def test_uses_skip_citations_links_and_code_once_masked() -> None:
    text = "The RSF [@RSF-REPORT, para 2] and [the WHO](https://WHO.INT/x) and `SQL` said."
    assert [u.term for u in uses(masked(text))] == ["RSF", "WHO"]
    assert len(masked(text)) == len(text)


def test_first_use_and_definition_across_texts_in_reading_order() -> None:
    texts = ["The RSF advanced.", "The Rapid Support Forces (RSF) took the city; the SAF left.",
             "NGOs and the Sudanese Armed Forces (SAF) met."]
    found = {f.term: f for f in first_uses(texts)}
    assert found["RSF"].used == (0, 4) and found["RSF"].defined == (1, texts[1].index("RSF"))
    assert found["SAF"].used == (1, texts[1].index("SAF"))
    assert found["SAF"].defined == (2, texts[2].index("SAF"))
    assert found["NGO"].defined is None
    # The bracketed term of a definition is not a use before it.
    assert first_uses(["The Rapid Support Forces (RSF) moved. RSF"])[0].used == (0, 38)
