"""Insert a brief's DOCX into a Word report with docxcompose; the only module importing docxcompose.

docxcompose works on python-docx Documents, so this module imports python-docx too (the one
place outside writers/docx, which renders the model; this one works on finished files). What
docxcompose does for us: the report's styles win over same-named styles of the brief (the
report keeps its look), styles only the brief has are copied, lists are renumbered, pictures
and their relationships are carried over, and the brief's header and footer references are
dropped so the report's header runs on. Footnotes are copied by our own method (see
_footnotes.py for why).

Where the brief goes: at the end, or with ``after`` at the end of the named heading's section,
i.e. before the next heading of the same or a higher level (or at the end of the report when
there is none). A section, not the heading paragraph, because an annex placed "after
Chapter 2" belongs after Chapter 2's text, not between the heading and its first paragraph.
It always starts on a new page, and so does what follows it in the report.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsmap, qn
from docx.text.paragraph import Paragraph
from docxcompose.composer import Composer
from docxcompose.utils import NS
from lxml import etree

from briefgen.attach._footnotes import FootnoteCopier, MissingFootnote
from briefgen.attach.files import AttachError, write_atomically
from briefgen.untrusted_docx import RefusedDocx, scrub_report

# docxcompose.utils rebinds python-docx's global "cp" prefix to the custom-properties namespace
# when it is imported, after which python-docx writes a malformed docProps/core.xml for the rest
# of the process (every later build in a batch or test run). docxcompose's own queries pass
# their namespaces explicitly, so python-docx's binding can be put back.
nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

_HEADING_NAME = re.compile(r"^heading (\d)$", re.IGNORECASE)


def attach_docx(brief: Path, report: Path, output: Path, after: str = "",
                warn: Callable[[str], None] | None = None) -> None:
    """Write ``report`` with ``brief`` inserted (at the end, or after heading ``after``) to
    ``output``; ``warn`` hears what was removed from either (see untrusted_docx.py)."""
    report_doc = _open(report, "report", warn)
    brief_doc = _open(brief, "brief", warn)
    composer = _BriefComposer(report_doc, brief)
    index = _section_end(report_doc, after, report) if after else composer.append_index()
    first_inserted = _first_inserted(report_doc, index)
    composer.insert(index, brief_doc)
    _start_on_new_page(report_doc, first_inserted, index)
    if first_inserted is not None and first_inserted.tag == qn("w:p"):
        # Inserted mid-report: the report's next chapter starts a page too, as after an annex.
        Paragraph(first_inserted, report_doc._body).paragraph_format.page_break_before = True
    write_atomically(output, lambda temp: report_doc.save(str(temp)))


def _open(path: Path, role: str, warn: Callable[[str], None] | None) -> WordDocument:
    """The Word file at ``path`` less what reaches out or runs, opened with python-docx."""
    try:
        cleaned = scrub_report(path)
    except RefusedDocx as exc:
        raise AttachError(f"{path}: expected the {role} to be a Word document (DOCX) safe to "
                          f"open, but {exc}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise AttachError(f"{path}: expected the {role} to be a Word document (DOCX), "
                          f"but it cannot be read as one ({reason})") from None
    for what in cleaned.removed:
        if warn is not None:
            warn(f"{path}: removed {what} from the {role}")
    try:
        return docx.Document(io.BytesIO(cleaned.blob))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            etree.XMLSyntaxError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise AttachError(f"{path}: expected the {role} to be a Word document (DOCX), "
                          f"but it cannot be read as one ({reason})") from None


# ----------------------------------------------------------------------------- where it goes


def heading_level(paragraph: Paragraph) -> int | None:
    """The outline level of a heading paragraph (1 = top), or None when it is body text.

    Word's own rule: an outline level on the paragraph, else on its style or a style it is
    based on; the built-in "Heading N" names count even where the level is not written down.
    """
    p_pr = paragraph._p.pPr
    levels = p_pr.xpath("w:outlineLvl/@w:val") if p_pr is not None else []
    style = paragraph.style
    while not levels and style is not None:
        levels = style.element.xpath("w:pPr/w:outlineLvl/@w:val")
        if not levels:
            named = _HEADING_NAME.match(style.name or "")
            if named:
                return int(named.group(1))
        style = style.base_style
    if not levels:
        return None
    level = int(levels[0]) + 1
    return level if level <= 9 else None  # outline level 9 is Word's "body text"


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _section_end(doc: WordDocument, heading: str, report: Path) -> int:
    """The body index just after the section headed ``heading``; AttachError if not exactly one."""
    body = doc.element.body
    children = list(body.iterchildren())
    headings: list[tuple[int, int, str]] = []  # (index, level, text)
    for index, child in enumerate(children):
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, doc._body)
            level = heading_level(paragraph)
            if level is not None and paragraph.text.strip():
                headings.append((index, level, paragraph.text.strip()))
    wanted = _normal(heading)
    found = [h for h in headings if _normal(h[2]) == wanted]
    if not found:
        names = ", ".join(repr(text) for _, _, text in headings[:12]) or "none"
        raise AttachError(f"{report}: no heading {heading!r}; expected one of: {names}")
    if len(found) > 1:
        raise AttachError(f"{report}: the heading {heading!r} appears {len(found)} times; "
                          "rename one of them or attach at the end")
    start, level, _ = found[0]
    for index, other_level, _ in headings:
        if index > start and other_level <= level:
            return index
    sect_pr = body.find(qn("w:sectPr"))
    return body.index(sect_pr) if sect_pr is not None else len(body)


def _first_inserted(doc: WordDocument, index: int) -> Any:
    """The element now at ``index``, which the brief will push down (None: the end)."""
    children = list(doc.element.body.iterchildren())
    return children[index] if index < len(children) else None


def _start_on_new_page(doc: WordDocument, following: Any, index: int) -> None:
    """Make the brief's first paragraph start a page; add an empty one if the brief opens with a table.

    A "page break before" on the paragraph rather than a break character, so no empty line
    is left at the foot of the report's text or the top of the brief.
    """
    body = doc.element.body
    if index >= len(body) or body[index] is following:  # an empty brief: nothing was inserted
        return
    first = body[index]
    if first.tag != qn("w:p"):
        first = OxmlElement("w:p")
        body.insert(index, first)
    Paragraph(first, doc._body).paragraph_format.page_break_before = True


# ----------------------------------------------------------------------------- footnotes


class _BriefComposer(Composer):  # type: ignore[misc]
    """docxcompose's Composer, with footnotes copied by FootnoteCopier (ids that never collide,
    links in notes re-pointed) and written back once after the whole brief is in."""

    def __init__(self, doc: WordDocument, brief_path: Path) -> None:
        super().__init__(doc)
        self._brief_path = brief_path
        self._notes: FootnoteCopier | None = None
        self._notes_part: Part | None = None

    def insert(self, index: int, doc: WordDocument, remove_property_fields: bool = True) -> None:
        super().insert(index, doc, remove_property_fields=remove_property_fields)
        if self._notes is not None and self._notes_part is not None:
            _set_part_xml(self._notes_part, self._notes.xml())

    def add_footnotes(self, doc: WordDocument, element: Any) -> None:
        refs = element.findall(".//w:footnoteReference", NS)
        if not refs:
            return
        try:
            source_part = doc.part.rels.part_with_reltype(RT.FOOTNOTES)
        except KeyError:
            raise AttachError(f"{self._brief_path}: the brief refers to footnotes but has no "
                              "footnotes part; rebuild it") from None
        if self._notes is None:
            self._notes_part, existing = self._footnotes_part()
            self._notes = FootnoteCopier(existing, source_part.blob)
        for ref in refs:
            try:
                new_id, note = self._notes.copy(ref.get(qn("w:id")))
            except MissingFootnote as missing:
                raise AttachError(f"{self._brief_path}: a note reference points to footnote "
                                  f"{missing} which the brief does not have; rebuild it") from None
            ref.set(qn("w:id"), new_id)
            self.add_referenced_parts(source_part, self._notes_part, note)

    def _footnotes_part(self) -> tuple[Part, bytes | None]:
        """The report's footnotes part and its XML, or a new empty part and None."""
        try:
            part = self.doc.part.rels.part_with_reltype(RT.FOOTNOTES)
            return part, part.blob
        except KeyError:
            part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, b"", self.pkg)
            self.doc.part.relate_to(part, RT.FOOTNOTES)
            return part, None


def _set_part_xml(part: Part, xml: bytes) -> None:
    # python-docx 1.2 loads footnotes.xml as a plain Part (bytes); a later version may load it
    # as an XmlPart, whose bytes are serialised from its element instead.
    if isinstance(part, XmlPart):
        part._element = parse_xml(xml)
    else:
        part._blob = xml
