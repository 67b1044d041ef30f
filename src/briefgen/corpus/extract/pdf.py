"""The PDF reader: a report's paragraphs page by page as printed, and the metadata it states.

The only module that imports pdfplumber (and, through it, pdfminer.six): MIT-licensed, and it
gives every glyph with its position, size and font, which is what rebuilding the page needs
(PyMuPDF would too, but it is AGPL). The page is rebuilt from glyphs, not from a text dump:

1. glyphs -> rows by baseline (a raised, smaller footnote mark joins the row it belongs to);
2. footnote marks dropped: a short run of digits or note symbols glued to the word before it
   that is smaller and raised, or is an internal link (Typst, LibreOffice and LaTeX link a mark
   to its note), or repeats the number a footnote at the page bottom starts with;
3. page furniture dropped: rows repeated at the same height on most pages (digits ignored, so
   "Page 3" and "Page 4" are one row), a lone page number at the top or bottom, and a short
   top or bottom row that starts or ends with the page's own number (a chapter's running head);
4. footnotes dropped: smaller rows at the page bottom below a rule or a gap. They are left out
   rather than kept as paragraphs because the last paragraph of a page must be the one a
   sentence across the page break runs on from (``continues``), and their marks are gone from
   the text, so nothing would tie a note to its sentence;
5. columns: a gutter of white space running down the page splits rows into a left and a right
   half, read left column first; rows that cross the gutter (a title, a wide table) stay whole;
6. paragraphs from lines: a wider gap, an indented first line, a line ending short of the
   column's edge (the next line's first word would have fitted), a change of type size;
7. words broken at line ends joined: soft hyphens go; a hyphen goes when the joined word occurs
   elsewhere in the text, stays when the hyphenated form does or when both halves are words
   of the text ("well-known"), and otherwise goes (a typesetter broke a word that occurs once);
   ligatures unfolded, whitespace collapsed.

Pages carry their printed labels (/PageLabels), else physical numbers; a page the labels leave
unnumbered (a cover) has the label "", as the file says: there is no printed page to cite.
Title and authors come from XMP (dc:title, dc:creator), then the document information, then
(title only) the largest type near the top of page 1; a title that is a file name ("Microsoft
Word - draft.docx") does not count. The date is XMP dc:date, xmp:CreateDate, then CreationDate:
the day the PDF was made, which for a report is its publication as near as the file states it.
The type is "report" when the file numbers its pages as printed (page labels are what report
software writes) or its title or first page calls it a report, paper, study, review...;
otherwise "document" (a letter, a statement, a two-page note). Nothing is guessed: a field the
file does not state stays "", and ``notes`` say where each stated field came from.

A PDF that needs a password, has no text layer (a scan) or is damaged is refused with a
SourceError saying what to do; one encrypted with an owner password only opens without one and
is read. Reading is bounded (MAX_PAGES, MAX_CHARACTERS, MAX_PAGE_CHARACTERS).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import logging
import re
import statistics
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTLine, LTRect
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral
from pdfplumber.utils.exceptions import PdfminerException

from briefgen.corpus.catalog import Person
from briefgen.corpus.extract import Extracted, ExtractedPage
from briefgen.errors import SourceError

#: The most pages read; a longer file is refused (the longest real reports run to a few hundred).
MAX_PAGES = 2000
#: The most glyphs read from the whole file (about 2,000 dense pages).
MAX_CHARACTERS = 8_000_000
#: The most glyphs on one page: dense small print has about 10,000; more is not prose.
MAX_PAGE_CHARACTERS = 100_000
#: The deepest page tree walked; real ones are a few levels deep (a balanced tree of 2,000
#: pages with 10 kids per node is 4).
MAX_PAGE_TREE_DEPTH = 64
#: The largest XMP packet parsed; real ones are a few kilobytes.
MAX_XMP_BYTES = 1024 * 1024

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
_SOFT_HYPHEN = "\u00ad"
_HYPHENS = "-\u2010"
_NOTE_SYMBOLS = set("*\u2020\u2021\u00a7\u00b6#")
# What a footnote mark follows: the end of a word, or the punctuation after it.
_BEFORE_MARK = ".,;:!?)\u201d\u2019'\"]"
_SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_LONE_PAGE_NUMBER = re.compile(
    r"^[\W_]*(?:page\s*|p\.\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?[\W_]*$",
    re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_REPORT_WORDS = re.compile(
    r"\b(?:report|working paper|discussion paper|policy (?:brief|paper)|briefing|study|"
    r"assessment|review|evaluation|bulletin|white paper|occasional paper)\b", re.IGNORECASE)
_ORGANISATION_WORDS = re.compile(
    r"\b(?:institute|institution|authority|agency|office|council|ministry|department|"
    r"university|college|centre|center|group|foundation|association|commission|committee|"
    r"bank|organi[sz]ation|programme|program|inc|ltd|llc|gmbh|trust|network|society|"
    r"services|unit|bureau|board|secretariat|corporation|company|press|fund|forum|"
    r"observatory|project|initiative|nations|union|government|staff|team|editors?)\b",
    re.IGNORECASE)
_FILE_NAME_TITLE = re.compile(
    r"(^(?:microsoft\s+\w+\s+-\s+)|\.(?:docx?|odt|pdf|indd|qxd|rtf|tex|pptx?|xlsx?)$|"
    r"^untitled|^document\d*$)", re.IGNORECASE)


# -- reading the file --------------------------------------------------------------------------

def read_pdf(path: Path) -> Extracted:
    """The paragraphs of each printed page of ``path`` and its metadata.

    SourceError when the file is not a PDF or is damaged, needs a password, has no text layer
    (a scan), or runs past MAX_PAGES / MAX_CHARACTERS.
    """
    # pdfminer logs every repair it makes to a damaged file; the reader says what matters.
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return _open_and_read(path)
    finally:
        logger.setLevel(level)


def _open_and_read(path: Path) -> Extracted:
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _refusal(path, exc) from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise SourceError(f"{path}: cannot read this PDF ({_describe(exc)}); "
                          "export it again from the program that made it") from None
    try:
        try:
            _check_page_tree(path, pdf.doc)
        except BaseException:
            # pdfplumber's close() makes an object of every page first (10,000 of them in
            # seconds): close the file only.
            if not pdf.stream_is_external:
                pdf.stream.close()
            raise
        with pdf:
            return _read(path, pdf)
    except SourceError:
        raise
    except PdfminerException as exc:
        if isinstance(exc.args[0] if exc.args else None, MemoryError):
            # A stream that inflates past the memory limit (the extraction child's): the
            # child reports it as memory, not as damage.
            raise MemoryError from None
        raise _refusal(path, exc) from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError,
            ZeroDivisionError, RecursionError, AssertionError) as exc:
        # pdfminer reports damage inside a page with whatever its parser tripped on.
        raise SourceError(f"{path}: this PDF is damaged ({_describe(exc)}); "
                          "export it again from the program that made it") from None


def _check_page_tree(path: Path, doc: Any) -> None:
    """SourceError if the page tree of ``doc`` loops (a node that is its own descendant:
    pdfminer walks round it and reads on, as if the file were sound), is deeper than
    MAX_PAGE_TREE_DEPTH, or holds more than MAX_PAGES pages; counted before pdfplumber
    makes an object of every page."""
    root = doc.catalog.get("Pages")
    stack: list[tuple[Any, int]] = [(root, 0)]
    seen: set[int] = set()
    pages = 0
    while stack:
        reference, depth = stack.pop()
        if isinstance(reference, PDFObjRef):
            if reference.objid in seen:
                raise SourceError(f"{path}: this PDF is damaged (its page tree refers back to "
                                  f"object {reference.objid} again: it loops); export it again "
                                  "from the program that made it")
            seen.add(reference.objid)
        node = resolve1(reference)
        if not isinstance(node, dict):
            continue
        if "Kids" not in node:
            pages += 1
            if pages > MAX_PAGES:
                raise SourceError(f"{path}: this PDF has more than {MAX_PAGES} pages, the most "
                                  "a source may have; split it and add the parts")
            continue
        if depth >= MAX_PAGE_TREE_DEPTH:
            raise SourceError(f"{path}: this PDF's page tree is more than "
                              f"{MAX_PAGE_TREE_DEPTH} levels deep; export it again from the "
                              "program that made it")
        kids = resolve1(node["Kids"])
        if isinstance(kids, list):
            stack += [(kid, depth + 1) for kid in reversed(kids)]


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _refusal(path: Path, exc: PdfminerException) -> SourceError:
    cause = exc.args[0] if exc.args else exc
    name = type(cause).__name__
    if name in {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return SourceError(
            f"{path}: this PDF is encrypted (it needs a password to open); remove the "
            "password in the program that made it (or print it to a new PDF) and add that")
    if name == "PSEOF":
        return SourceError(f"{path}: this PDF is truncated (it ends before its last object); "
                           "download or export it again")
    if name == "PDFSyntaxError" and "Root" in str(cause):
        return SourceError(f"{path}: this is not a PDF (no document catalog was found); "
                           "check that the file is the report and not a web page or a link")
    return SourceError(f"{path}: this PDF is damaged ({_describe(cause)}); "
                       "export it again from the program that made it")


@dataclass
class _Glyph:
    text: str
    x0: float
    x1: float
    baseline: float     # distance from the page top, as pdfplumber's ``top``
    size: float
    bold: bool


@dataclass
class _Row:
    """Glyphs on one baseline, left to right."""

    glyphs: list[_Glyph]
    baseline: float
    size: float         # the largest type on the row: a raised mark does not set it

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def text(self) -> str:
        return _glyph_text(self.glyphs)


@dataclass
class _Line:
    """One line of a column (or a row crossing the columns), in reading order."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    first_word_width: float
    block: int          # lines of one block share a left and right edge


