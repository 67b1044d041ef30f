"""Build many specs at once, in parallel worker processes; one failure never stops the rest.

Builds are CPU-bound Python (quote matching, citeproc, XML, Typst), so threads would queue on
the GIL: each spec is built in a worker process. Workers are forked on Linux: a fork starts
in milliseconds where a spawned worker re-imports Python and briefgen, and it is safe only
while the parent has loaded neither typst nor matplotlib (``_pool_context`` checks): the CLI
never draws or compiles in the parent, so each child imports those itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import BriefgenError, SpecError

if TYPE_CHECKING:
    from briefgen.pipeline import BuildOptions

SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SpecOutcome:
    """What became of one spec in a batch: its outputs, or the error that stopped it.

    ``error`` is "" for a spec that built; otherwise the full message the user would have
    seen building it alone (a BriefgenError's report, or a traceback for a bug).
    ``warnings`` are those of a spec that built, as building it alone prints them.
    """

    spec: Path
    outputs: tuple[Path, ...]
    seconds: float
    error: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.error


def collect_specs(paths: Iterable[Path]) -> list[Path]:
    """The spec files named by ``paths``: files as given, folders as their *.yaml/*.yml files.

    Folders are not searched recursively: a brief's data files often sit in a subfolder
    beside it. Raises SpecError for a path that does not exist or an empty folder.
    """
    specs: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file())
            if not found:
                raise SpecError(f"{path}: no spec files (*.yaml) in this folder")
            specs += found
        elif path.exists():
            specs.append(path)
        else:
            raise SpecError(f"{path}: no such file or folder")
    return list(dict.fromkeys(specs))


def default_jobs() -> int:
    """As many workers as the process may use cores."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_outcome(spec: Path, options: BuildOptions) -> SpecOutcome:
    """Build ``spec`` and report the result as a value: it never raises (except ^C).

    Runs in worker processes, so errors travel back as text: a BriefgenError's problems
    would not survive pickling.
    """
    from briefgen.pipeline import build

    started = time.perf_counter()
    try:
        result = build(spec, options)
    except BriefgenError as exc:
        return SpecOutcome(spec, (), time.perf_counter() - started, exc.report())
    except Exception:  # a bug: keep its traceback, and let the other specs build
        return SpecOutcome(spec, (), time.perf_counter() - started,
                           f"{spec}: internal error\n{traceback.format_exc()}")
    finally:
        # The CLI collects cyclic garbage rarely (cli.GC_THRESHOLD), which suits one build;
        # a worker builds dozens, and grew by 5 MiB a build to 288 MiB before a full
        # collection came. Collected after each build it stays flat (55 MiB) for about
        # 25 ms a spec, less with the parent's objects frozen (build_many).
        gc.collect()
    return SpecOutcome(result.spec, result.outputs, result.seconds, warnings=result.warnings)


# Libraries whose state does not survive a fork: typst's compiler waits forever on the rayon
# thread pool it started in the parent, matplotlib keeps font caches and locks.
_FORK_UNSAFE = ("typst", "matplotlib")


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork on Linux while this process has not loaded a fork-unsafe library, else a clean
    start (forkserver on Linux, spawn elsewhere) that costs each worker its imports."""
    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context("spawn")
    if any(name in sys.modules for name in _FORK_UNSAFE):
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("fork")


def biggest_first(specs: Sequence[Path]) -> list[Path]:
    """``specs`` in the order to start them: the largest files (the longest builds, as a rule)
    first, so no long build starts last and leaves the other workers idle at the end; ties,
    and files that cannot be read (their build reports why), in the order given."""
    def size(spec: Path) -> int:
        try:
            return spec.stat().st_size
        except OSError:
            return 0

    return sorted(specs, key=size, reverse=True)


def _import_build_modules(options: BuildOptions) -> None:
    """Import, before the workers are forked, the modules every build loads (the pipeline,
    the writers, python-docx, lxml, markdown-it, ftfy, PyYAML, about 0.4 s): each worker then
    starts with them, shared copy-on-write, instead of importing them again. None of them
    is fork-unsafe or starts a thread; typst and matplotlib stay out (_FORK_UNSAFE)."""
    import briefgen.pipeline  # noqa: F401
    from briefgen.writers import writer_class

    for name in options.formats:
        writer_class(name)


def build_many(
    specs: Sequence[Path],
    options: BuildOptions,
    jobs: int,
    on_start: Callable[[], None] | None = None,
    on_done: Callable[[SpecOutcome], None] | None = None,
) -> list[SpecOutcome]:
    """Build every spec, ``jobs`` at a time, in spec order in the result.

    ``on_start`` is called once the workers exist (start a progress display there: threads
    started before a fork are a hazard for the children), ``on_done`` after each spec, in
    the order they finish. With one job or one spec everything runs in this process.
    """
    outcomes: dict[Path, SpecOutcome] = {}

    def done(outcome: SpecOutcome, spec: Path) -> None:
        outcomes[spec] = outcome
        if on_done:
            on_done(outcome)

    if jobs <= 1 or len(specs) <= 1:
        if on_start:
            on_start()
        for spec in specs:
            done(build_outcome(spec, options), spec)
        return [outcomes[s] for s in specs]

    context = _pool_context()
    if context.get_start_method() == "fork":
        _import_build_modules(options)
        # What the workers inherit is never garbage: frozen, no worker's collection walks
        # it, and its pages stay shared rather than copied when a collection touches them.
        gc.freeze()
    executor = ProcessPoolExecutor(max_workers=min(jobs, len(specs)), mp_context=context)
    try:
        futures: dict[Future[SpecOutcome], Path] = {
            executor.submit(build_outcome, spec, options): spec for spec in biggest_first(specs)
        }
        if on_start:
            on_start()
        for future in as_completed(futures):
            spec = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # the worker died (killed, out of memory)
                outcome = SpecOutcome(spec, (), 0.0, f"{spec}: worker process failed: {exc!r}")
            done(outcome, spec)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()
    return [outcomes[s] for s in specs]
