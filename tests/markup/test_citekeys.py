"""Pandoc citation syntax and quotations in running text."""

from __future__ import annotations

from briefgen.markup.citekeys import CiteKey, inline_quotations, parse_clusters


def test_clusters_with_locators_and_several_keys() -> None:
    clusters = parse_clusters("A [@un-mali-future] b [@ft-isisk-2021, para 4; @x] c [not a cite]")
    assert [c.keys for c in clusters] == [
        (CiteKey("un-mali-future"),),
        (CiteKey("ft-isisk-2021", "para 4"), CiteKey("x")),
    ]


def test_email_addresses_are_not_citations() -> None:
    assert parse_clusters("write to desk@example.org") == []


def test_quotation_paired_with_following_citation_in_same_paragraph() -> None:
    text = 'He said “the Taliban are now the establishment” [@ft-isisk-2021].\n\n"No source here at all".\n'
    found = inline_quotations(text)
    assert [(q.quote, q.source_id, q.line_offset) for q in found] == [
        ("the Taliban are now the establishment", "ft-isisk-2021", 0),
        ("No source here at all", "", 2),
    ]


def test_short_quoted_terms_are_not_quotations() -> None:
    assert inline_quotations('so-called “filthy nationalists” [@x]') == []
