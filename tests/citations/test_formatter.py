"""CitationFormatter: notes, in-text citations and bibliographies, checked against the manuals.

Expected texts were written by hand from the rules cited beside them: CMOS 17 is The Chicago
Manual of Style, 17th edition; APA 7 the Publication Manual of the APA, 7th edition. In the
expectations, *x* marks italic runs and <url> a link (see ``marked``).
"""

from __future__ import annotations

from typing import Any

import pytest

from briefgen.citations import STYLES, CitationFormatter, CitationRef, Locator, merge_refs
from briefgen.corpus.catalog import Person, SourceRecord
from briefgen.errors import BriefgenError, SourceError, SpecError
from briefgen.model.nodes import Link, Text


def Record(*fields: Any, **named: Any) -> SourceRecord:  # noqa: N802 - reads as the type
    """A catalog record as the pipeline passes it, built here rather than loaded (no text file)."""
    return SourceRecord(*fields, **{"file": "", **named})


NEW_ARAB_URL = "https://www.newarab.com/analysis/afghanistan-can-taliban-defeat-isk-itself"
FT_URL = "https://www.ft.com/content/isis-k-jihadis"
ALI_URL = "https://issi.org.pk/isis-k-the-renewed-threat"

# Titles are recorded in sentence case, as CSL expects; the Chicago styles make headline case.
NEWS = Record(  # a news article with an author
    "newarab", "In Afghanistan, can the Taliban defeat IS-K by itself?", "article-newspaper",
    (Person("Fenton-Harvey", "Jonathan"),), "The New Arab", "", "2023-05-03", NEW_ARAB_URL,
)
UNSIGNED = Record(  # an article without an author and without a date
    "ft", "Isis-K: the jihadis seizing on the chaos of Taliban’s return", "article-newspaper",
    (), "Financial Times", "", "", FT_URL,
)
REPORT = Record(  # a report
    "ali", "ISIS-K: the renewed threat post US withdrawal from Afghanistan", "report",
    (Person("Ali", "Faizan"),), "", "Institute of Strategic Studies Islamabad", "2021-09", ALI_URL,
)
MAGAZINE = Record(
    "kumar", "Anatomy of emerging threat: the implications of ISIS-K drawing first blood",
    "article-magazine", (Person("Kumar", "Rohan"),), "American Kahani", "American Kahani LLC",
    "2021-08-28", "",
)
BLOG = Record(
    "blog", "Q&A: what <next> for IS-K?", "post-weblog",
    (Person("Smith", "Anna"), Person("Jones", "Bob")), "Lawfare", "", "2021", "",
)
WEBPAGE = Record(
    "unama", "Afghanistan country page", "webpage", (), "UNAMA", "United Nations", "",
    "https://unama.org/",
)
RECORDS = (NEWS, UNSIGNED, REPORT, MAGAZINE, BLOG, WEBPAGE)


def marked(runs: tuple[Text | Link, ...]) -> str:
    """The runs as one string, *italic* and <link> marked, so expectations show formatting."""
    out = []
    for run in runs:
        if isinstance(run, Link):
            assert run.runs == (Text(run.url),)
            out.append(f"<{run.url}>")
        else:
            assert not run.bold and not run.code
            out.append(f"*{run.text}*" if run.italic else run.text)
    return "".join(out)


def cite(formatter: CitationFormatter, *refs: tuple[str, str] | str) -> str:
    return marked(formatter.cite([
        CitationRef(ref) if isinstance(ref, str) else CitationRef(ref[0], Locator.parse(ref[1]))
        for ref in refs
    ]))


def bibliography(formatter: CitationFormatter) -> list[tuple[str, str]]:
    return [(source_id, marked(runs)) for source_id, runs in formatter.bibliography()]


# ------------------------------------------------------------------ Chicago notes-bibliography


@pytest.fixture
def chicago() -> CitationFormatter:
    return CitationFormatter(RECORDS, "chicago-note-bibliography")


def test_chicago_is_a_note_style(chicago: CitationFormatter) -> None:
    assert chicago.uses_notes
    assert chicago.style == "chicago-note-bibliography"


