"""A Word file's text and metadata, read with python-docx after the untrusted-file checks.

python-docx is imported in three rooms: writers/docx renders the model, attach/ works on
finished files, and this module reads an analyst's source. Reading is not writing: nothing
here builds or changes a document, so it belongs with the other readers of corpus/extract,
not with the writer.

The file is untrusted. Before python-docx sees it, ``scrub_report`` (untrusted_docx.py,
the one place that knows what a Word package may hold) checks the zip against its limits (entry
count, part and total size, compression ratio: a zip bomb is refused before anything is
unpacked), parses every XML part with a parser that fetches nothing and refuses a DOCTYPE and
entities, and drops what reaches out or runs; python-docx opens the rebuilt package.

The text, in document order: each paragraph is a paragraph (headings too), its runs joined,
text inside hyperlinks, fields' shown results and inserted text (``w:ins``) included, deleted
text (``w:del``, ``w:moveFrom``) left out, and a paragraph whose mark is deleted run on into
the next: the document as it reads with its tracked changes accepted (as Word and pandoc
read it). A table row is one paragraph, its cells joined by " | " (a row is one record, its
label and values together, and a quote from a table is a row's words); a table of one column
is page layout, and its cells' paragraphs stay paragraphs. Text boxes, headers,
footers, comments and footnotes are left out: they are not the running text the paragraph
numbers count, and a note spliced in where its mark stands would break the sentence around
it (a quote across a footnote mark must verify).

The metadata is the core properties: title (else the first paragraph styled Title), author
(several split at semicolons), created as the date (the file's own date of writing; modified
changes with every save, last_modified_by is who saved it last, neither is the author's),
language; the type is "report" when the category says so, "document" otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from briefgen.corpus.extract import Extracted, ExtractedPage
from briefgen.corpus.extract.person_names import persons_from_list
from briefgen.errors import SourceError
from briefgen.untrusted_docx import RefusedDocx, scrub_report

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
# Run content that is text, and what it reads as.
_TEXT, _DEL_TEXT = qn("w:t"), qn("w:delText")
_READS_AS = {qn("w:tab"): " ", qn("w:br"): " ", qn("w:cr"): " ", qn("w:noBreakHyphen"): "-",
             qn("w:softHyphen"): ""}
# Containers whose text is not the paragraph's: deleted or moved-away text, text boxes
# (their own paragraphs, not this one's words), and the second copy of alternate content.
_SKIPPED = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), qn("w:instrText"),
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
# A paragraph mark deleted with tracked changes: accepted, the paragraph joins the next.
_MARK_DELETED = f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:del')}"
_REPORT_CATEGORY = re.compile(r"\breport\b", re.IGNORECASE)
# Names programs write as the author when nobody filled it in: not a person's.
_PLACEHOLDER_AUTHORS = frozenset({"python-docx", "microsoft office user", "windows user",
                                  "user", "admin", "administrator", "author", "unknown"})
# python-docx's blank template was created then; a file python-docx made without setting
# ``created`` states it, and it is the template's date, not the paper's.
_PYTHON_DOCX_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.timezone.utc)


def read_docx(path: Path) -> Extracted:
    """The text and core properties of the Word file at ``path``.

    SourceError (naming the file) if it is not a Word file, breaks a limit of
    untrusted_docx.py, or holds no text.
    """
    try:
        cleaned = scrub_report(path)
    except RefusedDocx as exc:
        raise SourceError(f"{path}: refused the Word file: {exc}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise SourceError(f"{path}: cannot read it as a Word file (DOCX) ({reason})") from None
    try:
        document = docx.Document(io.BytesIO(cleaned.blob))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            etree.XMLSyntaxError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise SourceError(f"{path}: cannot read it as a Word file (DOCX) ({reason})") from None
    paragraphs = tuple(_paragraphs(document.element.body))
    if not paragraphs:
        raise SourceError(f"{path}: the Word file holds no text")
    notes = [f"ignored {what} (the original is kept as received)" for what in cleaned.removed]
    core = document.core_properties
    title = " ".join((core.title or "").split())
    if title:
        notes.append("title from the core properties")
    else:
        title = _styled_title(document)
        if title:
            notes.append("title from the first paragraph styled Title")
    author = " ".join((core.author or "").split())
    if author.casefold() in _PLACEHOLDER_AUTHORS:
        notes.append(f"author {author!r} is a program's placeholder, not a name: left out")
        author = ""
    authors = persons_from_list(author)
    if authors:
        notes.append("authors from the core properties' author")
    date = ""
    if _aware(core.created) == _PYTHON_DOCX_TEMPLATE_CREATED:
        notes.append("the created date (2013-12-23) is python-docx's blank template's: "
                     "left out")
    elif core.created:
        date = core.created.strftime("%Y-%m-%d")
        notes.append("date from the core properties' created")
    category = core.category or ""
    csl_type = "report" if _REPORT_CATEGORY.search(category) else "document"
    notes.append(f"type report: the category is {category!r}" if csl_type == "report"
                 else "type document: a Word file")
    return Extracted(kind="docx", title=title, pages=(ExtractedPage("", paragraphs),),
                     authors=authors, date=date, language=(core.language or "").strip(),
                     csl_type=csl_type, paginated=False, notes=tuple(notes))


def _paragraphs(container: etree._Element) -> Iterator[str]:
    """The paragraphs of a body, cell or content control, tables row by row, in order."""
    # Paragraphs whose mark is deleted run on into the next (with a space: the ends of a
    # paragraph's text are trimmed, so whether a space stood there is not known).
    joined: list[str] = []
    for child in container:
        tag = child.tag
        if tag == _P:
            joined.append(_paragraph_text(child))
            if child.find(_MARK_DELETED) is not None:
                continue
        text = " ".join(t for t in joined if t)
        joined = []
        if text:
            yield text
        if tag == _TBL:
            yield from _table(child)
        elif tag in (_SDT, _CUSTOM_XML):
            content = child.find(_SDT_CONTENT) if tag == _SDT else child
            if content is not None:
                yield from _paragraphs(content)
    text = " ".join(t for t in joined if t)
    if text:
        yield text


def _table(table: etree._Element) -> Iterator[str]:
    rows = [row for row in table if row.tag == _TR]
    columns = max((sum(1 for c in row if c.tag == _TC) for row in rows), default=0)
    for row in rows:
        cells = [" ".join(_paragraphs(cell)) for cell in row if cell.tag == _TC]
        if columns <= 1:
            for cell in (c for c in row if c.tag == _TC):
                yield from _paragraphs(cell)
            continue
        text = " | ".join(c for c in cells if c)
        if text:
            yield text


def _paragraph_text(paragraph: etree._Element) -> str:
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == _TEXT:
                parts.append(child.text or "")
            elif tag == _DEL_TEXT:
                continue
            elif tag in _READS_AS:
                parts.append(_READS_AS[tag])
            else:
                walk(child)

    walk(paragraph)
    return " ".join("".join(parts).split())


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """``moment`` with UTC for a time zone when it has none (core properties are in UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.timezone.utc)


def _styled_title(document: WordDocument) -> str:
    for paragraph in document.paragraphs:
        style = paragraph.style
        if style is not None and (style.name or "").casefold() == "title":
            text = _paragraph_text(paragraph._p)
            if text:
                return text
    return ""
