"""`briefgen sources`: the source catalog as a table."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    sources = sub.add_parser("sources", help="list the source catalog")
    sources.add_argument("--catalog", type=Path, default=Path("seeds/sources.yaml"),
                         metavar="FILE", help="the catalog (default: seeds/sources.yaml)")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from briefgen.corpus.catalog import SourceCatalog

    catalog = SourceCatalog.load(args.catalog)
    table = Table(title=f"Sources in {args.catalog}", expand=True)
    # Ids are what analysts copy into specs: never wrap them; the title takes the slack.
    table.add_column("id", no_wrap=True)
    table.add_column("title", ratio=3)
    table.add_column("author(s)", ratio=1)
    table.add_column("outlet", ratio=1)
    table.add_column("date", no_wrap=True)
    table.add_column("paras", no_wrap=True, justify="right")
    for sid in catalog.ids():
        record = catalog.get(sid)
        authors = "; ".join(f"{p.given} {p.family}".strip() for p in record.authors)
        outlet = record.container_title or record.publisher
        paras = str(len(catalog.text(sid).paragraphs))
        table.add_row(sid, record.title, authors or "—", outlet or "—", record.date or "n.d.", paras)
    Console().print(table)
    return 0
