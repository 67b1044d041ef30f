"""The raw WordprocessingML python-docx has no API for, kept in one place.

Footnotes (the part, its separators, note marks), fields (SEQ, REF, PAGE, NUMPAGES), bookmarks,
hyperlinks, right-to-left marks, picture and table alt text, repeating header rows, list
restarts, and the text of a reference document's own paragraphs (where cover.py fills its
placeholders). Each function edits the XML under one python-docx proxy or element and says
which elements it reads or writes; the rest of the writer uses python-docx's public API.
"""

from __future__ import annotations

import re

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.document import DocumentPart
from docx.parts.story import StoryPart
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

# An element of a python-docx document (python-docx's own classes are lxml elements); used
# for the reference document's paragraphs, which python-docx offers no proxy for inside text
# boxes.
Element = etree._Element
XMLSyntaxError = etree.XMLSyntaxError

# ----------------------------------------------------------------- footnotes

# Word's own convention: the separator lines are notes -1 and 0, so the notes a reader
# sees can be numbered 1, 2, 3 ... in reading order (Word renumbers marks itself anyway).
SEPARATOR_ID = -1
CONTINUATION_ID = 0

_FOOTNOTES_XML = f"""<w:footnotes {nsdecls("w", "r")}>
  <w:footnote w:type="separator" w:id="{SEPARATOR_ID}">
    <w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:r><w:separator/></w:r></w:p>
  </w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="{CONTINUATION_ID}">
    <w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:r><w:continuationSeparator/></w:r></w:p>
  </w:footnote>
</w:footnotes>"""


def new_footnotes_part(document_part: DocumentPart) -> StoryPart:
    """Give the document a fresh, empty footnotes part (word/footnotes.xml) and return it.

    Any footnotes part the reference document had is dropped with its notes: the body that
    referenced them has been cleared. The part holds only the separator and continuation
    separator; ``w:settings/w:footnotePr`` names them, as Word writes it.
    """
    for rId, rel in list(document_part.rels.items()):
        if rel.reltype == RT.FOOTNOTES:
            del document_part.rels[rId]
    package = document_part.package
    assert package is not None
    part = StoryPart(
        PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(_FOOTNOTES_XML), package
    )
    document_part.relate_to(part, RT.FOOTNOTES)

    settings = document_part.settings.element
    for old in settings.findall(qn("w:footnotePr")):
        settings.remove(old)
    footnote_pr = parse_xml(
        f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="{SEPARATOR_ID}"/>'
        f'<w:footnote w:id="{CONTINUATION_ID}"/></w:footnotePr>'
    )
    # Every child the schema puts after w:footnotePr is named below or lives outside the w:
    # namespace (m:mathPr, sl:schemaLibrary, w14:docId ...).
    successor = next(
        (c for c in settings if c.tag in _AFTER_FOOTNOTE_PR or not c.tag.startswith(f"{{{_W}}}")),
        None,
    )
    if successor is None:
        settings.append(footnote_pr)
    else:
        successor.addprevious(footnote_pr)
    return part


def add_footnote(footnotes_part: StoryPart, footnote_id: int) -> BaseOxmlElement:
    """Append an empty ``w:footnote`` with ``footnote_id`` and return it (add paragraphs)."""
    footnote = OxmlElement("w:footnote", attrs={qn("w:id"): str(footnote_id)})
    footnotes_part.element.append(footnote)
    return footnote


def add_paragraph_to(container: BaseOxmlElement, style_id: str | None) -> BaseOxmlElement:
    """Append a ``w:p`` of paragraph style ``style_id`` to ``container`` (a ``w:footnote``)
    and return it; the XML python-docx makes of ``paragraph.style = s`` on a new paragraph
    (None, the default style, leaves an empty ``w:pPr``, as python-docx does)."""
    p = _styled("w:p", "w:pPr", "w:pStyle", style_id)
    container.append(p)
    return p


def _styled(tag: str, properties: str, style: str, style_id: str | None) -> BaseOxmlElement:
    """``<tag><properties><style w:val=style_id/></properties></tag>``, the properties empty
    for None (python-docx's XML for a new paragraph or run given a style)."""
    element = OxmlElement(tag)
    holder = OxmlElement(properties)
    if style_id is not None:
        holder.append(OxmlElement(style, attrs={qn("w:val"): style_id}))
    element.append(holder)
    return element


