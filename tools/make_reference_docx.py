"""Build a template's reference.docx: the styles, numbering, page, cover, header and footer.

Run from the repository root:

    PYTHONPATH=src python tools/make_reference_docx.py [default|memo] [out.docx]

The .docx it writes is the file analysts edit in Word (Home > Styles > Modify; type on the
cover, in the header or footer); this script records how it was first made and can remake
it. It starts from python-docx's default template, sets an A4 page, rewrites the list
numbering, defines every style the DOCX writer names (briefgen/writers/docx/styles.py),
then lays out the cover, header and footer with placeholders ({{ title }}, {{ marking }},
{{ body }} where the brief goes) that the DOCX writer fills; see docs/templates.md.

default: a sober think-tank brief. Noto Serif 10.5 pt body, Noto Sans navy headings,
captions, tables and notes, the title and subtitle on a navy band, a logo on page one;
Noto Naskh Arabic for right-to-left text. All fonts ship in Debian's fonts-noto-core, so
LibreOffice renders the PDF as designed.
memo: a plain government memo over the same style names. Liberation Serif and Sans in
black, a memo head instead of a cover, numbered paragraphs, the marking as a banner at the
top and bottom of every page.

Like the writer this uses python-docx, plus raw XML for what python-docx cannot set on a
style (borders, shading, table style conditions, numbering).
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from functools import partial
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

from briefgen.writers.docx import styles as S
from briefgen.writers.docx._oxml import add_field
from briefgen.writers.docx.package import ZIP_EPOCH, write_reproducible_zip

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


def set_numbering(word: WordDocument, lists: tuple[Any, ...] = _LISTS) -> dict[str, int]:
    """Replace the numbering part's definitions; return the numId for each list style id."""
    numbering = word.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    num_ids: dict[str, int] = {}
    for abstract_id, style_id, fmt, text, left, hanging, color in lists:
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
    for abstract_id, style_id, *_ in lists:
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
        S.FIGURE_TITLE,  # a chart's title, above it
        next_style=S.FIGURE,
        font=SANS,
        size=9.5,
        bold=True,
        color=INK,
        before=10,
        after=2,
        line=1.0,
        keep_next=True,
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


def make_reference(out: Path, design: str = "default") -> None:
    """Build the reference document of ``design`` (default or memo) at ``out``."""
    word = docx.Document()
    set_page(word)
    set_defaults(word)
    set_theme_fonts(word)
    if design == "memo":
        memo_ids = {entry[0] for entry in _MEMO_LISTS}
        num_ids = set_numbering(
            word, tuple(e for e in _LISTS if e[0] not in memo_ids) + _MEMO_LISTS)
        define_styles(word, num_ids)
        define_memo_styles(word, num_ids)
    else:
        define_styles(word, set_numbering(word))
        define_default_extras(word)
    add_font_table_entries(word)
    tidy(word)
    if design == "memo":
        lay_out_memo(word)
    else:
        lay_out_default(word, out.parent / "logo.png")
    word.core_properties.title = f"briefgen {design} reference document"
    word.core_properties.subject = (
        "The styles, cover, header and footer of the brief: modify them in Word"
    )
    word.core_properties.author = word.core_properties.last_modified_by = "briefgen"
    for name in ("created", "modified", "last_printed"):
        setattr(word.core_properties, name, ZIP_EPOCH)
    buffer = io.BytesIO()
    word.save(buffer)
    write_reproducible_zip(buffer.getvalue(), out, ZIP_EPOCH)


# ----------------------------------------------------------------- the default: cover and furniture

# The cover band: title and subtitle on the accent colour. Paragraphs with the same borders
# are drawn as one box by Word and LibreOffice, so the two make one band; the borders' space
# is the band's padding (Word allows at most 31 pt).
_BAND = (
    f"<w:pBdr>{_border('top', NAVY, 4, 24)}{_border('left', NAVY, 4, 14)}"
    f"{_border('bottom', NAVY, 4, 20)}{_border('right', NAVY, 4, 14)}</w:pBdr>"
)


def define_default_extras(word: WordDocument) -> None:
    """The cover band (Title, Subtitle) and the Disclaimer style of the default brief."""
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/>'
    paragraph_style(word, S.TITLE, color="FFFFFF", size=26, after=0, left=0.5, right=0.5,
                    extra=(_BAND, shading))
    paragraph_style(word, S.SUBTITLE, color="DCE4EE", size=13, before=0, after=0, left=0.5,
                    right=0.5, extra=(_BAND, shading, '<w:spacing w:before="120" w:after="0"/>'))
    _letter_spacing(word.styles[S.SUBTITLE], 0)
    paragraph_style(word, S.COVER_DETAILS, before=30)
    paragraph_style(word, "Disclaimer", font=SANS, size=7.5, color=MUTED, before=24, after=0,
                    line=1.1, keep_lines=True,
                    extra=(f"<w:pBdr>{_border('top', RULE, 4, 6)}</w:pBdr>",))


