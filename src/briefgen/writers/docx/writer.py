"""The DOCX writer: renders a Document into a copy of the template's reference.docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.section import Section
from docx.shared import Cm, Length
from lxml import etree

from briefgen.errors import RenderError
from briefgen.model.nodes import Document, Metadata
from briefgen.templating.template import Template
from briefgen.writers.docx import _oxml
from briefgen.writers.docx import styles as S
from briefgen.writers.docx.package import brief_datetime, write_reproducible_zip
from briefgen.writers.docx.render import BodyRenderer, Context
from briefgen.writers.docx.sanitize import sanitize
from briefgen.writers.docx.styles import StyleSheet

# Core properties hold at most this many characters (python-docx refuses more).
_CORE_PROPERTY_LIMIT = 255


class DocxWriter:
    """Writes a brief as a Word document styled entirely by the template's reference.docx.

    The reference document gives styles, numbering, page setup, header and footer
    definitions; its body is replaced by the brief. See styles.py for the style names.
    """

    name = "docx"
    suffix = ".docx"
    image_types: tuple[str, ...] = ("png",)

    def write(self, document: Document, template: Template, out: Path) -> None:
        """Write ``document`` to exactly ``out``; RenderError for anything the user can fix."""
        document = sanitize(document)
        word = open_reference(template.reference_docx)
        _oxml.clear_content(word.element.body)
        _drop_orphans(word)
        styles = StyleSheet(word)
        styles.ensure_all()

        write_cover(word, document.meta, styles)
        renderer = BodyRenderer(word, styles, text_width(word.sections[-1]))
        renderer.render(document.body, Context(container=word))
        even_pages = word.settings.odd_and_even_pages_header_footer
        for section in word.sections:
            write_header_footer(section, document.meta, styles, even_pages)
        set_properties(word, document.meta)

        buffer = io.BytesIO()
        word.save(buffer)
        try:
            write_reproducible_zip(buffer.getvalue(), out, brief_datetime(document.meta.date))
        except OSError as exc:
            raise RenderError(f"cannot write {out}: {exc.strerror or exc}") from exc


def open_reference(path: Path) -> WordDocument:
    """The reference document at ``path``, opened with python-docx."""
    if not path.is_file():
        raise RenderError(f"reference document not found: {path}")
    try:
        return docx.Document(str(path))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
        OSError,
    ) as exc:
        raise RenderError(f"cannot read reference document {path}: {exc}") from exc


def text_width(section: Section) -> Length:
    """The width of the text column of ``section`` (page width less the side margins)."""
    if section.page_width is None or section.left_margin is None or section.right_margin is None:
        return Cm(16)
    return Length(section.page_width - section.left_margin - section.right_margin)


def write_cover(word: WordDocument, meta: Metadata, styles: StyleSheet) -> None:
    """The top of the first page: title, subtitle, and one line of date, authors, organisation.

    All of the cover is here so that filling a cover designed in the template can replace it.
    """
    word.add_paragraph(meta.title, style=styles.paragraph(S.TITLE))
    if meta.subtitle:
        word.add_paragraph(meta.subtitle, style=styles.paragraph(S.SUBTITLE))
    details = [meta.date_text or meta.date, ", ".join(meta.authors), meta.organisation]
    line = " · ".join(d for d in details if d)
    if line:
        word.add_paragraph(line, style=styles.paragraph(S.COVER_DETAILS))


def write_header_footer(
    section: Section, meta: Metadata, styles: StyleSheet, even_pages: bool = False
) -> None:
    """The marking centred in the header (nothing if there is none), "Page X of Y" in the footer.

    Writes every header and footer the section shows (first page, even pages), replacing
    what the reference document had there.
    """
    headers = [section.header]
    footers = [section.footer]
    if section.different_first_page_header_footer:
        headers.append(section.first_page_header)
        footers.append(section.first_page_footer)
    if even_pages:
        headers.append(section.even_page_header)
        footers.append(section.even_page_footer)
    for header in headers:
        header.is_linked_to_previous = False
        _oxml.clear_content(header._element)
        if meta.marking:
            header.add_paragraph(meta.marking, style=styles.paragraph(S.MARKING))
        else:
            header.add_paragraph(style=styles.paragraph(S.HEADER))
    for footer in footers:
        footer.is_linked_to_previous = False
        _oxml.clear_content(footer._element)
        p = footer.add_paragraph("Page ", style=styles.paragraph(S.FOOTER))
        _oxml.add_field(p, "PAGE", "1")
        p.add_run(" of ")
        _oxml.add_field(p, "NUMPAGES", "1")


def set_properties(word: WordDocument, meta: Metadata) -> None:
    """Document properties from the metadata, every date the brief's date, so builds repeat."""
    when = brief_datetime(meta.date)
    props = word.core_properties
    authors = "; ".join(meta.authors)
    for name, value in (
        ("title", meta.title),
        ("author", authors),
        ("last_modified_by", authors),
        ("subject", meta.subject),
        ("keywords", "; ".join(meta.keywords)),
        ("language", meta.lang),
        ("category", ""),
        ("comments", ""),
        ("content_status", ""),
        ("identifier", ""),
        ("version", ""),
    ):
        setattr(props, name, value[:_CORE_PROPERTY_LIMIT])
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    if meta.lang:
        _oxml.set_default_language(word.styles.element, meta.lang)


def _drop_orphans(word: WordDocument) -> None:
    """Drop what the cleared body of the reference left behind: its pictures and links,
    and the reference's thumbnail (it would show the reference, not the brief)."""
    part = word.part
    used = set(part.element.xpath("//@r:id | //@r:embed | //@r:link"))
    for rId, rel in list(part.rels.items()):
        if rel.reltype in (RT.IMAGE, RT.HYPERLINK) and rId not in used:
            del part.rels[rId]
    package_rels = part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rId]
