"""Check every quotation in a spec against the source it cites, before anything is written.

Excerpts and quotations in running text are verified alike. A failure names the source,
the quote and the closest passage in that source, so the analyst can see what differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.quotes import QuoteMatch, closest_passage, verify_quote
from briefgen.errors import Problem, SourceError
from briefgen.markup.citekeys import inline_quotations
from briefgen.spec.loader import markdown_fields
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml


@dataclass(frozen=True)
class VerifiedQuote:
    """A quotation that was found in its source: where in the spec, and where in the source."""

    key: str
    quote: str
    match: QuoteMatch
    source_sha256: str


@dataclass(frozen=True)
class Evidence:
    """Every verified quotation of a spec. ``excerpts`` maps an excerpt's key path to its match."""

    excerpts: dict[str, VerifiedQuote]
    inline: tuple[VerifiedQuote, ...]

    def for_excerpt(self, key: str) -> VerifiedQuote:
        return self.excerpts[key]


def verify_evidence(spec: BriefSpec, located: LocatedYaml, catalog: SourceCatalog) -> Evidence:
    """Verify all excerpts and inline quotations; raise SourceError listing every failure."""
    problems: list[Problem] = []
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
    if problems:
        count = len(problems)
        raise SourceError(
            f"{located.file}: {count} quotation{'s' if count != 1 else ''} not found in "
            f"{'their sources' if count != 1 else 'its source'}",
            problems,
        )
    return Evidence(excerpts, tuple(inline))


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
