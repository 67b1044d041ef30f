"""Check every quotation and every number in a spec against its source, before anything is written.

Excerpts and quotations in running text are verified alike. A failure names the source,
the quote and the closest passage in that source, so the analyst can see what differs.

Numbers are traced: a chart value names its excerpt, a table names the excerpts its figures
come from, and each number must be written in that excerpt's own words (in any of its forms,
see corpus.claims). Words in [brackets] are the writer's, so a number there does not count.
A datum that names no excerpt is a warning, or an error when checking strictly. When a brief
cites a figure on which the corpus's sources disagree and leaves out the others, a warning
names them. ``manifest`` is the record of all this, written beside the outputs.
A table row may name its own excerpts; its numbers are traced in those, not the table's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.claims import Claim, CorpusClaims, claims_in, group_claims, numbers_in, \
    occurs, paragraph_terms
from briefgen.corpus.counting import TermCounts
from briefgen.corpus.quotes import QuoteMatch, closest_passage, normalise, verify_quote
from briefgen.corpus.topics import Topic, load_topics
from briefgen.errors import Problem, SourceError
from briefgen.markup.citekeys import inline_quotations
from briefgen.markup.markdown import visible_text
from briefgen.locators import quoted_pages_problem
from briefgen.spec.loader import display_path, line_in_text, markdown_fields, resolve_inside
from briefgen.spec.schema import BriefSpec, ExcerptSpec
from briefgen.spec.yamlsource import LocatedYaml


@dataclass(frozen=True)
class VerifiedQuote:
    """A quotation that was found in its source: where in the spec, and where in the source."""

    key: str
    quote: str
    match: QuoteMatch
    source_sha256: str


@dataclass(frozen=True)
class TracedDatum:
    """A number of a chart or table found in the excerpt it names.

    ``key`` is where the number stands in the spec (``sections[1].charts[0].series[0]
    .values[1]``, ``sections[2].tables[0].rows[3][2]``, ``sections[2].tables[0].rows[4]
    .cells[2]`` for a row that names its excerpts, or ``data/x.csv:4``); ``written`` is
    how the excerpt writes it ("2,200", "13-2" gives 13 and 2 each as "13", "2").
    """

    key: str
    value: float
    excerpt: str
    written: str
    quote: VerifiedQuote


@dataclass(frozen=True)
class Evidence:
    """Every verified quotation of a spec. ``excerpts`` maps an excerpt's key path to its match.

    ``data`` are the traced numbers; ``unsourced`` the key paths of numbers that name no
    excerpt (allowed unless strict); ``warnings`` what the analyst should read but that does
    not stop a build (unsourced data, figures on which sources disagree).
    """

    excerpts: dict[str, VerifiedQuote]
    inline: tuple[VerifiedQuote, ...]
    data: tuple[TracedDatum, ...] = ()
    unsourced: tuple[tuple[str, float], ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def for_excerpt(self, key: str) -> VerifiedQuote:
        return self.excerpts[key]


def verify_evidence(
    spec: BriefSpec,
    located: LocatedYaml,
    catalog: SourceCatalog,
    strict: bool = False,
    claims: CorpusClaims | None = None,
) -> Evidence:
    """Verify all excerpts, inline quotations and chart and table numbers; raise SourceError
    listing every failure.

    ``strict``: a number that names no excerpt is an error, not a warning. ``claims`` are the
    corpus's numeric claims (an index has them); None reads them from every source.
    """
    problems: list[Problem] = []
    misplaced = 0  # quotations found, but not on the page their citation names
    excerpts: dict[str, VerifiedQuote] = {}
    for excerpt in spec.excerpts():
        verified = _verify(excerpt.quote, excerpt.source, f"{excerpt.key}.quote", located, catalog,
                           problems)
        if verified:
            excerpts[excerpt.key] = verified
    inline: list[VerifiedQuote] = []
    for key, text in markdown_fields(spec):
        for quotation in inline_quotations(text):
            if quotation.source_id and quotation.source_id in catalog:
                verified = _verify(quotation.quote, quotation.source_id, key, located, catalog,
                                   problems)
                if verified:
                    inline.append(verified)
                    # A page typed after a quotation must be the page the quotation is on.
                    wrong = quoted_pages_problem(quotation.locator, verified.match.pages,
                                                 catalog.page_labels(quotation.source_id))
                    if wrong:
                        misplaced += 1
                        problems.append(Problem(
                            located.file, line_in_text(text, quotation.start, located.line(key)),
                            key, f"citation [@{quotation.source_id}, {quotation.locator}]: "
                            f"{wrong}"))
    if problems:
        count = len(problems) - misplaced
        said = []
        if count:
            said.append(f"{count} quotation{'s' if count != 1 else ''} not found in "
                        f"{'their sources' if count != 1 else 'its source'}")
        if misplaced:
            said.append(f"{misplaced} quotation{'s' if misplaced != 1 else ''} cited at a page "
                        f"{'they are' if misplaced != 1 else 'it is'} not on")
        raise SourceError(f"{located.file}: {'; '.join(said)}", problems)
    data, unsourced, data_problems = _trace_numbers(spec, located, excerpts)
    warnings = []
    for key, value in unsourced:
        where = _where(spec, located, key)
        message = (f"the number {_shown(value)} names no excerpt it comes from; "
                   f"{_how_to_name_an_excerpt(key)}")
        if strict:
            data_problems.append(Problem(where.file, where.line, where.key, message))
        else:
            warnings.append(str(Problem(where.file, where.line, where.key,
                                        f"warning: {message} (an error with --strict)")))
    if data_problems:
        count = len(data_problems)
        raise SourceError(
            f"{located.file}: {count} number{'s' if count != 1 else ''} not traced to "
            f"{'their excerpts' if count != 1 else 'its excerpt'}", data_problems)
    quotes = [*excerpts.values(), *inline]
    topics = load_topics(catalog.path.parent).topics
    if claims is None:
        claims = corpus_claims(catalog, topics)
    warnings += _disagreements(quotes, claims, topics, located)
    return Evidence(excerpts, tuple(inline), tuple(data), tuple(unsourced), tuple(warnings))


def corpus_claims(catalog: SourceCatalog, topics: Sequence[Topic] = ()) -> CorpusClaims:
    """Every numeric claim of every quotable source, read from the texts (no index), with
    the figure ``topics`` declared beside the catalog, and the counts of its terms."""
    found: list[Claim] = []
    counts: dict[str, int] = {}
    paragraphs = 0
    for source_id in catalog.ids():
        if not catalog.quotable(source_id):
            continue
        before, published = "", catalog.get(source_id).date
        for paragraph in catalog.text(source_id).paragraphs:
            found += claims_in(paragraph.text, source_id, paragraph.number, topics, before,
                               published)
            for term in paragraph_terms(paragraph.text, published):
                counts[term] = counts.get(term, 0) + 1
            paragraphs += 1
            before = paragraph.text
    return CorpusClaims(tuple(found), TermCounts(paragraphs, counts))


_BRACKETED = re.compile(r"\[[^\[\]]*\]")


def excerpt_words(quote: str) -> str:
    """The words of a quote that are the source's: [bracketed] words are the writer's."""
    return _BRACKETED.sub(" ", normalise(quote))


def _trace_numbers(
    spec: BriefSpec, located: LocatedYaml, verified: dict[str, VerifiedQuote]
) -> tuple[list[TracedDatum], list[tuple[str, float]], list[Problem]]:
    by_id: dict[str, ExcerptSpec] = {e.id: e for e in spec.excerpts() if e.id}
    data: list[TracedDatum] = []
    unsourced: list[tuple[str, float]] = []
    problems: list[Problem] = []

    def trace(key: str, value: float, names: Sequence[str], shown: str) -> None:
        excerpts = [by_id[n] for n in names if n in by_id and by_id[n].key in verified]
        if len(excerpts) < len([n for n in names if n in by_id]):
            return  # an excerpt that did not verify was reported already
        for excerpt in excerpts:
            mention = occurs(value, excerpt_words(excerpt.quote))
            if mention is not None:
                data.append(TracedDatum(key, value, excerpt.id, mention.text,
                                        verified[excerpt.key]))
                return
        where = _where(spec, located, key)
        quotes = "; ".join(f"{e.id!r}: \"{e.quote}\"" for e in excerpts)
        problems.append(Problem(where.file, where.line, where.key,
                                f"the number {shown} is not in "
                                f"{'its excerpt' if len(excerpts) == 1 else 'any of its excerpts'}"
                                f" {quotes}"))

    for chart in spec.charts():
        for series in chart.series:
            for value in series.values:
                if value.excerpt:
                    trace(value.key, float(value.value), [value.excerpt], _shown(value.value))
                else:
                    unsourced.append((value.key, float(value.value)))
    for table in spec.tables():
        for row in table.rows:
            names = table.excerpts_of(row)
            for j, cell in enumerate(row.cells):
                # The digits of a citation ([@ft-floods-2021, para 20]) or a link target are
                # not figures the cell states.
                for mention in numbers_in(visible_text(cell)):
                    if names:
                        trace(row.cell_key(j), mention.value, names, repr(mention.text))
                    else:
                        unsourced.append((row.cell_key(j), mention.value))
    return data, unsourced, problems


def _shown(value: float) -> str:
    return f"{value:g}" if float(value) != int(value) else f"{int(value)}"


def _how_to_name_an_excerpt(key: str) -> str:
    """What to write so the datum at ``key`` (a CSV row, table cell or chart value) names one."""
    if _CSV_ROW.fullmatch(key):
        return "put its excerpt's id in the CSV's excerpt column (add the column if none)"
    if ".rows[" in key:
        return "give the table excerpts: [<id>, ...]"
    return "give it excerpt: <id>, or give its series one"


_CSV_ROW = re.compile(r"(.+\.csv):(\d+)")


def _where(spec: BriefSpec, located: LocatedYaml, key: str) -> Problem:
    """Where a datum stands: its line in the spec, or its row in a chart's CSV file."""
    csv = _CSV_ROW.fullmatch(key)
    if csv:
        path = resolve_inside(spec, csv.group(1))
        shown = display_path(path) if path is not None else csv.group(1)
        return Problem(shown, int(csv.group(2)), "", "")
    return Problem(located.file, located.line(key), key, "")


