"""The format-neutral document tree of a brief: what every writer renders, built once.

No I/O and no third-party imports here. Everything a writer needs is already resolved:
citations are formatted text, figures carry the paths of their drawn images, numbers
(figure, table, recommendation) are assigned. Writers walk this tree and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Union

# ---------------------------------------------------------------- inline content


@dataclass(frozen=True)
class Text:
    """A run of plain text with optional emphasis. ``code`` is monospace text."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass(frozen=True)
class Link:
    """A hyperlink: ``runs`` are what the reader sees, ``url`` where it goes."""

    runs: tuple[Text, ...]
    url: str


@dataclass(frozen=True)
class Note:
    """A footnote: the writer places a note mark here and the runs at the foot of the page.

    Footnotes are numbered by their order in the document (both writers count the same way).
    """

    runs: tuple[Union[Text, Link], ...]


@dataclass(frozen=True)
class CrossRef:
    """A reference in the text to a numbered block of the brief: "Figure 2", "Table 1".

    ``kind`` is "figure", "table" or "recommendation"; ``number`` the target's number and
    ``anchor`` its anchor (the ``anchor`` of the Figure, Table or Recommendation referred
    to). ``text`` is what is printed, the label and number the target's caption or heading
    starts with, decided in assembly so that every writer prints the same.
    """

    kind: str
    anchor: str
    number: int
    text: str


Inline = Union[Text, Link, Note, CrossRef]
Runs = tuple[Inline, ...]

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """A heading. ``level`` 1 is a section (Word's Heading 1), 2 a subsection."""

    level: int
    runs: Runs
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph.

    ``number`` is its place among the paragraphs of the body's top level (1, 2, ...), which a
    template that numbers paragraphs prints (template.yaml: numbered_paragraphs); 0 for a
    paragraph inside a list, table or box, which no template numbers.
    """

    runs: Runs
    number: int = 0


@dataclass(frozen=True)
class ListBlock:
    """A bulleted (``ordered`` False) or numbered list; each item is a tuple of blocks."""

    items: tuple[tuple["Block", ...], ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class BlockQuote:
    """A verified excerpt from a source, set off from the text.

    ``runs`` is the quotation as written in the spec; ``citation`` is the note or in-text
    citation that follows it (a Note for note styles, Text for author-date styles), starting
    with the space it needs: writers print it as it is.
    ``lang`` / ``rtl`` describe the script of the quotation when it is not the brief's;
    a right-to-left quotation always has its ``lang`` (assembly decides it, once).
    """

    runs: Runs
    citation: Runs
    lang: str = ""
    rtl: bool = False


@dataclass(frozen=True)
class Figure:
    """A chart or picture, numbered, with caption, alt text and a source line.

    ``png`` is for writers that want raster (DOCX), ``svg`` for vector (PDF). Either may be
    None only if the writer does not need it. ``width_cm`` is the width on the page.
    ``title`` is printed above the picture ("" for none: the picture does not draw one).
    ``mark`` is the portion mark printed before the caption ("(CUI)"), "" for none.
    """

    number: int
    caption: str
    alt: str
    source: Runs
    png: Path | None
    svg: Path | None
    width_cm: float = 15.0
    anchor: str = ""
    title: str = ""
    chart: str = ""  # the key path of the spec chart it draws ("" for none), for the bundle
    mark: str = ""
    # The caption as runs when it holds cross-references (CrossRef among Text); () when it
    # is plain text, which writers print from ``caption`` (then the caption's whole text).
    caption_runs: Runs = ()


@dataclass(frozen=True)
class TableCell:
    """One cell of a table; ``align`` is "left", "right" or "center"."""

    runs: Runs
    align: str = "left"


@dataclass(frozen=True)
class Table:
    """A numbered table with a caption, a header row, body rows and a source line.
    ``mark`` is the portion mark printed before the caption ("(CUI)"), "" for none."""

    number: int
    caption: str
    header: tuple[TableCell, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    source: Runs = ()
    anchor: str = ""
    mark: str = ""
    caption_runs: Runs = ()  # as Figure's: the caption with its cross-references, or ()


@dataclass(frozen=True)
class Recommendation:
    """A numbered recommendation with its action and the fields a desk tracks.

    Empty strings mean the spec did not give that field; writers leave the row out.
    ``evidence`` is the citation runs (notes) of the excerpts or sources behind it.
    ``anchor`` names it for cross-references (CrossRef.anchor).
    """

    number: int
    title: str
    action: Runs
    lead: str = ""
    timeframe: str = ""
    indicator: str = ""
    evidence: Runs = ()
    anchor: str = ""


@dataclass(frozen=True)
class KeyPoints:
    """The box of key points near the top of a brief: a short bulleted list."""

    title: str
    items: tuple[Runs, ...]


@dataclass(frozen=True)
class KeyJudgement:
    """One key judgement. ``lead`` is what a reader takes in at a glance, printed before the
    judgement and set apart from it ("Likely (moderate confidence):"); ``runs`` the judgement
    with the notes of its evidence. ``likelihood`` (the ICD 203 term, "likely") and
    ``confidence`` ("moderate") are there for a template that styles them apart."""

    lead: str
    runs: Runs
    likelihood: str = ""
    confidence: str = ""


@dataclass(frozen=True)
class KeyJudgements:
    """The key judgements near the top of a brief, under a heading of their own."""

    items: tuple[KeyJudgement, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    """A term and what it stands for: "IS-K" and "Islamic State Khorasan"; "Likely" and
    "55–80%"."""

    term: str
    definition: str


@dataclass(frozen=True)
class Glossary:
    """Terms with what each stands for, in the order given: the Abbreviations section, the
    likelihood terms of the Estimative language note."""

    entries: tuple[GlossaryEntry, ...]


@dataclass(frozen=True)
class BibliographyEntry:
    """One formatted entry of the Sources section. ``source_id`` keeps the link to the corpus."""

    source_id: str
    runs: Runs


@dataclass(frozen=True)
class Bibliography:
    """The list of every cited source, formatted by the citation style, in the style's order."""

    entries: tuple[BibliographyEntry, ...]


