"""ICD 203's terms as data, and finding likelihoods, confidence and hedges in sentences."""

from __future__ import annotations

import pytest

from briefgen.estimative import (
    LIKELIHOODS,
    likelihood_and_confidence,
    likelihood_of,
    likelihood_problem,
    sentences,
    vague_words,
)


def test_seven_terms_in_order_with_icd_203_ranges() -> None:
    ranges = [(e.term, e.low, e.high) for e in LIKELIHOODS]
    assert ranges == [("almost no chance", 1, 5), ("very unlikely", 5, 20),
                      ("unlikely", 20, 45), ("roughly even chance", 45, 55),
                      ("likely", 55, 80), ("very likely", 80, 95), ("almost certain", 95, 99)]
    # Each range starts where the one before ends.
    assert all(a.high == b.low for a, b in zip(LIKELIHOODS, LIKELIHOODS[1:]))
    assert LIKELIHOODS[0].range_text == "01–05%"


@pytest.mark.parametrize(("written", "term"), [
    ("likely", "likely"), ("Probable", "likely"), ("probably", "likely"),
    ("REMOTE", "almost no chance"), ("highly  improbable", "very unlikely"),
    ("improbably", "unlikely"), ("roughly even odds", "roughly even chance"),
    ("Almost certainly", "almost certain"), ("nearly certain", "almost certain"),
    ("very-likely", "very likely"),
])
def test_a_term_its_pair_and_their_spellings_name_one_expression(written: str, term: str) -> None:
    found = likelihood_of(written)
    assert found is not None and found.term == term
    assert likelihood_problem(written) is None


def test_another_word_is_refused_listing_the_terms_and_the_closest() -> None:
    message = likelihood_problem("very likley")
    assert message is not None
    assert message.startswith("expected one of ICD 203's likelihood terms: almost no chance "
                              "(remote), very unlikely (highly improbable)")
    assert "but received 'very likley'; did you mean 'very likely'?" in message
    assert likelihood_of("plausible") is None


def test_sentences_keep_their_offsets() -> None:
    text = "First one. Second one! Third?\n\nFourth"
    found = sentences(text)
    assert [s.text for s in found] == ["First one.", "Second one!", "Third?", "Fourth"]
    assert all(text[s.start:s.start + len(s.text)] == s.text for s in found)


def test_a_sentence_with_both_a_likelihood_and_a_confidence_is_found() -> None:
    text = ("The junta will hold. We assess with high confidence that the port is very likely "
            "to close. Our confidence is moderate. Closure is unlikely.")
    both = likelihood_and_confidence(text)
    assert len(both) == 1
    sentence, term, level = both[0]
    assert sentence.text.startswith("We assess with high confidence")
    assert (term, level) == ("very likely", "high confidence")


def test_confidence_said_after_the_term_is_found_too() -> None:
    both = likelihood_and_confidence("A strike is probable, and confidence in that is low.")
    assert [(t, lvl) for _s, t, lvl in both] == [("probable", "confidence in that is low")]


def test_hedges_are_found_but_not_the_month_of_may() -> None:
    text = "Talks might resume in May 2025 or on 3 May, and could perhaps succeed. May they?"
    assert [w.text for w in vague_words(text)] == ["might", "could", "perhaps", "May"]
    assert vague_words("The ceasefire will hold.") == []