def _disagreements(quotes: Iterable[VerifiedQuote], corpus: CorpusClaims,
                   topics: Sequence[Topic], located: LocatedYaml) -> list[str]:
    """A warning per group of figures (a declared topic, or figures counting the same thing
    about the same event) where the brief cites some figures and leaves out others that
    other sources give."""
    claims = corpus.claims
    groups = group_claims(claims, topics, corpus.terms)
    group_of = {_claim_key(c): index for index, group in enumerate(groups)
                for c in group.claims}
    cited: dict[int, list[tuple[VerifiedQuote, Claim]]] = {}
    for quote in quotes:
        match = quote.match
        for claim in claims:
            if (claim.source_id == match.source_id and claim.paragraph == match.paragraph
                    and match.start <= claim.start and claim.end <= match.end
                    and _claim_key(claim) in group_of):
                cited.setdefault(group_of[_claim_key(claim)], []).append((quote, claim))
    warnings = []
    for index, uses in cited.items():
        figures = {(c.low, c.high) for _, c in uses}
        places = {(c.source_id, c.paragraph) for _, c in uses}
        others = [c for c in groups[index].claims if (c.low, c.high) not in figures
                  and (c.source_id, c.paragraph) not in places]
        if not others:
            continue
        quote, claim = uses[0]
        listed = "; ".join(f"{c.figure} ({c.text}) [@{c.source_id}, para {c.paragraph}]"
                           for c in others)
        cites = ", ".join(dict.fromkeys(c.figure for _, c in uses))
        warnings.append(str(Problem(
            located.file, located.line(quote.key), quote.key,
            f"warning: the brief cites {cites} for {groups[index].label!r}, but other sources "
            f"give {listed}")))
    return warnings


