"""`briefgen build`: build specs into DOCX and PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefgen.errors import BriefgenError

EXIT_OK, EXIT_USER_ERROR = 0, 1


def _formats(value: str) -> tuple[str, ...]:
    from briefgen.pipeline import FORMATS

    names = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected one or more of: {', '.join(FORMATS)} but received {value!r}")
    return names


def add_parser(sub: argparse._SubParsersAction) -> None:
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
    build.add_argument("--bundle", action="store_true",
                       help="also write <date>-<name>.zip: the DOCX, the PDF, each chart (PNG, "
                            "SVG, CSV data), the evidence manifest and a README naming the sources")


def run(args: argparse.Namespace) -> int:
    from briefgen.pipeline import FORMATS, BuildOptions, build

    options = BuildOptions(out_dir=args.output, formats=args.format or FORMATS,
                           template=args.template, style=args.style,
                           bundle=args.bundle)
    failed = 0
    for spec in args.specs:
        try:
            result = build(spec, options)
        except BriefgenError as exc:
            print(exc.report(), file=sys.stderr)
            failed += 1
            continue
        for warning in result.warnings:
            print(warning, file=sys.stderr)
        names = ", ".join(str(p) for p in result.outputs)
        print(f"{result.spec}: wrote {names} in {result.seconds:.2f} s")
    return EXIT_USER_ERROR if failed else EXIT_OK