@dataclass
class _PageLayout:
    """What pass one found on a page; paragraphs are joined once the whole text is known."""

    label: str
    rows: list[_Row]
    lines: list[_Line] = field(default_factory=list)
    footnotes: int = 0
    marks: int = 0
    rules: list[float] = field(default_factory=list)    # heights of horizontal rules


def _read(path: Path, pdf: Any) -> Extracted:
    page_count = len(pdf.pages)
    if page_count > MAX_PAGES:
        raise SourceError(f"{path}: this PDF has {page_count} pages, more than the "
                          f"{MAX_PAGES} a source may have; split it and add the parts")
    labels, labelled = _page_labels(pdf.doc, page_count)
    layouts: list[_PageLayout] = []
    budget = MAX_CHARACTERS
    cid_glyphs = 0
    pages_without_text: list[str] = []
    for number, page in enumerate(pdf.pages):
        chars, rules = _layout_objects(page)
        if len(chars) > MAX_PAGE_CHARACTERS:
            raise SourceError(f"{path}: page {number + 1} has {len(chars)} characters, more "
                              f"than the {MAX_PAGE_CHARACTERS} a page of prose may have")
        budget -= len(chars)
        if budget < 0:
            raise SourceError(f"{path}: this PDF has more than {MAX_CHARACTERS} characters "
                              "of text; split it and add the parts")
        glyphs = _glyphs(page, chars)
        cid_glyphs += sum(1 for g in glyphs if g.text.startswith("(cid:"))
        glyphs = [g for g in glyphs if not g.text.startswith("(cid:")]
        if not any(g.text.strip() for g in glyphs):
            pages_without_text.append(labels[number] or str(number + 1))
        layout = _PageLayout(labels[number], _rows(glyphs), rules=rules)
        layout.marks = _drop_note_marks(layout, _internal_links(page))
        layouts.append(layout)
        page.close()        # pdfplumber caches every object of a page until then
    if all(not layout.rows for layout in layouts):
        if cid_glyphs:
            raise SourceError(f"{path}: this PDF's fonts do not say which letters their "
                              "glyphs are, so it has no usable text; run OCR on it first "
                              "(ocrmypdf) and add the result")
        raise SourceError(f"{path}: this PDF has no text layer (it looks like a scan: its "
                          "pages are pictures); run OCR on it first (e.g. `ocrmypdf in.pdf "
                          "out.pdf`) and add the result")
    furniture = _drop_furniture(layouts)
    body_size = _body_size(layouts)
    for layout in layouts:
        layout.footnotes = _drop_footnotes(layout, body_size)
        layout.lines = _reading_order(layout.rows)
    pages = _paragraphs(layouts, body_size)
    metadata = _metadata(pdf)
    title, title_note = _title(metadata, layouts)
    authors, authors_note = _authors(metadata)
    date, date_note = _date(metadata)
    notes = [n for n in (title_note, authors_note, date_note) if n]
    notes.append("page numbers from the PDF's page labels" if labelled
                 else "page numbers are the physical pages (the PDF has no page labels)")
    if furniture:
        notes.append("left out as page furniture: " + "; ".join(f'"{f}"' for f in furniture))
    marks = sum(layout.marks for layout in layouts)
    if marks:
        notes.append(f"{marks} footnote marks taken out of the sentences they stood in")
    footnotes = sum(layout.footnotes for layout in layouts)
    if footnotes:
        notes.append(f"{footnotes} lines of small print at page bottoms (footnotes) left out "
                     "of the text")
    if cid_glyphs:
        notes.append(f"{cid_glyphs} glyphs without a Unicode mapping left out")
    if getattr(pdf.doc, "encryption", None):
        notes.append("encrypted with an owner password only (it opens without one): read")
    if pages_without_text:
        notes.append("pages without text (pictures only): " + ", ".join(pages_without_text))
    first_text = " ".join(p for page in pages[:2] for p in page.paragraphs[:6])
    if labelled or _REPORT_WORDS.search(f"{title} {first_text}"):
        csl_type = "report"
        notes.append("type report: " + ("the PDF numbers its pages as printed" if labelled
                                        else "the first pages call it one"))
    else:
        csl_type = "document"
    return Extracted(
        kind="pdf", title=title, pages=tuple(pages), authors=authors, date=date,
        publisher=metadata.get("publisher", ""), csl_type=csl_type,
        language=metadata.get("language", ""), paginated=True, notes=tuple(notes))


