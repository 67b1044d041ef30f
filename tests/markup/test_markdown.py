"""Markdown to model blocks, with citations replaced by what the citation style returns."""

from __future__ import annotations

import pytest

from briefgen.markup.citekeys import CiteKey, CrossReferenceKey
from briefgen.markup.markdown import (
    parse_blocks,
    parse_inline,
    typeset,
    visible_text,
    with_references,
)
from briefgen.model.nodes import CrossRef, Heading, Link, ListBlock, Note, Paragraph, Text


def note_cite(keys: tuple[CiteKey, ...]) -> tuple[Note, ...]:
    return (Note((Text("/".join(k.source_id + (":" + k.locator if k.locator else "") for k in keys)),)),)


def test_emphasis_links_and_lists() -> None:
    blocks = parse_blocks("Some *em* and **strong** [link](https://x.org).\n\n- a\n- b\n\n1. one\n", note_cite)
    assert isinstance(blocks[0], Paragraph)
    runs = blocks[0].runs
    assert Text("em", italic=True) in runs
    assert Text("strong", bold=True) in runs
    assert Link((Text("link"),), "https://x.org") in runs
    assert isinstance(blocks[1], ListBlock) and not blocks[1].ordered and len(blocks[1].items) == 2
    assert isinstance(blocks[2], ListBlock) and blocks[2].ordered


def test_note_goes_after_punctuation_and_eats_the_space() -> None:
    runs = parse_inline("The split is 13-2 [@un-mali-future, para 12].", note_cite)
    assert runs == (
        Text("The split is 13-2"),
        Text("."),
        Note((Text("un-mali-future:para 12"),)),
    )


def test_author_date_citation_keeps_its_place() -> None:
    def in_text(keys: tuple[CiteKey, ...]) -> tuple[Text, ...]:
        return (Text(" "), Text("(FT, n.d.)"))

    runs = parse_inline("Fighters [@ft-isisk-2021].", in_text)
    assert "".join(r.text for r in runs if isinstance(r, Text)) == "Fighters  (FT, n.d.)."


def test_html_is_text_not_markup() -> None:
    runs = parse_inline("<script>alert(1)</script> x", note_cite)
    assert "".join(r.text for r in runs if isinstance(r, Text)).startswith("<script>")


def test_headings_in_a_body_become_subheadings() -> None:
    blocks = parse_blocks("# Sub\n\ntext", note_cite)
    assert blocks[0] == Heading(2, (Text("Sub"),))


def test_straight_quotes_and_dashes_are_typeset() -> None:
    runs = parse_inline('He said "no" -- twice.', note_cite)
    assert "".join(r.text for r in runs if isinstance(r, Text)) == "He said “no” – twice."


# --- the words a reader sees, where numbers are traced ---------------------------------------


@pytest.mark.parametrize(("markdown", "seen"), [
    ("412 [@water-survey-2019, para 2]", "412"),
    ("Survey [@survey-2019; @audit-2022, paras 3-4]", "Survey"),
    ("**96** schemes", "96 schemes"),
    ("[the 2019 survey](https://example.org/2018/report-7.pdf)", "the 2019 survey"),
    ("see <https://example.org/2018/report-7.pdf>", "see"),
    ("`code 5` stays", "code 5 stays"),
    ("18 days ([@tbl:deliveries])", "18 days ()"),
    ("", ""),
])
def test_visible_text_leaves_out_citations_and_link_targets(markdown: str, seen: str) -> None:
    assert visible_text(markdown).strip() == seen


def test_plain_text_gets_the_typography_markdown_text_gets() -> None:
    text = "the desk's \"short\" note -- and 'more'"
    (paragraph,) = parse_blocks(text, lambda keys: ())
    assert isinstance(paragraph, Paragraph)
    body = "".join(r.text for r in paragraph.runs if isinstance(r, Text))
    assert typeset(text) == body
    assert "\u2019" in body and "'" not in body and '"' not in body


def test_typeset_leaves_markdown_syntax_as_typed() -> None:
    assert typeset("*not emphasis* and [not a link](x)") == "*not emphasis* and [not a link](x)"


def numbered(key: CrossReferenceKey) -> CrossRef:
    """A stand-in for assembly's resolver: the id's length is the number."""
    return CrossRef(key.kind, f"{key.kind}-{key.id}", len(key.id), f"{key.kind} {len(key.id)}")


def test_a_cross_reference_prints_in_place_and_keeps_its_space_and_punctuation() -> None:
    cited: list[tuple[CiteKey, ...]] = []

    def cite(keys: tuple[CiteKey, ...]) -> tuple[Note, ...]:
        cited.append(keys)
        return (Note((Text("A note."),)),)

    runs = parse_inline("As [@fig:abc] shows, [@tbl:ab; @rec:a]. Quoted [@src].", cite,
                        refer=numbered)
    assert runs == (
        Text("As "), CrossRef("figure", "figure-abc", 3, "figure 3"), Text(" shows, "),
        CrossRef("table", "table-ab", 2, "table 2"), Text(", "),
        CrossRef("recommendation", "recommendation-a", 1, "recommendation 1"),
        Text(". Quoted"), Text("."), Note((Text("A note."),)),
    )
    assert cited == [(CiteKey("src"),)]  # cross-references never reach the citation callback


def test_without_a_resolver_cross_references_print_nothing() -> None:
    runs = parse_inline("See [@fig:abc].", lambda keys: ())
    assert all(isinstance(r, Text) for r in runs)
    assert "".join(r.text for r in runs if isinstance(r, Text)) == "See ."


def test_a_caption_resolves_cross_references_and_keeps_everything_else() -> None:
    runs = with_references("Deaths (see [@tbl:ab]) [@src] *as typed*", numbered)
    assert runs == (Text("Deaths (see "), CrossRef("table", "table-ab", 2, "table 2"),
                    Text(") [@src] *as typed*"))
    assert with_references("No reference here", numbered) == (Text("No reference here"),)
