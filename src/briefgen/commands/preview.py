"""`briefgen preview SPEC`: a local page with the brief's pages, evidence and problems, updated
on every save."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_USER_ERROR = 0, 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    from briefgen.citations.styles import DEFAULT_STYLE
    from briefgen.commands.build import add_timeout_argument

    preview = sub.add_parser("preview", help="show the brief in a browser as you write it")
    preview.add_argument("spec", type=Path, metavar="SPEC", help="the brief spec to preview")
    preview.add_argument("--port", type=_port, default=0, metavar="PORT",
                         help="the port on 127.0.0.1 to serve on (default: 0, a free one)")
    preview.add_argument("--no-open", dest="open_browser", action="store_false",
                         help="print the address but do not open a browser")
    preview.add_argument("--template", type=Path, default=None, metavar="DIR",
                         help="a template folder, overriding the spec's template")
    preview.add_argument("--style", default="", metavar="STYLE",
                         help=f"citation style (default: the spec's, else {DEFAULT_STYLE})")
    add_timeout_argument(preview)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {port}")
    return port


def run(args: argparse.Namespace) -> int:
    from briefgen.preview.server import serve

    if not args.spec.is_file():
        print(f"{args.spec}: no such file", file=sys.stderr)
        return EXIT_USER_ERROR
    try:
        serve(args.spec, args.port, args.open_browser, args.template, args.style, args.timeout)
    except KeyboardInterrupt:
        pass  # the way to stop the preview: not an error
    return EXIT_OK