def _claim_key(claim: Claim) -> tuple[str, int, int, str]:
    return (claim.source_id, claim.paragraph, claim.start, claim.topic)


def manifest(spec: BriefSpec, evidence: Evidence, catalog: SourceCatalog) -> dict[str, Any]:
    """The evidence record of a build: each quote and datum with its source, paragraph and
    the sha256 of the source text it was checked against. Deterministic: no times, no
    absolute paths; lists in the spec's order."""

    def number(value: float) -> float | int:
        return int(value) if float(value).is_integer() else value

    def quote_entry(quote: VerifiedQuote) -> dict[str, Any]:
        entry = {"key": quote.key, "quote": quote.quote, "source": quote.match.source_id,
                 "paragraph": quote.match.paragraph}
        entry.update(pages(quote))
        entry.update({"passage": quote.match.passage, "source_sha256": quote.source_sha256})
        return entry

    def pages(quote: VerifiedQuote) -> dict[str, Any]:
        # Only for a paginated source, so the record of a text source is as it always was.
        return {"pages": list(quote.match.pages)} if quote.match.pages else {}

    quotes = [*evidence.excerpts.values(), *evidence.inline]
    sources = {}
    for quote in quotes:
        record = catalog.get(quote.match.source_id)
        sources[record.id] = {"title": record.title, "file": record.file,
                              "source_sha256": quote.source_sha256}
        if record.text:  # added with `sources add`: checked against the text stored
            sources[record.id].update({"text": record.text, "file_sha256": record.sha256})
    return {
        "briefgen_evidence": 1,
        "brief": {"title": spec.title, "date": str(spec.date), "spec": spec.path.name},
        "sources": sources,
        "quotes": [quote_entry(q) for q in quotes],
        "data": [{"key": d.key, "value": number(d.value), "written_as": d.written,
                  "excerpt": d.excerpt, "source": d.quote.match.source_id,
                  "paragraph": d.quote.match.paragraph, **pages(d.quote),
                  "source_sha256": d.quote.source_sha256}
                 for d in evidence.data],
        "unsourced_data": [{"key": key, "value": number(value)}
                           for key, value in evidence.unsourced],
        "warnings": list(evidence.warnings),
    }


def _verify(
    quote: str,
    source_id: str,
    key: str,
    located: LocatedYaml,
    catalog: SourceCatalog,
    problems: list[Problem],
) -> VerifiedQuote | None:
    text = catalog.text(source_id)
    match = verify_quote(quote, text)
    if match is not None:
        return VerifiedQuote(key, quote, match, text.sha256)
    near = closest_passage(quote, text)
    message = f"quote not found in source {source_id!r}: \"{quote}\""
    if near is not None:
        message += (
            f"\n      closest passage (para {near.paragraph}, {near.score:.0f}% similar): "
            f"\"{near.passage}\""
        )
    problems.append(Problem(located.file, located.line(key), key, message))
    return None