def test_chicago_first_subsequent_and_ibid_notes(chicago: CitationFormatter) -> None:
    # CMOS 17 §14.191 and §14.198 (news article): Author Given Family, "Title," *Newspaper*,
    # Month Day, Year, URL. §8.159 headline-style capitals; §6.119 no comma after a title
    # ending in "?"; §14.150 "para." for a paragraph locator; §14.27 the note ends in a period.
    assert cite(chicago, ("newarab", "para 4")) == (
        "Jonathan Fenton-Harvey, “In Afghanistan, Can the Taliban Defeat IS-K by Itself?” "
        f"*The New Arab*, May 3, 2023, para. 4, <{NEW_ARAB_URL}>."
    )
    # §14.34: the same source as the note before, another place: "Ibid." and the locator.
    assert cite(chicago, ("newarab", "para 5")) == "Ibid., para. 5."
    # §14.207: an unsigned article begins with its title; §6.9 the comma goes inside the
    # closing quotation mark; "n.d." for no date (§14.145).
    assert cite(chicago, "ft") == (
        "“Isis-K: The Jihadis Seizing on the Chaos of Taliban’s Return,” *Financial Times*, "
        f"n.d., <{FT_URL}>."
    )
    # §14.220 (reports): the title in italics, the facts of publication in parentheses.
    assert cite(chicago, ("ali", "para 2")) == (
        "Faizan Ali, *ISIS-K: The Renewed Threat Post US Withdrawal from Afghanistan* "
        f"(Institute of Strategic Studies Islamabad, 2021), para. 2, <{ALI_URL}>."
    )
    # §14.29-14.32: a later note is short: surname, short title (of no more than four words,
    # without the subtitle), locator.
    assert cite(chicago, ("newarab", "para 4")) == "Fenton-Harvey, “In Afghanistan,” para. 4."
    # §14.34: the same source and the same place as the note before: "Ibid." alone.
    assert cite(chicago, ("newarab", "para 4")) == "Ibid."
    # §14.207 / CMOS 18 §14.97 (the CSL style's source): in a short note the newspaper stands
    # in for the missing author; §6.9 the period inside the closing quotation mark.
    assert cite(chicago, "ft") == "*Financial Times*, “Isis-K.”"
    assert cite(chicago, "ali") == "Ali, *ISIS-K*."


def test_chicago_ibid_refers_only_to_a_note_with_one_source(chicago: CitationFormatter) -> None:
    cite(chicago, "ali")
    # §14.57: several sources in one note, separated by semicolons, in the author's order.
    assert cite(chicago, ("newarab", "para 2"), "ali") == (
        "Jonathan Fenton-Harvey, “In Afghanistan, Can the Taliban Defeat IS-K by Itself?” "
        f"*The New Arab*, May 3, 2023, para. 2, <{NEW_ARAB_URL}>; Ali, *ISIS-K*."
    )
    # §14.34: "ibid." refers to the single source of the preceding note; here there were two.
    assert cite(chicago, "ali") == "Ali, *ISIS-K*."
    assert cite(chicago, "ali") == "Ibid."
    # A locator after a whole-source note cannot be "Ibid., para. 3" ... it can (§14.34).
    assert cite(chicago, ("ali", "para 3")) == "Ibid., para. 3."
    # ... but the whole source after a note with a locator is not "Ibid." (that would mean
    # the same paragraph): the short note again.
    assert cite(chicago, "ali") == "Ali, *ISIS-K*."