def _styled_run(container: BaseOxmlElement, style_id: str | None,
                content: BaseOxmlElement) -> None:
    """Append a ``w:r`` of character style ``style_id`` holding ``content``, as python-docx
    makes it with ``add_run()`` and ``run.style = s``."""
    r = _styled("w:r", "w:rPr", "w:rStyle", style_id)
    r.append(content)
    container.append(r)


def add_footnote_reference(paragraph: BaseOxmlElement, footnote_id: int,
                           style_id: str | None) -> None:
    """Append the note mark in the text: a ``w:r`` holding ``w:footnoteReference``."""
    _styled_run(paragraph, style_id,
                OxmlElement("w:footnoteReference", attrs={qn("w:id"): str(footnote_id)}))


def add_footnote_mark(paragraph: BaseOxmlElement, style_id: str | None) -> None:
    """Append the note's own number at the foot of the page: a ``w:r`` holding ``w:footnoteRef``."""
    _styled_run(paragraph, style_id, OxmlElement("w:footnoteRef"))


def clear_content(element: BaseOxmlElement) -> None:
    """Remove every child of a body, header or footer element except the final ``w:sectPr``."""
    for child in list(element):
        if child.tag != qn("w:sectPr"):
            element.remove(child)


# ----------------------------------------------------------------- fields


def add_field(paragraph: Paragraph, instruction: str, result: str) -> Run:
    """Append a complex field (``w:fldChar`` begin, ``w:instrText``, separate, result, end).

    Returns the result run. Word and LibreOffice recompute the result (page numbers, SEQ
    numbers); what we write is what shows until then and what text extraction sees. Complex
    rather than ``w:fldSimple`` fields, because the result is then an ordinary run that
    readers of the paragraph's runs (python-docx, pandoc) see.
    """

    def run_with(child: BaseOxmlElement) -> Run:
        run = paragraph.add_run()
        run._r.append(child)
        return run

    run_with(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): "begin"}))
    instr = OxmlElement("w:instrText", attrs={qn("xml:space"): "preserve"})
    instr.text = f" {instruction} "
    run_with(instr)
    run_with(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): "separate"}))
    result_run = paragraph.add_run(result)
    result_run._r.get_or_add_rPr().insert(0, OxmlElement("w:noProof"))
    run_with(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): "end"}))
    return result_run


# ----------------------------------------------------------------- bookmarks, hyperlinks

_BOOKMARK_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for ``anchor``: letters, digits and _, at most 40 characters."""
    name = _BOOKMARK_UNSAFE.sub("_", anchor)
    if not name[:1].isalpha():
        name = "a" + name
    return name[:40]


def add_bookmark(paragraph: Paragraph, bookmark_id: int, anchor: str) -> None:
    """Wrap the paragraph's content in ``w:bookmarkStart``/``w:bookmarkEnd`` named for anchor.

    Call after the paragraph's runs are written. A bookmark that already starts where the
    content does (a cross-reference's, around a caption's number) keeps starting first: its
    end comes first too, and docxcompose (briefgen attach) renumbers the starts and the ends
    of a document each in their order, which pairs them wrongly when one nests in another.
    """
    attrs = {qn("w:id"): str(bookmark_id)}
    start = OxmlElement("w:bookmarkStart", attrs={**attrs, qn("w:name"): bookmark_name(anchor)})
    children = list(paragraph._p)
    ppr = paragraph._p.pPr
    at = children.index(ppr) + 1 if ppr is not None else 0
    while at < len(children) and children[at].tag == qn("w:bookmarkStart"):
        at += 1
    paragraph._p.insert(at, start)
    paragraph._p.append(OxmlElement("w:bookmarkEnd", attrs=attrs))


# Word's own cross-reference bookmarks are "_Ref" and digits: the leading underscore hides
# them from the Bookmark dialog (they are the document's machinery, not the author's).
_REFERENCE_BOOKMARK_PREFIX = "_Ref"


def reference_bookmark_name(kind: str, number: int, brief: str = "") -> str:
    """The bookmark a REF field points at for figure, table or recommendation ``number``:
    "_RefFig2", "_RefTbl1", "_RefRec3", then "_" and ``brief`` when given (letters and
    digits that tell this brief from others: a report that holds two attached briefs then
    holds two "Figure 2" bookmarks that a REF field cannot confuse). Hidden, and at most 40
    characters, as Word requires."""
    short = {"figure": "Fig", "table": "Tbl", "recommendation": "Rec"}[kind]
    tag = f"_{brief}" if brief else ""
    return f"{_REFERENCE_BOOKMARK_PREFIX}{short}{int(number)}{tag}"[:40]


def start_bookmark(paragraph: Paragraph, bookmark_id: int, name: str) -> None:
    """Append ``w:bookmarkStart`` named ``name`` to the paragraph: what is appended next, up
    to ``end_bookmark`` with the same id, is the bookmark's text (what a REF field shows)."""
    paragraph._p.append(OxmlElement(
        "w:bookmarkStart", attrs={qn("w:id"): str(bookmark_id), qn("w:name"): name}))


