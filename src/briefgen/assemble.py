"""Build the document model from the resolved spec: verified evidence, drawn charts, citations.

Everything is assembled in reading order, because citation styles number and shorten notes
by the order a reader meets them ("Ibid.", short notes after the first). Writers get the
finished tree and never look back at the spec or the corpus.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from briefgen.citations import CitationFormatter, CitationRef, Locator
from briefgen.corpus.catalog import SourceRecord
from briefgen.corpus.quotes import QuoteMatch
from briefgen.evidence import Evidence
from briefgen.markup.citekeys import CiteKey
from briefgen.markup.markdown import parse_blocks, parse_inline, typeset, visible_text
from briefgen.model.nodes import (
    Bibliography,
    BibliographyEntry,
    Block,
    BlockQuote,
    Document,
    Figure,
    Heading,
    Inline,
    KeyPoints,
    Labels,
    Metadata,
    Note,
    Paragraph,
    Recommendation,
    Runs,
    Table,
    TableCell,
    Text,
)
from briefgen.spec.schema import BriefSpec, ChartSpec, ExcerptSpec, TableSpec, evidence_named

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_NUMERIC = re.compile(r"^[\s\d.,%$€£+\-–—~≈<>]+$")


@dataclass(frozen=True)
class ChartPicture:
    """A drawn chart as assembly needs it: the image files and the size on the page."""

    png: Path | None  # None when no chosen writer embeds that image type
    svg: Path | None
    width_cm: float


def _shorten(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_date(iso: str) -> str:
    """"2021-07-15" as "15 July 2021" (English, as policy briefs print it)."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%B')} {day.year}"


def is_rtl(text: str) -> bool:
    """True when most letters of ``text`` are in a right-to-left script."""
    rtl = len(_RTL.findall(text))
    letters = sum(1 for ch in text if unicodedata.category(ch).startswith("L"))
    return letters > 0 and rtl * 2 >= letters


