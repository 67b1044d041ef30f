"""`briefgen build`: build specs (files, or every spec in a folder) into DOCX and PDF.

One spec builds in this process. Several build in parallel worker processes (``-j``), with a
progress bar on a terminal, one "<spec>: wrote ..." line per built spec on stdout as it
finishes, its warnings and each failure's report on stderr, and a closing table of every spec.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import BriefgenError

if TYPE_CHECKING:
    from rich.console import Console

    from briefgen.batch import SpecOutcome
    from briefgen.pipeline import BuildOptions

EXIT_OK, EXIT_USER_ERROR = 0, 1


def formats_help() -> str:
    """The --format help of every command that builds, from the writer registry."""
    from briefgen.writers import FORMATS

    return f"comma-separated formats: {','.join(FORMATS)} (default: all)"


def _formats(value: str) -> tuple[str, ...]:
    from briefgen.writers import FORMATS

    names = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"expected one or more of: {', '.join(FORMATS)} but received {value!r}")
    return names


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of 1 or more but received {value!r}")
    return jobs


def positive_seconds(value: str) -> float:
    """A --timeout value: seconds above 0 (argparse's type for every command's limit)."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0 but received {value!r}")
    return seconds


def add_timeout_argument(parser: argparse.ArgumentParser) -> None:
    """--timeout, the same for every command that compiles a PDF."""
    from briefgen.writers import DEFAULT_COMPILE_TIMEOUT_S

    parser.add_argument("--timeout", type=positive_seconds, default=DEFAULT_COMPILE_TIMEOUT_S,
                        metavar="SECONDS",
                        help="stop a PDF compile that takes longer, with a message naming the "
                             f"template (default: {DEFAULT_COMPILE_TIMEOUT_S:g})")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from briefgen.citations.styles import styles_help

    build = sub.add_parser("build", help="build briefs into DOCX and PDF")
    build.add_argument("specs", nargs="+", type=Path, metavar="SPEC",
                       help="brief spec files, or folders whose *.yaml specs are all built")
    build.add_argument("-o", "--output", type=Path, default=Path("output"), metavar="DIR",
                       help="output folder (default: output/)")
    build.add_argument("--format", type=_formats, default=None, metavar="FORMATS",
                       help=formats_help())
    build.add_argument("--template", type=Path, default=None, metavar="DIR",
                       help="a template folder, overriding the spec's template")
    build.add_argument("--style", default="", metavar="STYLE",
                       help=f"citation style: {styles_help()}")
    build.add_argument("--bundle", action="store_true",
                       help="also write <date>-<name>.zip: the DOCX, the PDF, each chart (PNG, "
                            "SVG, CSV data), the evidence manifest and a README naming the sources")
    build.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                       help="specs built at once, in parallel processes (default: the number "
                            "of cores)")
    add_timeout_argument(build)
    build.add_argument("--fail-on-warning", action="store_true",
                       help="treat any warning (repaired text, numbers with no excerpt, figures "
                            "other sources give differently, Typst's) as an error: exit 1 and "
                            "write nothing for that spec")


def spec_warning_lines(spec: Path, warning: str) -> list[str]:
    """``warning`` as a batch prints it: every line names its spec, so the warnings of specs
    built at once can be told apart. A line that starts with the spec's own path
    ("<spec>:12 key: warning: ...") is left as it is, so editors can still jump to it."""
    named = f"{spec}:"
    return [line if line.startswith(named) else f"{spec}: {line}"
            for line in warning.splitlines()]


def _built_line(outcome: SpecOutcome) -> str:
    names = ", ".join(str(p) for p in outcome.outputs)
    return f"{outcome.spec}: wrote {names} in {outcome.seconds:.2f} s"


def run(args: argparse.Namespace) -> int:
    from briefgen.batch import collect_specs
    from briefgen.pipeline import BuildOptions
    from briefgen.writers import FORMATS

    options = BuildOptions(out_dir=args.output, formats=args.format or FORMATS,
                           template=args.template, style=args.style,
                           bundle=args.bundle, timeout=args.timeout,
                           fail_on_warning=args.fail_on_warning)
    specs = collect_specs(args.specs)
    if len(specs) == 1:
        return _build_one(specs[0], options)
    return _build_batch(specs, options, args.jobs)


def _build_one(spec: Path, options: BuildOptions) -> int:
    from briefgen.pipeline import build

    try:
        result = build(spec, options)
    except BriefgenError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_USER_ERROR
    for warning in result.warnings:  # what the build repaired (control characters, ...)
        print(warning, file=sys.stderr)
    names = ", ".join(str(p) for p in result.outputs)
    print(f"{result.spec}: wrote {names} in {result.seconds:.2f} s")
    return EXIT_OK


def _build_batch(specs: list[Path], options: BuildOptions, jobs: int | None) -> int:
    import time
    from contextlib import ExitStack

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from briefgen.batch import build_many, default_jobs

    err = Console(stderr=True)
    started = time.perf_counter()
    with ExitStack() as stack:
        progress: Progress | None = None
        task = None

        def start() -> None:
            nonlocal progress, task
            if not err.is_terminal:
                return  # in CI and pipes: the per-spec lines are the progress
            progress = stack.enter_context(Progress(
                TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                TextColumn("{task.description}"), console=err, transient=True))
            task = progress.add_task("", total=len(specs))

        def done(outcome: SpecOutcome) -> None:
            if outcome.ok:
                for warning in outcome.warnings:
                    print("\n".join(spec_warning_lines(outcome.spec, warning)),
                          file=sys.stderr, flush=True)
                print(_built_line(outcome), flush=True)
            else:
                print(outcome.error, file=sys.stderr, flush=True)
            if progress is not None and task is not None:
                progress.update(task, advance=1, description=str(outcome.spec))

        outcomes = build_many(specs, options, jobs or default_jobs(),
                              on_start=start, on_done=done)
    _closing_table(err, outcomes, time.perf_counter() - started)
    return EXIT_USER_ERROR if any(not o.ok for o in outcomes) else EXIT_OK


def _closing_table(console: Console, outcomes: list[SpecOutcome], seconds: float) -> None:
    from rich.table import Table

    failed = sum(1 for o in outcomes if not o.ok)
    table = Table(title=f"{len(outcomes) - failed} built, {failed} failed in {seconds:.1f} s")
    table.add_column("spec", no_wrap=True)
    table.add_column("status")
    table.add_column("seconds", justify="right")
    table.add_column("outputs or error")
    for o in outcomes:
        if o.ok:
            detail = o.outputs[0].stem + "." + ",".join(p.suffix.lstrip(".") for p in o.outputs)
            status = "[green]built[/]"
            if o.warnings:  # printed above; counted here, where a long batch ends
                count = len(o.warnings)
                status = f"[yellow]built, {count} warning{'s' if count != 1 else ''}[/]"
        else:
            # the first line names the problem (the full report is printed above)
            detail = next((ln.strip() for ln in o.error.splitlines() if ln.strip()), "")
            detail = detail.removeprefix(f"{o.spec}: ")
            status = "[red]failed[/]"
        table.add_row(str(o.spec), status, f"{o.seconds:.2f}", detail)
    console.print(table)
