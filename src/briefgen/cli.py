"""The command line: parses arguments and delegates; user errors become a message and exit 1.

Unexpected exceptions keep their traceback (they are bugs to report); a BriefgenError never
shows one. rich is imported here only, and only by the commands that print tables.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from briefgen import __version__
from briefgen.errors import BriefgenError

EXIT_OK, EXIT_USER_ERROR, EXIT_INTERRUPTED = 0, 1, 130


def _formats(value: str) -> tuple[str, ...]:
    from briefgen.pipeline import FORMATS

    names = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected one or more of: {', '.join(FORMATS)} but received {value!r}")
    return names


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefgen",
        description="Turn a YAML brief spec into a verified, cited policy brief (DOCX and PDF).",
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    build = sub.add_parser("build", help="build briefs into DOCX and PDF")
    build.add_argument("specs", nargs="+", type=Path, metavar="SPEC", help="brief spec files")
    build.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="DIR",
                       help="output folder (default: output/)")
    build.add_argument("--format", type=_formats, default=None, metavar="FORMATS",
                       help="comma-separated formats: docx,pdf (default: both)")
    build.add_argument("--template", type=Path, default=None, metavar="DIR",
                       help="a template folder, overriding the spec's template")
    build.add_argument("--style", default="", metavar="STYLE",
                       help="citation style: chicago-note-bibliography (default), apa, "
                            "chicago-author-date")

    check = sub.add_parser("check", help="validate specs and verify every quotation; write nothing")
    check.add_argument("specs", nargs="+", type=Path, metavar="SPEC")

    sources = sub.add_parser("sources", help="list the source catalog")
    sources.add_argument("--catalog", type=Path, default=Path("seeds/sources.yaml"),
                         metavar="FILE", help="the catalog (default: seeds/sources.yaml)")

    sub.add_parser("schema", help="print the JSON Schema of a brief spec")
    return parser


def cmd_build(args: argparse.Namespace) -> int:
    from briefgen.pipeline import FORMATS, BuildOptions, build

    options = BuildOptions(out_dir=args.output, formats=args.format or FORMATS,
                           template=args.template, style=args.style)
    failed = 0
    for spec in args.specs:
        try:
            result = build(spec, options)
        except BriefgenError as exc:
            print(exc.report(), file=sys.stderr)
            failed += 1
            continue
        names = ", ".join(str(p) for p in result.outputs)
        print(f"{result.spec}: wrote {names} in {result.seconds:.2f} s")
    return EXIT_USER_ERROR if failed else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from briefgen.pipeline import check

    failed = 0
    for spec in args.specs:
        try:
            checked = check(spec)
        except BriefgenError as exc:
            print(exc.report(), file=sys.stderr)
            failed += 1
            continue
        quotes = len(checked.evidence.excerpts) + len(checked.evidence.inline)
        print(f"{spec}: ok ({quotes} quotations verified)")
    return EXIT_USER_ERROR if failed else EXIT_OK


def cmd_sources(args: argparse.Namespace) -> int:
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
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from briefgen.spec.schema import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


COMMANDS = {"build": cmd_build, "check": cmd_check, "sources": cmd_sources, "schema": cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    """Run briefgen; returns the exit status."""
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BriefgenError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
