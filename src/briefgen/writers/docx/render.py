"""The walk over the document model: one method per node type, writing Word paragraphs.

Read-only facts about where the walk is (the container blocks go into, list depth, writing
direction) travel in a frozen ``Context`` that each level replaces; what grows as the walk
goes on (footnote and bookmark ids, caption counts) lives in ``Counters``, so ids come out
sequential and the same for the same document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.story import StoryPart
from docx.shared import Cm, Length
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from briefgen.errors import RenderError
from briefgen.model.direction import mostly_rtl, split_by_direction
from briefgen.model.nodes import (
    Bibliography,
    Block,
    BlockQuote,
    CrossRef,
    Figure,
    Glossary,
    Heading,
    KeyJudgements,
    KeyPoints,
    Labels,
    Link,
    ListBlock,
    Note,
    Recommendation,
    Runs,
    Table,
    TableCell,
    Text,
)
from briefgen.model.nodes import Paragraph as ParagraphNode
from briefgen.writers.docx import _oxml
from briefgen.writers.docx import styles as S
from briefgen.writers.docx.styles import StyleSheet

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}

class Container(Protocol):
    """Where blocks go: the document body or a table cell (python-docx's shared API)."""

    def add_paragraph(self, text: str = "", style: Any = None) -> Paragraph: ...

    def add_table(self, rows: int, cols: int) -> WordTable: ...


@dataclass(frozen=True)
class Context:
    """Where the walk is. ``list_depth`` is 0 outside lists; ``rtl`` forces right-to-left
    paragraphs (an RTL block quote); ``lang`` is the language of quoted text, "" for the brief's.
    """

    container: Container
    list_depth: int = 0
    rtl: bool = False
    lang: str = ""


@dataclass
class Counters:
    """What grows during the walk: the last footnote and bookmark ids, captions seen so far."""

    footnote: int = 0
    bookmark: int = 0
    figures: int = 0
    tables: int = 0


@dataclass(frozen=True)
class _NoteStory:
    """Stands in as the parent of a footnote paragraph, so python-docx finds its part."""

    part: StoryPart


class BodyRenderer:
    """Renders the blocks of a brief into a python-docx Document, styled by ``styles``.

    ``text_width`` is the width of the text column, the most a picture or table may take;
    ``labels`` the model's words for captions and recommendations; ``referenced`` the
    anchors of the blocks cross-references point at (Document.cross_referenced), whose
    label and number get the bookmark the references' REF fields name; ``reference_tag``
    ends those bookmarks' names, telling this brief's from another's in one report.
    """

    def __init__(self, word: WordDocument, styles: StyleSheet, text_width: Length,
                 labels: Labels = Labels(), referenced: frozenset[str] = frozenset(),
                 reference_tag: str = "") -> None:
        self.word = word
        self.styles = styles
        self.text_width = text_width
        self.labels = labels
        self.referenced = referenced
        self.reference_tag = reference_tag
        self.counters = Counters()
        self._footnotes: StoryPart | None = None
        self._last_block_was_table = False
        self._visit: dict[type, Callable[[Any, Context], None]] = {
            Heading: self.heading,
            ParagraphNode: self.paragraph,
            ListBlock: self.list_block,
            BlockQuote: self.block_quote,
            Figure: self.figure,
            Table: self.table,
            Recommendation: self.recommendation,
            KeyPoints: self.key_points,
            KeyJudgements: self.key_judgements,
            Glossary: self.glossary,
            Bibliography: self.bibliography,
        }

    # ------------------------------------------------------------- blocks

    def render(self, blocks: Iterable[Block], ctx: Context) -> None:
        """Render ``blocks`` in order into ``ctx.container``."""
        for block in blocks:
            self.block(block, ctx)

    def block(self, block: Block, ctx: Context) -> None:
        """Render one block (dispatch on its type)."""
        if isinstance(block, KeyPoints) and self._last_block_was_table:
            # Word and LibreOffice merge tables that touch; keep them apart. (A Table
            # block starts with its caption, so only the key points box can touch one.)
            ctx.container.add_paragraph()
        self._visit[type(block)](block, ctx)
        self._last_block_was_table = isinstance(block, KeyPoints) or (
            isinstance(block, Table) and not block.source
        )

    def heading(self, heading: Heading, ctx: Context) -> None:
        level = min(max(heading.level, 1), len(S.HEADINGS))
        p = self._add_paragraph(ctx, S.HEADINGS[level - 1])
        self.inlines(p, heading.runs, ctx)
        self._bookmark(p, heading.anchor)

    def paragraph(self, paragraph: ParagraphNode, ctx: Context) -> None:
        self.inlines(self._add_paragraph(ctx, S.BODY), paragraph.runs, ctx)

    def list_block(self, block: ListBlock, ctx: Context) -> None:
        depth = min(ctx.list_depth, len(S.LIST_BULLET) - 1)
        style = (S.LIST_NUMBER if block.ordered else S.LIST_BULLET)[depth]
        num_id = self._restarted_list(style, block.start) if block.ordered else None
        inner = replace(ctx, list_depth=ctx.list_depth + 1)
        for item in block.items:
            for i, child in enumerate(item):
                if isinstance(child, ParagraphNode):
                    p = self._add_paragraph(ctx, style if i == 0 else S.LIST_CONTINUE[depth])
                    if i == 0 and num_id is not None:
                        _oxml.set_paragraph_numbering(p, num_id)
                    self.inlines(p, child.runs, ctx)
                else:
                    self.block(child, inner)

    def block_quote(self, quote: BlockQuote, ctx: Context) -> None:
        p = self._add_paragraph(ctx, S.QUOTE)
        rtl = quote.rtl  # the model decided, as it did for the PDF
        self._set_direction(p, rtl)
        self._runs(p, quote.runs, rtl, quote.lang)
        self._runs(p, quote.citation, rtl, "")  # with the space assembly put before it

    def figure(self, figure: Figure, ctx: Context) -> None:
        if figure.png is None or not figure.png.is_file():
            raise RenderError(f"Figure {figure.number}: no PNG image at {figure.png}")
        if figure.title:
            title = self._add_paragraph(ctx, S.FIGURE_TITLE)
            title.paragraph_format.keep_with_next = True  # a title never ends a page
            self.inlines(title, (Text(figure.title),), ctx)
        p = self._add_paragraph(ctx, S.FIGURE)
        p.paragraph_format.keep_with_next = True  # the picture never parts from its caption
        run = p.add_run()
        width = min(Cm(figure.width_cm), self.text_width)
        try:
            run.add_picture(str(figure.png), width=width)
        except (UnrecognizedImageError, OSError, ValueError) as exc:
            raise RenderError(f"Figure {figure.number}: cannot read {figure.png}: {exc}") from exc
        label = self.labels.figure
        _oxml.set_picture_description(run, figure.alt, f"{label} {figure.number}: {figure.caption}")
        self._caption(ctx, "Figure", label, figure.number, figure.caption, figure.anchor,
                      figure.caption_runs, figure.mark)
        if figure.source:
            self.inlines(self._add_paragraph(ctx, S.SOURCE_LINE), figure.source, ctx)

    def table(self, table: Table, ctx: Context) -> None:
        label = self.labels.table
        caption = self._caption(ctx, "Table", label, table.number, table.caption, table.anchor,
                                table.caption_runs, table.mark)
        caption.paragraph_format.keep_with_next = True  # a caption above stays with its table
        rows = ((table.header,) if table.header else ()) + table.rows
        ncols = max((len(r) for r in rows), default=1)
        word_table = ctx.container.add_table(rows=max(len(rows), 1), cols=ncols)
        word_table.style = self.styles.table(S.TABLE)
        _oxml.set_table_full_width(word_table)
        widths = column_widths(rows, ncols, self.text_width)
        for column, width in zip(word_table.columns, widths):
            column.width = width
            for word_cell in column.cells:
                word_cell.width = width
        _oxml.set_table_description(word_table, f"{label} {table.number}: {table.caption}", "")
        for r, (cells, row) in enumerate(zip(rows, word_table.rows)):
            header = bool(table.header) and r == 0
            if header:
                _oxml.set_row_header(row)
            _oxml.set_row_cant_split(row)
            for c, word_cell in enumerate(row.cells):
                cell = cells[c] if c < len(cells) else TableCell(())
                p = word_cell.paragraphs[0]
                p.style = self.styles.paragraph(S.TABLE_HEADING if header else S.TABLE_TEXT)
                p.alignment = _ALIGN.get(cell.align, WD_ALIGN_PARAGRAPH.LEFT)
                if r == len(rows) - 1 and table.source:
                    p.paragraph_format.keep_with_next = True  # no source line alone on a page
                self.inlines(p, cell.runs, replace(ctx, container=word_cell))
        if table.source:
            self.inlines(self._add_paragraph(ctx, S.SOURCE_LINE), table.source, ctx)

    def recommendation(self, rec: Recommendation, ctx: Context) -> None:
        heading = self._add_paragraph(ctx, S.RECOMMENDATION_HEADING)
        numbered = f"{self.labels.recommendation} {rec.number}"
        if rec.anchor in self.referenced:
            # The label and number alone are the bookmark's text, what a REF field shows.
            with self._reference_target(heading, "recommendation", rec.number):
                heading.add_run(numbered)
            heading.add_run(f": {rec.title}")
        else:
            heading.add_run(f"{numbered}: {rec.title}")
        self.inlines(self._add_paragraph(ctx, S.BODY), rec.action, ctx)
        values: tuple[Runs, ...] = (
            (Text(rec.lead),) if rec.lead else (),
            (Text(rec.timeframe),) if rec.timeframe else (),
            (Text(rec.indicator),) if rec.indicator else (),
            rec.evidence,
        )
        labels = self.labels
        names = (labels.lead, labels.timeframe, labels.indicator, labels.evidence)
        for label, value in zip(names, values):
            if not value:
                continue
            p = self._add_paragraph(ctx, S.RECOMMENDATION_DETAIL)
            p.add_run(label, style=self.styles.character(S.RECOMMENDATION_LABEL))
            p.add_run("\t")
            self.inlines(p, value, ctx)

    def key_points(self, key_points: KeyPoints, ctx: Context) -> None:
        box = ctx.container.add_table(rows=1, cols=1)
        box.style = self.styles.table(S.KEY_POINTS_BOX)
        _oxml.set_table_full_width(box)
        _oxml.set_table_description(box, key_points.title, "")
        cell = box.cell(0, 0)
        inner = replace(ctx, container=cell)
        first = cell.paragraphs[0]
        if key_points.title:
            first.style = self.styles.paragraph(S.KEY_POINTS_HEADING)
            first.add_run(key_points.title)
        for i, item in enumerate(key_points.items):
            if i == 0 and not key_points.title:
                p = first
                p.style = self.styles.paragraph(S.KEY_POINTS)
            else:
                p = self._add_paragraph(inner, S.KEY_POINTS)
            self.inlines(p, item, inner)

    def key_judgements(self, judgements: KeyJudgements, ctx: Context) -> None:
        for judgement in judgements.items:
            p = self._add_paragraph(ctx, S.KEY_JUDGEMENT)
            p.add_run(judgement.lead, style=self.styles.character(S.ESTIMATIVE_TERM))
            p.add_run(" ")
            self.inlines(p, judgement.runs, ctx)

    def glossary(self, glossary: Glossary, ctx: Context) -> None:
        for entry in glossary.entries:
            p = self._add_paragraph(ctx, S.GLOSSARY)
            p.add_run(entry.term, style=self.styles.character(S.GLOSSARY_TERM))
            p.add_run("\t")
            self.inlines(p, (Text(entry.definition),), ctx)

    def bibliography(self, bibliography: Bibliography, ctx: Context) -> None:
        for entry in bibliography.entries:
            self.inlines(self._add_paragraph(ctx, S.BIBLIOGRAPHY), entry.runs, ctx)

    # ------------------------------------------------------------- inlines

    def inlines(self, paragraph: Paragraph, runs: Runs, ctx: Context) -> None:
        """Write ``runs`` into ``paragraph``, setting its direction from its text."""
        rtl = ctx.rtl or mostly_rtl(_texts(runs))
        self._set_direction(paragraph, rtl)
        self._runs(paragraph, runs, rtl, ctx.lang)

    def _runs(self, paragraph: Paragraph, runs: Runs, base_rtl: bool, lang: str) -> None:
        for inline in runs:
            if isinstance(inline, Text):
                self._text(inline, paragraph, paragraph._p, base_rtl, lang)
            elif isinstance(inline, Link):
                self._link(paragraph, inline, base_rtl, lang)
            elif isinstance(inline, Note):
                self._note(paragraph, inline)
            elif isinstance(inline, CrossRef):
                bookmark = _oxml.reference_bookmark_name(inline.kind, inline.number,
                                                         self.reference_tag)
                _oxml.add_reference_field(paragraph, bookmark, inline.text)

    def _text(
        self,
        text: Text,
        paragraph: Paragraph,
        container: BaseOxmlElement,
        base_rtl: bool,
        lang: str,
        style: str | None = None,
    ) -> None:
        """``text`` as runs appended to ``container`` (the paragraph's w:p, or a hyperlink in
        it), one per stretch of one direction."""
        name = style if style is not None else S.VERBATIM if text.code else None
        style_id = (self.word.part.get_style_id(self.styles.character(name),
                                                WD_STYLE_TYPE.CHARACTER)
                    if name is not None else None)
        for segment, rtl in split_by_direction(text.text, base_rtl):
            _oxml.add_text_run(container, paragraph, segment, style_id, text.bold, text.italic,
                               rtl, lang)

    def _link(self, paragraph: Paragraph, link: Link, base_rtl: bool, lang: str) -> None:
        hyperlink = _oxml.add_hyperlink(paragraph, link.url)
        for text in link.runs:
            self._text(text, paragraph, hyperlink, base_rtl, lang, style=S.HYPERLINK)

    def _note(self, paragraph: Paragraph, note: Note) -> None:
        self.counters.footnote += 1
        note_id = self.counters.footnote
        # Built as the XML python-docx would make (its runs and styles cost a third of
        # writing a brief's DOCX, most of it in notes); the style ids are python-docx's.
        get_style_id = self.word.part.get_style_id
        mark_id = get_style_id(self.styles.character(S.FOOTNOTE_REFERENCE),
                               WD_STYLE_TYPE.CHARACTER)
        _oxml.add_footnote_reference(paragraph._p, note_id, mark_id)
        footnote = _oxml.add_footnote(self._footnotes_part(), note_id)
        text_id = get_style_id(self.styles.paragraph(S.FOOTNOTE_TEXT), WD_STYLE_TYPE.PARAGRAPH)
        p = Paragraph(_oxml.add_paragraph_to(footnote, text_id),  # type: ignore[arg-type]
                      _NoteStory(self._footnotes_part()))  # type: ignore[arg-type]
        _oxml.add_footnote_mark(p._p, mark_id)
        _oxml.add_text_run(p._p, p, " ")
        # A note is in the brief's language and direction, whatever the text it hangs on.
        self.inlines(p, note.runs, Context(container=self.word))

    def _footnotes_part(self) -> StoryPart:
        if self._footnotes is None:
            self._footnotes = _oxml.new_footnotes_part(self.word.part)
        return self._footnotes

    # ------------------------------------------------------------- pieces

    def _add_paragraph(self, ctx: Context, style: str) -> Paragraph:
        return ctx.container.add_paragraph(style=self.styles.paragraph(style))

    def _caption(self, ctx: Context, sequence: str, label: str, number: int, text: str,
                 anchor: str, runs: Runs = (), mark: str = "") -> Paragraph:
        """ "Figure 3: text" in Caption style, the number a SEQ field Word can renumber.

        ``sequence`` is the name of Word's sequence ("Figure" or "Table"), whatever word
        ``label`` prints. ``runs`` is the caption's text when it holds cross-references
        (else ``text`` is, written as one run). When a cross-reference points at ``anchor``,
        "Figure 3" is bookmarked for its REF field, as Word's own cross-references do.
        ``mark`` is the portion mark before it ("" for none), outside the bookmark so that
        a REF shows the number alone.
        """
        seen = self.counters.figures if sequence == "Figure" else self.counters.tables
        instruction = f"SEQ {sequence} \\* ARABIC"
        if number != seen + 1:
            # The model numbered differently from counting (a figure left out, numbering
            # that starts elsewhere): pin the sequence so Word shows the model's number.
            instruction += f" \\r {number}"
        if sequence == "Figure":
            self.counters.figures = number
        else:
            self.counters.tables = number
        p = self._add_paragraph(ctx, S.CAPTION)
        if mark:
            p.add_run(f"{mark} ")
        kind = "figure" if sequence == "Figure" else "table"
        with self._reference_target(p, kind, number, anchor in self.referenced):
            p.add_run(f"{label} ")
            _oxml.add_field(p, instruction, str(number))
        if runs:
            self._runs(p, (Text(": "), *runs), False, "")
        elif text:
            p.add_run(f": {text}")
        self._bookmark(p, anchor)
        return p

    @contextmanager
    def _reference_target(self, paragraph: Paragraph, kind: str, number: int,
                          referenced: bool = True) -> Iterator[None]:
        """Bookmark what the block appends to ``paragraph`` inside, when ``referenced``: the
        bookmark a cross-reference to ``kind`` ``number`` names (_oxml.reference_bookmark_name)."""
        if not referenced:
            yield
            return
        self.counters.bookmark += 1
        bookmark_id = self.counters.bookmark
        name = _oxml.reference_bookmark_name(kind, number, self.reference_tag)
        _oxml.start_bookmark(paragraph, bookmark_id, name)
        yield
        _oxml.end_bookmark(paragraph, bookmark_id)

    def _bookmark(self, paragraph: Paragraph, anchor: str) -> None:
        if anchor:
            self.counters.bookmark += 1
            _oxml.add_bookmark(paragraph, self.counters.bookmark, anchor)

    def _set_direction(self, paragraph: Paragraph, rtl: bool) -> None:
        if rtl:
            _oxml.set_paragraph_bidi(paragraph)

    def _restarted_list(self, style: str, start: int) -> int | None:
        """A new numbering instance for a numbered list, starting at ``start``, or None.

        None when the style carries no numbering (a reference document without it): the
        items are then plain paragraphs in the list style.
        """
        num_id = _oxml.style_num_id(self.styles.paragraph(style).element)
        if num_id is None:
            return None
        numbering = self.word.part.numbering_part.element
        try:
            return _oxml.restart_numbering(numbering, num_id, start)
        except KeyError:
            return None


def column_widths(rows: Sequence[Sequence[TableCell]], ncols: int, total: int) -> list[Length]:
    """Widths for ``ncols`` columns sharing ``total``, by the longest text in each column.

    Lengths are clamped so a column of short numbers still fits its header and a column of
    long text wraps instead of squeezing the others.
    """
    longest = [1] * ncols
    for cells in rows:
        for c, cell in enumerate(cells[:ncols]):
            longest[c] = max(longest[c], len("".join(_texts(cell.runs))))
    weights = [min(max(n, 6), 40) for n in longest]
    return [Length(total * w // sum(weights)) for w in weights]


def _texts(runs: Runs) -> Iterable[str]:
    """The visible text of ``runs`` in order, leaving out notes (they sit at the page foot)."""
    for inline in runs:
        if isinstance(inline, (Text, CrossRef)):
            yield inline.text
        elif isinstance(inline, Link):
            yield from (t.text for t in inline.runs)
