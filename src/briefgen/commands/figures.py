"""`briefgen figures`: the figures sources give for the same thing, and where they disagree."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from briefgen.commands import DEFAULT_CATALOG


def add_parser(sub: argparse._SubParsersAction) -> None:
    figures = sub.add_parser(
        "figures", help="numeric claims in the corpus, and where sources disagree",
        description="Figures the sources give for the same thing: for each topic declared in "
                    "figures.yaml beside the catalog, and for figures whose sentences count the "
                    "same thing about the same event (the counted noun and its verb, names, "
                    "places, dates).")
    figures.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG,
                         metavar="FILE", help=f"the catalog (default: {DEFAULT_CATALOG})")
    figures.add_argument("--disagreements", action="store_true",
                         help="only the groups on which sources disagree")
    figures.add_argument("--json", action="store_true",
                         help="print the groups as JSON: a list of {label, topic, disagree, "
                              "claims: [{value, low, high, figure, text, source, para, page}]}; "
                              "page is the printed page in a paginated source, else null")


def run(args: argparse.Namespace) -> int:
    from briefgen.corpus.claims import group_claims
    from briefgen.corpus.index import CorpusIndex

    index = CorpusIndex.open_catalog(args.catalog)
    try:
        corpus = index.corpus_claims()
        topics = index.topics.topics
        catalog = index.catalog  # its records read from the index, as asked for
    finally:
        index.close()
    groups = [g for g in group_claims(corpus.claims, topics, corpus.terms)
              if g.disagree or not args.disagreements]
    if args.json:
        json.dump([_as_json(group, catalog) for group in groups], sys.stdout, indent=2,
                  ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    _print_tables(groups)
    return 0


def _page(catalog: Any, source_id: str, paragraph: int, sentence: str) -> str | None:
    """The printed page(s) a claim's sentence stands on ("12", "12–13"); None for a source
    without pages."""
    text = catalog.text(source_id)
    if not text.paginated:
        return None
    para = text.paragraph(paragraph)
    start = para.text.find(sentence)
    pages = (para.pages_between(start, start + len(sentence)) if start >= 0 else para.pages)
    if not pages:
        return None
    return pages[0] if pages[0] == pages[-1] else f"{pages[0]}\u2013{pages[-1]}"


def _as_json(group: Any, catalog: Any) -> dict[str, Any]:
    def number(value: float) -> float | int:
        return int(value) if float(value).is_integer() else value

    return {
        "label": group.label,
        "topic": group.topic or None,  # None: grouped by what the sentences say
        "disagree": group.disagree,
        "claims": [{
            "value": number(c.low) if c.low == c.high else [number(c.low), number(c.high)],
            "low": number(c.low), "high": number(c.high), "figure": c.figure,
            "text": c.text, "source": c.source_id,
            # Every source has paragraphs; a paginated one (a PDF) also the printed page.
            "para": c.paragraph, "page": _page(catalog, c.source_id, c.paragraph, c.text),
        } for c in group.claims],
    }


def _print_tables(groups: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    for group in groups:
        verdict = "SOURCES DISAGREE" if group.disagree else "sources agree"
        # Text, not markup: a label or a citation "[@id, para N]" would read as a Rich tag.
        title = Text(f"{group.label} ({group.topic or 'found in the text'}): {verdict}")
        table = Table(title=title, title_justify="left", expand=True)
        # The citation names the source and is what analysts copy: never cut it.
        table.add_column("figure", no_wrap=True, justify="right")
        table.add_column("as written", ratio=1)
        table.add_column("citation", no_wrap=True)
        for claim in group.claims:
            table.add_row(Text(claim.figure), Text(claim.text),
                          Text(f"[@{claim.source_id}, para {claim.paragraph}]"))
        console.print(table)
