"""Portion marks put into model blocks: before every paragraph, item, quotation and caption."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.model.marks import mark_run, marked
from briefgen.model.nodes import (
    Bibliography,
    BibliographyEntry,
    BlockQuote,
    Figure,
    Heading,
    KeyPoints,
    ListBlock,
    Note,
    Paragraph,
    Recommendation,
    Table,
    TableCell,
    Text,
)


def first_text(runs: tuple[object, ...]) -> str:
    first = runs[0]
    assert isinstance(first, Text)
    return first.text


def test_a_paragraph_starts_with_its_mark_and_keeps_its_runs() -> None:
    runs = (Text("Ferries ", italic=True), Note((Text("A note."),)))
    paragraph = marked(Paragraph(runs, number=3), "(CUI)")
    assert isinstance(paragraph, Paragraph)
    assert paragraph.runs == (Text("(CUI) "), *runs)
    assert paragraph.number == 3


def test_every_paragraph_of_every_item_of_nested_lists_is_marked() -> None:
    inner = ListBlock(((Paragraph((Text("inner"),)),),))
    outer = ListBlock(((Paragraph((Text("one"),)), Paragraph((Text("more"),)), inner),
                       (Paragraph((Text("two"),)),)), ordered=True, start=4)
    result = marked(outer, "(U)")
    assert isinstance(result, ListBlock) and result.ordered and result.start == 4
    first, second = result.items
    assert [first_text(b.runs) for b in first[:2]] == ["(U) ", "(U) "]  # type: ignore[union-attr]
    nested = first[2]
    assert isinstance(nested, ListBlock)
    assert first_text(nested.items[0][0].runs) == "(U) "  # type: ignore[union-attr]
    assert first_text(second[0].runs) == "(U) "  # type: ignore[union-attr]


def test_quotations_key_points_and_recommendation_actions_are_marked() -> None:
    quote = marked(BlockQuote((Text("words"),), (Note((Text("n"),)),)), "(OS)")
    assert isinstance(quote, BlockQuote)
    assert quote.runs[0] == mark_run("(OS)") and quote.citation[0] == Note((Text("n"),))
    points = marked(KeyPoints("Key points", ((Text("a"),), (Text("b"),))), "(O)")
    assert isinstance(points, KeyPoints)
    assert [first_text(i) for i in points.items] == ["(O) ", "(O) "]
    assert points.title == "Key points"
    rec = marked(Recommendation(1, "Do it", (Text("Act."),), lead="Board"), "(NR)")
    assert isinstance(rec, Recommendation)
    assert rec.action == (Text("(NR) "), Text("Act.")) and rec.title == "Do it"
    assert rec.lead == "Board"


def test_captions_carry_the_mark_for_writers_to_print() -> None:
    figure = Figure(1, "Crossings", "Bars", (), Path("a.png"), None)
    table = Table(2, "Causes", (TableCell((Text("Cause"),)),), ())
    marked_figure, marked_table = marked(figure, "(S)"), marked(table, "(S)")
    assert isinstance(marked_figure, Figure) and marked_figure.mark == "(S)"
    assert marked_figure.caption == "Crossings"  # the caption's text is the spec's
    assert isinstance(marked_table, Table) and marked_table.mark == "(S)"
    assert marked_table.rows == () and marked_table.header == table.header


def test_headings_and_bibliographies_are_not_portions() -> None:
    heading = Heading(1, (Text("Summary"),))
    bibliography = Bibliography((BibliographyEntry("x", (Text("Tamm."),)),))
    assert marked(heading, "(U)") is heading
    assert marked(bibliography, "(U)") is bibliography


def test_no_mark_leaves_every_block_as_it_is() -> None:
    paragraph = Paragraph((Text("plain"),))
    assert marked(paragraph, "") is paragraph


def test_a_block_type_with_a_mark_field_takes_the_mark() -> None:
    # A block added later (key judgements) takes marks by having a `mark` field.
    @dataclass(frozen=True)
    class Judgement:
        text: str
        mark: str = ""

    judgement = marked(Judgement("likely"), "(CUI)")  # type: ignore[arg-type]
    assert judgement == Judgement("likely", "(CUI)")
