"""Rebuild a brief whenever a file it is made from is saved (the only user of watchfiles).

What a brief is made from: the spec, the CSV files its charts and tables read, the source
catalog and the source files it lists, and the template's folders. Folders are watched, not
files, because editors save by writing a new file and renaming it over the old one, which a
watch on the old file would miss; changes are then filtered to the files that matter.

Rebuilds run in this process, so from the second build on nothing is imported again and
Typst's fonts are loaded: a rebuild costs the work, not the start-up.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.pipeline import BuildOptions, BuildResult, build

# How long to wait for a burst of saves (an editor writing a temp file and renaming it) to
# settle before rebuilding; watchfiles' default of 1.6 s would make every rebuild feel slow.
DEBOUNCE_MS = 50
STEP_MS = 25
# How often, without file events, the inputs' stamps and the stop event are looked at.
POLL_MS = 250


@dataclass(frozen=True)
class WatchedInputs:
    """The files a brief is built from, and the folders to watch to see them change.

    ``files`` are compared exactly; anything under one of ``trees`` (template folders)
    counts.
    """

    files: frozenset[Path]
    trees: frozenset[Path]

    def concerns(self, changed: Path) -> bool:
        """Whether a change to ``changed`` can change the brief."""
        changed = changed.resolve()
        return changed in self.files or any(
            t == changed or t in changed.parents for t in self.trees)


def watched_inputs(spec_path: Path, options: BuildOptions) -> WatchedInputs:
    """The inputs of ``spec_path`` as far as they can be known now.

    A spec that does not load is still watched (its own file, so fixing it rebuilds), as are
    whatever of its data, sources and template could be found.
    """
    from briefgen.corpus.catalog import SourceCatalog
    from briefgen.spec.loader import find_corpus, load_spec, project_root, resolve_inside
    from briefgen.templating.discovery import find_template

    spec_path = spec_path.resolve()
    files: set[Path] = {spec_path}
    trees: set[Path] = set()
    try:
        spec, _ = load_spec(spec_path)
    except BriefgenError:
        return WatchedInputs(frozenset(files), frozenset(trees))
    for item in [*spec.charts(), *spec.tables()]:
        data = getattr(item, "data", "")
        resolved = resolve_inside(spec, data) if data else None
        if resolved is not None:
            files.add(resolved)
    catalog_path = find_corpus(spec)
    if catalog_path is not None:
        files.add(catalog_path.resolve())
        try:
            catalog = SourceCatalog.load(catalog_path)
        except BriefgenError:
            pass
        else:
            for sid in catalog.ids():
                # An added source's stored text too: what its quotes are checked against.
                record = catalog.get(sid)
                for source_file in (record.file, record.text):
                    if source_file:
                        files.add((catalog_path.parent / source_file).resolve())
    try:
        template = find_template(spec.template, project_root(spec_path), options.template)
    except BriefgenError:
        pass
    else:
        trees.update(d.resolve() for d in template.directories)
    return WatchedInputs(frozenset(files), frozenset(trees))


Outcome = BuildResult | BriefgenError


def rebuild(spec_path: Path, options: BuildOptions) -> Outcome:
    """One build, its user error returned rather than raised, so watching goes on."""
    try:
        return build(spec_path, options)
    except BriefgenError as exc:
        return exc


def watch_and_rebuild(
    spec_path: Path,
    options: BuildOptions,
    on_build: Callable[[Outcome], None],
    stop_event: threading.Event | None = None,
    before_build: Callable[[], None] | None = None,
) -> None:
    """Build ``spec_path`` now and again after every save of one of its inputs.

    Returns when ``stop_event`` is set; Ctrl-C raises KeyboardInterrupt. The inputs are
    worked out again before every build, so a spec that starts reading a new CSV file is
    followed there. ``before_build`` is called as each build starts (preview says so).
    """
    while stop_event is None or not stop_event.is_set():
        # Inputs and their stamps are taken before the build: a save made while it runs, or
        # before the watch below has started, then still shows as a changed stamp.
        inputs = watched_inputs(spec_path, options)
        stamps = _stamps(inputs)
        if before_build is not None:
            before_build()
        on_build(rebuild(spec_path, options))
        # The CLI collects cyclic garbage rarely (cli.GC_THRESHOLD), which suits one build;
        # a watch rebuilds for hours, so each build's garbage goes now, while nobody waits.
        gc.collect()
        if not _next_change(inputs, stamps, stop_event):
            return  # stopped


def _stamps(inputs: WatchedInputs) -> dict[Path, tuple[int, int] | None]:
    """Modification time and size of each input file (None for one that is missing)."""
    stamps: dict[Path, tuple[int, int] | None] = {}
    for path in inputs.files:
        try:
            stat = path.stat()
        except OSError:
            stamps[path] = None
        else:
            stamps[path] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def _folders_to_watch(inputs: WatchedInputs) -> list[str]:
    """Every folder to watch, each on its own: the template trees are listed folder by folder
    because a recursive watch of the spec's folder could take in a whole project (output/,
    a virtualenv) when the spec sits at its root."""
    folders = {f.parent for f in inputs.files}
    for tree in inputs.trees:
        folders.add(tree)
        folders.update(p for p in tree.rglob("*") if p.is_dir())
    return sorted(str(f) for f in folders if f.is_dir())


def _next_change(
    inputs: WatchedInputs,
    stamps: dict[Path, tuple[int, int] | None],
    stop_event: threading.Event | None,
) -> bool:
    """Wait until an input of the brief changes: True, or False if stopped first.

    File events wake us at once; every ``POLL_MS`` without events the input files' stamps
    are compared too, which catches a save made before the watch began.
    """
    import watchfiles

    for changes in watchfiles.watch(
        *_folders_to_watch(inputs),
        watch_filter=lambda _change, path: inputs.concerns(Path(path)),
        recursive=False,
        stop_event=stop_event,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        rust_timeout=POLL_MS,
        yield_on_timeout=True,
    ):
        if changes or _stamps(inputs) != stamps:
            return True
    return False


def stamped(text: str) -> str:
    """``text`` with the time of day (HH:MM:SS) before every line: a watch runs for hours, and
    the stamp tells this save's messages from an earlier one's."""
    when = time.strftime("%H:%M:%S")
    return "\n".join(f"{when} {line}" for line in text.splitlines())


def describe(outcome: Outcome) -> str:
    """What a build wrote, or what is wrong with it, every line time-stamped.

    A build's warnings are not in it: ``describe_warnings`` gives them, for stderr.
    """
    if isinstance(outcome, BriefgenError):
        return stamped(outcome.report())
    names = ", ".join(str(p) for p in outcome.outputs)
    return stamped(f"{outcome.spec}: wrote {names} in {outcome.seconds:.2f} s")


def describe_warnings(outcome: Outcome) -> str:
    """The warnings of a build that succeeded, every line time-stamped; "" when it gave none
    (a failed build's report says everything)."""
    if isinstance(outcome, BriefgenError):
        return ""
    return "\n".join(stamped(warning) for warning in outcome.warnings)