def end_bookmark(paragraph: Paragraph, bookmark_id: int) -> None:
    """Append the ``w:bookmarkEnd`` closing ``start_bookmark``'s bookmark of that id."""
    paragraph._p.append(OxmlElement("w:bookmarkEnd", attrs={qn("w:id"): str(bookmark_id)}))


def add_reference_field(paragraph: Paragraph, bookmark: str, shown: str) -> Run:
    """Append a ``REF bookmark \\h`` field showing ``shown``: Word replaces it with the
    bookmark's text when fields update and follows it as a link (``\\h``); LibreOffice and
    pandoc show ``shown`` until then. Returns the result run."""
    return add_field(paragraph, f"REF {bookmark} \\h", shown)


def add_hyperlink(paragraph: Paragraph, url: str) -> BaseOxmlElement:
    """Append an empty ``w:hyperlink`` to ``url`` and return it (add runs with add_run_in).

    ``#name`` links to the bookmark for anchor ``name``; anything else is an external
    relationship of the paragraph's part (document or footnotes).
    """
    if url.startswith("#"):
        attrs = {qn("w:anchor"): bookmark_name(url[1:]), qn("w:history"): "1"}
    else:
        rId = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        attrs = {qn("r:id"): rId, qn("w:history"): "1"}
    link = OxmlElement("w:hyperlink", attrs=attrs)
    paragraph._p.append(link)
    return link


def add_run_in(hyperlink: BaseOxmlElement, paragraph: Paragraph) -> Run:
    """Append an empty ``w:r`` inside ``hyperlink`` and return it as a Run of paragraph."""
    r = OxmlElement("w:r")
    hyperlink.append(r)
    return Run(r, paragraph)  # type: ignore[arg-type]


# ----------------------------------------------------------------- right-to-left, language


def set_paragraph_bidi(paragraph: Paragraph) -> None:
    """Make the paragraph right-to-left: ``w:pPr/w:bidi``."""
    ppr = paragraph._p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        _insert_before(ppr, OxmlElement("w:bidi"), _AFTER_BIDI)


def add_text_run(container: BaseOxmlElement, parent: Paragraph, text: str,
                 style_id: str | None = None, bold: bool = False, italic: bool = False,
                 rtl: bool = False, lang: str = "") -> None:
    """Append to ``container`` (a ``w:p`` or ``w:hyperlink``) a run of ``text`` with its
    properties, built as the XML python-docx would make of ``add_run()``, ``.bold``,
    ``.italic``, ``.style``, set_run_rtl and set_run_lang, in the schema's order (rStyle,
    b, i, rtl, lang), without python-docx's search for where each property goes: a third of
    writing a brief went to that search. Text holding tabs or line breaks goes through
    python-docx, which makes them w:tab and w:br."""
    r = OxmlElement("w:r")
    container.append(r)
    properties = []
    if style_id is not None:
        properties.append(OxmlElement("w:rStyle", attrs={qn("w:val"): style_id}))
    if bold:
        properties.append(OxmlElement("w:b"))
    if italic:
        properties.append(OxmlElement("w:i"))
    if rtl:
        properties.append(OxmlElement("w:rtl"))
    if lang:
        properties.append(OxmlElement("w:lang", attrs={qn("w:bidi" if rtl else "w:val"): lang}))
    if properties:
        rpr = OxmlElement("w:rPr")
        rpr.extend(properties)
        r.append(rpr)
    if "\t" in text or "\n" in text or "\r" in text:
        Run(r, parent).text = text  # type: ignore[arg-type]
    elif text:
        r.add_t(text)  # type: ignore[attr-defined]


def set_run_text(run: Run, text: str) -> None:
    """``run.text = text`` for a new, empty run. python-docx reads the text a character at a
    time for tabs and line breaks; text with neither becomes the one ``w:t`` it would make,
    without that walk (a fifth of writing a brief went to it)."""
    if "\t" in text or "\n" in text or "\r" in text:
        run.text = text
    elif text:
        run._r.add_t(text)


