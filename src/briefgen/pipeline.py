"""The one orchestrator: check -> draw -> assemble -> write; it sequences and nothing else.

Each stage hands a finished value to the next; nothing reaches back. Every output is written
as a temporary file and renamed into place only when every format has succeeded (outputs.py),
so a failed build leaves neither a half-written file nor a new one.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.charts import IMAGE_TYPES, ChartData, ChartJob, ChartStyle, draw_charts
from briefgen.errors import BriefgenError
from briefgen.loading import load
from briefgen.outputs import PendingOutputs, default_cache_dir, remove_stale_temporaries
from briefgen.spec.loader import display_path
from briefgen.spec.schema import BriefSpec
from briefgen.writers import DEFAULT_COMPILE_TIMEOUT_S, FORMAT_LIST, FORMATS, writer_for

if TYPE_CHECKING:
    from briefgen.checking import Checked
    from briefgen.model.nodes import Document
    from briefgen.writers.base import Writer

__all__ = ["BuildOptions", "BuildResult", "Checked", "build", "build_document", "check",
           "cited_sources", "output_stem", "refuse_warnings"]

# Only light modules are imported above: a build loads its spec and starts drawing missing
# charts (the longest part of a cold build) before it imports the check's corpus, evidence
# and citations, the assembly and the writers, 0.25 s of imports. These names of the check
# stage are kept here for callers, and imported when first asked for.
_FROM_CHECKING = ("Checked", "check", "cited_sources", "refuse_warnings")


def __getattr__(name: str) -> Any:
    if name in _FROM_CHECKING:
        import briefgen.checking

        return getattr(briefgen.checking, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

@dataclass(frozen=True)
class BuildOptions:
    """How to build: where to, which formats, and overrides of what the spec says."""

    out_dir: Path = Path("output")
    formats: tuple[str, ...] = FORMATS
    template: Path | None = None
    style: str = ""
    cache_dir: Path | None = None
    bundle: bool = False  # also <stem>.zip: the outputs, charts with their data, a README
    timeout: float = DEFAULT_COMPILE_TIMEOUT_S  # seconds a PDF compile may take (--timeout)
    fail_on_warning: bool = False  # any warning stops the build before an output is in place
    # Given the PDF's pages as SVG images (one bytes each) from the compile that writes the
    # PDF, as soon as it is done, while the other formats may still be writing (`preview`).
    on_pages: Callable[[tuple[bytes, ...]], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and how long it took."""

    spec: Path
    outputs: tuple[Path, ...]
    seconds: float
    warnings: tuple[str, ...] = field(default=())
    # What the check stage found (the evidence, the catalog, the spec's lines), for a caller
    # that shows more than the files: `preview`'s evidence panel.
    checked: Checked | None = field(default=None, compare=False)


def build_document(checked: Checked, options: BuildOptions,
                   image_types: tuple[str, ...] = IMAGE_TYPES,
                   charts: ChartJob | None = None) -> Document:
    """The document model for a checked spec: charts drawn as ``image_types`` (the others'
    files are None in the model), citations formatted. ``charts`` is the drawing of
    ``checked.charts`` as ``image_types`` if one was started already."""
    from briefgen.assemble import ChartPicture, assemble
    from briefgen.checking import cited_sources
    from briefgen.citations import DEFAULT_STYLE, CitationFormatter

    spec = checked.spec
    cache_dir = options.cache_dir or default_cache_dir()
    if charts is None:
        # In the template's colours (template.yaml), as check found them.
        charts = draw_charts(checked.charts, cache_dir / "charts", image_types,
                             checked.chart_style)
    pictures = {key: ChartPicture(images.png if "png" in image_types else None,
                                  images.svg if "svg" in image_types else None, images.width_cm)
                for key, images in charts.images.items()}
    records = {sid: checked.catalog.get(sid) for sid in cited_sources(spec)}
    style = options.style or spec.citation_style or DEFAULT_STYLE
    formatter = CitationFormatter(list(records.values()), style, cache_dir / "citations")
    document = assemble(spec, checked.evidence, pictures, formatter, records,
                        marks=checked.marks)
    charts.wait()
    return document


def output_stem(spec: BriefSpec) -> str:
    """`<date>-<slug>`: a name a person would keep, stable across rebuilds."""
    slug = re.sub(r"[^a-z0-9]+", "-", spec.path.stem.lower()).strip("-") or "brief"
    return f"{spec.date}-{slug}"


