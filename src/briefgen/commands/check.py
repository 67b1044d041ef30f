"""`briefgen check`: validate specs, verify every quotation and trace every number; write nothing.

``--strict`` also refuses a chart or table number that names no excerpt; ``--style`` and
``--template`` check the overrides a build would be given; ``--fail-on-warning`` makes any
warning an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefgen.errors import BriefgenError

EXIT_OK, EXIT_USER_ERROR = 0, 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser("check", help="validate specs and verify every quotation; write nothing")
    check.add_argument("specs", nargs="+", type=Path, metavar="SPEC")
    check.add_argument("--strict", action="store_true",
                       help="fail on a chart or table number that names no excerpt")
    check.add_argument("--fail-on-warning", action="store_true",
                       help="exit 1 if a spec gives any warning (repaired text, numbers with no "
                            "excerpt, figures other sources give differently)")
    check.add_argument("--style", default="", metavar="STYLE",
                       help="check as `build --style STYLE` would build (a citation style)")
    check.add_argument("--template", type=Path, default=None, metavar="DIR",
                       help="check as `build --template DIR` would build (a template folder)")


def run(args: argparse.Namespace) -> int:
    from briefgen.pipeline import check, refuse_warnings

    failed = 0
    for spec in args.specs:
        try:
            checked = check(spec, strict=args.strict, style=args.style,
                            template=args.template)
            if args.fail_on_warning:
                refuse_warnings(spec, list(checked.warnings))
        except BriefgenError as exc:
            print(exc.report(), file=sys.stderr)
            failed += 1
            continue
        for warning in checked.warnings:
            print(warning, file=sys.stderr)
        quotes = len(checked.evidence.excerpts) + len(checked.evidence.inline)
        print(f"{spec}: ok ({quotes} quotations verified, "
              f"{len(checked.evidence.data)} numbers traced)")
    return EXIT_USER_ERROR if failed else EXIT_OK
