"""Appending a PDF brief to a PDF report, read back with pypdf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from briefgen.attach import AttachError, attach
from tests.attach.conftest import BuiltBrief


def _outline(reader: PdfReader, items: list[Any] | None = None) -> list[Any]:
    """The outline as nested [(title, page number, [children])]."""
    out: list[Any] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out[-1][2].extend(_outline(reader, item))
        else:
            out.append((item.title, reader.get_destination_page_number(item), []))
    return out


def test_keeps_the_report_outline_and_nests_the_brief_outline_under_its_title(
        sample_brief: BuiltBrief, report_pdf: Path) -> None:
    before = report_pdf.read_bytes()
    out = attach(sample_brief.pdf, report_pdf)
    assert out == report_pdf.with_name(f"annual-report-with-{sample_brief.pdf.stem}.pdf")
    assert report_pdf.read_bytes() == before
    merged, brief = PdfReader(out), PdfReader(sample_brief.pdf)
    assert len(merged.pages) == 3 + len(brief.pages)
    outline = _outline(merged)
    assert outline[:2] == [("Introduction", 0, [("Scope", 1, [])]), ("Findings", 2, [])]
    title, page, children = outline[2]
    assert (title, page) == ("Mali after two coups: re-tooling MINUSMA", 3)
    own = _outline(brief)
    assert len(own) >= 5
    assert [(t, p + 3) for t, p, _ in own] == [(t, p) for t, p, _ in children]
    assert merged.page_mode == "/UseOutlines"


def test_a_brief_without_a_title_is_bookmarked_by_its_file_name(report_pdf: Path,
                                                                tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    brief = tmp_path / "2021-07-15-untitled.pdf"
    with brief.open("wb") as stream:
        writer.write(stream)
    out = attach(brief, report_pdf, tmp_path / "out.pdf")
    assert _outline(PdfReader(out))[-1] == ("2021-07-15-untitled", 3, [])


def test_a_non_pdf_given_as_pdf_is_a_clear_error(sample_brief: BuiltBrief,
                                                 tmp_path: Path) -> None:
    fake = tmp_path / "report.pdf"
    fake.write_bytes(sample_brief.docx.read_bytes())  # a DOCX renamed
    with pytest.raises(AttachError, match="report.pdf: expected the report to be a PDF"):
        attach(sample_brief.pdf, fake)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_an_encrypted_report_is_refused(sample_brief: BuiltBrief, tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as stream:
        writer.write(stream)
    with pytest.raises(AttachError, match="encrypted"):
        attach(sample_brief.pdf, locked)


def test_after_is_for_docx_only(sample_brief: BuiltBrief, report_pdf: Path) -> None:
    with pytest.raises(AttachError, match="--after applies to DOCX"):
        attach(sample_brief.pdf, report_pdf, after="Findings")
