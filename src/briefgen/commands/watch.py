"""`briefgen watch`: rebuild a brief every time its spec, data, sources or template are saved.

Every line it prints starts with the time (HH:MM:SS); each rebuild's warnings go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_USER_ERROR = 0, 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    from briefgen.citations.styles import DEFAULT_STYLE
    from briefgen.commands.build import _formats, add_timeout_argument, formats_help

    watch = sub.add_parser("watch", help="rebuild a brief whenever one of its files is saved")
    watch.add_argument("spec", type=Path, metavar="SPEC", help="the brief spec to build")
    watch.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="DIR",
                       help="output folder (default: output/)")
    watch.add_argument("--format", type=_formats, default=None, metavar="FORMATS",
                       help=formats_help())
    watch.add_argument("--template", type=Path, default=None, metavar="DIR",
                       help="a template folder, overriding the spec's template")
    watch.add_argument("--style", default="", metavar="STYLE",
                       help=f"citation style (default: the spec's, else {DEFAULT_STYLE})")
    add_timeout_argument(watch)


def run(args: argparse.Namespace) -> int:
    from briefgen.errors import BriefgenError
    from briefgen.pipeline import BuildOptions
    from briefgen.writers import FORMATS
    from briefgen.watch import Outcome, describe, describe_warnings, stamped, watch_and_rebuild

    if not args.spec.is_file():
        print(stamped(f"{args.spec}: no such file"), file=sys.stderr)
        return EXIT_USER_ERROR
    options = BuildOptions(out_dir=args.output, formats=args.format or FORMATS,
                           template=args.template, style=args.style, timeout=args.timeout)

    def report(outcome: Outcome) -> None:
        failed = isinstance(outcome, BriefgenError)
        warnings = describe_warnings(outcome)
        if warnings:
            print(warnings, file=sys.stderr, flush=True)
        print(describe(outcome), file=sys.stderr if failed else sys.stdout, flush=True)

    print(stamped(f"watching {args.spec} and its data, sources and template; Ctrl-C to stop"),
          file=sys.stderr, flush=True)
    try:
        watch_and_rebuild(args.spec, options, report)
    except KeyboardInterrupt:
        pass  # the way to stop watching: not an error
    return EXIT_OK
