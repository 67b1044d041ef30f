"""`briefgen sources`: the source catalog as a table; `briefgen sources import FILE` adds to it."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_CATALOG = Path("seeds/sources.yaml")


def add_parser(sub: argparse._SubParsersAction) -> None:
    sources = sub.add_parser(
        "sources", help="list the source catalog, or import sources into it",
        description="Without a subcommand, list the source catalog as a table.")
    sources.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, metavar="FILE",
                         help=f"the catalog (default: {DEFAULT_CATALOG})")
    actions = sources.add_subparsers(dest="sources_command", metavar="SUBCOMMAND")
    importing = actions.add_parser(
        "import", help="add sources from a CSL-JSON or BibTeX export (Zotero, ...)",
        description="Append every entry of a CSL-JSON or BibTeX file to the catalog, or none "
                    "if any entry cannot be taken. Imported sources have no text file: they "
                    "can be cited at once, and quoted once their entry's file: names their text.")
    importing.add_argument("file", type=Path, metavar="FILE", help="a .json (CSL-JSON) or .bib file")
    importing.add_argument("--format", choices=("csl-json", "bibtex"), default=None,
                           help="the file's format (default: from its suffix)")
    importing.add_argument("--dry-run", action="store_true",
                           help="check the entries and show what would be added; write nothing")
    # Also accepted after "import"; SUPPRESS keeps a value given before it.
    importing.add_argument("--catalog", type=Path, default=argparse.SUPPRESS, metavar="FILE",
                           help=f"the catalog (default: {DEFAULT_CATALOG})")


def run(args: argparse.Namespace) -> int:
    if getattr(args, "sources_command", None) == "import":
        return _import(args)
    return _list(args.catalog)


def _import(args: argparse.Namespace) -> int:
    from briefgen.corpus.importing import import_sources

    added = import_sources(args.catalog, args.file, args.format, dry_run=args.dry_run)
    verb = "would add" if args.dry_run else "added"
    print(f"{args.catalog}: {verb} {len(added)} source{'s' if len(added) != 1 else ''} "
          f"from {args.file}")
    for source in added:
        renamed = f" (was {source.original_id!r})" if source.original_id != source.record.id \
            else ""
        print(f"  [@{source.record.id}]{renamed} {source.record.title}")
    if not args.dry_run:
        print("Imported sources can be cited now; to quote one, save its text beside the "
              "catalog and set its file:.")
    return 0


def _list(catalog_path: Path) -> int:
    from rich.console import Console
    from rich.table import Table

    from briefgen.corpus.catalog import SourceCatalog

    catalog = SourceCatalog.load(catalog_path)
    table = Table(title=f"Sources in {catalog_path}", expand=True)
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
        # A source without text (imported metadata) can be cited but has no paragraphs.
        paras = str(len(catalog.text(sid).paragraphs)) if catalog.quotable(sid) else "no text"
        table.add_row(sid, record.title, authors or "—", outlet or "—", record.date or "n.d.", paras)
    Console().print(table)
    return 0
