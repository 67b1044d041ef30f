"""The document tree: the reading order its walks give, and what its defaults mean."""

from __future__ import annotations

import dataclasses

import pytest

from briefgen.model import nodes as n


def _note(text: str) -> n.Note:
    return n.Note(runs=(n.Text(text),))


def _meta() -> n.Metadata:
    return n.Metadata(title="A brief")


def test_notes_come_in_the_order_a_reader_meets_them_across_block_kinds() -> None:
    first, second, third = _note("one"), _note("two"), _note("three")
    body = (
        n.Heading(level=1, runs=(n.Text("Heading"),)),
        n.Paragraph(runs=(n.Text("Text"), first)),
        n.ListBlock(ordered=False, items=((n.Paragraph(runs=(n.Text("item"), second)),),)),
        n.BlockQuote(runs=(n.Text("Quoted"),), citation=(third,)),
    )
    document = n.Document(meta=_meta(), body=body)
    assert document.notes() == [first, second, third]
    texts = [i.text for i in document.walk_inlines() if isinstance(i, n.Text)]
    assert texts == ["Heading", "Text", "item", "Quoted"]


def test_a_document_cites_in_notes_and_uses_the_default_labels_unless_told() -> None:
    document = n.Document(meta=_meta(), body=())
    assert document.notes_style is True
    assert document.labels == n.Labels()
    assert document.notes() == []


def test_nodes_are_frozen_so_no_writer_can_change_what_assembly_decided() -> None:
    paragraph = n.Paragraph(runs=(n.Text("fixed"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        paragraph.runs = ()  # type: ignore[misc]