def test_chicago_bibliography(chicago: CitationFormatter) -> None:
    for source_id in ("newarab", "ft", "ali"):
        cite(chicago, (source_id, "para 9"))
    # §14.64-14.68: alphabetical by the first word of each entry; the first author inverted;
    # elements separated by periods; no locator (the bibliography lists the whole work).
    assert bibliography(chicago) == [
        # §14.220 (reports)
        ("ali", ("Ali, Faizan. *ISIS-K: The Renewed Threat Post US Withdrawal from Afghanistan*. "
                 f"Institute of Strategic Studies Islamabad, 2021. <{ALI_URL}>.")),
        # §14.198 (news article); §6.119 no period after "?"
        ("newarab", ("Fenton-Harvey, Jonathan. “In Afghanistan, Can the Taliban Defeat IS-K by "
                     f"Itself?” *The New Arab*, May 3, 2023. <{NEW_ARAB_URL}>.")),
        # §14.207: an unsigned article is listed under the newspaper, not printed twice
        ("ft", ("*Financial Times*. “Isis-K: The Jihadis Seizing on the Chaos of Taliban’s "
                f"Return.” n.d. <{FT_URL}>.")),
    ]


def test_chicago_other_kinds_of_source(chicago: CitationFormatter) -> None:
    # §14.171, §14.191 (magazine): "Title," *Magazine*, date; a page locator is a bare number.
    assert cite(chicago, ("kumar", "p. 3")) == (
        "Rohan Kumar, “Anatomy of Emerging Threat: The Implications of ISIS-K Drawing First "
        "Blood,” *American Kahani*, August 28, 2021, 3."
    )
    # §14.208 (blog post): "Title," *Blog*, date; two authors joined by "and" (§14.76).
    # Text that looks like markup ("<next>", "&") is text.
    assert cite(chicago, "blog") == "Anna Smith and Bob Jones, “Q&A: What <next> for IS-K?” *Lawfare*, 2021."
    # §14.206 (web page): "Title," Site, Owner, URL.
    assert cite(chicago, "unama") == (
        "“Afghanistan Country Page,” UNAMA, United Nations, <https://unama.org/>."
    )
    assert cite(chicago, "blog") == "Smith and Jones, “Q&A.”"
    assert [source_id for source_id, _ in chicago.bibliography()] == ["kumar", "blog", "unama"]


# ------------------------------------------------------------------------------------- APA 7


@pytest.fixture
def apa() -> CitationFormatter:
    return CitationFormatter(RECORDS, "apa")


def test_apa_in_text_citations(apa: CitationFormatter) -> None:
    assert not apa.uses_notes
    # APA 7 §8.11 (author, year), §8.28 "para." for an unpaginated source.
    assert cite(apa, ("newarab", "para 4")) == "(Fenton-Harvey, 2023, para. 4)"
    # Author-date citations do not change with repetition (no "Ibid." in APA, §8.1).
    assert cite(apa, ("newarab", "para 4")) == "(Fenton-Harvey, 2023, para. 4)"
    # §8.14: no author: the first words of the title in the author's place, an article's in
    # quotation marks and title case; §9.17 "n.d."; §6.11 the comma inside the quotation mark.
    assert cite(apa, "ft") == "(“Isis-K,” n.d.)"
    assert cite(apa, ("ali", "p. 7")) == "(Ali, 2021, p. 7)"
    # §8.12: several works in one parenthesis, in reference-list order, separated by semicolons.
    assert cite(apa, "newarab", "ali") == "(Ali, 2021; Fenton-Harvey, 2023)"
    # §8.17: two authors joined by "&" in a parenthetical citation.
    assert cite(apa, "blog") == "(Smith & Jones, 2021)"


def test_apa_reference_list(apa: CitationFormatter) -> None:
    for source_id in ("newarab", "ft", "ali"):
        cite(apa, (source_id, "para 9"))
    assert bibliography(apa) == [
        # §10.4 (report): Author, A. (Year). *Title in sentence case*. Publisher. URL;
        # §6.17 the first word after a colon capitalised; §9.35 no period after a URL.
        ("ali", ("Ali, F. (2021). *ISIS-K: The renewed threat post US withdrawal from "
                 f"Afghanistan*. Institute of Strategic Studies Islamabad. <{ALI_URL}>")),
        # §10.1 (newspaper article): Author, A. (Year, Month Day). Title. *Newspaper*. URL;
        # §9.19 a title ending in "?" takes no period.
        ("newarab", ("Fenton-Harvey, J. (2023, May 3). In Afghanistan, can the Taliban defeat "
                     f"IS-K by itself? *The New Arab*. <{NEW_ARAB_URL}>")),
        # §9.12: no author: the title moves to the author's place (plain: the article is part
        # of a greater whole), then (n.d.) (§9.17); alphabetised by that title (§9.46). No
        # "Retrieved" without a retrieval date (§9.16).
        ("ft", ("Isis-K: The jihadis seizing on the chaos of Taliban’s return. (n.d.). "
                f"*Financial Times*. <{FT_URL}>")),
    ]


