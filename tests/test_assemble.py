"""Model assembly from a checked spec: order, numbering, notes placed, evidence paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.assemble import format_date
from briefgen.model.nodes import (
    Bibliography,
    BlockQuote,
    CrossRef,
    Figure,
    Heading,
    KeyPoints,
    ListBlock,
    Note,
    Paragraph,
    Recommendation,
    Table,
    Text,
)
from briefgen.pipeline import BuildOptions, build_document, check
from tests.conftest import BRIEFS, ROOTS


@pytest.fixture(scope="module")
def mali():
    return build_document(check(BRIEFS / "mali-minusma.yaml"), BuildOptions())


def headings(doc) -> list[str]:
    return ["".join(r.text for r in b.runs if isinstance(r, Text))
            for b in doc.body if isinstance(b, Heading) and b.level == 1]


def test_reading_order_summary_sections_recommendations_sources(mali) -> None:
    names = headings(mali)
    assert names[0] == "Summary"
    # After the recommendations: the evidence annex, the abbreviations, the sources.
    assert names[-1] == "Sources" and "Recommendations" in names[-4:]
    assert isinstance(mali.body[-1], Bibliography)
    assert any(isinstance(b, KeyPoints) for b in mali.body[:6])


def test_figures_and_recommendations_numbered_in_order(mali) -> None:
    figures = [b.number for b in mali.body if isinstance(b, Figure)]
    recs = [b.number for b in mali.body if isinstance(b, Recommendation)]
    assert figures == list(range(1, len(figures) + 1)) and len(figures) == 2
    assert recs == [1, 2, 3]
    assert all(isinstance(b, Figure) and b.png and b.svg and b.png.is_file()
               for b in mali.body if isinstance(b, Figure))


def test_excerpt_note_says_the_paragraph_the_quote_was_found_in(mali) -> None:
    quotes = [b for b in mali.body if isinstance(b, BlockQuote)]
    split = next(q for q in quotes if "13-2 split" in q.runs[0].text)
    note = split.citation[0]
    assert isinstance(note, Note)
    text = "".join(r.text for r in note.runs if isinstance(r, Text))
    assert "para. 10" in text  # the 13-2 sentence stands in paragraph 10 of un-mali-future


def test_every_citation_becomes_one_note(mali) -> None:
    spec_text = (BRIEFS / "mali-minusma.yaml").read_text(encoding="utf-8")
    assert len(mali.notes()) >= spec_text.count("[@")


def test_metadata_from_the_spec(mali) -> None:
    assert mali.meta.title.startswith("Mali after two coups")
    assert mali.meta.date == "2021-07-15"
    assert mali.meta.date_text == "15 July 2021"
    assert mali.meta.marking == "FOR OFFICIAL USE ONLY"


def test_author_date_style_gives_no_notes(tmp_path: Path) -> None:
    doc = build_document(check(BRIEFS / "mali-minusma.yaml"), BuildOptions(style="apa"))
    assert doc.notes() == []
    assert not doc.notes_style


def test_helpers() -> None:
    assert format_date("2021-07-05") == "5 July 2021"


def test_author_date_evidence_names_each_source_once() -> None:
    doc = build_document(check(BRIEFS / "mali-minusma.yaml"), BuildOptions(style="apa"))
    rec = next(b for b in doc.body if isinstance(b, Recommendation) and b.evidence)
    text = "".join(r.text for r in rec.evidence if isinstance(r, Text))
    assert text.startswith("(") and text.count("United Nations in Africa") <= 1, text


def test_evidence_annex_lists_every_check(mali) -> None:
    from briefgen.model.nodes import Table

    checked = check(BRIEFS / "mali-minusma.yaml")
    annex = [b for b in mali.body if isinstance(b, Table) and b.anchor == "tab-evidence"]
    assert len(annex) == 1
    quotes = len(checked.evidence.excerpts) + len(checked.evidence.inline)
    assert len(annex[0].rows) == quotes + len(checked.evidence.data)
    first = annex[0].rows[0]
    sha = "".join(r.text for r in first[3].runs if isinstance(r, Text))
    assert len(sha) == 12 and all(c in "0123456789abcdef" for c in sha)
    # The annex comes after the recommendations, before the abbreviations and sources.
    assert headings(mali)[-4:] == ["Recommendations", "Evidence annex", "Abbreviations",
                                   "Sources"]


@pytest.mark.parametrize("spec", sorted(BRIEFS.glob("*.yaml")), ids=lambda p: p.stem)
def test_top_level_paragraphs_are_numbered_once_for_both_writers(spec: Path) -> None:
    doc = build_document(check(spec), BuildOptions())
    top = [b.number for b in doc.body if isinstance(b, Paragraph)]
    assert top == list(range(1, len(top) + 1)) and top
    nested = [child for b in doc.body if isinstance(b, ListBlock)
              for item in b.items for child in item if isinstance(child, Paragraph)]
    assert all(p.number == 0 for p in nested)  # a list's paragraphs are never numbered


@pytest.mark.parametrize("style", ["apa", "chicago-note-bibliography"])
def test_space_before_a_quotations_citation_is_decided_in_assembly(style: str) -> None:
    doc = build_document(check(BRIEFS / "mali-minusma.yaml"), BuildOptions(style=style))
    quotes = [b for b in doc.body if isinstance(b, BlockQuote)]
    assert quotes
    for quote in quotes:
        first = quote.citation[0]
        if style == "apa":  # "… quotation” (Author, n.d., para. 4)": one space, the model's
            assert isinstance(first, Text) and first.text == " "
            assert not quote.citation[1].text[:1].isspace()
        else:  # the note mark sits close to the quotation
            assert isinstance(first, Note) and len(quote.citation) == 1



# ---------------------------------------------------------------- key judgements

KEY_JUDGEMENTS = Path(__file__).resolve().parent / "roots" / "key-judgements" / "brief.yaml"


def test_key_judgements_after_the_summary_led_by_term_and_confidence() -> None:
    from briefgen.model.nodes import KeyJudgements, Note

    doc = build_document(check(KEY_JUDGEMENTS), BuildOptions())
    names = headings(doc)
    assert names[:2] == ["Summary", "Key judgements"]
    assert names[-3:] == ["Abbreviations", "Estimative language", "Sources"]
    block = next(b for b in doc.body if isinstance(b, KeyJudgements))
    # As the analyst wrote the term (the pair "Remote", the adverb), in one spelling.
    assert [(j.lead, j.likelihood, j.confidence) for j in block.items] == [
        ("Likely (moderate confidence):", "likely", "moderate"),
        ("Remote (low confidence):", "almost no chance", "low"),
        ("Almost certainly (high confidence):", "almost certain", "high")]
    # The evidence is a note after the judgement; a citation in the text is its own note.
    assert all(isinstance(j.runs[-1], Note) for j in block.items)
    assert doc.pdf_standards == ("a-2a", "ua-1")


def test_an_in_text_style_cites_the_evidence_a_space_after_the_judgement() -> None:
    from briefgen.model.nodes import KeyJudgements

    doc = build_document(check(KEY_JUDGEMENTS, style="apa"), BuildOptions(style="apa"))
    first = next(b for b in doc.body if isinstance(b, KeyJudgements)).items[0]
    text = "".join(r.text for r in first.runs if isinstance(r, Text))
    assert text.startswith("MINUSMA will ask") and "renewal. (" in text


def test_a_cross_reference_prints_the_number_and_label_of_its_target() -> None:
    doc = build_document(check(ROOTS / "cross-references" / "brief.yaml"), BuildOptions())
    by_anchor = {b.anchor: b for b in doc.body if isinstance(b, (Figure, Table, Recommendation))}
    labels = {Figure: doc.labels.figure, Table: doc.labels.table,
              Recommendation: doc.labels.recommendation}
    refs = [i for i in doc.walk_inlines() if isinstance(i, CrossRef)]
    assert len(refs) >= 15
    for ref in refs:
        target = by_anchor[ref.anchor]
        assert ref.number == target.number
        assert ref.text == f"{labels[type(target)]} {target.number}"
    # Only the blocks something refers to are targets; the first recommendation has no id.
    assert doc.cross_referenced() == {r.anchor for r in refs}
    assert by_anchor["rec-1"].anchor not in doc.cross_referenced()
    # A caption that refers to a table keeps the reference, and its plain text prints it.
    [chart] = [b for b in doc.body if isinstance(b, Figure) and b.caption_runs]
    assert any(isinstance(r, CrossRef) for r in chart.caption_runs)
    assert chart.caption.endswith("(see also Table 1)")
