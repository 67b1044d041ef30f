"""Build templates/default/reference.docx: the styles, numbering and page of the default brief.

Run from the repository root:

    PYTHONPATH=src python tools/make_reference_docx.py [out.docx]

The .docx it writes is the file analysts edit in Word (Home > Styles > Modify); this script
records how it was first made and can remake it. It starts from python-docx's default
template, sets an A4 page, rewrites the list numbering, defines every style the DOCX writer
names (briefgen/writers/docx/styles.py) and, last, renders a style specimen through the
writer so a person opening the file sees each style at work.

The look: a sober think-tank brief. Noto Serif 10.5 pt body, Noto Sans navy headings,
captions, tables and notes; Noto Naskh Arabic for right-to-left text. All fonts ship in
Debian's fonts-noto-core, so LibreOffice renders the PDF as designed.

Like the writer this uses python-docx, plus raw XML for what python-docx cannot set on a
style (borders, shading, table style conditions, numbering).
"""

from __future__ import annotations

import io
import struct
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any, cast

import docx
import yaml
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle, _TableStyle
from lxml import etree

from briefgen.model.nodes import (
    Bibliography,
    BibliographyEntry,
    BlockQuote,
    Document,
    Figure,
    Heading,
    KeyPoints,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Recommendation,
    Table,
    TableCell,
    Text,
)
from briefgen.writers.docx import styles as S

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates" / "default" / "reference.docx"


def _accent(template_yaml: Path, fallback: str = "1F4E79") -> str:
    """The template's accent colour (colours.accent in template.yaml), so DOCX and PDF match."""
    try:
        settings = yaml.safe_load(template_yaml.read_text(encoding="utf-8")) or {}
        return str(settings["colours"]["accent"]).lstrip("#").upper()
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return fallback


SERIF = "Noto Serif"
SANS = "Noto Sans"
MONO = "Liberation Mono"
ARABIC = "Noto Naskh Arabic"

NAVY = _accent(ROOT / "templates" / "default" / "template.yaml")  # headings, rules, accents
INK = "222222"  # body text
MUTED = "5B6573"  # captions, source lines, labels, footer
RULE = "C5CED9"  # hairlines
TINT = "EDF1F6"  # key points box
QUOTE_INK = "34465C"  # excerpts
LINK = "1F5C99"

# ----------------------------------------------------------------- helpers


def _xml(fragment: str) -> etree._Element:
    return parse_xml(f"<root {nsdecls('w')}>{fragment}</root>")[0]