Block = Union[
    Heading,
    Paragraph,
    ListBlock,
    BlockQuote,
    Figure,
    Table,
    Recommendation,
    KeyPoints,
    KeyJudgements,
    Glossary,
    Bibliography,
]

# ---------------------------------------------------------------- the document


@dataclass(frozen=True)
class Metadata:
    """What goes on the cover, into the header and footer, and into document properties.

    ``date`` is ISO 8601 (YYYY-MM-DD); ``date_text`` the same date as printed ("15 June 2021").
    ``marking`` is the distribution marking ("FOR OFFICIAL USE ONLY") or "" for none.
    ``lang`` is the BCP 47 language of the brief. ``to``, ``sender`` and ``reference`` are
    the memo head's To, From and Reference lines; "" where the spec gives none (the
    ``from`` placeholder then falls back to the authors and organisation).
    ``banner`` is the classification banner printed at the top and bottom of every page
    ("OFFICIAL-SENSITIVE", the highest portion marking), "" for a brief without one; when
    there is one, ``marking`` is the same words.
    """

    title: str
    subtitle: str = ""
    date: str = ""
    date_text: str = ""
    authors: tuple[str, ...] = ()
    organisation: str = ""
    marking: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    lang: str = "en"
    to: str = ""
    sender: str = ""
    reference: str = ""
    banner: str = ""


