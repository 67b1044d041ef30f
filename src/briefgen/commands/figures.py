"""`briefgen figures`: the figures sources give for the same thing, and where they disagree."""

from __future__ import annotations

import argparse
from pathlib import Path

from briefgen.commands import DEFAULT_CATALOG


def add_parser(sub: argparse._SubParsersAction) -> None:
    figures = sub.add_parser("figures", help="numeric claims in the corpus, and where sources "
                                             "disagree")
    figures.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG,
                         metavar="FILE", help=f"the catalog (default: {DEFAULT_CATALOG})")
    figures.add_argument("--disagreements", action="store_true",
                         help="only the topics on which sources disagree")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from briefgen.corpus.claims import group_claims
    from briefgen.corpus.index import CorpusIndex

    index = CorpusIndex.open_catalog(args.catalog)
    try:
        claims = index.claims()
    finally:
        index.close()
    console = Console(highlight=False)
    for topic, found, disagree in group_claims(claims):
        if args.disagreements and not disagree:
            continue
        verdict = "SOURCES DISAGREE" if disagree else "sources agree"
        table = Table(title=f"{topic.name} ({topic.key}): {verdict}", title_justify="left",
                      expand=True)
        # The citation names the source and is what analysts copy: never cut it.
        table.add_column("figure", no_wrap=True, justify="right")
        table.add_column("as written", ratio=1)
        table.add_column("citation", no_wrap=True)
        for claim in found:
            # Text, not markup: "[@id, para N]" would read as a Rich tag.
            table.add_row(Text(claim.figure), Text(claim.text),
                          Text(f"[@{claim.source_id}, para {claim.paragraph}]"))
        console.print(table)
    return 0