def _replace_child(parent: etree._Element, child: etree._Element, before: tuple[str, ...]) -> None:
    """Put ``child`` into ``parent`` (replacing one with its tag) before the first of ``before``."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    successor = next((c for c in parent if c.tag in {qn(t) for t in before}), None)
    if successor is None:
        parent.append(child)
    else:
        successor.addprevious(child)


# Schema order of the children of w:pPr.
_PPR_ORDER = tuple(
    f"w:{tag}"
    for tag in (
        *("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl"),
        *("numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens"),
        *("kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN"),
        *("bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing"),
        *("mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment"),
        *("textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    )
)


def _ppr_child(style: BaseStyle, fragment: str) -> None:
    ppr = style.element.get_or_add_pPr()
    child = _xml(fragment)
    later = _PPR_ORDER[_PPR_ORDER.index(child.tag.replace(f"{{{_W}}}", "w:")) + 1 :]
    _replace_child(ppr, child, later)


def _fonts(style: BaseStyle, latin: str, cs: str | None = None) -> None:
    """Name the fonts outright (no theme fonts): Latin, East Asian and, if given, complex script."""
    rpr = style.element.get_or_add_rPr()
    cs_attr = f' w:cs="{cs}"' if cs else ""
    fonts = _xml(f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{latin}"{cs_attr}/>')
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(1 if rpr.find(qn("w:rStyle")) is not None else 0, fonts)


def paragraph_style(
    word: WordDocument,
    name: str,
    *,
    base: str | None = "Normal",
    next_style: str | None = None,
    font: str | None = None,
    size: float | None = None,
    size_cs: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    caps: bool | None = None,
    color: str | None = None,
    before: float | None = None,
    after: float | None = None,
    line: float | None = None,
    left: float | None = None,
    right: float | None = None,
    hanging: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    keep_next: bool | None = None,
    keep_lines: bool | None = None,
    outline: int | None = None,
    extra: tuple[str, ...] = (),
) -> ParagraphStyle:
    """Get or add the paragraph style ``name`` and set what is given (sizes in pt, indents in cm).

    ``extra`` are raw ``w:pPr`` children (borders, shading, tabs). The style is shown in
    Word's style gallery.
    """
    style = cast(ParagraphStyle, _get_or_add(word, name, WD_STYLE_TYPE.PARAGRAPH))
    if base is not None and name != "Normal":
        style.base_style = word.styles[base]
    if next_style is not None:
        style.next_paragraph_style = word.styles[next_style]
    _character_props(style, font, size, size_cs, bold, italic, caps, color)
    pf = style.paragraph_format
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    if left is not None:
        pf.left_indent = Cm(left)
    if right is not None:
        pf.right_indent = Cm(right)
    if hanging is not None:
        pf.first_line_indent = Cm(-hanging)
    if align is not None:
        pf.alignment = align
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if keep_lines is not None:
        pf.keep_together = keep_lines
    if outline is not None:
        _ppr_child(style, f'<w:outlineLvl w:val="{outline}"/>')
    for fragment in extra:
        _ppr_child(style, fragment)
    return style


def character_style(word: WordDocument, name: str, **props: Any) -> CharacterStyle:
    """Get or add the character style ``name`` and set its font properties."""
    style = cast(CharacterStyle, _get_or_add(word, name, WD_STYLE_TYPE.CHARACTER))
    if name != "Default Paragraph Font":
        style.base_style = word.styles["Default Paragraph Font"]
    _character_props(style, **props)
    return style


def _character_props(
    style: CharacterStyle,
    font: str | None = None,
    size: float | None = None,
    size_cs: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    caps: bool | None = None,
    color: str | None = None,
    superscript: bool | None = None,
    underline: bool | None = None,
) -> None:
    f = style.font
    if font is not None:
        _fonts(style, font)
    if size is not None:
        f.size = Pt(size)
    if size_cs is not None:
        rpr = style.element.get_or_add_rPr()
        size_cs_el = _xml(f'<w:szCs w:val="{round(size_cs * 2)}"/>')
        _replace_child(
            rpr,
            size_cs_el,
            (
                "w:highlight",
                "w:u",
                "w:effect",
                "w:bdr",
                "w:shd",
                "w:fitText",
                "w:vertAlign",
                "w:rtl",
                "w:cs",
                "w:em",
                "w:lang",
            ),
        )
    if bold is not None:
        f.bold = bold
        f.cs_bold = bold
    if italic is not None:
        f.italic = italic
        f.cs_italic = italic
    if caps is not None:
        f.all_caps = caps
    if color is not None:
        f.color.rgb = RGBColor.from_string(color)
    if superscript is not None:
        f.superscript = superscript
    if underline is not None:
        f.underline = underline


def _get_or_add(word: WordDocument, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
    for style in word.styles:
        if (
            style.name is not None
            and style.name.casefold() == name.casefold()
            and style.type == kind
        ):
            break
    else:
        style = word.styles.add_style(name, kind, builtin=name.casefold() in S.WORD_BUILTIN)
        # Word's own id for its built-in styles stored under lower-case names.
        style.style_id = "".join(w[:1].upper() + w[1:] for w in name.split())
    style.hidden = False
    style.unhide_when_used = False
    style.quick_style = kind != WD_STYLE_TYPE.TABLE
    return style


def _border(side: str, color: str, eighths: int, space: int = 4) -> str:
    return f'<w:{side} w:val="single" w:sz="{eighths}" w:space="{space}" w:color="{color}"/>'


# ----------------------------------------------------------------- the parts of the design


def set_page(word: WordDocument) -> None:
    """A4, 2.3 cm side margins, room for the marking above and the page number below."""
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.2)
    section.header_distance, section.footer_distance = Cm(1.1), Cm(1.0)


def set_defaults(word: WordDocument) -> None:
    """Document defaults: fonts for every script, body size, spacing, British English."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(f"""<w:docDefaults {nsdecls("w")}>
      <w:rPrDefault><w:rPr>
        <w:rFonts w:ascii="{SERIF}" w:hAnsi="{SERIF}" w:eastAsia="{SERIF}" w:cs="{ARABIC}"/>
        <w:sz w:val="21"/><w:szCs w:val="24"/>
        <w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>
      </w:rPr></w:rPrDefault>
      <w:pPrDefault><w:pPr>
        <w:spacing w:after="120" w:line="269" w:lineRule="auto"/>
      </w:pPr></w:pPrDefault>
    </w:docDefaults>"""),
    )


def set_theme_fonts(word: WordDocument) -> None:
    """Point the theme's heading and body fonts at ours, for styles that use theme fonts."""
    theme = next(p for p in word.part.package.iter_parts() if p.partname.endswith("theme1.xml"))
    root = etree.fromstring(theme.blob)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for xpath, font in (
        ("//a:majorFont/a:latin", SANS),
        ("//a:minorFont/a:latin", SERIF),
        ("//a:majorFont/a:cs", ARABIC),
        ("//a:minorFont/a:cs", ARABIC),
    ):
        for el in root.xpath(xpath, namespaces=ns):
            el.set("typeface", font)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# Bullets and numbers, one single-level list definition per list style. The glyphs are in the