def set_run_rtl(run: Run, lang: str = "") -> None:
    """Mark the run right-to-left (``w:rtl``), so Word sets it with the complex-script font.

    ``lang`` (e.g. "ar") goes to ``w:lang/@w:bidi``, the language of complex-script text.
    """
    rpr = run._r.get_or_add_rPr()
    rpr.get_or_add_rtl()
    if lang:
        _insert_before(rpr, OxmlElement("w:lang", attrs={qn("w:bidi"): lang}), _AFTER_LANG)


def set_run_lang(run: Run, lang: str) -> None:
    """Set the language of a left-to-right run: ``w:lang/@w:val``."""
    rpr = run._r.get_or_add_rPr()
    _insert_before(rpr, OxmlElement("w:lang", attrs={qn("w:val"): lang}), _AFTER_LANG)


def set_default_language(styles_element: BaseOxmlElement, lang: str) -> None:
    """Set the language of the whole document: ``w:docDefaults/w:rPrDefault/w:rPr/w:lang``.

    Spell-checking in Word and the language LibreOffice writes into a PDF come from here.
    A reference document's more specific tag for the same language ("en-GB" for "en") is kept.
    """
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        _insert_before(rpr, lang_el, _AFTER_LANG)
    current = lang_el.get(qn("w:val")) or ""
    if not current.casefold().startswith(f"{lang.casefold()}-"):
        lang_el.set(qn("w:val"), lang)


# ----------------------------------------------------------------- pictures and tables


def set_picture_description(run: Run, descr: str, title: str) -> None:
    """Set the alt text of the picture in ``run``: ``@descr`` and ``@title`` of ``wp:docPr``
    (what Word's Alt Text pane shows) and of ``pic:cNvPr`` (what some readers look at)."""
    for props in run._r.xpath(".//wp:docPr | .//pic:cNvPr"):
        props.set("descr", descr)
        props.set("title", title)


def set_table_description(table: Table, caption: str, description: str) -> None:
    """Set the alt text of a table: ``w:tblCaption`` and ``w:tblDescription`` (Word 2010+)."""
    tbl_pr = table._tbl.tblPr
    for tag, value in (("w:tblCaption", caption), ("w:tblDescription", description)):
        if value:
            tbl_pr.append(OxmlElement(tag, attrs={qn("w:val"): value}))  # last in w:tblPr


def set_table_full_width(table: Table) -> None:
    """Make the table as wide as the text column: ``w:tblW w:type="pct" w:w="5000"``."""
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        _insert_before(table._tbl.tblPr, tbl_w, _AFTER_TBL_W)
    tbl_w.set(qn("w:type"), "pct")
    tbl_w.set(qn("w:w"), "5000")


def set_row_header(row: _Row) -> None:
    """Repeat the row at the top of every page the table runs on: ``w:trPr/w:tblHeader``."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def set_row_cant_split(row: _Row) -> None:
    """Keep the row on one page: ``w:trPr/w:cantSplit``."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))


# ----------------------------------------------------------------- numbering


def style_num_id(style_element: BaseOxmlElement) -> int | None:
    """The ``w:numId`` a paragraph style's ``w:pPr/w:numPr`` names, or None if unnumbered."""
    vals = style_element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
    return int(vals[0]) if vals else None


def restart_numbering(numbering_element: BaseOxmlElement, num_id: int, start: int) -> int:
    """Add a ``w:num`` sharing ``num_id``'s list definition that starts at ``start``.

    Returns the new numId. Each numbered list gets its own so numbering restarts instead of
    running on from the previous list.
    """
    num = numbering_element.num_having_numId(num_id)
    new = numbering_element.add_num(num.abstractNumId.val)
    new.add_lvlOverride(ilvl=0).add_startOverride(start)
    return int(new.numId)


