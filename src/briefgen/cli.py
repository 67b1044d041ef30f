"""The command line: parses arguments and delegates; user errors become a message and exit 1.

Each command lives in briefgen/commands/<name>.py. Unexpected exceptions keep their traceback
(they are bugs to report); a BriefgenError never shows one.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys
from types import ModuleType
from typing import NoReturn, Sequence

from briefgen import __version__
from briefgen.errors import BriefgenError

EXIT_OK, EXIT_USER_ERROR, EXIT_INTERRUPTED = 0, 1, 130

# The order here is the order of `briefgen --help`.
COMMANDS = ("build", "watch", "preview", "check", "attach", "find", "figures", "sources", "schema",
            "template")


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"briefgen.commands.{name}")


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with ``only`` the one command a run names: building every
    command's parser imports and describes all ten (50 ms of a 1 s build), and a run that
    names its command parses the same with its own alone. Help and unknown commands get all.
    """
    parser = argparse.ArgumentParser(
        prog="briefgen",
        description="Turn a YAML brief spec into a verified, cited policy brief (DOCX and PDF).",
    )
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in (only,) if only in COMMANDS else COMMANDS:
        _command(name).add_parser(sub)
    return parser


def _named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names as its first argument, if that is one of COMMANDS."""
    return argv[0] if argv and argv[0] in COMMANDS else None


# Objects allocated between two collections of the youngest generation (Python's default is
# 700). A build allocates a few hundred thousand objects that live as long as it does
# (modules, the spec, the model, XML trees), and at 700 the collector traversed them about a
# hundred times: 7% of a warm build. At 100,000 a one-shot build of the samples collects
# none and peaks 1 MiB higher; `watch` and batch workers still collect as they go.
GC_THRESHOLD = 100_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run briefgen; returns the exit status."""
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    argv = list(sys.argv[1:] if argv is None else argv)
    args = make_parser(_named_command(argv)).parse_args(argv)
    try:
        return int(_command(args.command).run(args))
    except BriefgenError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("briefgen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run() -> NoReturn:
    """The `briefgen` program: main(), then the process ends at once.

    Once the outputs are in place nothing is left to do but free memory the operating system
    frees anyway: tearing down the interpreter (every module, the model, the XML trees) was
    150 ms of a 1.2 s build. Exit handlers still run (the ftfy repairs are saved in one) and
    the standard streams are flushed; a child process (Typst, a chart drawing) ends with us
    (briefgen.child). Tests and callers use main(), which returns.
    """
    try:
        status = main()
    except SystemExit as exc:  # argparse's --help, --version and usage errors
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (briefgen ... | head)
            status = status or EXIT_USER_ERROR
    os._exit(status)
