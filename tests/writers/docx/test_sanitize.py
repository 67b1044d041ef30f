"""Strings XML cannot hold are stripped from the whole model before rendering."""

from __future__ import annotations

from pathlib import Path

from briefgen.model.nodes import Document, Figure, Metadata, Note, Paragraph, Text
from briefgen.writers.docx.sanitize import sanitize, xml_safe


def test_xml_safe_keeps_tabs_and_newlines_and_drops_controls() -> None:
    assert xml_safe("a\x00b\x07c\td\ne\rf\x0b\x0c\x1fg\ufffe\ud800h") == "abc\td\ne\rfgh"


def test_sanitize_reaches_every_string_and_leaves_the_rest() -> None:
    png = Path("/tmp/x.png")
    document = Document(
        meta=Metadata(title="T\x01", keywords=("k\x02",)),
        body=(
            Paragraph((Text("p\x03", bold=True), Note((Text("n\x04"),)))),
            Figure(2, "c\x05", "a\x06", (), png, None, 9.5),
        ),
    )
    clean = sanitize(document)
    assert clean.meta.title == "T" and clean.meta.keywords == ("k",)
    paragraph, figure = clean.body
    assert paragraph == Paragraph((Text("p", bold=True), Note((Text("n"),))))
    assert figure == Figure(2, "c", "a", (), png, None, 9.5)
