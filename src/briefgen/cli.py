"""The command line: parses arguments and delegates; user errors become a message and exit 1.

Each command lives in briefgen/commands/<name>.py. Unexpected exceptions keep their traceback
(they are bugs to report); a BriefgenError never shows one.
"""

from __future__ import annotations

import argparse
import gc
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


# Objects allocated between two collections of the youngest generation (Python's default is
# 700). A build allocates a few hundred thousand objects that live as long as it does
# (modules, the spec, the model, XML trees), and at 700 the collector traversed them about a
# hundred times: 7% of a warm build. At 100,000 a one-shot build of the samples collects
# none and peaks 1 MiB higher; `watch` and batch workers still collect as they go.
GC_THRESHOLD = 100_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run briefgen; returns the exit status."""
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    args = make_parser().parse_args(argv)
    try:
        return int(_command(args.command).run(args))
    except BriefgenError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
