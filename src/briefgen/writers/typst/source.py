"""Generating main.typ from a Document: a visitor with one method per node type.

Every piece of model text is emitted as a Typst string literal (see escape.py) inside code,
never spliced into markup: an inline becomes a code expression (``"text"``, ``strong(..)``,
``footnote(..)``), a run sequence the content block ``[#expr#expr..]`` in which each item
starts with ``#`` and nothing else appears, and a block the markup line ``#expr``. The look
of each block lives in the template (brief.typ), reached through its ``brief-*`` functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.model.direction import has_rtl, rtl_language, split_by_direction
from briefgen.model.nodes import (
    Bibliography,
    Block,
    BlockQuote,
    CrossRef,
    Document,
    Figure,
    Glossary,
    Heading,
    Inline,
    KeyJudgements,
    KeyPoints,
    Link,
    ListBlock,
    Note,
    Paragraph,
    Recommendation,
    Runs,
    Table,
    TableCell,
    Text,
)
from briefgen.writers.typst.escape import clean_text, typst_str

_ALIGN = {"left": "left", "right": "right", "center": "center", "centre": "center"}

# Recommendation fields given as plain strings; their order on the page is the template's.
_TEXT_FIELDS = ("lead", "timeframe", "indicator")


@dataclass(frozen=True)
class _Context:
    """Read-only state while walking: are we inside a block already set in another script?"""

    foreign: bool = False


class BodySource:
    """Turns the blocks of a Document into the body of main.typ.

    ``images`` maps each figure to the path of its picture inside the build folder.
    Heading levels are made to climb one step at a time (PDF/UA-1 forbids skipping one),
    which only changes a level the model got wrong. A link to "#anchor" becomes a link to
    the block with that anchor, and so does a cross-reference (a recommendation is labelled
    only when one points at it); the only counter is the last heading level.
    """

    def __init__(
        self, document: Document, images: dict[Figure, str], numbered_paragraphs: bool = False
    ) -> None:
        self.document = document
        self.images = images
        self.numbered_paragraphs = numbered_paragraphs
        self._referenced = document.cross_referenced()
        # The anchors that become labels: every block's, but a recommendation's only when a
        # cross-reference points at it.
        self._anchors = {a for b in document.body if (a := getattr(b, "anchor", ""))
                         and (not isinstance(b, Recommendation) or a in self._referenced)}
        self._last_level = 0
        self._labelled_anchors: set[str] = set()

    def render(self) -> str:
        """The body: one markup line per block, separated by blank lines."""
        ctx = _Context()
        lines = []
        for block in self.document.body:
            expr = self.block(block, ctx)
            if self.numbered_paragraphs and isinstance(block, Paragraph) and block.number:
                # The model's number, the one the DOCX's Numbered Paragraph style shows too.
                expr = f"brief-paragraph({int(block.number)}, {expr})"
            lines.append("#" + expr)
        return "\n\n".join(lines) + "\n"

    # ------------------------------------------------------------ blocks (code expressions)

    def block(self, block: Block, ctx: _Context) -> str:
        method = getattr(self, "visit_" + type(block).__name__.lower())
        return str(method(block, ctx))

    def visit_heading(self, node: Heading, ctx: _Context) -> str:
        level = max(1, min(node.level, self._last_level + 1))
        self._last_level = level
        expr = f"heading(level: {level}, {self.runs(node.runs, ctx)})"
        return self._labelled(expr, node.anchor)

    def visit_paragraph(self, node: Paragraph, ctx: _Context) -> str:
        return self.runs(node.runs, ctx)

    def visit_listblock(self, node: ListBlock, ctx: _Context) -> str:
        items = ", ".join(self.blocks(item, ctx) for item in node.items)
        if node.ordered:
            return f"enum(start: {int(node.start)}, {items})"
        return f"list({items})"

    def visit_blockquote(self, node: BlockQuote, ctx: _Context) -> str:
        # Only a quotation the model marks as foreign (lang) or right to left (rtl) is set
        # as a whole in another language; otherwise its Arabic runs are marked one by one,
        # and the paragraph keeps the brief's direction. Assembly gives every right-to-left
        # quotation its language, so the language is the model's, never guessed here.
        lang = node.lang
        inner = _Context(foreign=bool(lang))
        body = self.runs(node.runs, inner)
        args = [body, self.runs(node.citation, ctx)]  # the space before it is the model's
        if lang:
            args.append(f"lang: {typst_str(lang)}")
        if lang or node.rtl:
            args.append("dir: rtl" if node.rtl else "dir: ltr")
        return f"brief-quote({', '.join(args)})"

    def visit_figure(self, node: Figure, ctx: _Context) -> str:
        path = self.images[node]
        # PDF/UA-1 refuses a picture without alternative text: fall back to the caption.
        label = self.document.labels.figure
        alt = node.alt.strip() or node.caption.strip() or f"{label} {node.number}"
        image = (
            f"image({typst_str(path)}, alt: {typst_str(alt)}, "
            f"width: {_number(node.width_cm)}cm)"
        )
        # The title only when there is one, so a template written before titles still builds
        # every figure that has none.
        title = f", title: {self.runs((Text(node.title),), ctx)}" if node.title else ""
        expr = (
            f"brief-figure({int(node.number)}, {image}, {self.caption(node, ctx)}, "
            f"{self.source_line(node.source, ctx)}{title}{_mark(node.mark)})"
        )
        return self._labelled(expr, node.anchor)

    def visit_table(self, node: Table, ctx: _Context) -> str:
        width = max(1, len(node.header), *(len(r) for r in node.rows))
        model_row = node.header or (node.rows[0] if node.rows else ())
        aligns = [_ALIGN.get(c.align, "left") for c in model_row]
        aligns += ["left"] * (width - len(aligns))
        header = [self.cell(c, aligns[i], ctx) for i, c in enumerate(node.header)]
        if header:
            header += ["[]"] * (width - len(header))
        rows = []
        for row in node.rows:
            cells = [self.cell(c, aligns[i], ctx) for i, c in enumerate(row)]
            cells += ["[]"] * (width - len(cells))
            rows.append(_array(cells))
        expr = (
            f"brief-table({int(node.number)}, {self.caption(node, ctx)}, "
            f"{_array(aligns)}, {_array(header)}, {_array(rows)}, "
            f"{self.source_line(node.source, ctx)}{_mark(node.mark)})"
        )
        return self._labelled(expr, node.anchor)

    def visit_recommendation(self, node: Recommendation, ctx: _Context) -> str:
        values: dict[str, str] = {}
        for name in _TEXT_FIELDS:
            text = getattr(node, name)
            if text.strip():
                values[name] = self.runs((Text(text),), ctx)
        if node.evidence:
            values["evidence"] = self.runs(node.evidence, ctx)
        fields = ", ".join(f"{k}: {v}" for k, v in values.items()) or ":"
        expr = (
            f"brief-recommendation({int(node.number)}, {typst_str(node.title)}, "
            f"{self.runs(node.action, ctx)}, ({fields}))"
        )
        return self._labelled(expr, node.anchor) if node.anchor in self._referenced else expr

    def visit_keypoints(self, node: KeyPoints, ctx: _Context) -> str:
        items = _array([self.runs(item, ctx) for item in node.items])
        return f"brief-keypoints({typst_str(node.title)}, {items})"

    def visit_keyjudgements(self, node: KeyJudgements, ctx: _Context) -> str:
        items = _array([
            f"(lead: {typst_str(j.lead)}, likelihood: {typst_str(j.likelihood)}, "
            f"confidence: {typst_str(j.confidence)}, body: {self.runs(j.runs, ctx)})"
            for j in node.items])
        return f"brief-judgements({items})"

    def visit_glossary(self, node: Glossary, ctx: _Context) -> str:
        entries = _array([f"({typst_str(e.term)}, {self.runs((Text(e.definition),), ctx)})"
                          for e in node.entries])
        return f"brief-glossary({entries})"

    def visit_bibliography(self, node: Bibliography, ctx: _Context) -> str:
        entries = _array([self.runs(e.runs, ctx) for e in node.entries])
        return f"brief-bibliography({entries})"

    def blocks(self, blocks: tuple[Block, ...], ctx: _Context) -> str:
        """Several blocks as one content block (a list item), paragraphs apart."""
        return "[" + "#parbreak()".join("#" + self.block(b, ctx) for b in blocks) + "]"

    def cell(self, cell: TableCell, column_align: str, ctx: _Context) -> str:
        body = self.runs(cell.runs, ctx)
        align = _ALIGN.get(cell.align, "left")
        if align != column_align:
            return f"table.cell(align: {align} + horizon, {body})"
        return body

    def caption(self, node: Figure | Table, ctx: _Context) -> str:
        """A caption: its runs when it holds cross-references, else its text as a string."""
        return self.runs(node.caption_runs, ctx) if node.caption_runs else typst_str(node.caption)

    def source_line(self, runs: Runs, ctx: _Context) -> str:
        """The source line under a figure or table (it carries its own "Source:"), or none."""
        return self.runs(runs, ctx) if runs else "none"

    # ------------------------------------------------------------ inlines

    def runs(self, runs: Runs | tuple[Text | Link, ...], ctx: _Context) -> str:
        """A sequence of inlines as a content block whose every item is ``#expr``."""
        return "[" + "".join("#" + self.inline(i, ctx) for i in runs) + "]"

    def inline(self, node: Inline, ctx: _Context) -> str:
        if isinstance(node, Text):
            return self.text(node, ctx)
        if isinstance(node, Link):
            return self.link(node, ctx)
        if isinstance(node, Note):
            return f"footnote({self.runs(node.runs, ctx)})"
        if isinstance(node, CrossRef):
            return self.cross_reference(node)
        raise TypeError(f"unknown inline node {type(node).__name__}")

    def text(self, node: Text, ctx: _Context) -> str:
        if ctx.foreign or not has_rtl(node.text):
            return self._styled(node, typst_str(node.text))
        # Right-to-left words inside other text: only they are set in their language (see
        # brief-lang), cut where the DOCX writer cuts its runs.
        parts = []
        for piece, rtl in split_by_direction(node.text, base_rtl=False):
            expr = self._styled(node, typst_str(piece))
            parts.append(f"brief-lang({typst_str(rtl_language(piece))}, {expr})" if rtl
                         else expr)
        return parts[0] if len(parts) == 1 else "[" + "".join("#" + p for p in parts) + "]"

    @staticmethod
    def _styled(node: Text, expr: str) -> str:
        if node.code:
            expr = f"raw({expr})"
        if node.italic:
            expr = f"emph({expr})"
        if node.bold:
            expr = f"strong({expr})"
        return expr

    def link(self, node: Link, ctx: _Context) -> str:
        url = clean_text(node.url).strip()
        body = self.runs(node.runs, ctx)
        if not url:
            return body
        if url.startswith("#"):
            # An internal link: to the labelled block, or plain text if no block has it.
            if url[1:] in self._anchors:
                return f"link(label({typst_str(url[1:])}), {body})"
            return body
        shown = "".join(t.text for t in node.runs)
        plain = not any(t.bold or t.italic or t.code for t in node.runs)
        if not shown.strip() or (shown.strip() == url and plain):
            # Typst breaks a bare URL at slashes and dots; a body would not break.
            return f"link({typst_str(url)})"
        return f"link({typst_str(url)}, {body})"

    def cross_reference(self, node: CrossRef) -> str:
        """"Figure 2" as a link to the labelled block, the model's words and number (Typst's
        own @label would print its own counter's); plain text when no block has the label.
        The label and number never part at a line's end: their space does not break (the
        DOCX cannot say so, its field shows the bookmark's own space once updated)."""
        text = typst_str(node.text.replace(" ", "\u00a0"))
        if node.anchor in self._anchors:
            return f"link(label({typst_str(node.anchor)}), {text})"
        return text

    def _labelled(self, expr: str, anchor: str) -> str:
        """The block with its anchor as a Typst label (the first block with that anchor only:
        Typst refuses a link to a label that occurs twice)."""
        if not anchor or anchor in self._labelled_anchors:
            return expr
        self._labelled_anchors.add(anchor)
        return f"[#{expr}#label({typst_str(anchor)})]"


def _mark(mark: str) -> str:
    """The portion mark argument of a caption, only when there is one, so that a template
    written before portion marks still builds every brief without them."""
    return f", mark: {typst_str(mark)}" if mark else ""


def _array(items: list[str]) -> str:
    """A Typst array literal; one item needs the trailing comma."""
    if not items:
        return "()"
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def _number(value: float) -> str:
    """A float as Typst reads it (no exponent, no NaN)."""
    if value != value or value <= 0:  # NaN or nonsense: the template's default width
        value = 15.0
    return f"{value:.3f}".rstrip("0").rstrip(".")