def build(
    spec_path: Path,
    options: BuildOptions = BuildOptions(),
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build one spec into ``options.out_dir``: every format, or none at all."""
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    formats = [next(f for f in FORMAT_LIST if f.name == name) for name in options.formats]
    # Charts are drawn only as the images the chosen writers embed; a bundle carries both.
    needed = {kind for f in formats for kind in f.image_types}
    image_types = tuple(kind for kind in IMAGE_TYPES if options.bundle or kind in needed)
    drawing: list[ChartJob] = []

    def start_drawing(charts: dict[str, ChartData], style: ChartStyle) -> None:
        # Missing charts are drawn while the rest is imported and the quotations verified,
        # not after: drawing is the longest part of a cold build. With --fail-on-warning
        # nothing is drawn before the warnings are known.
        if not options.fail_on_warning:
            cache_dir = options.cache_dir or default_cache_dir()
            drawing.append(draw_charts(charts, cache_dir / "charts", image_types, style))

    try:
        loaded = load(spec_path, options.template)
        if loaded.drawable is not None:
            start_drawing(loaded.drawable[1], loaded.drawable[2])
        # Made after the drawing starts: a forked drawing must not inherit what they start.
        # The others are made when the document is ready (writers/__init__.py, made_early).
        made: dict[str, Writer] = {f.name: writer_for(f.name, options.timeout)
                                   for f in formats if f.made_early}
        if options.on_pages is not None:
            for writer in made.values():
                if hasattr(writer, "page_sink"):  # a writer that can show its pages (base.py)
                    writer.page_sink = options.on_pages
        from briefgen.checking import check, refuse_warnings

        checked = check(spec_path, style=options.style, template=options.template,
                        on_charts=start_drawing, loaded=loaded)
        warnings = list(checked.warnings)
        if options.fail_on_warning:
            refuse_warnings(spec_path, warnings)  # before anything is drawn or written
        say("verified")
        document = build_document(checked, options, image_types,
                                  drawing[0] if drawing else None)
    except BaseException:
        for job in drawing:
            job.abandon()
        raise
    say("assembled")
    from concurrent.futures import ThreadPoolExecutor

    from briefgen.checking import cited_sources
    from briefgen.evidence import manifest
    from briefgen.templating.values import with_values

    spec = checked.spec
    template = with_values(checked.template, document.meta)
    try:
        options.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefgenError(f"cannot create output folder {options.out_dir}: "
                            f"{exc.strerror}") from None
    stem = output_stem(spec)
    remove_stale_temporaries(options.out_dir, stem)
    pending = PendingOutputs(options.out_dir, stem)
    try:
        targets = [(f.name, pending.reserve(f.suffix)) for f in formats]
        # The writers share nothing but the immutable document, and Typst compiles without
        # holding the GIL: writing the DOCX (and importing its writer) while the PDF compiles
        # saves most of the PDF's time. When pages are wanted (preview) they are what
        # someone is waiting for: the writer that shows them runs first and alone, the
        # others after it (they would slow it).
        showing = options.on_pages is not None
        first = [t for t in targets if showing and hasattr(made.get(t[0]), "page_sink")]
        order = first + [t for t in targets if t not in first]

        def write(name: str, temp: Path) -> Writer:
            if name not in made:
                made[name] = writer_for(name, options.timeout)
            made[name].write(document, template, temp)
            return made[name]

        with ThreadPoolExecutor(max_workers=1 if first else max(1, len(targets))) as pool:
            submitted = {name: pool.submit(write, name, temp) for name, temp in order}
            try:
                for name, _temp in targets:
                    writer = submitted[name].result()
                    warnings += [f"warning: {writer.name}: {w}" for w in writer.warnings]
                    say(f"wrote {writer.name}")
            except BaseException:
                # Ctrl-C or one writer failing: stop the others now, not when they finish
                # (leaving the pool waits for them).
                for writer in list(made.values()):
                    writer.cancel()
                raise
        if options.fail_on_warning:
            # Typst's warnings are known only once it has compiled: the outputs are still
            # temporary files here, removed below, so nothing is written.
            refuse_warnings(spec_path, warnings)
        # The evidence record, beside the outputs and renamed with them.
        record = manifest(spec, checked.evidence, checked.catalog)
        pending.reserve(".evidence.json").write_text(
            json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8")
        if options.bundle:  # last, so it holds every file this build wrote
            from briefgen.bundle import bundle_contents, write_bundle  # only with --bundle

            sources = [checked.catalog.get(sid) for sid in cited_sources(spec)]
            charts = {chart.key: chart for chart in spec.charts()}
            write_bundle(bundle_contents(document, stem, pending.files(), charts, sources),
                         pending.reserve(".zip"))
            say("wrote bundle")
        outputs = pending.commit()
    except BaseException:
        pending.discard()
        raise
    return BuildResult(Path(display_path(spec_path)), outputs, time.perf_counter() - started,
                       tuple(warnings), checked)
