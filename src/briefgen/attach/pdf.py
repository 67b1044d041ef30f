"""Append a brief's PDF to a PDF report with pypdf; the only module in src/ importing pypdf.

The report is cloned whole (pages, outline, page labels, metadata, named destinations), then
the brief's pages are appended under one new top-level bookmark, the brief's title, with the
brief's own outline (its headings) nested beneath it. The report's tagged structure, if any,
is kept for its pages; the brief's tags are not merged (pypdf cannot merge structure trees),
so the combined file is not PDF/UA even when both parts were.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError, PyPdfError

from briefgen.attach.files import AttachError, write_atomically


def attach_pdf(brief: Path, report: Path, output: Path) -> None:
    """Write ``report`` followed by ``brief`` to ``output``, keeping both outlines."""
    report_pdf = _open(report, "report")
    brief_pdf = _open(brief, "brief")
    if not brief_pdf.pages:
        raise AttachError(f"{brief}: the brief has no pages")
    # pypdf reads lazily: a broken object (an outline whose items loop back) shows only as the
    # report is cloned, the brief appended or the result written.
    try:
        writer = PdfWriter(clone_from=report_pdf)
        writer.append(brief_pdf, outline_item=brief_title(brief_pdf, brief), import_outline=True)
        writer.page_mode = "/UseOutlines"  # open with the bookmarks showing: two parts now
    except _BROKEN as exc:
        raise _unreadable(brief, report, exc) from None

    def save(temp: Path) -> None:
        try:
            with temp.open("wb") as stream:
                writer.write(stream)
        except _BROKEN as exc:
            raise _unreadable(brief, report, exc) from None

    write_atomically(output, save)


# What pypdf raises on a malformed file; RecursionError for structures nested without end.
_BROKEN = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError)


def _unreadable(brief: Path, report: Path, exc: BaseException) -> AttachError:
    reason = str(exc).strip() or type(exc).__name__
    return AttachError(f"{report}: cannot append {brief.name} to the report, one of the two "
                       f"PDFs is malformed ({reason})")


def brief_title(pdf: PdfReader, path: Path) -> str:
    """The bookmark for the brief: its document title, or the file name without suffix."""
    try:
        title = (pdf.metadata.title if pdf.metadata else None) or ""
    except PyPdfError:
        title = ""
    return " ".join(str(title).split()) or path.stem


def _open(path: Path, role: str) -> PdfReader:
    try:
        pdf = PdfReader(path)
        if pdf.is_encrypted:
            raise AttachError(f"{path}: the {role} is encrypted; expected an unprotected PDF")
        len(pdf.pages)  # pypdf reads the page tree lazily; a broken one fails here
        return pdf
    except (PdfReadError, PyPdfError, ValueError, KeyError, OSError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise AttachError(f"{path}: expected the {role} to be a PDF, but it cannot be read as "
                          f"one ({reason})") from None