def test_apa_web_page_by_an_organisation(apa: CitationFormatter) -> None:
    # §10.16: an organisation as author; its name is not repeated as publisher.
    assert cite(apa, "unama") == "(United Nations, n.d.)"
    assert bibliography(apa) == [
        ("unama", "United Nations. (n.d.). *Afghanistan country page*. UNAMA. <https://unama.org/>"),
    ]


# ------------------------------------------------------------------------ Chicago author-date


def test_chicago_author_date() -> None:
    formatter = CitationFormatter(RECORDS, "chicago-author-date")
    assert not formatter.uses_notes
    # CMOS 17 §15.9, §15.22: (Author Year, locator), no comma between author and year.
    assert cite(formatter, ("newarab", "para 4")) == "(Fenton-Harvey 2023, para. 4)"
    # §15.44: no date: "n.d."; §15.47: an unsigned article under the newspaper.
    assert cite(formatter, "ft") == "(*Financial Times*, n.d.)"
    assert bibliography(formatter)[0] == (
        "newarab",
        ("Fenton-Harvey, Jonathan. 2023. “In Afghanistan, Can the Taliban Defeat IS-K by Itself?” "
         f"*The New Arab*, May 3, 2023. <{NEW_ARAB_URL}>."),
    )


# ------------------------------------------------------------------------- the API's contract


def test_runs_are_text_and_links() -> None:
    runs = CitationFormatter(RECORDS).cite([CitationRef("newarab")])
    assert runs[1] == Text("The New Arab", italic=True)
    assert runs[-2] == Link(runs=(Text(NEW_ARAB_URL),), url=NEW_ARAB_URL)
    assert runs[-1] == Text(".")


def test_bibliography_lists_only_cited_sources_and_follows_new_citations() -> None:
    formatter = CitationFormatter(RECORDS, "apa")
    assert formatter.bibliography() == ()
    assert formatter.cite([]) == ()
    formatter.cite([CitationRef("newarab")])
    assert [i for i, _ in formatter.bibliography()] == ["newarab"]
    formatter.cite([CitationRef("ali")])
    assert [i for i, _ in formatter.bibliography()] == ["ali", "newarab"]


def test_output_is_deterministic() -> None:
    def run() -> tuple[object, ...]:
        formatter = CitationFormatter(RECORDS)
        notes = [formatter.cite([CitationRef(r.id, Locator.paragraph(2))]) for r in RECORDS * 2]
        return (*notes, formatter.bibliography())

    assert run() == run()


def test_ids_that_differ_only_in_case_are_different_sources() -> None:
    upper = Record("FT", "Another title", "webpage", (), "Site", "", "2020", "")
    formatter = CitationFormatter([UNSIGNED, upper], "apa")
    assert marked(formatter.cite([CitationRef("ft"), CitationRef("FT")])) == (
        "(*Another Title*, 2020; “Isis-K,” n.d.)"  # APA 7 §8.14: title case in the text
    )


def test_unknown_style_lists_the_styles() -> None:
    with pytest.raises(BriefgenError) as raised:
        CitationFormatter(RECORDS, "mla")
    for name in STYLES:
        assert name in str(raised.value)


def test_unknown_source_and_bad_locator_are_user_errors() -> None:
    formatter = CitationFormatter(RECORDS)
    with pytest.raises(SourceError, match="nosuch"):
        formatter.cite([CitationRef("nosuch")])
    with pytest.raises(SpecError, match="slide"):
        Locator.parse("slide 4")


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(SourceError, match="ali"):
        CitationFormatter([REPORT, REPORT])


# ------------------------------------------------------- one source, several places, one cite