def lay_out_default(word: WordDocument, logo: Path) -> None:
    """Cover with placeholders, the {{ body }} paragraph, a disclaimer; logo on page one."""
    word.add_paragraph("{{ title }}", style="Title")
    word.add_paragraph("{{ subtitle }}", style="Subtitle")
    word.add_paragraph("{{ byline }}", style=S.COVER_DETAILS)
    word.add_paragraph("{{ body }}", style="Normal")
    word.add_paragraph(
        "The views expressed in this brief are those of its authors. Every quotation in it "
        "has been checked against the source it cites. Distribution: "
        '{{ marking or "unrestricted" }}.',
        style="Disclaimer",
    )
    section = word.sections[0]
    section.different_first_page_header_footer = True
    logo.write_bytes(_logo_png())
    first = section.first_page_header.paragraphs[0]
    first.style = word.styles[S.HEADER]
    first.add_run().add_picture(str(logo), height=Cm(1.0))
    first.add_run("\t")
    first.add_run("{{ marking }}").bold = True
    first.add_run("\t{{ organisation }}")
    _alt_text(section.first_page_header._element, "Logo")
    marking = section.header.paragraphs[0]
    marking.text, marking.style = "{{ marking }}", word.styles[S.MARKING]
    for footer in (section.footer, section.first_page_footer):
        _page_x_of_y(footer.paragraphs[0], word)


def _page_x_of_y(p: Any, word: WordDocument, prefix: str = "Page ") -> None:
    p.style = word.styles[S.FOOTER]
    p.add_run(prefix)
    add_field(p, "PAGE", "1")
    p.add_run(" of ")
    add_field(p, "NUMPAGES", "1")


def _alt_text(story: Any, text: str) -> None:
    for doc_pr in story.iter(qn("wp:docPr")):
        doc_pr.set("descr", text)


def _logo_png(size: int = 96) -> bytes:
    """The default logo: three white lines of text on an accent-orange square."""
    orange, white = bytes.fromhex("C8742B"), b"\xff\xff\xff"
    lines = [(24, 0.72), (42, 0.56), (60, 0.64)]
    rows = []
    for y in range(size):
        row = bytearray(orange * size)
        for top, share in lines:
            if top <= y < top + 9:
                row[18 * 3 : (18 + int(share * (size - 36))) * 3] = white * int(share * (size - 36))
        rows.append(b"\x00" + bytes(row))
    return _png(size, size, rows, dpi_per_metre=3780)


def _png(width: int, height: int, rows: list[bytes], dpi_per_metre: int) -> bytes:
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
        + chunk(b"pHYs", struct.pack(">IIB", dpi_per_metre, dpi_per_metre, 1))
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


# ----------------------------------------------------------------- the memo

MEMO_SERIF = "Liberation Serif"
MEMO_SANS = "Liberation Sans"
BLACK = "000000"
MEMO_GREY = "555555"
# Top-level paragraphs numbered 1., 2., ... in the margin-hung style of a government memo.
MEMO_NUMBER_WIDTH = 0.9
# Lists stand where the numbered paragraphs' text starts: the default's lists, moved right,
# their markers in black like the rest of the memo.
_MEMO_LISTS = tuple(
    (abstract_id, style_id, fmt, text, left + MEMO_NUMBER_WIDTH, hanging, colour and BLACK)
    for abstract_id, style_id, fmt, text, left, hanging, colour in _LISTS
    if not style_id.startswith("KeyPoints")
) + ((7, "NumberedParagraph", "decimal", "%1.", MEMO_NUMBER_WIDTH, MEMO_NUMBER_WIDTH, None),)


