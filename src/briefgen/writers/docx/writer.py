"""The DOCX writer: renders a Document into a copy of the template's reference.docx."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from collections.abc import Mapping
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.section import Section, _Footer, _Header
from docx.shared import Cm, Length

from briefgen.confine import REFERENCE_DOCX, RefusedFile, read_confined
from briefgen.errors import RenderError, TemplateError
from briefgen.model.nodes import Document, Metadata
from briefgen.model.nodes import Paragraph as ParagraphNode
from briefgen.templating.template import Template
from briefgen.templating.values import values_of
from briefgen.writers.docx import _oxml
from briefgen.writers.docx.banner import add_banner, prints_marking
from briefgen.writers.docx.cover import fill_story, story_has_placeholders
from briefgen.writers.docx import styles as S
from briefgen.writers.docx.package import brief_datetime, write_reproducible_zip
from briefgen.writers.docx.render import BodyRenderer, Context
from briefgen.writers.docx.sanitize import sanitize
from briefgen.writers.docx.styles import StyleSheet
from briefgen.untrusted_docx import Cleaned, RefusedDocx, rebuild_reference

# Core properties hold at most this many characters (python-docx refuses more).
_CORE_PROPERTY_LIMIT = 255


class DocxWriter:
    """Writes a brief as a Word document styled entirely by the template's reference.docx.

    The reference document gives styles, numbering, page setup, header and footer, and
    may design a cover with placeholders ({{ title }}) that are filled from the brief;
    the brief's body goes where its {{ body }} paragraph stands. See styles.py for the
    style names, cover.py for the placeholders.
    """

    name = "docx"
    suffix = ".docx"
    image_types: tuple[str, ...] = ("png",)

    def __init__(self, timeout: float | None = None) -> None:
        # ``timeout`` is part of every writer's constructor (writers/base.py); a DOCX is not
        # compiled, so nothing here runs long enough to need it.
        # What the last ``write`` removed from the reference document (an external picture
        # link, a DDEAUTO field, a macro project), one phrase each, for the build to print.
        self.warnings: list[str] = []

    def cancel(self) -> None:
        """Nothing to stop: a DOCX is written in this process in well under a second."""

    def write(self, document: Document, template: Template, out: Path) -> None:
        """Write ``document`` to exactly ``out``; RenderError for anything the user can fix."""
        # The values were resolved from the metadata before it was made XML-safe here.
        values = sanitize(values_of(template))
        document = sanitize(document)
        self.warnings = []
        word = open_reference(template.reference_docx, self.warnings.append)
        origin = str(template.reference_docx)
        styles = StyleSheet(word)
        styles.ensure_all()

        back_matter = place_cover(word, styles, values, origin)
        numbered = bool(template.settings.get("numbered_paragraphs"))
        renderer_class = NumberedParagraphRenderer if numbered else BodyRenderer
        renderer = renderer_class(word, styles, text_width(word.sections[-1]), document.labels,
                                  document.cross_referenced(), reference_tag(document.meta))
        renderer.render(document.body, Context(container=word))
        _oxml.append_to_body(word.element.body, back_matter)
        even_pages = word.settings.odd_and_even_pages_header_footer
        for index, section in enumerate(word.sections):
            write_header_footer(section, styles, values, document.meta.banner, even_pages,
                                origin, first_section=index == 0)
        _drop_orphans(word)
        set_properties(word, document.meta)

        buffer = io.BytesIO()
        word.save(buffer)
        try:
            write_reproducible_zip(buffer.getvalue(), out, brief_datetime(document.meta.date))
        except OSError as exc:
            raise RenderError(f"cannot write {out}: {exc.strerror or exc}") from exc


def reference_tag(meta: Metadata) -> str:
    """Eight hex digits that tell this brief's cross-reference bookmarks from another's once
    both are attached to one report (briefgen attach): from what names the brief (title,
    subtitle, date, organisation), so the same brief always gets the same bookmarks."""
    named = "\n".join((meta.title, meta.subtitle, meta.date, meta.organisation))
    return hashlib.sha256(named.encode("utf-8")).hexdigest()[:8]


# Rebuilt references by the sha256 of their bytes: a batch worker, `watch` and `preview`
# write brief after brief through one reference, and the bytes are read afresh every time,
# so an edited reference is rebuilt.
_REBUILT: dict[bytes, Cleaned] = {}
_REBUILT_KEPT = 8


def _rebuilt(data: bytes) -> Cleaned:
    key = hashlib.sha256(data).digest()
    if key not in _REBUILT:
        if len(_REBUILT) >= _REBUILT_KEPT:
            del _REBUILT[next(iter(_REBUILT))]
        _REBUILT[key] = rebuild_reference(data)
    return _REBUILT[key]


def open_reference(path: Path, warn: Callable[[str], None] | None = None) -> WordDocument:
    """The reference document at ``path``, rebuilt from the parts briefgen uses (see
    untrusted.py) and opened with python-docx; ``warn`` hears what was removed from it.

    TemplateError for a reference that is refused (a zip bomb, a DOCTYPE), RenderError for
    one that cannot be read at all.
    """
    if not path.is_file():
        raise RenderError(f"reference document not found: {path}")
    try:
        # Read under the confinement rule, then rebuilt from memory: python-docx given the
        # path would follow a link anywhere and read a pipe or a device until it blocks.
        data = read_confined(path, path.parent, REFERENCE_DOCX)
    except RefusedFile as refused:
        raise TemplateError(f"{path}: {refused.reason}") from None
    except OSError as exc:
        raise RenderError(f"cannot read reference document {path}: {exc.strerror or exc}"
                          ) from None
    try:
        cleaned = _rebuilt(data)
    except RefusedDocx as exc:
        raise TemplateError(f"{path}: refused the reference document: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile,
            NotImplementedError) as exc:
        raise RenderError(f"cannot read reference document {path}: {exc}") from None
    for what in cleaned.removed:
        if warn is not None:
            warn(f"{path}: removed {what} from the reference document")
    try:
        return docx.Document(io.BytesIO(cleaned.blob))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        _oxml.XMLSyntaxError,
        OSError,
    ) as exc:
        raise RenderError(f"cannot read reference document {path}: {exc}") from exc


def text_width(section: Section) -> Length:
    """The width of the text column of ``section`` (page width less the side margins)."""
    if section.page_width is None or section.left_margin is None or section.right_margin is None:
        return Cm(16)
    return Length(section.page_width - section.left_margin - section.right_margin)


def place_cover(
    word: WordDocument, styles: StyleSheet, values: Mapping[str, str], origin: str
) -> list[_oxml.Element]:
    """Make the top of the brief and return what goes after the generated body.

    A reference whose body holds placeholders has a designed cover: its placeholders are
    filled, the body will go where its {{ body }} paragraph stands (which is removed), and
    what follows that paragraph (a disclaimer) is returned to go after the body. With no
    {{ body }} paragraph the body follows the whole cover. A reference body without any
    placeholder is a specimen: it is cleared and briefgen's own cover written instead.
    """
    body = word.element.body
    if not story_has_placeholders(body):
        _oxml.clear_content(body)
        write_cover(word, values, styles)
        return []
    marker = fill_story(body, values, f"{origin} (cover)", drop_emptied=True).body_marker
    if marker is None:
        return []
    return _oxml.split_body_at(marker)


def write_cover(word: WordDocument, values: Mapping[str, str], styles: StyleSheet) -> None:
    """briefgen's own cover, for a reference that designs none: title, subtitle, and the byline
    (date · authors · organisation). From the placeholder values, as a designed cover would
    be, so template.yaml's defaults (an organisation) reach it too."""
    word.add_paragraph(values["title"], style=styles.paragraph(S.TITLE))
    if values["subtitle"]:
        word.add_paragraph(values["subtitle"], style=styles.paragraph(S.SUBTITLE))
    if values["byline"]:
        word.add_paragraph(values["byline"], style=styles.paragraph(S.COVER_DETAILS))