# text font (no Symbol-font private-use characters, which LibreOffice maps unreliably).
_LISTS = (
    # (abstract id, style id, format, text, left cm, hanging cm, colour)
    (0, "ListBullet", "bullet", "•", 0.6, 0.4, NAVY),
    (1, "ListBullet2", "bullet", "–", 1.2, 0.4, None),
    (2, "ListBullet3", "bullet", "·", 1.8, 0.4, None),
    (3, "ListNumber", "decimal", "%1.", 0.6, 0.6, None),
    (4, "ListNumber2", "lowerLetter", "%1)", 1.2, 0.6, None),
    (5, "ListNumber3", "lowerRoman", "%1.", 1.8, 0.6, None),
    (6, "KeyPoints", "bullet", "•", 0.5, 0.4, NAVY),
)


def set_numbering(word: WordDocument) -> dict[str, int]:
    """Replace the numbering part's definitions; return the numId for each list style id."""
    numbering = word.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    num_ids: dict[str, int] = {}
    for abstract_id, style_id, fmt, text, left, hanging, color in _LISTS:
        color_xml = f'<w:color w:val="{color}"/>' if color else ""
        numbering.append(
            parse_xml(f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">
          <w:nsid w:val="{0x0B1E0000 + abstract_id:08X}"/>
          <w:multiLevelType w:val="singleLevel"/>
          <w:lvl w:ilvl="0">
            <w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:pStyle w:val="{style_id}"/>
            <w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>
            <w:pPr><w:ind w:left="{_twips(left)}" w:hanging="{_twips(hanging)}"/></w:pPr>
            <w:rPr>{color_xml}</w:rPr>
          </w:lvl>
        </w:abstractNum>""")
        )
    for abstract_id, style_id, *_ in _LISTS:
        num = numbering.add_num(abstract_id)
        num_ids[style_id] = int(num.numId)
    return num_ids


def _twips(cm: float) -> int:
    return round(cm / 2.54 * 1440)


def define_styles(word: WordDocument, num_ids: dict[str, int]) -> None:
    """Every style the writer names, in the default look."""

    def para(name: str, **kw: Any) -> None:
        paragraph_style(word, name, **kw)

    para("Normal", color=INK)
    # Cover
    para(
        S.TITLE,
        font=SANS,
        size=24,
        bold=True,
        color=NAVY,
        before=0,
        after=4,
        line=1.0,
        keep_next=True,
        extra=("<w:pBdr/>",),
    )
    para(
        S.SUBTITLE,
        font=SANS,
        size=13,
        italic=False,
        color=MUTED,
        before=0,
        after=10,
        line=1.1,
        keep_next=True,
    )
    para(
        S.COVER_DETAILS,
        next_style="Normal",
        font=SANS,
        size=9,
        color=MUTED,
        before=0,
        after=24,
        extra=(f"<w:pBdr>{_border('bottom', NAVY, 8, 8)}</w:pBdr>",),
    )
    # Sections
    para(
        S.HEADINGS[0],
        next_style="Normal",
        font=SANS,
        size=14,
        bold=True,
        color=NAVY,
        before=20,
        after=6,
        line=1.0,
        keep_next=True,
        keep_lines=True,
        outline=0,
    )
    para(
        S.HEADINGS[1],
        next_style="Normal",
        font=SANS,
        size=11.5,
        bold=True,
        color=NAVY,
        before=14,
        after=4,
        line=1.0,
        keep_next=True,
        keep_lines=True,
        outline=1,
    )
    para(
        S.HEADINGS[2],
        next_style="Normal",
        font=SANS,
        size=10.5,
        bold=True,
        italic=False,
        color=INK,
        before=10,
        after=3,
        line=1.0,
        keep_next=True,
        keep_lines=True,
        outline=2,
    )
    # Excerpts: set off by indents and colour, not italics (italic Arabic is wrong) and not
    # a rule (Word and LibreOffice join the rules of consecutive quotes into one).
    para(
        S.QUOTE,
        next_style="Normal",
        size=10,
        italic=False,
        color=QUOTE_INK,
        before=2,
        after=10,
        left=0.9,
        right=0.9,
        line=1.15,
    )
    # Figures and tables
    para(
        S.FIGURE,
        next_style=S.CAPTION,
        before=10,
        after=2,
        line=1.0,
        keep_next=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    para(
        S.CAPTION,
        next_style="Normal",
        font=SANS,
        size=9,
        bold=False,
        italic=True,
        color=NAVY,
        before=4,
        after=4,
        line=1.0,
        keep_next=True,
    )
    para(
        S.SOURCE_LINE,
        next_style="Normal",
        font=SANS,
        size=8,
        color=MUTED,
        before=2,
        after=12,
        line=1.0,
    )
    para(S.TABLE_TEXT, font=SANS, size=9, before=2, after=2, line=1.0)
    para(S.TABLE_HEADING, base=S.TABLE_TEXT, bold=True, color=NAVY, keep_next=True)
    # Lists: indents come from the numbering; List Continue lines up with the item text.
    for level in range(3):
        para(
            S.LIST_BULLET[level],
            after=3,
            extra=(
                f'<w:numPr><w:numId w:val="{num_ids[("ListBullet", "ListBullet2", "ListBullet3")[level]]}"/></w:numPr>',
                '<w:contextualSpacing w:val="0"/>',
            ),
        )
        para(
            S.LIST_NUMBER[level],
            after=3,
            extra=(
                f'<w:numPr><w:numId w:val="{num_ids[("ListNumber", "ListNumber2", "ListNumber3")[level]]}"/></w:numPr>',
                '<w:contextualSpacing w:val="0"/>',
            ),
        )
        para(S.LIST_CONTINUE[level], after=3, left=0.6 * (level + 1))
    # Key points: a tinted box (the table style) with a small heading and square bullets.
    para(
        S.KEY_POINTS,
        size=10,
        after=3,
        extra=(f'<w:numPr><w:numId w:val="{num_ids["KeyPoints"]}"/></w:numPr>',),
    )
    para(
        S.KEY_POINTS_HEADING,
        next_style=S.KEY_POINTS,
        font=SANS,
        size=9.5,
        bold=True,
        caps=True,
        color=NAVY,
        before=0,
        after=4,
        line=1.0,
        keep_next=True,
    )
    # Recommendations
    para(
        S.RECOMMENDATION_HEADING,
        next_style="Normal",
        font=SANS,
        size=11,
        bold=True,
        color=NAVY,
        before=14,
        after=4,
        line=1.0,
        keep_next=True,
        keep_lines=True,
        extra=(f"<w:pBdr>{_border('top', RULE, 6, 6)}</w:pBdr>",),
    )
    para(
        S.RECOMMENDATION_DETAIL,
        font=SANS,
        size=9,
        before=0,
        after=1,
        line=1.0,
        left=2.4,
        hanging=2.4,
        extra=(f'<w:tabs><w:tab w:val="left" w:pos="{_twips(2.4)}"/></w:tabs>',),
    )
    # Back matter
    para(S.BIBLIOGRAPHY, size=9.5, before=0, after=5, line=1.1, left=1.0, hanging=1.0)
    para(
        S.FOOTNOTE_TEXT, size=8.5, size_cs=10, before=0, after=2, line=1.0, left=0.35, hanging=0.35
    )
    # Header and footer
    tab_stops = (
        f'<w:tabs><w:tab w:val="center" w:pos="{_twips(8.2)}"/>'
        f'<w:tab w:val="right" w:pos="{_twips(16.4)}"/></w:tabs>'
    )
    para(S.HEADER, font=SANS, size=8, color=MUTED, before=0, after=0, line=1.0, extra=(tab_stops,))
    para(
        S.FOOTER,
        font=SANS,
        size=8,
        color=MUTED,
        before=0,
        after=0,
        line=1.0,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        extra=(tab_stops,),
    )
    para(
        S.MARKING, base=S.HEADER, bold=True, caps=True, color=NAVY, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _letter_spacing(word.styles[S.MARKING], 20)

    character_style(word, S.FOOTNOTE_REFERENCE, superscript=True)
    character_style(word, S.HYPERLINK, color=LINK, underline=True)
    character_style(word, S.RECOMMENDATION_LABEL, bold=True, color=MUTED)
    character_style(word, S.VERBATIM, font=MONO, size=9)

    table_style(
        word,
        S.TABLE,
        f"""
      <w:tblPr>
        <w:tblInd w:w="85" w:type="dxa"/>
        <w:tblBorders>{_border("top", NAVY, 12, 0)}{_border("bottom", NAVY, 8, 0)}
          {_border("insideH", RULE, 4, 0)}</w:tblBorders>
        <w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
          <w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>
      </w:tblPr>
      <w:tblStylePr w:type="firstRow">
        <w:rPr><w:b/><w:bCs/></w:rPr>
        <w:tcPr><w:tcBorders>{_border("bottom", NAVY, 8, 0)}</w:tcBorders></w:tcPr>
      </w:tblStylePr>""",
    )
    table_style(
        word,
        S.KEY_POINTS_BOX,
        f"""
      <w:tblPr>
        <w:tblInd w:w="198" w:type="dxa"/>
        <w:tblBorders>{_border("left", NAVY, 24, 0)}</w:tblBorders>
        <w:tblCellMar><w:top w:w="142" w:type="dxa"/><w:left w:w="198" w:type="dxa"/>
          <w:bottom w:w="85" w:type="dxa"/><w:right w:w="198" w:type="dxa"/></w:tblCellMar>
      </w:tblPr>
      <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{TINT}"/></w:tcPr>""",
    )


def _letter_spacing(style: BaseStyle, twentieths: int) -> None:
    rpr = style.element.get_or_add_rPr()
    spacing = _xml(f'<w:spacing w:val="{twentieths}"/>')
    _replace_child(rpr, spacing, ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:lang"))


def table_style(word: WordDocument, name: str, body: str) -> None:
    """Get or add the table style ``name`` with ``body`` (its tblPr, tcPr, tblStylePr)."""
    style = cast(_TableStyle, _get_or_add(word, name, WD_STYLE_TYPE.TABLE))
    style.base_style = word.styles["Normal Table"]
    element = style.element
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    for child in parse_xml(f"<root {nsdecls('w')}>{body}</root>"):
        element.append(child)


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def tidy(word: WordDocument) -> None:
    """Drop what would leak into every brief: revision ids, the template's thumbnail, and
    Word 2010's copy of the old styles (stylesWithEffects.xml), which would contradict ours."""
    for el in list(word.styles.element.iter(qn("w:rsid"))):
        el.getparent().remove(el)
    settings = word.settings.element
    for el in settings.findall(qn("w:rsids")):
        settings.remove(el)
    for el in word.element.body.iter():
        for name in [a for a in el.attrib if a.startswith(qn("w:rsid"))]:
            del el.attrib[name]
    for rId, rel in list(word.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            del word.part.rels[rId]
    drop_linked_character_styles(word)


def drop_linked_character_styles(word: WordDocument) -> None:
    """Remove the "Heading 1 Char"-style twins of paragraph styles.

    They still carry the template's old look; Word makes fresh ones from our paragraph
    styles when someone applies a paragraph style to part of a paragraph.
    """
    styles = word.styles.element
    linked = {
        el.get(qn("w:styleId"))
        for el in styles.findall(qn("w:style"))
        if el.get(qn("w:type")) == "character" and el.find(qn("w:link")) is not None
    }
    for el in list(styles.findall(qn("w:style"))):
        if el.get(qn("w:styleId")) in linked:
            styles.remove(el)
        else:
            for link in el.findall(qn("w:link")):
                if link.get(qn("w:val")) in linked:
                    el.remove(link)


# How Word should stand in for our fonts where they are not installed (Windows, macOS):
# the family and PANOSE numbers let it pick a similar serif or sans.
_FONT_TABLE = {
    SERIF: ("02020600060500020200", "roman"),
    SANS: ("020B0502040504020204", "swiss"),
    ARABIC: ("02020000000000000000", "roman"),
    MONO: ("02070409020205020404", "modern"),
}


def add_font_table_entries(word: WordDocument) -> None:
    """Describe our fonts in word/fontTable.xml."""
    part = next(p for p in word.part.package.iter_parts() if p.partname.endswith("fontTable.xml"))
    root = etree.fromstring(part.blob)
    for name, (panose, family) in _FONT_TABLE.items():
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        pitch = "fixed" if family == "modern" else "variable"
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:panose1 w:val="{panose}"/>'
                f'<w:charset w:val="00"/><w:family w:val="{family}"/>'
                f'<w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package_rels = word.part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rId]


def make_reference(out: Path) -> None:
    """Build the reference document at ``out``: styles first, then a specimen body."""
    word = docx.Document()
    set_page(word)
    set_defaults(word)
    set_theme_fonts(word)
    define_styles(word, set_numbering(word))
    add_font_table_entries(word)
    tidy(word)
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "reference.docx"
        word.save(str(bare))
        write_specimen(bare, out, Path(tmp))


def write_specimen(reference: Path, out: Path, tmp: Path) -> None:
    """Render a short specimen brief into ``reference`` with the DOCX writer, to ``out``."""
    from briefgen.templating.template import Template
    from briefgen.writers.docx import DocxWriter
    from briefgen.writers.docx.package import ZIP_EPOCH, write_reproducible_zip

    DocxWriter().write(specimen_document(tmp), Template("default", reference.parent), out)
    # The properties say what the file is, not what the specimen brief is.
    word = docx.Document(str(out))
    word.core_properties.title = "briefgen default reference document"
    word.core_properties.subject = "The styles of the default brief: modify them in Word"
    word.core_properties.author = word.core_properties.last_modified_by = "briefgen"
    for name in ("created", "modified", "last_printed"):
        setattr(word.core_properties, name, ZIP_EPOCH)
    buffer = io.BytesIO()
    word.save(buffer)
    write_reproducible_zip(buffer.getvalue(), out, ZIP_EPOCH)


def specimen_document(tmp: Path) -> Document:
    """A short brief that shows every style, each paragraph naming its own."""
    chart = tmp / "specimen.png"
    chart.write_bytes(_bar_chart_png())

    def t(text: str, **kw: bool) -> Text:
        return Text(text, **kw)

    def note(text: str) -> Note:
        return Note((t(text),))

    return Document(
        meta=Metadata(
            title="Title style: the brief's title",
            subtitle="Subtitle style: one line that frames the question",
            date="2021-06-30",
            date_text="Cover Details style: date",
            authors=("authors",),
            organisation="organisation",
            marking="Marking style",
            lang="en-GB",
        ),
        body=(
            KeyPoints(
                "Key Points Heading style",
                (
                    (
                        t("Key Points style: each point one or two lines, with its source."),
                        note("footnote text style, with its footnote reference mark."),
                    ),
                    (t("The box is the Key Points Box table style: tint and left rule."),),
                ),
            ),
            Heading(1, (t("Heading 1 style"),)),
            Paragraph(
                (
                    t("Normal style: body text of the brief, with "),
                    t("emphasis", italic=True),
                    t(", "),
                    t("strong words", bold=True),
                    t(", a "),
                    Link((t("Hyperlink style"),), "https://example.org/"),
                    t(" and a note mark"),
                    note("Notes are real Word footnotes."),
                    t(
                        ". Body "
                        "paragraphs are set ragged right so the spacing between words stays even."
                    ),
                )
            ),
            Heading(2, (t("Heading 2 style"),)),
            BlockQuote(
                (
                    t(
                        "Quote style: a verified excerpt from a source, set off by an indent "
                        "and a rule rather than by italics."
                    ),
                ),
                (note("The citation."),),
            ),
            BlockQuote(
                (t("نص عربي بأسلوب الاقتباس من اليمين إلى اليسار."),),
                (note("Arabic text is set in Noto Naskh Arabic."),),
                lang="ar",
                rtl=True,
            ),
            Figure(
                1,
                "Caption style, below a figure (Figure style paragraph)",
                "A bar chart with four bars",
                (
                    t("Source Line style: where the data come from"),
                    note("A note in a source line."),
                ),
                chart,
                None,
                width_cm=12.0,
            ),
            ListBlock(
                (
                    (Paragraph((t("List Bullet style"),)),),
                    (
                        Paragraph((t("List Bullet style, second item"),)),
                        ListBlock(((Paragraph((t("List Bullet 2 style"),)),),)),
                    ),
                )
            ),
            ListBlock(
                (
                    (Paragraph((t("List Number style"),)),),
                    (Paragraph((t("List Number style"),)),),
                ),
                ordered=True,
            ),
            Table(
                1,
                "Caption style, above a table",
                (
                    TableCell((t("Table Heading style"),)),
                    TableCell((t("Year"),)),
                    TableCell((t("Value"),), "right"),
                ),
                (
                    (
                        TableCell((t("Table Text style"),)),
                        TableCell((t("2020"),)),
                        TableCell((t("2,200"),), "right"),
                    ),
                    (
                        TableCell((t("Brief Table table style"),)),
                        TableCell((t("2021"),)),
                        TableCell((t("1,500"),), "right"),
                    ),
                ),
                (t("Source Line style"),),
            ),
            Recommendation(
                1,
                "Recommendation Heading style",
                (t("Normal style: the action."),),
                lead="Recommendation Detail style, label in Recommendation Label",
                timeframe="Next mandate renewal",
            ),
            Heading(1, (t("Sources"),)),
            Bibliography(
                (
                    BibliographyEntry(
                        "a",
                        (
                            t("Bibliography style: hanging indent. Author, A. "),
                            t("Title of the Report", italic=True),
                            t(". Place: Publisher, 2021."),
                        ),
                    ),
                )
            ),
        ),
    )


def _bar_chart_png(width: int = 600, height: int = 240) -> bytes:
    """A small PNG of four navy bars on white, drawn without a plotting library."""
    navy, white = bytes.fromhex(NAVY), b"\xff\xff\xff"
    bars = [(60, 0.8), (190, 0.55), (320, 0.95), (450, 0.35)]
    rows = []
    for y in range(height):
        row = bytearray(white * width)
        for x0, share in bars:
            if y >= height - int(share * (height - 20)) and y < height - 1:
                row[x0 * 3 : (x0 + 90) * 3] = navy * 90
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"pHYs", struct.pack(">IIB", 5906, 5906, 1))  # 150 dpi
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    target.parent.mkdir(parents=True, exist_ok=True)
    make_reference(target)
    print(f"wrote {target}")
