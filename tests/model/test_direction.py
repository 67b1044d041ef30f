"""Writing direction: which paragraphs and runs are right-to-left, and in what language."""

from __future__ import annotations

from briefgen.model.direction import has_rtl, mostly_rtl, rtl_language, split_by_direction


def test_most_strong_characters_decide_the_paragraph() -> None:
    assert mostly_rtl(["« ", "قال المتحدث"]) is True
    assert mostly_rtl(["2021: ", "The word حماية"]) is False
    assert mostly_rtl(["", "  ", "123"]) is False
    # An English line that opens with an Arabic name stays left-to-right.
    assert mostly_rtl(["مركز المستقبل – Is ISIS-Khorasan Province Seeking to Consolidate"]) is False


def test_has_rtl_sees_arabic_and_hebrew() -> None:
    assert has_rtl("Mali مالي") and has_rtl("שלום") and not has_rtl("Mali, 2021")


def test_an_arabic_word_in_english_text_is_its_own_run() -> None:
    assert split_by_direction("The word حماية means protection.", base_rtl=False) == [
        ("The word ", False),
        ("حماية", True),
        (" means protection.", False),
    ]


def test_spaces_and_digits_between_arabic_words_stay_in_the_rtl_run() -> None:
    text = "في عام 2021 قال"
    assert split_by_direction(text, base_rtl=False) == [(text, True)]


def test_edges_take_the_paragraph_direction() -> None:
    assert split_by_direction("قال.", base_rtl=True) == [("قال.", True)]
    assert split_by_direction("قال.", base_rtl=False) == [("قال", True), (".", False)]


def test_latin_inside_an_rtl_paragraph_is_ltr() -> None:
    assert split_by_direction("قالت UN اليوم", base_rtl=True) == [
        ("قالت ", True),
        ("UN", False),
        (" اليوم", True),
    ]


def test_pieces_join_back_to_the_text() -> None:
    text = "Mixed: «قال» and (UN) 2021 — حماية!"
    for base in (False, True):
        assert "".join(p for p, _ in split_by_direction(text, base)) == text
    assert split_by_direction("", False) == []


def test_a_right_to_left_stretch_is_set_in_the_language_of_its_script() -> None:
    assert rtl_language("مركز المستقبل") == "ar"
    assert rtl_language("says שלום to") == "he"
    assert rtl_language("no right-to-left letter, 2021") == ""


def test_the_typst_writer_cuts_rtl_words_where_the_docx_writer_cuts_runs() -> None:
    # One rule for both formats: only the Arabic words, not the comma and space after them.
    assert split_by_direction("a link to مركز المستقبل, the paper", False) == [
        ("a link to ", False), ("مركز المستقبل", True), (", the paper", False)]