def set_paragraph_numbering(paragraph: Paragraph, num_id: int, level: int = 0) -> None:
    """Number the paragraph from list ``num_id`` at ``level``: ``w:pPr/w:numPr``."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# ----------------------------------------------------------------- a reference's paragraphs

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# What makes a paragraph worth keeping though its text is empty.
_CONTENT = frozenset(
    qn(t) for t in ("w:drawing", "w:pict", "w:object", "w:fldChar", "w:fldSimple", "w:sectPr")
)


def paragraphs_in(story: Element) -> list[Element]:
    """Every ``w:p`` under ``story`` (a body, header or footer), in document order, including
    those in tables and text boxes."""
    return list(story.iter(qn("w:p")))


def is_top_level(paragraph: Element, story: Element) -> bool:
    """Whether ``paragraph`` is a child of ``story`` itself (not in a table or text box)."""
    return paragraph.getparent() is story


def text_pieces(paragraph: Element) -> list[str]:
    """The text of each ``w:t`` that belongs to ``paragraph`` itself, in order; the ``w:t``
    of paragraphs nested in its text boxes belong to those."""
    return [t.text or "" for t in _own_texts(paragraph)]


def paragraph_text(paragraph: Element) -> str:
    """The text of ``paragraph``'s own ``w:t`` elements, joined."""
    return "".join(text_pieces(paragraph))


def set_text_pieces(paragraph: Element, pieces: list[str]) -> None:
    """Give ``paragraph``'s own ``w:t`` elements the texts ``pieces`` (as many as
    ``text_pieces`` returned); each changed one gets ``xml:space="preserve"`` so its edge
    spaces survive."""
    for t, piece in zip(_own_texts(paragraph), pieces):
        if t.text != piece:
            t.text = piece
            t.set(_XML_SPACE, "preserve")


def is_empty_paragraph(paragraph: Element) -> bool:
    """Whether ``paragraph`` has no visible text and nothing else to keep: no picture,
    object, field or section properties."""
    if paragraph_text(paragraph).strip():
        return False
    return not any(el.tag in _CONTENT for el in paragraph.iter())


def remove_paragraph(paragraph: Element) -> None:
    """Remove ``paragraph``, unless it is the last ``w:p`` of a table cell or text box, which
    must keep one."""
    parent = paragraph.getparent()
    if parent is None:
        return
    if parent.tag in (qn("w:tc"), qn("w:txbxContent")) and len(parent.findall(qn("w:p"))) == 1:
        return
    parent.remove(paragraph)


def split_body_at(marker: Element) -> list[Element]:
    """Remove ``marker`` (a top-level ``w:p`` of the body) and every body element after it but
    the final ``w:sectPr``; return those elements, in order, to append after the new body."""
    body = marker.getparent()
    assert body is not None
    after = [e for e in marker.itersiblings() if e.tag != qn("w:sectPr")]
    for element in [*after, marker]:
        body.remove(element)
    return after


def append_to_body(body: Element, elements: list[Element]) -> None:
    """Append ``elements`` (what ``split_body_at`` returned) to ``body``, then move the body's
    final ``w:sectPr`` back to the end, where the schema wants it."""
    for element in elements:
        body.append(element)
    section = body.find(qn("w:sectPr"))
    if section is not None:
        body.remove(section)
        body.append(section)


def referenced_ids(part_element: BaseOxmlElement) -> set[str]:
    """Every relationship id the part's XML uses: ``@r:id``, ``@r:embed`` and ``@r:link``."""
    return set(part_element.xpath("//@r:id | //@r:embed | //@r:link"))


def _own_texts(paragraph: Element) -> list[Element]:
    return [t for t in paragraph.iter(qn("w:t")) if _owner(t) is paragraph]


def _owner(element: Element) -> Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != qn("w:p"):
        parent = parent.getparent()
    return parent


# ----------------------------------------------------------------- schema order

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tags(names: str) -> frozenset[str]:
    return frozenset(qn(f"w:{name}") for name in names.split())


# The elements the schema puts after the one we insert; python-docx declares no slot for it.
_AFTER_BIDI = _tags(
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
)
_AFTER_FOOTNOTE_PR = _tags(
    "endnotePr compat docVars rsids attachedSchema themeFontLang clrSchemeMapping "
    "doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
    "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags "
    "decimalSymbol listSeparator"
)
_AFTER_LANG = _tags("eastAsianLayout specVanish oMath rPrChange")
_AFTER_TBL_W = _tags(
    "jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
    "tblDescription tblPrChange"
)


def _insert_before(parent: BaseOxmlElement, child: BaseOxmlElement, after: frozenset[str]) -> None:
    """Insert ``child`` into ``parent`` before the first child whose tag is in ``after``."""
    successor = next((c for c in parent if c.tag in after), None)
    if successor is None:
        parent.append(child)
    else:
        successor.addprevious(child)