class _Assembler:
    def __init__(
        self,
        spec: BriefSpec,
        evidence: Evidence,
        charts: dict[str, ChartPicture],
        citations: CitationFormatter,
        records: dict[str, SourceRecord],
        labels: Labels,
    ) -> None:
        self.spec = spec
        self.records = records
        self.evidence = evidence
        self.charts = charts
        self.citations = citations
        self.labels = labels
        self.excerpts = spec.excerpts_by_id()
        self.figures = 0
        self.tables = 0

    # ---- citations

    def cite(self, refs: list[CitationRef]) -> Runs:
        """A citation in the text: a Note in note styles, the formatted text otherwise."""
        if not refs:
            return ()
        runs = self.citations.cite(refs)
        if self.citations.uses_notes:
            return (Note(tuple(runs)),)
        return tuple(runs)  # in the text, after the space the author wrote before [@...]

    def cite_keys(self, keys: tuple[CiteKey, ...]) -> tuple[Inline, ...]:
        # The spec's locators were checked (locators.py) before assembly; parsed once here.
        return self.cite([CitationRef(k.source_id, Locator.parse(k.locator)) for k in keys])

    def ref_for_excerpt(self, excerpt: ExcerptSpec) -> CitationRef:
        match = self.evidence.for_excerpt(excerpt.key).match
        if match.pages:  # a paginated source is cited by the page printed on it
            return CitationRef(excerpt.source, Locator.pages(match.pages[0], match.pages[-1]))
        return CitationRef(excerpt.source, Locator.paragraph(match.paragraph))

    def refs_for(self, names: tuple[str, ...] | list[str]) -> list[CitationRef]:
        """Citation refs for excerpt ids (with their paragraph) or source ids, deduplicated."""
        refs: list[CitationRef] = []
        for name in names:
            named = evidence_named(name, self.excerpts)
            ref = CitationRef(named) if isinstance(named, str) else self.ref_for_excerpt(named)
            if ref not in refs:
                refs.append(ref)
        return refs

    def source_line(self, names: list[str]) -> Runs:
        refs = self.refs_for(names)
        if not refs:
            return ()
        label = self.labels.source_line if len({r.source_id for r in refs}) == 1 \
            else self.labels.sources_line
        if self.citations.uses_notes:
            # One note per source cited, so each can be followed in the notes.
            runs: list[Inline] = [Text(label.rstrip() + " ")]
            titles = [self._short_source(r.source_id) for r in refs]
            for i, (ref, title) in enumerate(zip(refs, titles)):
                if i:
                    runs.append(Text("; "))
                runs.append(Text(title))
                runs.extend(self.cite([ref]))
            runs.append(Text("."))
            return tuple(runs)
        return (Text(label), *self.cite(refs), Text("."))

    def _short_source(self, source_id: str) -> str:
        """How a source line names a source before its note: authors, else the outlet, else
        the title (shortened at its colon)."""
        record = self.records.get(source_id)
        if record is None:
            return source_id
        if record.authors:
            return " and ".join(p.family for p in record.authors[:2]) + (
                " et al." if len(record.authors) > 2 else "")
        if record.container_title:
            return record.container_title
        return f"“{record.title.split(':')[0].strip()}”"

    # ---- blocks

    def markdown(self, text: str) -> list[Block]:
        return list(parse_blocks(text, self.cite_keys))

    def excerpt(self, excerpt: ExcerptSpec) -> BlockQuote:
        rtl = is_rtl(excerpt.quote)
        lang = excerpt.lang or ("ar" if rtl else "")
        citation = self.cite([self.ref_for_excerpt(excerpt)])
        first = citation[0] if citation else None
        if (isinstance(first, Text) and first.text[:1].strip()
                and excerpt.quote[-1:].strip()):
            # An in-text citation ("(UN 2021)") stands a space after the quotation; a note
            # mark sits close. Decided here, once, for every writer.
            citation = (Text(" "), *citation)
        return BlockQuote(runs=(Text(excerpt.quote),), citation=citation, lang=lang, rtl=rtl)

    def figure(self, chart: ChartSpec) -> Figure:
        self.figures += 1
        picture = self.charts[chart.key]
        names = list(dict.fromkeys(v.excerpt for s in chart.series for v in s.values if v.excerpt))
        return Figure(
            number=self.figures,
            caption=typeset(chart.caption),
            alt=typeset(chart.alt),
            source=self.source_line(names),
            png=picture.png,
            svg=picture.svg,
            width_cm=picture.width_cm,
            anchor=f"fig-{chart.id}" if chart.id else f"fig-{self.figures}",
            # Printed above the picture: charts/ draws no title inside it.
            title=typeset(chart.title),
            chart=chart.key,
        )

    def table(self, table: TableSpec) -> Table:
        self.tables += 1
        aligns = list(table.align) or [
            "right" if all(_NUMERIC.match(visible_text(row.cells[i]) or "-")
                           for row in table.rows) else "left"
            for i in range(len(table.columns))
        ]
        header = tuple(TableCell((Text(typeset(c), bold=True),), a)
                       for c, a in zip(table.columns, aligns))
        rows = tuple(
            tuple(TableCell(parse_inline(cell, self.cite_keys) if cell else (), a)
                  for cell, a in zip(row.cells, aligns))
            for row in table.rows
        )
        return Table(
            number=self.tables,
            caption=typeset(table.caption),
            header=header,
            rows=rows,
            source=self.source_line(table.named_excerpts()),
            anchor=f"tab-{table.id}" if table.id else f"tab-{self.tables}",
        )

    def build(self) -> Document:
        spec, labels = self.spec, self.labels
        body: list[Block] = [Heading(1, (Text(labels.summary),), anchor="summary")]
        body += self.markdown(spec.summary)
        if spec.key_points:
            items = tuple(parse_inline(p, self.cite_keys) for p in spec.key_points)
            body.append(KeyPoints(labels.key_points, items))
        for n, section in enumerate(spec.sections, start=1):
            body.append(Heading(1, (Text(typeset(section.heading)),), anchor=f"section-{n}"))
            body += self.markdown(section.body)
            body += [self.excerpt(e) for e in section.excerpts]
            body += [self.figure(c) for c in section.charts]
            body += [self.table(t) for t in section.tables]
        body.append(Heading(1, (Text(labels.recommendations),), anchor="recommendations"))
        for n, rec in enumerate(spec.recommendations, start=1):
            evidence = self.refs_for(rec.evidence)
            body.append(Recommendation(
                number=n,
                title=typeset(rec.title),
                action=parse_inline(rec.action, self.cite_keys),
                lead=typeset(rec.lead),
                timeframe=typeset(rec.timeframe),
                indicator=typeset(rec.indicator),
                evidence=self._evidence_runs(evidence),
            ))
        if spec.evidence_annex:
            body += self.evidence_annex()
        entries = tuple(BibliographyEntry(sid, runs) for sid, runs in self.citations.bibliography())
        heading = labels.sources if self.citations.uses_notes else labels.references
        if entries:
            body.append(Heading(1, (Text(heading),), anchor="sources"))
            body.append(Bibliography(entries))
        # Typography for every text the spec gives outside Markdown, decided here once, so
        # titles and headings print the same quotes and apostrophes as the body text.
        meta = Metadata(
            title=typeset(spec.title),
            subtitle=typeset(spec.subtitle),
            date=spec.date,
            date_text=format_date(spec.date),
            authors=tuple(typeset(a) for a in spec.authors),
            organisation=typeset(spec.organisation),
            marking=spec.marking,
            subject=typeset(spec.subject or spec.subtitle),
            keywords=tuple(spec.keywords),
            lang=spec.lang,
            to=typeset(spec.memo.to),
            sender=typeset(spec.memo.sender),
            reference=spec.memo.reference,
        )
        return Document(meta=meta, body=_number_paragraphs(body),
                        notes_style=self.citations.uses_notes, labels=labels)

    def evidence_annex(self) -> list[Block]:
        """The evidence record for readers: each quotation and traced number, where it stands
        in its source, and the hash of the source text it was checked against (as in the
        manifest written beside the outputs)."""
        quotes = [*self.evidence.excerpts.values(), *self.evidence.inline]
        rows = []
        for verified in quotes:
            match = verified.match
            rows.append((_shorten(verified.quote), self._short_source(match.source_id),
                         _place(match), verified.source_sha256[:12]))
        for datum in self.evidence.data:
            match = datum.quote.match
            rows.append((f"{datum.written} (number, in “{_shorten(datum.quote.quote, 60)}”)",
                         self._short_source(match.source_id), _place(match),
                         datum.quote.source_sha256[:12]))
        if not rows:
            return []
        self.tables += 1
        columns = (("Quotation or number", "left"), ("Source", "left"), ("Para.", "right"),
                   ("Source text SHA-256", "left"))
        return [
            Heading(1, (Text(self.labels.evidence_annex),), anchor="evidence-annex"),
            Paragraph((Text(self.labels.evidence_annex_intro),)),
            Table(
                number=self.tables,
                caption=self.labels.evidence_annex_caption,
                header=tuple(TableCell((Text(c, bold=True),), a) for c, a in columns),
                rows=tuple(tuple(TableCell((Text(cell),), a) for cell, (_, a) in zip(row, columns))
                           for row in rows),
                anchor="tab-evidence",
            ),
        ]

    def _evidence_runs(self, refs: list[CitationRef]) -> Runs:
        if not refs:
            return ()
        if not self.citations.uses_notes:
            # An author-date citation names the source itself: "(“Isis-K,” n.d., para. 2)".
            return self.cite(refs)
        # Each source named once, its note after it; the note says where in the source
        # ("Ibid., paras. 3, 13."), so the line does not repeat the paragraphs.
        by_source: dict[str, list[CitationRef]] = {}
        for ref in refs:
            by_source.setdefault(ref.source_id, []).append(ref)
        runs: list[Inline] = []
        for i, (source_id, cited) in enumerate(by_source.items()):
            if i:
                runs.append(Text("; "))
            runs.append(Text(self._short_source(source_id)))
            runs.extend(self.cite(cited))
        return tuple(runs)


def _place(match: QuoteMatch) -> str:
    """A match's paragraph for the evidence annex, with its page(s) in a paginated source:
    "5", "5 (p. 12)"."""
    return f"{match.paragraph} ({match.locator})" if match.pages else str(match.paragraph)


def _number_paragraphs(body: list[Block]) -> tuple[Block, ...]:
    """``body`` with its top-level paragraphs numbered 1, 2, ... in reading order, decided here
    so that the DOCX and the PDF number the same paragraphs the same way."""
    out: list[Block] = []
    count = 0
    for block in body:
        if isinstance(block, Paragraph):
            count += 1
            block = dataclasses.replace(block, number=count)
        out.append(block)
    return tuple(out)


def assemble(
    spec: BriefSpec,
    evidence: Evidence,
    charts: dict[str, ChartPicture],
    citations: CitationFormatter,
    records: dict[str, SourceRecord],
    labels: Labels = Labels(),
) -> Document:
    """The Document for ``spec``. ``charts`` maps each chart's key path to its drawn picture;
    ``records`` the catalog records of the sources the spec cites."""
    return _Assembler(spec, evidence, charts, citations, records, labels).build()