class NumberedParagraphRenderer(BodyRenderer):
    """Numbers the paragraphs the model numbers (template.yaml: numbered_paragraphs).

    The numbers are Word's own, from the Numbered Paragraph style's list; assembly decided
    which paragraphs have one (the body's top level), as it did for the PDF.
    """

    def paragraph(self, paragraph: ParagraphNode, ctx: Context) -> None:
        if paragraph.number:
            self.inlines(self._add_paragraph(ctx, S.NUMBERED_PARAGRAPH), paragraph.runs, ctx)
        else:
            super().paragraph(paragraph, ctx)


def write_header_footer(
    section: Section,
    styles: StyleSheet,
    values: Mapping[str, str],
    banner: str = "",
    even_pages: bool = False,
    origin: str = "reference.docx",
    first_section: bool = True,
) -> None:
    """Fill the placeholders of every header and footer the section shows (first page, even
    pages). Where the reference has none for the first section, briefgen's own: the marking
    centred in the header (nothing if there is none), "Page X of Y" in the footer. A
    classified brief's banner is in each of them (banner.py).
    """
    headers = [("header", section.header)]
    footers = [("footer", section.footer)]
    if section.different_first_page_header_footer:
        headers.append(("first-page header", section.first_page_header))
        footers.append(("first-page footer", section.first_page_footer))
    if even_pages:
        headers.append(("even-page header", section.even_page_header))
        footers.append(("even-page footer", section.even_page_footer))
    for where, story in [*headers, *footers]:
        if not story.is_linked_to_previous:
            has_marking = prints_marking(story._element)
            fill_story(story._element, values, f"{origin} ({where})", drop_emptied=False)
            if banner and not has_marking:
                add_banner(story, banner, styles)
        elif first_section:
            story.is_linked_to_previous = False
            _oxml.clear_content(story._element)
            if where.endswith("header"):
                _builtin_header(story, values, styles)  # the marking is the banner
            else:
                _builtin_footer(story, styles)
                if banner:
                    add_banner(story, banner, styles)


def _builtin_header(header: _Header, values: Mapping[str, str], styles: StyleSheet) -> None:
    # The placeholder value, so a marking template.yaml gives by default is printed as well.
    if values["marking"]:
        header.add_paragraph(values["marking"], style=styles.paragraph(S.MARKING))
    else:
        header.add_paragraph(style=styles.paragraph(S.HEADER))


def _builtin_footer(footer: _Footer, styles: StyleSheet) -> None:
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
    used = _oxml.referenced_ids(part.element)
    for rId, rel in list(part.rels.items()):
        if rel.reltype in (RT.IMAGE, RT.HYPERLINK) and rId not in used:
            del part.rels[rId]
    package_rels = part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rId]