def test_merge_refs_names_each_source_once() -> None:
    para, page = Locator.paragraph, lambda n: Locator("page", str(n))
    merged = merge_refs([CitationRef("ft", para(2)), CitationRef("ali", page(3)),
                         CitationRef("ft", para(1)), CitationRef("ft", para(2))])
    assert merged == [CitationRef("ft", Locator("paragraph", "1, 2")),
                      CitationRef("ali", page(3))]
    # The whole source takes in its places; different kinds of place stay apart.
    assert merge_refs([CitationRef("ft", para(1)), CitationRef("ft")]) == [CitationRef("ft")]
    assert merge_refs([CitationRef("ft", para(1)), CitationRef("ft", page(2))]) == [
        CitationRef("ft", para(1)), CitationRef("ft", page(2))]


def test_locator_parse_reads_the_spellings_a_spec_uses() -> None:
    assert Locator.parse("para 4") == Locator.paragraph(4) == Locator("paragraph", "4")
    assert Locator.parse("pp. 3-5") == Locator("page", "3-5")
    assert Locator.parse("12") == Locator("page", "12")  # a bare number is a page
    assert Locator.parse("") == Locator()


def test_apa_cites_two_paragraphs_of_one_source_once(apa: CitationFormatter) -> None:
    # APA 7 §8.12: each work once in a parenthesis; §8.28 "paras." for several paragraphs.
    assert cite(apa, ("ft", "para 2"), ("ft", "para 1")) == "(“Isis-K,” n.d., paras. 1, 2)"
    assert cite(apa, ("newarab", "para 4"), ("ft", "para 1"), ("newarab", "para 5")) == (
        "(Fenton-Harvey, 2023, paras. 4, 5; “Isis-K,” n.d., para. 1)"
    )


def test_chicago_note_with_two_paragraphs_of_one_source(chicago: CitationFormatter) -> None:
    # CMOS 17 §14.57 (one note, one mention of the work) and §14.150 ("paras.").
    assert cite(chicago, ("newarab", "para 5"), ("newarab", "para 4")) == (
        "Jonathan Fenton-Harvey, “In Afghanistan, Can the Taliban Defeat IS-K by Itself?” "
        f"*The New Arab*, May 3, 2023, paras. 4, 5, <{NEW_ARAB_URL}>."
    )


# ------------------------------------------------------------- catalog fields beyond the basics


HEADLINE = Record(  # a title printed in headline case, with its sentence-case form
    "emergence", "The Emergence and Expansion of ISIS-K and the Taliban", "webpage", (), "", "",
    "", "https://example.org/isisk",
    sentence_case_title="The emergence and expansion of ISIS-K and the Taliban",
    accessed="2024-01-15",
)


def test_apa_prints_the_sentence_case_title_and_the_retrieval_date() -> None:
    formatter = CitationFormatter([HEADLINE], "apa")
    # APA 7 §8.14: in the text, title case and italics for a stand-alone work, "n.d.".
    assert cite(formatter, "emergence") == "(*Emergence and Expansion*, n.d.)"
    # §6.17 sentence case in the reference list; §9.16 an undated page that may change gets
    # "Retrieved Month Day, Year, from URL".
    assert bibliography(formatter) == [
        ("emergence", "*The emergence and expansion of ISIS-K and the Taliban*. (n.d.). "
                      "Retrieved January 15, 2024, from <https://example.org/isisk>"),
    ]


def test_chicago_prints_headline_case_and_the_access_date() -> None:
    formatter = CitationFormatter([HEADLINE], "chicago-note-bibliography")
    # CMOS 17 §14.206: "Title of Page," accessed date (for an undated page), URL.
    assert cite(formatter, "emergence") == (
        "“The Emergence and Expansion of ISIS-K and the Taliban,” accessed January 15, 2024, "
        "<https://example.org/isisk>."
    )
    assert cite(formatter, "emergence") == "Ibid."
    assert bibliography(formatter) == [
        ("emergence", "“The Emergence and Expansion of ISIS-K and the Taliban.” Accessed "
                      "January 15, 2024. <https://example.org/isisk>."),
    ]