@dataclass(frozen=True)
class Labels:
    """Words the brief prints around the content, chosen in assembly and carried by the
    Document so that every writer prints the same ones; one place to translate them.

    ``figure``, ``table`` and ``recommendation`` start captions and recommendation headings
    ("Figure 2: ..."); ``lead`` ... ``evidence`` name a recommendation's fields.
    """

    summary: str = "Summary"
    key_points: str = "Key points"
    recommendations: str = "Recommendations"
    sources: str = "Sources"
    references: str = "References"
    evidence_annex: str = "Evidence annex"
    evidence_annex_intro: str = (
        "Every quotation and number in this brief was checked against the text of its source "
        "before the brief was written. The hash identifies the exact source text checked.")
    evidence_annex_caption: str = "Quotations and numbers checked against their sources"
    source_line: str = "Source: "
    sources_line: str = "Sources: "
    figure: str = "Figure"
    table: str = "Table"
    recommendation: str = "Recommendation"
    lead: str = "Lead"
    timeframe: str = "Timeframe"
    indicator: str = "Indicator"
    evidence: str = "Evidence"
    key_judgements: str = "Key judgements"
    # "Likely (moderate confidence):", the lead of a key judgement: the term, the level.
    judgement_lead: str = "{likelihood} ({confidence} confidence):"
    confidence_term: str = "{confidence} confidence"  # "High confidence" in the note
    abbreviations: str = "Abbreviations"
    estimative_language: str = "Estimative language"
    estimative_intro: str = (
        "The key judgements state how likely each is in the terms of US Intelligence "
        "Community Directive 203 (ICD 203), each of which stands for a range of probability.")
    estimative_caption: str = "Likelihood terms and the probability each stands for"
    likelihood_column: str = "Likelihood"
    pair_column: str = "Or"
    probability_column: str = "Probability"
    confidence_intro: str = (
        "Confidence is stated apart from likelihood. It says how good the information and "
        "the reasoning behind a judgement are, not how likely the judgement is to be right:")
    # What each confidence level means, after "High confidence" in the note.
    confidence_high: str = (
        "Well-corroborated information from proven sources, little "
        "uncertainty in the reasoning; still not a certainty.")
    confidence_moderate: str = (
        "Credibly sourced and plausible information, not corroborated "
        "enough for high confidence.")
    confidence_low: str = (
        "Scant, questionable or fragmented information, or reasoning that "
        "rests on assumptions.")


@dataclass(frozen=True)
class Document:
    """A whole brief: metadata and the body, in reading order.

    ``notes_style`` is True when citations are footnotes (Chicago notes), False when they are
    in the text (APA, author-date); writers only need it to decide, e.g., heading text.
    ``labels`` are the words writers print around captions and recommendations.
    ``pdf_standards`` is for the PDF writer alone.
    """

    meta: Metadata
    body: tuple[Block, ...]
    notes_style: bool = True
    labels: Labels = Labels()
    # The standards the PDF is held to, as Typst names them: archival PDF/A-2a with
    # accessible PDF/UA-1 unless the spec asks for UA-1 alone.
    pdf_standards: tuple[str, ...] = ("a-2a", "ua-1")

    def walk_inlines(self) -> list[Inline]:
        """Every inline in reading order, descending into lists and blocks (for tests, counts)."""
        out: list[Inline] = []
        for block in self.body:
            out.extend(_block_inlines(block))
        return out

    def notes(self) -> list[Note]:
        """Every footnote in the order a reader meets them."""
        return [i for i in self.walk_inlines() if isinstance(i, Note)]

    def cross_referenced(self) -> frozenset[str]:
        """The anchors some CrossRef of the brief points at: the blocks a writer marks as
        targets (a Word bookmark on the number, a Typst label), and only those."""
        return frozenset(i.anchor for i in self.walk_inlines() if isinstance(i, CrossRef))


def _block_inlines(block: Block) -> list[Inline]:
    if isinstance(block, (Heading, Paragraph)):
        return list(block.runs)
    if isinstance(block, ListBlock):
        return [i for item in block.items for b in item for i in _block_inlines(b)]
    if isinstance(block, BlockQuote):
        return list(block.runs) + list(block.citation)
    if isinstance(block, Figure):
        return list(block.caption_runs) + list(block.source)
    if isinstance(block, Table):
        cells = [c for row in (block.header, *block.rows) for c in row]
        return list(block.caption_runs) + [i for c in cells for i in c.runs] + list(block.source)
    if isinstance(block, Recommendation):
        return list(block.action) + list(block.evidence)
    if isinstance(block, KeyPoints):
        return [i for item in block.items for i in item]
    if isinstance(block, KeyJudgements):
        return [i for item in block.items for i in item.runs]
    if isinstance(block, Bibliography):
        return [i for e in block.entries for i in e.runs]
    return []