def _page_labels(doc: Any, count: int) -> tuple[list[str], bool]:
    """The printed label of each page and whether the PDF states them."""
    physical = [str(n + 1) for n in range(count)]
    try:
        # The generator never ends (labels run on past the last page): take one per page.
        labels = list(itertools.islice(doc.get_page_labels(), count))
    except Exception:  # noqa: BLE001 - PDFNoPageLabels, or a malformed /PageLabels tree
        return physical, False
    if len(labels) != count or not all(isinstance(label, str) for label in labels):
        return physical, False
    return [label.strip() for label in labels], True


def _layout_objects(page: Any) -> tuple[list[LTChar], list[float]]:
    """The page's glyphs as pdfminer lays them out, and the heights of its horizontal rules.

    Read from the layout rather than ``page.chars``: pdfplumber turns each glyph into a dict
    of some thirty attributes, which took 40% of the reading time; these need six.
    """
    chars: list[LTChar] = []
    rules: list[float] = []
    height, top_offset = float(page.height), float(page.mediabox[1])
    stack: list[Any] = [page.layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            chars.append(item)
        elif isinstance(item, LTContainer):
            stack.extend(reversed(list(item)))
        elif isinstance(item, (LTLine, LTRect)) and item.height < 2 and item.width > 10:
            rules.append(height - float(item.y1) + top_offset)
    return chars, rules


def _glyphs(page: Any, chars: Sequence[LTChar]) -> list[_Glyph]:
    """The upright glyphs inside the page, ligatures unfolded; text turned sideways is left out."""
    width, height = float(page.width), float(page.height)
    # As pdfplumber does: pdfminer's coordinates are relative to the MediaBox, y upwards.
    left, top_offset = float(page.mediabox[0]), float(page.mediabox[1])
    out = []
    for c in chars:
        text = c.get_text() or ""
        if not text or not c.upright:
            continue
        x0, x1 = float(c.x0) + left, float(c.x1) + left
        top = height - float(c.y1) + top_offset
        if x1 < 0 or x0 > width or top < 0 or top > height:
            continue
        text = "".join(_LIGATURES.get(ch, ch) for ch in text)
        if text == _SOFT_HYPHEN:
            # A soft hyphen that is drawn is a hyphen the reader sees. Typst maps its hyphen
            # glyph to U+00AD even in "narrow-gauge", so at a line end it is weighed like any
            # other hyphen (_drop_hyphen), which drops it unless the halves are words.
            text = "-"
        if unicodedata.category(text[0]) in {"Cc", "Cf"} and text not in {_SOFT_HYPHEN, "\t"}:
            continue
        matrix = c.matrix or (1, 0, 0, 1, 0, 0)
        # The glyph's box comes from the font's bounding box; the matrix holds the baseline.
        baseline = top + (float(c.y1) - float(matrix[5]))
        if not 0 <= baseline - top <= 2 * float(c.size) + 1:
            baseline = height - float(c.y0) + top_offset
        fontname = c.fontname if isinstance(c.fontname, str) else repr(c.fontname)
        out.append(_Glyph(text, x0, x1, baseline, float(c.size) or 1.0,
                          bool(re.search(r"bold|black|heavy|semibold", fontname, re.I))))
    return out


def _rows(glyphs: list[_Glyph]) -> list[_Row]:
    """Glyphs grouped by baseline, top to bottom; a raised mark joins the row below it."""
    rows: list[_Row] = []
    for g in sorted(glyphs, key=lambda g: (round(g.baseline, 1), g.x0)):
        if rows:
            row = rows[-1]
            if abs(g.baseline - row.baseline) < 0.5 * max(row.size, g.size):
                row.glyphs.append(g)
                if g.size > row.size * 1.05:
                    row.size, row.baseline = g.size, g.baseline
                continue
        rows.append(_Row([g], g.baseline, g.size))
    for row in rows:
        row.glyphs.sort(key=lambda g: g.x0)
    return [row for row in rows if row.text.strip()]


def _glyph_text(glyphs: Sequence[_Glyph]) -> str:
    """The glyphs' text with a space wherever the gap between them is a word space."""
    parts: list[str] = []
    previous: _Glyph | None = None
    for g in glyphs:
        if previous is not None and not g.text.isspace() and not previous.text.isspace():
            if g.x0 - previous.x1 > 0.15 * min(g.size, previous.size):
                parts.append(" ")
        parts.append(g.text)
        previous = g
    return "".join(parts)


def _internal_links(page: Any) -> list[tuple[float, float, float, float]]:
    """The boxes (x0, top, x1, bottom) of links to places inside the document."""
    boxes = []
    for annot in page.annots or ():
        data = annot.get("data") or {}
        subtype = resolve1(data.get("Subtype"))
        name = subtype.name if isinstance(subtype, PSLiteral) else str(subtype)
        if name != "Link" or annot.get("uri"):
            continue
        try:
            boxes.append((float(annot["x0"]), float(annot["top"]), float(annot["x1"]),
                          float(annot["bottom"])))
        except (KeyError, TypeError, ValueError):
            continue
    return boxes


def _drop_note_marks(layout: _PageLayout, links: list[tuple[float, float, float, float]]) -> int:
    """Take footnote marks out of the rows; the number dropped.

    A mark is a run of at most three digits (or one or two note symbols) glued to the letter
    or punctuation before it, followed by a space, punctuation or the line's end; and it is
    smaller than the row's type and raised, or a superscript character, or an internal link,
    or the number a row further down the page starts with (the note itself).
    """
    note_starts = set()
    body_size = _body_size([layout])
    for row in layout.rows:
        match = re.match(r"\s*(\d{1,3}|[%s]{1,3}|[*\u2020\u2021\u00a7\u00b6]{1,2})\D"
                         % _SUPERSCRIPT_DIGITS, row.text)
        if match and row.size < 0.9 * body_size:
            mark = match.group(1)
            if mark[0] in _SUPERSCRIPT_DIGITS:
                mark = "".join(str(_SUPERSCRIPT_DIGITS.index(ch)) for ch in mark)
            note_starts.add((mark, row.baseline))
    dropped = 0
    for row in layout.rows:
        glyphs = row.glyphs
        keep = [True] * len(glyphs)
        i = 0
        while i < len(glyphs):
            j = i
            while j < len(glyphs) and _mark_glyph(glyphs[j]) and j - i < 3:
                j += 1
            if j == i:
                i += 1
                continue
            run = glyphs[i:j]
            before = glyphs[i - 1] if i else None
            after = glyphs[j] if j < len(glyphs) else None
            numbered = (before is not None and before.text == "." and i > 1
                        and glyphs[i - 2].text.isdigit())     # "2.2", "3.5": no mark
            glued = (before is not None and not before.text.isspace() and not numbered
                     and run[0].x0 - before.x1 < 0.15 * row.size
                     and (before.text[-1].islower() or before.text[-1] in _BEFORE_MARK))
            ends = (after is None or after.text.isspace() or after.text[0] in ".,;:!?)\u201d\u2019"
                    or after.x0 - run[-1].x1 > 0.15 * row.size)
            if glued and ends and _is_mark(run, row, links, note_starts):
                for k in range(i, j):
                    keep[k] = False
                dropped += 1
            i = j
        if not all(keep):
            row.glyphs = [g for g, k in zip(glyphs, keep) if k]
    layout.rows = [row for row in layout.rows if row.text.strip()]
    return dropped


def _mark_glyph(g: _Glyph) -> bool:
    return len(g.text) == 1 and (g.text.isdigit() or g.text in _NOTE_SYMBOLS)


def _number(run: list[_Glyph]) -> str:
    """The mark's text with superscript digits as digits ("\u00b9" is the note "1")."""
    return "".join(str(_SUPERSCRIPT_DIGITS.index(g.text)) if g.text in _SUPERSCRIPT_DIGITS
                   else g.text for g in run)


def _is_mark(run: list[_Glyph], row: _Row, links: list[tuple[float, float, float, float]],
             note_starts: set[tuple[str, float]]) -> bool:
    # "km\u00b2" is glued and superscript too: a superscript character alone is no mark.
    if all(g.size < 0.85 * row.size for g in run) and \
            all(row.baseline - g.baseline > 0.12 * row.size for g in run):
        return True
    x = (run[0].x0 + run[-1].x1) / 2
    y = row.baseline - 0.3 * row.size
    if any(x0 - 0.5 <= x <= x1 + 0.5 and top - 1 <= y <= bottom + 1
           for x0, top, x1, bottom in links):
        return True
    number = _number(run)
    return any(n == number and baseline > row.baseline + row.size for n, baseline in note_starts)


# -- furniture and footnotes -------------------------------------------------------------------

def _furniture_key(text: str) -> str:
    """A row's text with its page number, arabic or roman ("Page 3", "Page iv"), as "#"."""
    return _with_number_as(text, "#").casefold()


def _with_number_as(text: str, placeholder: str) -> str:
    words = [re.sub(r"\d+", placeholder, w) for w in text.split()]
    return " ".join(placeholder if re.fullmatch(r"[ivxlcdm]{1,7}", w, re.IGNORECASE) else w
                    for w in words)


def _drop_furniture(layouts: list[_PageLayout]) -> list[str]:
    """Take running headers, footers and page numbers out; the kinds of row dropped.

    Candidates are the two top and two bottom rows of each page. A row is furniture when the
    same text (digits aside) stands at the same height on at least half the pages with text
    (and on two at least), or when it is a lone page number ("12", "iv", "Page 3 of 9").
    """
    def edges(layout: _PageLayout) -> list[_Row]:
        rows = layout.rows
        return rows[:2] + rows[max(2, len(rows) - 2):]

    with_text = [layout for layout in layouts if layout.rows]
    seen: dict[str, list[float]] = {}
    for layout in with_text:
        for row in edges(layout):
            seen.setdefault(_furniture_key(row.text), []).append(row.baseline)
    threshold = max(2, (len(with_text) + 1) // 2)
    repeated = {}
    for key, baselines in seen.items():
        middle = statistics.median(baselines)
        if sum(1 for b in baselines if abs(b - middle) <= 3) >= threshold:
            repeated[key] = middle
    dropped: dict[str, None] = {}
    for layout in with_text:
        drop = []
        for position, row in enumerate(edges(layout)):
            key = _furniture_key(row.text)
            if key in repeated and abs(row.baseline - repeated[key]) <= 3:
                drop.append(row)
                dropped["page numbers" if key == "#" else _with_number_as(row.text, "N")] = None
            elif position in (0, len(edges(layout)) - 1) and \
                    _LONE_PAGE_NUMBER.match(row.text.strip()):
                drop.append(row)
                dropped["page numbers"] = None
            elif position in (0, len(edges(layout)) - 1) and len(row.text.split()) <= 2 and \
                    any(abs(row.baseline - b) <= 1 for b in repeated.values()):
                # Where the other pages have their number, a number whatever its text says
                # (Typst's text layer reads its footer "i" as "n").
                drop.append(row)
                dropped["page numbers"] = None
            elif position in (0, len(edges(layout)) - 1) and _names_its_page(row, layout.label):
                # A running head that changes with the chapter, "Chapter 2: Sources 17".
                drop.append(row)
                dropped["running heads ending in the page number"] = None
        layout.rows = [row for row in layout.rows if all(row is not d for d in drop)]
    return list(dropped)


def _names_its_page(row: _Row, label: str) -> bool:
    """Whether a short row at the page's edge begins or ends with the page's own number."""
    words = row.text.split()
    return bool(label) and 1 < len(words) <= 12 and label in (words[0], words[-1])


def _body_size(layouts: list[_PageLayout]) -> float:
    """The type size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for layout in layouts:
        for row in layout.rows:
            sizes[round(row.size, 1)] += len(row.glyphs)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _drop_footnotes(layout: _PageLayout, body_size: float) -> int:
    """Take the footnotes at the page bottom out; the number of rows dropped.

    They are the rows at the bottom set smaller than the body, with more than a line's
    space between them and the text above, and a separator rule in that space or a note
    number opening them (small print at a page bottom without either, a code example or a
    caption, is text).
    """
    rows = layout.rows
    start = len(rows)
    while start > 0 and rows[start - 1].size < 0.9 * body_size:
        start -= 1
    if start == len(rows) or start == 0:
        return 0
    above, first = rows[start - 1], rows[start]
    if first.baseline - above.baseline < 1.6 * above.size:
        return 0
    ruled = any(above.baseline < rule < first.baseline - 0.5 * first.size
                for rule in layout.rules)
    numbered = re.match(r"\s*(?:\d{1,3}|[%s]{1,3}|[*\u2020\u2021\u00a7\u00b6])"
                        % _SUPERSCRIPT_DIGITS, first.text)
    if not ruled and not numbered:
        return 0
    layout.rows = rows[:start]
    return len(rows) - start


# -- columns and lines -------------------------------------------------------------------------

def _gutter(rows: list[_Row]) -> tuple[float, float] | None:
    """The white space running down the middle of a two-column page, as (left, right) x."""
    if len(rows) < 6:
        return None
    left = min(row.x0 for row in rows)
    right = max(row.x1 for row in rows)
    width = right - left
    if not 0 < width < 20_000:      # a page is at most 200 inches (14,400 pt) wide
        return None
    steps = int(width) + 1
    coverage = [0] * steps
    for row in rows:
        for g in row.glyphs:
            if g.text.isspace():
                continue
            for x in range(max(0, int(g.x0 - left)), min(steps, int(g.x1 - left) + 1)):
                coverage[x] += 1
    # A gutter is where (almost) no glyph stands: a title across both columns may cross it.
    limit = max(1, len(rows) // 20)
    best: tuple[int, int] | None = None
    x = int(0.25 * width)
    while x < int(0.75 * width):
        if coverage[x] <= limit:
            end = x
            while end < steps and coverage[end] <= limit:
                end += 1
            if best is None or end - x > best[1] - best[0]:
                best = (x, end)
            x = end
        x += 1
    if best is None:
        return None
    size = statistics.median(row.size for row in rows)
    if best[1] - best[0] < 0.6 * size:
        return None
    g0, g1 = left + best[0], left + best[1]
    split = sum(1 for row in rows if row.x0 < g0 and row.x1 > g1 and not _crosses(row, g0, g1))
    return (g0, g1) if split >= 4 else None


def _crosses(row: _Row, g0: float, g1: float) -> bool:
    return any(g.x1 > g0 + 0.5 and g.x0 < g1 - 0.5 for g in row.glyphs if not g.text.isspace())


def _reading_order(rows: list[_Row]) -> list[_Line]:
    """Rows cut at the gutters and put in reading order, each column of a band in turn."""
    lines: list[_Line] = []
    for block, members in enumerate(_column_blocks(rows, 0), start=1):
        lines.extend(_line(row, block) for row in members)
    return _merge_blocks(lines)


def _column_blocks(rows: list[_Row], depth: int) -> list[list[_Row]]:
    """The rows as blocks in reading order: a column is a block, so is a row across columns.

    A column found at one gutter may hold another (three columns): each half is searched
    again, a few levels deep.
    """
    gutter = _gutter(rows) if depth < 3 else None
    if gutter is None:
        # A page without columns: every row its own block until _merge_blocks joins them.
        return [rows] if depth else [[row] for row in rows]
    blocks: list[list[_Row]] = []
    left_rows: list[_Row] = []
    right_rows: list[_Row] = []

    def flush() -> None:
        for half in (left_rows, right_rows):
            if half:
                blocks.extend(_column_blocks(list(half), depth + 1))
            half.clear()

    middle = (gutter[0] + gutter[1]) / 2
    for row in rows:
        if _crosses(row, *gutter):
            flush()
            blocks.append([row])
            continue
        left = [g for g in row.glyphs if g.x1 <= middle]
        right = [g for g in row.glyphs if g.x1 > middle]
        if _has_text(left):
            left_rows.append(_Row(left, row.baseline, row.size))
        if _has_text(right):
            right_rows.append(_Row(right, row.baseline, row.size))
    flush()
    return blocks


def _has_text(glyphs: list[_Glyph]) -> bool:
    return any(not g.text.isspace() for g in glyphs)


def _merge_blocks(lines: list[_Line]) -> list[_Line]:
    """One-line blocks (rows of a page without columns) joined into text columns.

    A line joins the block above it when it starts at the block's left edge or ends at its
    right edge (an indented first line, a paragraph's short last line); a set-in quotation,
    narrower on both sides, starts a block of its own, so its lines are not taken for short.
    """
    edges: dict[int, tuple[float, float]] = {}
    counts = Counter(line.block for line in lines)
    for previous, line in zip(lines, lines[1:]):
        if line.block == previous.block or counts[line.block] != 1 or \
                line.baseline <= previous.baseline:
            continue
        left, right = edges.get(previous.block, (previous.x0, previous.x1))
        if abs(line.x0 - left) < 2 or abs(line.x1 - right) < 2:
            line.block = previous.block
            edges[previous.block] = (min(left, line.x0), max(right, line.x1))
    return lines


def _line(row: _Row, block: int) -> _Line:
    glyphs = [g for g in row.glyphs]
    while glyphs and glyphs[0].text.isspace():
        glyphs.pop(0)
    while glyphs and glyphs[-1].text.isspace():
        glyphs.pop()
    text = " ".join(_glyph_text(glyphs).split())
    first_end = glyphs[0].x1
    for previous, g in zip(glyphs, glyphs[1:]):
        if g.text.isspace() or g.x0 - previous.x1 > 0.15 * row.size:
            break
        first_end = g.x1
    bold = sum(g.bold for g in glyphs) > len(glyphs) / 2
    return _Line(text, glyphs[0].x0, glyphs[-1].x1, row.baseline, row.size, bold,
                 first_end - glyphs[0].x0, block)


# -- paragraphs --------------------------------------------------------------------------------

@dataclass
class _Edges:
    left: float
    right: float
    pitch: float


def _edges(lines: list[_Line]) -> dict[int, _Edges]:
    """Each block's left and right edge (the most common ones) and its line pitch."""
    by_block: dict[int, list[_Line]] = {}
    for line in lines:
        by_block.setdefault(line.block, []).append(line)
    edges = {}
    for block, members in by_block.items():
        left = min(line.x0 for line in members)
        right = max(line.x1 for line in members)
        steps = [b.baseline - a.baseline for a, b in zip(members, members[1:])
                 if b.baseline > a.baseline and abs(a.size - b.size) < 0.5]
        pitch = statistics.median(steps) if steps else 1.2 * members[0].size
        edges[block] = _Edges(left, right, pitch)
    return edges


def _breaks(a: _Line, b: _Line, edges: dict[int, _Edges]) -> bool:
    """Whether line ``b`` starts a new paragraph after line ``a``."""
    if abs(a.size - b.size) > 0.8 or a.bold != b.bold:
        return True
    ea, eb = edges[a.block], edges[b.block]
    if b.baseline - a.baseline > 1.45 * ea.pitch:
        return True
    if b.x0 - eb.left > 0.6 * b.size and b.x0 - eb.left < (eb.right - eb.left) / 2:
        return True
    if _short(a, ea, b.first_word_width):
        return True
    return False


def _short(line: _Line, edges: _Edges, next_word: float) -> bool:
    """Whether ``line`` stops where the next word would still have fitted."""
    if line.text.endswith(tuple(_HYPHENS) + (_SOFT_HYPHEN,)):
        return False
    room = edges.right - line.x1
    return room > min(next_word, edges.right - edges.left) + 0.4 * line.size


def _paragraphs(layouts: list[_PageLayout], body_size: float) -> list[ExtractedPage]:
    """Pages of paragraphs: lines grouped, hyphens resolved against the whole text."""
    grouped: list[list[list[_Line]]] = []
    ends_open: list[bool] = []
    starts_fresh: list[bool] = []
    for layout in layouts:
        lines = layout.lines
        edges = _edges(lines)
        paragraphs: list[list[_Line]] = []
        for line in lines:
            if paragraphs and not _breaks(paragraphs[-1][-1], line, edges):
                paragraphs[-1].append(line)
            else:
                paragraphs.append([line])
        grouped.append(paragraphs)
        if lines:
            last, first = lines[-1], lines[0]
            first_edges = edges[first.block]
            ends_open.append(abs(last.size - body_size) < 0.8 and not last.bold
                             and not _short(last, edges[last.block], first.first_word_width))
            starts_fresh.append(abs(first.size - body_size) >= 0.8 or first.bold
                                or first.x0 - first_edges.left > 0.6 * first.size)
        else:
            ends_open.append(False)
            starts_fresh.append(True)
    vocabulary = _vocabulary(grouped)
    texts = [[_join([line.text for line in paragraph], vocabulary) for paragraph in paragraphs]
             for paragraphs in grouped]
    pages = []
    previous_open = False
    for i, layout in enumerate(layouts):
        continues = bool(texts[i]) and previous_open and not starts_fresh[i]
        if continues and pages and pages[-1].paragraphs:
            # A word broken across the page break stays whole on the page it starts on.
            tail = pages[-1].paragraphs[-1]
            if tail.endswith(tuple(_HYPHENS)) and texts[i][0]:
                word, _, rest = texts[i][0].partition(" ")
                joined = _join([tail, word], vocabulary)
                pages[-1] = ExtractedPage(pages[-1].label,
                                          pages[-1].paragraphs[:-1] + (joined,),
                                          pages[-1].continues)
                texts[i][0] = rest
        paragraphs = tuple(t for t in texts[i] if t)
        pages.append(ExtractedPage(layout.label, paragraphs, continues and bool(paragraphs)))
        if texts[i]:
            previous_open = ends_open[i]
    return pages


def _vocabulary(grouped: list[list[list[_Line]]]) -> set[str]:
    """Every word of the text that is not a piece of a word broken at a line end."""
    words: set[str] = set()
    for paragraphs in grouped:
        for paragraph in paragraphs:
            for n, line in enumerate(paragraph):
                tokens = line.text.split()
                if n > 0 and paragraph[n - 1].text.endswith(tuple(_HYPHENS) + (_SOFT_HYPHEN,)):
                    tokens = tokens[1:]
                if line.text.endswith(tuple(_HYPHENS) + (_SOFT_HYPHEN,)):
                    tokens = tokens[:-1]
                for token in tokens:
                    words.update(w.casefold() for w in _WORD.findall(token.replace(
                        _SOFT_HYPHEN, "")))
                    if "-" in token:
                        words.add(token.strip(".,;:!?()\u201c\u201d\"'").casefold())
    return words


def _join(lines: Iterable[str], vocabulary: set[str]) -> str:
    """Lines of one paragraph as one string, words broken at line ends joined again."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif out.endswith(_SOFT_HYPHEN):
            out = out[:-1] + line
        elif out[-1] in _HYPHENS and len(out) > 1 and out[-2].isalpha() and line[:1].isalpha():
            out = out[:-1] + ("" if _drop_hyphen(out[:-1], line, vocabulary) else out[-1]) + line
        else:
            out = out + " " + line
    out = out.replace(_SOFT_HYPHEN, "")
    return " ".join(out.split())


def _drop_hyphen(before: str, after: str, vocabulary: set[str]) -> bool:
    """Whether the hyphen between ``before`` and ``after`` only broke a word at the line end."""
    head = _WORD.findall(before.split()[-1] if before.split() else "")
    tail = _WORD.findall(after.split()[0] if after.split() else "")
    if not head or not tail:
        return False
    left, right = head[-1], tail[0]
    joined = (left + right).casefold()
    if joined in vocabulary:
        return True
    if f"{left}-{right}".casefold() in vocabulary or right[0].isupper():
        return False
    if left.casefold() in vocabulary and right.casefold() in vocabulary and \
            len(left) > 1 and len(right) > 1:
        return False
    return True


# -- metadata ----------------------------------------------------------------------------------

_XMP_NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def _metadata(pdf: Any) -> dict[str, Any]:
    """Title, authors, dates, language and publisher as the info dict and XMP state them."""
    found: dict[str, Any] = {}
    info = pdf.metadata or {}
    for key in ("Title", "Author", "CreationDate"):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if isinstance(value, str) and value.strip():
            found[f"info:{key}"] = " ".join(value.replace("\x00", "").split())
    xmp = _xmp(pdf.doc)
    if xmp is not None:
        for key, path in (("xmp:title", "dc:title"), ("xmp:publisher", "dc:publisher"),
                          ("xmp:language", "dc:language"), ("xmp:date", "dc:date")):
            items = _xmp_items(xmp, path)
            if items:
                found[key] = items[0]
        creators = _xmp_items(xmp, "dc:creator")
        if creators:
            found["xmp:creator"] = creators
        for element in xmp.iter("{%s}Description" % _XMP_NAMESPACES["rdf"]):
            value = element.get("{%s}CreateDate" % _XMP_NAMESPACES["xmp"])
            child = element.find("xmp:CreateDate", _XMP_NAMESPACES)
            value = value or (child.text if child is not None else None)
            if value and value.strip():
                found["xmp:CreateDate"] = value.strip()
                break
    language = found.get("xmp:language", "")
    try:
        lang = resolve1(pdf.doc.catalog.get("Lang"))
    except Exception:  # noqa: BLE001 - a broken reference is no language
        lang = None
    if isinstance(lang, bytes):
        lang = lang.decode("latin-1", "replace")
    if isinstance(lang, str) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        language = lang
    if language and language.lower() not in {"x-unknown", "und"}:
        found["language"] = language
    if found.get("xmp:publisher"):
        found["publisher"] = found["xmp:publisher"]
    return found


def _xmp(doc: Any) -> ElementTree.Element | None:
    try:
        stream = resolve1(doc.catalog.get("Metadata"))
        if len(getattr(stream, "rawdata", None) or b"") > MAX_XMP_BYTES:
            return None
        data = stream.get_data() if stream is not None else None
    except Exception:  # noqa: BLE001 - an unreadable XMP packet is no XMP
        return None
    if not isinstance(data, bytes) or len(data) > MAX_XMP_BYTES:
        return None
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return None         # XMP never declares entities; one that does may be a bomb
    try:
        return ElementTree.fromstring(data.strip(b"\x00 \r\n\t"))
    except ElementTree.ParseError:
        return None


def _xmp_items(root: ElementTree.Element, path: str) -> list[str]:
    items = []
    for element in root.iter("{%s}%s" % (_XMP_NAMESPACES[path.split(":")[0]],
                                         path.split(":")[1])):
        lis = element.findall(".//rdf:li", _XMP_NAMESPACES)
        texts = [li.text for li in lis] if lis else [element.text]
        items += [" ".join(t.split()) for t in texts if t and t.strip()]
    return items


def _usable_title(title: str) -> bool:
    return bool(title) and not _FILE_NAME_TITLE.search(title.strip())


def _title(metadata: dict[str, Any], layouts: list[_PageLayout]) -> tuple[str, str]:
    for key, where in (("xmp:title", "the XMP metadata (dc:title)"),
                       ("info:Title", "the document information (Title)")):
        if _usable_title(metadata.get(key, "")):
            return metadata[key], f"title from {where}"
    for layout in layouts[:1]:
        rows = [row for row in layout.rows if row.baseline < 0.5 * max(
            (r.baseline for r in layout.rows), default=0) + 1]
        if not rows:
            continue
        largest = max(row.size for row in rows)
        if largest <= _body_size([layout]) * 1.15:
            continue
        title_rows = [row for row in rows if row.size >= largest * 0.95]
        title = " ".join(" ".join(row.text.split()) for row in title_rows[:3])
        if title:
            return title, "title from the largest type near the top of page 1"
    return "", ""


def _authors(metadata: dict[str, Any]) -> tuple[tuple[Person, ...], str]:
    if metadata.get("xmp:creator"):
        names = [n for item in metadata["xmp:creator"] for n in _split_names(item)]
        where = "the XMP metadata (dc:creator)"
    elif metadata.get("info:Author"):
        names = _split_names(metadata["info:Author"])
        where = "the document information (Author)"
    else:
        return (), ""
    people = tuple(_person(name) for name in names)
    return people, f"authors from {where}" if people else ""


def _split_names(text: str) -> list[str]:
    """Several names in one string: "A; B", "A, B and C", "A & B"; not "Family, Given"."""
    parts = [p for p in re.split(r"\s*;\s*", text) if p.strip()]
    names = []
    for part in parts:
        pieces = [p for p in re.split(r"\s*,\s*|\s+(?:and|&)\s+", part) if p.strip()]
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            names += pieces
        elif " and " in part or " & " in part:
            names += [p for p in re.split(r"\s+(?:and|&)\s+", part) if p.strip()]
        else:
            names.append(part)
    return [" ".join(n.split()) for n in names if n.strip()]


def _person(name: str) -> Person:
    if _ORGANISATION_WORDS.search(name) or len(name.split()) > 4 or name.isupper():
        return Person(family=name)
    if "," in name:
        family, _, given = name.partition(",")
        return Person(family=family.strip(), given=given.strip())
    words = name.split()
    if len(words) == 1:
        return Person(family=name)
    # Particles belong to the family name: "Ana de la Cruz", "Jan van Dijk".
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in {"de", "la", "van", "von", "der", "den",
                                                     "del", "da", "di", "le", "du", "bin",
                                                     "al", "ter", "ten"}:
        start -= 1
    return Person(family=" ".join(words[start:]), given=" ".join(words[:start]))


def _date(metadata: dict[str, Any]) -> tuple[str, str]:
    for key, where in (("xmp:date", "the XMP metadata (dc:date)"),
                       ("xmp:CreateDate", "the XMP metadata (xmp:CreateDate)"),
                       ("info:CreationDate", "the document information (CreationDate)")):
        value = _iso_date(metadata.get(key, ""))
        if value:
            return value, f"date from {where}, when the PDF was made"
    return "", ""


def _iso_date(text: str) -> str:
    """"YYYY-MM-DD" (or "YYYY-MM", "YYYY") from a PDF date (D:20250314...) or an XMP date."""
    match = re.match(r"^(?:D:)?(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?", text.strip())
    if not match:
        return ""
    year, month, day = match.group(1), match.group(2), match.group(3)
    if not 1900 <= int(year) <= 2100:
        return ""
    if month is None:
        return year
    if day is None:
        return f"{year}-{month}" if 1 <= int(month) <= 12 else year
    try:
        _dt.date(int(year), int(month), int(day))
    except ValueError:
        return year
    return f"{year}-{month}-{day}"
