"""The Word style names the DOCX writer uses, and their lookup in a reference document.

Everything a brief looks like lives in these styles of ``reference.docx``; the writer only
names them. Built-in Word styles are used wherever Word has one, so restyling in Word (or
swapping the reference document) carries through. The names below are the contract with
template authors: a reference document that lacks one gets a bare style based on Normal,
so the brief still opens and the author sees which style to design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle, _TableStyle

# ----------------------------------------------------------------- paragraph styles
TITLE = "Title"
SUBTITLE = "Subtitle"
COVER_DETAILS = "Cover Details"  # date · authors · organisation under the subtitle
HEADINGS = ("Heading 1", "Heading 2", "Heading 3")
BODY = "Normal"
QUOTE = "Quote"  # BlockQuote (verified excerpts)
CAPTION = "Caption"  # "Figure N: ..." below figures, "Table N: ..." above tables
FIGURE = "Figure"  # the paragraph holding a picture
FIGURE_TITLE = "Figure Title"  # a chart's title, above its picture
SOURCE_LINE = "Source Line"  # the source under a figure or table
TABLE_TEXT = "Table Text"  # body cells
TABLE_HEADING = "Table Heading"  # header-row cells
LIST_BULLET = ("List Bullet", "List Bullet 2", "List Bullet 3")
LIST_NUMBER = ("List Number", "List Number 2", "List Number 3")
LIST_CONTINUE = ("List Continue", "List Continue 2", "List Continue 3")
KEY_POINTS_HEADING = "Key Points Heading"
KEY_POINTS = "Key Points"  # bulleted items inside the key points box
RECOMMENDATION_HEADING = "Recommendation Heading"  # "Recommendation N: title"
RECOMMENDATION_DETAIL = "Recommendation Detail"  # "Lead<tab>UN DPO"
KEY_JUDGEMENT = "Key Judgement"  # a key judgement, led by its term and confidence
GLOSSARY = "Glossary"  # "IS-K<tab>Islamic State Khorasan": abbreviations, estimative terms
BIBLIOGRAPHY = "Bibliography"
FOOTNOTE_TEXT = "footnote text"  # Word's own (lower-case) name for "Footnote Text"
HEADER = "Header"
FOOTER = "Footer"  # "Page X of Y"
MARKING = "Marking"  # distribution marking, in the header
# Top-level body paragraphs when template.yaml sets numbered_paragraphs (the memo); the
# style carries the list numbering. Only such templates need to define it.
NUMBERED_PARAGRAPH = "Numbered Paragraph"

# ----------------------------------------------------------------- character styles
FOOTNOTE_REFERENCE = "footnote reference"  # Word's name for "Footnote Reference"
HYPERLINK = "Hyperlink"
RECOMMENDATION_LABEL = "Recommendation Label"  # "Lead", "Timeframe", ...
VERBATIM = "Verbatim Char"  # inline code (pandoc's name)
ESTIMATIVE_TERM = "Estimative Term"  # "Likely (moderate confidence):" before a judgement
GLOSSARY_TERM = "Glossary Term"  # the term of a Glossary paragraph

# ----------------------------------------------------------------- table styles
TABLE = "Brief Table"
KEY_POINTS_BOX = "Key Points Box"  # the one-cell table around the key points

# Names Word itself defines; a document that lacks one gets it added as built-in, not custom.
WORD_BUILTIN = frozenset(
    name.casefold()
    for name in (
        TITLE,
        SUBTITLE,
        *HEADINGS,
        BODY,
        QUOTE,
        CAPTION,
        *LIST_BULLET,
        *LIST_NUMBER,
        *LIST_CONTINUE,
        BIBLIOGRAPHY,
        FOOTNOTE_TEXT,
        HEADER,
        FOOTER,
        FOOTNOTE_REFERENCE,
        HYPERLINK,
    )
)

PARAGRAPH_STYLES: tuple[str, ...] = (
    TITLE,
    SUBTITLE,
    COVER_DETAILS,
    *HEADINGS,
    BODY,
    QUOTE,
    CAPTION,
    FIGURE_TITLE,
    FIGURE,
    SOURCE_LINE,
    TABLE_TEXT,
    TABLE_HEADING,
    *LIST_BULLET,
    *LIST_NUMBER,
    *LIST_CONTINUE,
    KEY_POINTS_HEADING,
    KEY_POINTS,
    RECOMMENDATION_HEADING,
    RECOMMENDATION_DETAIL,
    KEY_JUDGEMENT,
    GLOSSARY,
    BIBLIOGRAPHY,
    FOOTNOTE_TEXT,
    HEADER,
    FOOTER,
    MARKING,
)
CHARACTER_STYLES: tuple[str, ...] = (FOOTNOTE_REFERENCE, HYPERLINK, RECOMMENDATION_LABEL, VERBATIM,
                                     ESTIMATIVE_TERM, GLOSSARY_TERM)
TABLE_STYLES: tuple[str, ...] = (TABLE, KEY_POINTS_BOX)


@dataclass
class StyleSheet:
    """The styles of one Word document, looked up by name without regard to case.

    Word stores some built-in names in lower case ("heading 1", "footnote text") and shows
    them capitalised; python-docx only translates a few, so we match case-insensitively.
    """

    word: WordDocument

    def __post_init__(self) -> None:
        _memoise_style_ids(self.word)
        self._by_name: dict[tuple[str, WD_STYLE_TYPE], BaseStyle] = {}
        for style in self.word.styles:
            if style.name is not None:
                self._by_name[(style.name.casefold(), style.type)] = style

    def ensure_all(self) -> None:
        """Add a bare style for every name the writer uses that the document lacks."""
        for name in PARAGRAPH_STYLES:
            self._get(name, WD_STYLE_TYPE.PARAGRAPH)
        for name in CHARACTER_STYLES:
            self._get(name, WD_STYLE_TYPE.CHARACTER)
        for name in TABLE_STYLES:
            self._get(name, WD_STYLE_TYPE.TABLE)

    def paragraph(self, name: str) -> ParagraphStyle:
        """The paragraph style called ``name``."""
        return cast(ParagraphStyle, self._get(name, WD_STYLE_TYPE.PARAGRAPH))

    def character(self, name: str) -> CharacterStyle:
        """The character style called ``name``."""
        return cast(CharacterStyle, self._get(name, WD_STYLE_TYPE.CHARACTER))

    def table(self, name: str) -> _TableStyle:
        """The table style called ``name``."""
        return cast(_TableStyle, self._get(name, WD_STYLE_TYPE.TABLE))

    def _get(self, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
        key = (name.casefold(), kind)
        style = self._by_name.get(key)
        if style is None:
            builtin = name.casefold() in WORD_BUILTIN
            style = self.word.styles.add_style(name, kind, builtin=builtin)
            if isinstance(style, ParagraphStyle) and name != BODY:
                style.base_style = self.paragraph(BODY)
            self._by_name[key] = style
        return style


def _memoise_style_ids(word: WordDocument) -> None:
    """Make python-docx's style assignment O(1) for this document.

    Every ``paragraph.style = s`` asks the document part for s's id, and python-docx answers
    by scanning every style for the default one of that type, each time: a third of a whole
    build. The answer for a given style cannot change while a brief is written (the writer
    adds styles, never a new default), so it is remembered per style id and type.
    """
    part = word.part
    lookup = part.get_style_id
    known: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
    defaults: dict[WD_STYLE_TYPE, BaseStyle | None] = {}

    def get_style_id(style_or_name: object, style_type: WD_STYLE_TYPE) -> str | None:
        if not isinstance(style_or_name, BaseStyle) or style_or_name.type != style_type:
            return lookup(style_or_name, style_type)  # python-docx's answer, or its error
        key = (style_or_name.style_id, style_type)
        if key not in known:
            # python-docx's rule (the default style of a type is named by no id), with the
            # default found once per type rather than by a scan of every style per lookup.
            if style_type not in defaults:
                defaults[style_type] = word.styles.default(style_type)
            known[key] = None if style_or_name == defaults[style_type] else style_or_name.style_id
        return known[key]

    part.get_style_id = get_style_id  # type: ignore[method-assign]