def define_memo_styles(word: WordDocument, num_ids: dict[str, int]) -> None:
    """The memo's look over the default's styles: Liberation faces, black, no boxes."""
    para = partial(paragraph_style, word)
    para("Normal", font=MEMO_SERIF, size=11.5, color=BLACK, after=8, line=1.1)
    para(S.TITLE, font=MEMO_SANS, size=13, bold=True, color=BLACK, before=6, after=2,
         extra=(f"<w:pBdr>{_border('top', BLACK, 8, 8)}</w:pBdr>",))
    para(S.SUBTITLE, font=MEMO_SANS, size=11, color=BLACK, after=2)
    _letter_spacing(word.styles[S.SUBTITLE], 0)
    para(S.COVER_DETAILS, font=MEMO_SANS, size=10, color=BLACK, after=0,
         extra=("<w:pBdr/>", f'<w:tabs><w:tab w:val="left" w:pos="{_twips(2.6)}"/></w:tabs>'))
    para("Memo Heading", font=MEMO_SANS, size=16, bold=True, caps=True, color=BLACK, after=12,
         keep_next=True)
    _letter_spacing(word.styles["Memo Heading"], 60)
    for level, size in ((0, 11.5), (1, 11.5), (2, 11.5)):
        para(S.HEADINGS[level], font=MEMO_SANS, size=size, bold=True, italic=level == 2,
             caps=level == 0, color=BLACK, before=14 if level == 0 else 10, after=6)
    para(S.QUOTE, color=BLACK, size=11)
    para(S.CAPTION, font=MEMO_SANS, color=BLACK)
    para(S.FIGURE_TITLE, font=MEMO_SANS, color=BLACK)
    for level in range(3):
        para(S.LIST_CONTINUE[level], left=MEMO_NUMBER_WIDTH + 0.6 * (level + 1))
    para(S.SOURCE_LINE, font=MEMO_SANS, color=MEMO_GREY)
    para(S.KEY_POINTS_HEADING, font=MEMO_SANS, color=BLACK, size=10.5)
    para(S.KEY_POINTS, font=MEMO_SERIF, size=11)
    para(S.RECOMMENDATION_HEADING, font=MEMO_SANS, color=BLACK,
         extra=("<w:pBdr/>",))
    para(S.RECOMMENDATION_DETAIL, font=MEMO_SANS, color=BLACK)
    para(S.TABLE_TEXT, font=MEMO_SANS)
    para(S.TABLE_HEADING, font=MEMO_SANS, color=BLACK)
    para(S.FOOTNOTE_TEXT, font=MEMO_SERIF, size=9, color=BLACK)
    para(S.HEADER, font=MEMO_SANS, color=BLACK)
    para(S.FOOTER, font=MEMO_SANS, color=BLACK, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The marking banner: bold capitals between rules, top and bottom of every page.
    para(S.MARKING, font=MEMO_SANS, size=10, bold=True, caps=True, color="B00000",
         extra=(f"<w:pBdr>{_border('top', 'B00000', 8, 2)}{_border('bottom', 'B00000', 8, 2)}"
                "</w:pBdr>",))
    para(S.NUMBERED_PARAGRAPH, next_style=S.NUMBERED_PARAGRAPH, left=MEMO_NUMBER_WIDTH,
         hanging=MEMO_NUMBER_WIDTH,
         extra=(f'<w:numPr><w:numId w:val="{num_ids["NumberedParagraph"]}"/></w:numPr>',))
    table_style(
        word,
        S.KEY_POINTS_BOX,
        f"""
      <w:tblPr>
        <w:tblInd w:w="0" w:type="dxa"/>
        <w:tblBorders>{_border("top", BLACK, 6, 0)}{_border("left", BLACK, 6, 0)}
          {_border("bottom", BLACK, 6, 0)}{_border("right", BLACK, 6, 0)}</w:tblBorders>
        <w:tblCellMar><w:top w:w="113" w:type="dxa"/><w:left w:w="170" w:type="dxa"/>
          <w:bottom w:w="57" w:type="dxa"/><w:right w:w="170" w:type="dxa"/></w:tblCellMar>
      </w:tblPr>""",
    )
    word.part.numbering_part.element.xpath(
        './/w:abstractNum[@w:abstractNumId="6"]//w:color'
    )[0].set(qn("w:val"), BLACK)


def lay_out_memo(word: WordDocument) -> None:
    """No cover: a memo head (to, from, subject, reference, date), the title, the body, the
    marking top and bottom. A line whose value is empty comes out empty and is dropped."""
    word.add_paragraph("Memorandum", style="Memo Heading")
    for label, name in (("To:", "to"), ("From:", "from"), ("Subject:", "subject"),
                        ("Reference:", "reference"), ("Date:", "date")):
        word.add_paragraph(f'{{{{ "{label}" if {name} }}}}\t{{{{ {name} }}}}',
                           style=S.COVER_DETAILS)
    word.add_paragraph("{{ title }}", style=S.TITLE)
    # The subject defaults to the subtitle; the head already shows it then.
    word.add_paragraph("{{ subtitle if subtitle != subject }}", style=S.SUBTITLE)
    word.add_paragraph("{{ body }}", style="Normal")
    section = word.sections[0]
    section.top_margin, section.bottom_margin = Cm(2.6), Cm(2.6)
    section.left_margin = section.right_margin = Cm(2.5)
    header = section.header.paragraphs[0]
    header.text, header.style = "{{ marking }}", word.styles[S.MARKING]
    footer = section.footer
    footer.paragraphs[0].style = word.styles[S.FOOTER]
    _page_x_of_y(footer.paragraphs[0], word, prefix="")
    footer.add_paragraph("{{ marking }}", style=word.styles[S.MARKING])


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

if __name__ == "__main__":
    design = sys.argv[1] if len(sys.argv) > 1 else "default"
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "templates" / design / "reference.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    make_reference(target, design)
    print(f"wrote {target}")
