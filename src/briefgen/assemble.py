"""Build the document model from the resolved spec: verified evidence, drawn charts, citations.

Everything is assembled in reading order, because citation styles number and shorten notes
by the order a reader meets them ("Ibid.", short notes after the first). Writers get the
finished tree and never look back at the spec or the corpus.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from briefgen.citations import CitationFormatter, CitationRef, Locator
from briefgen.classification import PortionMarks
from briefgen.corpus.catalog import SourceRecord
from briefgen.corpus.quotes import QuoteMatch
from briefgen.crossrefs import block_anchor, targets_by_reference
from briefgen.estimative import likelihood_of
from briefgen.evidence import Evidence
from briefgen.glossaries import abbreviations_section, estimative_note
from briefgen.markup.citekeys import CiteKey, CrossReferenceKey
from briefgen.markup.markdown import (
    parse_blocks,
    parse_inline,
    typeset,
    visible_text,
    with_references,
)
from briefgen.model.direction import mostly_rtl, rtl_language
from briefgen.model.marks import marked
from briefgen.model.nodes import (
    Bibliography,
    BibliographyEntry,
    Block,
    BlockQuote,
    CrossRef,
    Document,
    Figure,
    Heading,
    Inline,
    KeyJudgement,
    KeyJudgements,
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
from briefgen.spec.schema import (
    PDF_STANDARDS,
    BriefSpec,
    ChartSpec,
    ExcerptSpec,
    KeyJudgementSpec,
    TableSpec,
    evidence_named,
)

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


class _Assembler:
    def __init__(
        self,
        spec: BriefSpec,
        evidence: Evidence,
        charts: dict[str, ChartPicture],
        citations: CitationFormatter,
        records: dict[str, SourceRecord],
        labels: Labels,
        marks: PortionMarks | None = None,
    ) -> None:
        self.spec = spec
        self.marks = marks
        self.records = records
        self.evidence = evidence
        self.charts = charts
        self.citations = citations
        self.labels = labels
        self.excerpts = spec.excerpts_by_id()
        self.targets = targets_by_reference(spec)
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

    def refer(self, key: CrossReferenceKey) -> CrossRef:
        """What a cross-reference prints: the label and number of its target, as the
        target's caption or heading starts. Check refused a reference to no target."""
        target = self.targets[(key.kind, key.id)]
        label = {"figure": self.labels.figure, "table": self.labels.table,
                 "recommendation": self.labels.recommendation}[target.kind]
        return CrossRef(target.kind, target.anchor, target.number, f"{label} {target.number}")

    def inline(self, text: str) -> Runs:
        """A one-paragraph Markdown field as runs, its citations and cross-references resolved."""
        return parse_inline(text, self.cite_keys, refer=self.refer)

    def caption_runs(self, caption: str) -> Runs:
        """A typeset caption as runs when it holds a cross-reference, else () (Figure's)."""
        runs = with_references(caption, self.refer)
        return runs if any(isinstance(r, CrossRef) for r in runs) else ()

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

    def mark(self, key: str) -> str:
        """The printed portion mark of the spec portion at ``key``; "" without classification."""
        return self.marks.printed(key) if self.marks else ""

    def markdown(self, text: str) -> list[Block]:
        return list(parse_blocks(text, self.cite_keys, refer=self.refer))

    def excerpt(self, excerpt: ExcerptSpec) -> BlockQuote:
        rtl = mostly_rtl([excerpt.quote])
        lang = excerpt.lang or (rtl_language(excerpt.quote) if rtl else "")
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
        caption = self.caption_runs(typeset(chart.caption))
        return Figure(
            number=self.figures,
            caption=_plain(caption) or typeset(chart.caption),
            alt=typeset(chart.alt),
            source=self.source_line(names),
            png=picture.png,
            svg=picture.svg,
            width_cm=picture.width_cm,
            anchor=block_anchor("figure", chart.id, self.figures),
            # Printed above the picture: charts/ draws no title inside it.
            title=typeset(chart.title),
            chart=chart.key,
            caption_runs=caption,
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
            tuple(TableCell(self.inline(cell) if cell else (), a)
                  for cell, a in zip(row.cells, aligns))
            for row in table.rows
        )
        caption = self.caption_runs(typeset(table.caption))
        return Table(
            number=self.tables,
            caption=_plain(caption) or typeset(table.caption),
            header=header,
            rows=rows,
            source=self.source_line(table.named_excerpts()),
            anchor=block_anchor("table", table.id, self.tables),
            caption_runs=caption,
        )

    def build(self) -> Document:
        spec, labels = self.spec, self.labels
        body: list[Block] = [Heading(1, (Text(labels.summary),), anchor="summary")]
        summary_mark = self.marks.printed_summary if self.marks else ""
        body += [marked(b, summary_mark) for b in self.markdown(spec.summary)]
        if spec.key_points:
            items = tuple(self.inline(p) for p in spec.key_points)
            body.append(marked(KeyPoints(labels.key_points, items), summary_mark))
        if spec.key_judgements:
            body.append(Heading(1, (Text(labels.key_judgements),), anchor="key-judgements"))
            body.append(KeyJudgements(tuple(self.judgement(j) for j in spec.key_judgements)))
        for n, section in enumerate(spec.sections, start=1):
            body.append(Heading(1, (Text(typeset(section.heading)),), anchor=f"section-{n}"))
            body += [marked(b, self.mark(section.key)) for b in self.markdown(section.body)]
            body += [marked(self.excerpt(e), self.mark(e.key)) for e in section.excerpts]
            body += [marked(self.figure(c), self.mark(c.key)) for c in section.charts]
            body += [marked(self.table(t), self.mark(t.key)) for t in section.tables]
        body.append(Heading(1, (Text(labels.recommendations),), anchor="recommendations"))
        for n, rec in enumerate(spec.recommendations, start=1):
            evidence = self.refs_for(rec.evidence)
            body.append(marked(Recommendation(
                number=n,
                title=typeset(rec.title),
                action=self.inline(rec.action),
                lead=typeset(rec.lead),
                timeframe=typeset(rec.timeframe),
                indicator=typeset(rec.indicator),
                evidence=self._evidence_runs(evidence),
                anchor=block_anchor("recommendation", rec.id, n),
            ), self.mark(rec.key)))
        if spec.evidence_annex:
            # It repeats every quotation, so it is as high as the highest of them.
            annex_mark = self.marks.printed_highest if self.marks else ""
            body += [marked(b, annex_mark) for b in self.evidence_annex()]
        body += abbreviations_section(spec, labels)
        if spec.key_judgements:
            self.tables += 1
            # briefgen's own explanation, no one's assessment: the scheme's lowest marking.
            note_mark = self.marks.printed_lowest if self.marks else ""
            body += [marked(b, note_mark) for b in estimative_note(labels, self.tables)]
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
            # The banner replaces the spec's and the template's marking where there is one.
            marking=self.marks.banner if self.marks else spec.marking,
            subject=typeset(spec.subject or spec.subtitle),
            keywords=tuple(spec.keywords),
            lang=spec.lang,
            to=typeset(spec.memo.to),
            sender=typeset(spec.memo.sender),
            reference=spec.memo.reference,
            banner=self.marks.banner if self.marks else "",
        )
        return Document(meta=meta, body=_number_paragraphs(body),
                        notes_style=self.citations.uses_notes, labels=labels,
                        pdf_standards=PDF_STANDARDS[spec.pdf_standard])

    def judgement(self, judgement: KeyJudgementSpec) -> KeyJudgement:
        """A key judgement led by its likelihood term and confidence, its evidence cited
        after it (a note, or an in-text citation a space after the text)."""
        likelihood = likelihood_of(judgement.likelihood)
        assert likelihood is not None  # the spec's check refused any other
        # As the analyst wrote it (ICD 203 allows the term or its pair), in one spelling.
        written = " ".join(judgement.likelihood.lower().replace("-", " ").split())
        lead = self.labels.judgement_lead.format(likelihood=written[:1].upper() + written[1:],
                                                 confidence=judgement.confidence)
        runs = list(self.inline(judgement.judgement))
        cited = self.cite(self.refs_for(judgement.evidence))
        if cited and not self.citations.uses_notes:
            cited = (Text(" "), *cited)
        mark = self.mark(judgement.key)
        return KeyJudgement(lead=f"{mark} {lead}" if mark else lead, runs=(*runs, *cited),
                            likelihood=likelihood.term, confidence=judgement.confidence)

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
            # An author-date citation names the source itself: "(“Floods,” n.d., para. 2)".
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


def _plain(runs: Runs) -> str:
    """The text of caption runs as one string ("" for none): a reference as it prints."""
    return "".join(r.text for r in runs if isinstance(r, (Text, CrossRef)))


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
    marks: PortionMarks | None = None,
) -> Document:
    """The Document for ``spec``. ``charts`` maps each chart's key path to its drawn picture;
    ``records`` the catalog records of the sources the spec cites; ``marks`` the portion
    marks check decided (None: a brief without classification)."""
    return _Assembler(spec, evidence, charts, citations, records, labels, marks).build()
