"""The command line: parses arguments and delegates; user errors become a message and exit 1.

Each command lives in briefgen/commands/<name>.py. Unexpected exceptions keep their traceback
(they are bugs to report); a BriefgenError never shows one.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType
from typing import Sequence

from briefgen import __version__
from briefgen.errors import BriefgenError

EXIT_OK, EXIT_USER_ERROR, EXIT_INTERRUPTED = 0, 1, 130

# The order here is the order of `briefgen --help`.
COMMANDS = ("build", "watch", "preview", "check", "attach", "find", "figures", "sources", "schema",
            "template")


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"briefgen.commands.{name}")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefgen",
        description="Turn a YAML brief spec into a verified, cited policy brief (DOCX and PDF).",
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        _command(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run briefgen; returns the exit status."""
    args = make_parser().parse_args(argv)
    try:
        return int(_command(args.command).run(args))
    except BriefgenError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
