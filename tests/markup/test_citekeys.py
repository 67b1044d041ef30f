"""Pandoc citation syntax and quotations in running text."""

from __future__ import annotations

from briefgen.markup.citekeys import CiteKey, CrossReferenceKey, inline_quotations, parse_clusters


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


def test_cross_references_are_told_apart_from_citations() -> None:
    [only_refs, mixed, source] = parse_clusters(
        "See [@fig:casualties; @tbl:by-year] and [@rec:police, para 2; @un-mali-future] or "
        "[@un-mali-future]")
    assert only_refs.keys == ()
    assert only_refs.refs == (CrossReferenceKey("figure", "casualties"),
                              CrossReferenceKey("table", "by-year"))
    assert [r.written for r in only_refs.refs] == ["fig:casualties", "tbl:by-year"]
    # Kept as written, so check can refuse a locator and a citation in the same brackets.
    assert mixed.refs == (CrossReferenceKey("recommendation", "police", "para 2"),)
    assert mixed.keys == (CiteKey("un-mali-future"),)
    assert source.refs == () and source.keys == (CiteKey("un-mali-future"),)


def test_only_the_three_prefixes_make_a_cross_reference() -> None:
    [cluster] = parse_clusters("[@figure:x; @eq:y; @fig-z]")
    assert cluster.refs == ()
    assert [k.source_id for k in cluster.keys] == ["figure:x", "eq:y", "fig-z"]
    [suppressed] = parse_clusters("[-@fig:x]")
    assert suppressed.refs == (CrossReferenceKey("figure", "x", suppressed=True),)


def test_a_quotation_is_paired_with_the_citation_not_the_cross_reference() -> None:
    text = '“the roads close after heavy rain” ([@fig:roads]) [@meals-review-2023].\n'
    [found] = inline_quotations(text)
    assert found.source_id == "meals-review-2023"
    [unsourced] = inline_quotations('“the roads close after heavy rain” [@tbl:roads].\n')
    assert unsourced.source_id == ""
