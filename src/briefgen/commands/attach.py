"""`briefgen attach`: insert a built brief into a Word report, or append it to a PDF report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK = 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    attach = sub.add_parser(
        "attach", help="attach a brief (DOCX or PDF) to a larger report of the same format",
        description="Insert BRIEF into REPORT as an annex or chapter, on a new page. The report "
                    "keeps its look, header and styles (DOCX) or its bookmarks (PDF). The report "
                    "file is never changed unless -o names it.")
    attach.add_argument("brief", type=Path, metavar="BRIEF", help="the brief: a .docx or .pdf")
    attach.add_argument("--into", type=Path, required=True, metavar="REPORT",
                        help="the report, of the same format as the brief")
    attach.add_argument("-o", "--output", type=Path, default=None, metavar="OUT",
                        help="where to write the result (default: REPORT-with-BRIEF beside "
                             "the report)")
    attach.add_argument("--after", default="", metavar="HEADING",
                        help="DOCX only: put the brief at the end of the section with this "
                             "heading (default: at the end of the report)")


def run(args: argparse.Namespace) -> int:
    from briefgen.attach import attach

    warnings: list[str] = []
    written = attach(args.brief, args.into, args.output, after=args.after, warnings=warnings)
    for warning in warnings:  # what was removed from the report: links out, fields, macros
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{args.brief}: attached to {args.into}, wrote {written}")
    return EXIT_OK
