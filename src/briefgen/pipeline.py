"""The one orchestrator: load -> verify -> draw -> assemble -> write.

Each stage hands a finished value to the next; nothing reaches back. Outputs are written to
temporary files and renamed into place only when every format has succeeded, so a failed
build leaves neither a half-written file nor a new one.
"""

from __future__ import annotations

import glob
import json
import multiprocessing
import os
import re
import socket
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.assemble import ChartPicture, assemble
from briefgen.bundle import BundleChart, BundleContents, BundleSource, ChartValue, write_bundle
from briefgen.charts import (
    ChartData,
    ChartSeries,
    chart_images,
    check_colours,
    draw_charts_into,
    is_drawn,
)
from briefgen.citations import STYLES, CitationFormatter
from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.claims import Claim
from briefgen.errors import (
    BriefgenError,
    ChartError,
    Problem,
    SourceError,
    SpecError,
    WarningsRefused,
)
from briefgen.evidence import Evidence, manifest, verify_evidence
from briefgen.locators import check_locators
from briefgen.markup.citekeys import parse_clusters
from briefgen.markup.links import link_target, refusal
from briefgen.model.nodes import Document, Figure
from briefgen.spec.loader import (
    check_references,
    display_path,
    find_corpus,
    load_chart_data,
    load_spec,
    markdown_fields,
    project_root,
    refused_links,
)
from briefgen.spec.options import suggest
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml
from briefgen.templating.discovery import available_templates, find_template
from briefgen.templating.values import with_values
from briefgen.writers.base import Writer

FORMATS = ("docx", "pdf")
DEFAULT_STYLE = "chicago-note-bibliography"
# A template is code and may loop; 120 s is ten times the longest sample compile on a
# loaded machine. Declared here, not in the Typst writer, so that `check` never loads it.
DEFAULT_COMPILE_TIMEOUT_S = 120.0


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


@dataclass(frozen=True)
class Checked:
    """A spec that loaded, validated and whose every quotation verified."""

    spec: BriefSpec
    located: LocatedYaml
    catalog: SourceCatalog
    evidence: Evidence

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the analyst should read before sending the brief, one message each: what
        validation repaired, numbers that name no excerpt, figures other sources give
        differently. ``check`` and ``build`` print these same messages."""
        return (*(f"warning: {w}" for w in self.located.warnings), *self.evidence.warnings)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and how long it took."""

    spec: Path
    outputs: tuple[Path, ...]
    seconds: float
    warnings: tuple[str, ...] = field(default=())


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/briefgen, or ~/.cache/briefgen."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefgen"


# Catalogs loaded in this process, by resolved path: the catalog, and the stamps of the files
# it was read from (see load_catalog).
_CATALOGS: dict[Path, tuple[SourceCatalog, tuple[tuple[Path, int, int], ...]]] = {}


def _stamps(paths: list[Path]) -> tuple[tuple[Path, int, int], ...]:
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((path, stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((path, -1, -1))
    return tuple(stamps)


def load_catalog(path: Path) -> SourceCatalog:
    """The catalog at ``path``, loaded once per process while it and its source files stay
    unchanged.

    A batch worker or a watch builds many briefs from one corpus, and reading, repairing and
    folding the sources is a fifth of a build; the catalog keeps each source's text once
    read. Any change to the catalog or a source file (size or modification time) loads it
    afresh, so a saved source is never served stale.
    """
    key = path.resolve()
    cached = _CATALOGS.get(key)
    if cached is not None and _stamps([p for p, _, _ in cached[1]]) == cached[1]:
        return cached[0]
    # Stamps are taken before reading: a save made while the catalog is read shows as a change.
    stamps = _stamps([key])
    catalog = SourceCatalog.load(path)
    sources = [(key.parent / catalog.get(sid).file).resolve()
               for sid in catalog.ids() if catalog.get(sid).file]
    _CATALOGS[key] = (catalog, stamps + _stamps(sources))
    return catalog


def check(spec_path: Path, strict: bool = False, style: str = "",
          template: Path | None = None) -> Checked:
    """Load, validate and verify ``spec_path``; raise BriefgenError on any problem.

    Everything a build can refuse in the spec is refused here, at its place in the file, and
    the build runs this first: a spec that checks builds. ``strict``: a chart or table number
    that names no excerpt is an error, not a warning. ``style`` and ``template`` are the
    build's overrides (--style, --template), checked too; "" and None mean the spec's own.
    """
    if style and style not in STYLES:
        raise SpecError(f"--style {style!r}: unknown citation style; expected one of: "
                        f"{', '.join(STYLES)}{suggest(style, list(STYLES))}")
    spec, located = load_spec(spec_path)
    spec = load_chart_data(spec, located)
    corpus = find_corpus(spec)
    if spec.corpus and corpus is None:
        raise SourceError(
            f"{located.file}:{located.line('corpus')} corpus: {spec.corpus!r} leaves the project "
            f"folder ({project_root(spec.path)}); the catalog must be inside it")
    if corpus is None or not corpus.is_file():
        where = f"{located.file}:{located.line('corpus')} corpus" if spec.corpus else located.file
        raise SourceError(
            f"{where}: no source catalog found"
            + (f" at {spec.corpus!r}" if spec.corpus else " (looked for seeds/sources.yaml above the spec)")
        )
    catalog = load_catalog(corpus)
    problems = check_references(spec, located, catalog.ids())
    # An imported source has metadata but no text: say at the excerpt, not deep in the catalog.
    problems += [Problem(located.file, located.line(f"{e.key}.source"), f"{e.key}.source",
                         f"source {e.source!r} has no text file, so it can be cited but not "
                         f"quoted; name its text in file: in {catalog.path}")
                 for e in spec.excerpts() if e.source in catalog and not catalog.quotable(e.source)]
    problems += check_locators(spec, located, catalog)
    if template is None:
        problems += template_problems(spec, located)
    if problems:
        count = len(problems)
        raise SpecError(f"{located.file}: {count} problem{'s' if count != 1 else ''} in the spec",
                        sorted(problems, key=lambda p: p.line or 0))
    find_template(spec.template, project_root(spec.path), template)  # its own files' problems
    chart_data(spec, located)
    evidence = verify_evidence(spec, located, catalog, strict=strict,
                               claims=indexed_claims(catalog))
    located.warnings.extend(refused_links(spec, located) + refused_source_links(spec, catalog))
    return Checked(spec, located, catalog, evidence)


def refused_source_links(spec: BriefSpec, catalog: SourceCatalog) -> list[Problem]:
    """A warning at the catalog entry of each cited source whose url the allow-list refuses
    (its notes print the address as text)."""
    ids = catalog.ids()
    return [Problem(str(catalog.path), catalog.line(sid), f"sources[{ids.index(sid)}].url",
                    refusal(catalog.get(sid).url))
            for sid in cited_sources(spec)
            if sid in catalog and catalog.get(sid).url and link_target(catalog.get(sid).url) is None]


def indexed_claims(catalog: SourceCatalog) -> list[Claim] | None:
    """The corpus's numeric claims from its cached index, so a large corpus is not re-read
    on every check; None (evidence then reads the texts) when the cache cannot be used."""
    from briefgen.corpus.index import CorpusIndex

    try:
        index = CorpusIndex.open(catalog)
    except (SourceError, OSError):
        return None
    try:
        return index.claims()
    finally:
        index.close()


def write_manifest(checked: Checked, path: Path) -> None:
    """The evidence record (evidence.manifest) as JSON: sorted keys, so rebuilds are equal."""
    record = manifest(checked.spec, checked.evidence, checked.catalog)
    path.write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def cited_sources(spec: BriefSpec) -> list[str]:
    """Every source id the spec cites, in first-cited order (excerpts, text, evidence)."""
    ids: list[str] = [e.source for e in spec.excerpts()]
    for _, text in markdown_fields(spec):
        ids += [k.source_id for c in parse_clusters(text) for k in c.keys]
    excerpt_sources = {e.id: e.source for e in spec.excerpts() if e.id}
    for rec in spec.recommendations:
        ids += [excerpt_sources.get(name, name) for name in rec.evidence]
    return list(dict.fromkeys(ids))


def template_problems(spec: BriefSpec, located: LocatedYaml) -> list[Problem]:
    """The spec's ``template:`` when it names no template there is."""
    if not spec.template:
        return []
    known = list(available_templates(project_root(spec.path)))
    if spec.template in known:
        return []
    return [Problem(located.file, located.line("template"), "template",
                    f"unknown template {spec.template!r}; available templates: "
                    f"{', '.join(known) or 'none found'}{suggest(spec.template, known)}")]


def chart_data(spec: BriefSpec, located: LocatedYaml) -> dict[str, ChartData]:
    """The drawable data of every chart, by chart key path; ChartError listing, at its place
    in the spec, everything that no chart could draw (checked before anything is drawn)."""
    problems: list[Problem] = []
    datas = {}
    for chart in spec.charts():
        try:
            datas[chart.key] = ChartData(
                kind=chart.kind,
                title=chart.title,
                categories=tuple(chart.categories),
                series=tuple(ChartSeries(s.name, tuple(float(v.value) for v in s.values))
                             for s in chart.series),
                unit=chart.unit,
            )
            check_colours(datas[chart.key])
        except ChartError as exc:
            for p in exc.problems or [Problem(None, None, "", str(exc))]:
                key = f"{chart.key}.{p.key}" if p.key else chart.key
                problems.append(Problem(located.file, located.line(key), key, p.message))
    if problems:
        raise ChartError(f"{located.file}: {len(problems)} chart problem"
                         f"{'s' if len(problems) != 1 else ''}", problems)
    return datas


def draw_charts(spec: BriefSpec, located: LocatedYaml, cache_dir: Path) -> ChartJob:
    """Every chart of the spec, by chart key path: taken from the cache, or being drawn."""
    pictures: dict[str, ChartPicture] = {}
    missing: list[ChartData] = []
    for key, data in chart_data(spec, located).items():
        images = chart_images(data, cache_dir)
        pictures[key] = ChartPicture(images.png, images.svg, images.width_cm)
        if not is_drawn(images):
            missing.append(data)
    return ChartJob(pictures, _start_drawing(missing, cache_dir))


@dataclass
class ChartJob:
    """A spec's chart pictures: where they are, and the drawing still under way, if any."""

    pictures: dict[str, ChartPicture]
    drawing: Future[int] | None

    def wait(self) -> dict[str, ChartPicture]:
        """The pictures, once every file exists; raises the drawing's ChartError, if any."""
        if self.drawing is not None:
            self.drawing.result()
            self.drawing = None
        return self.pictures


def _start_drawing(missing: list[ChartData], cache_dir: Path) -> Future[int] | None:
    """Draw ``missing`` charts in a child process, so this one formats citations meanwhile
    and never loads matplotlib (about 50 MiB and 0.3 s). Spawned, not forked: a fork after
    Typst has compiled once in this process (a batch worker, `watch`) can deadlock."""
    if not missing:
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return pool.submit(draw_charts_into, missing, cache_dir)
    finally:
        pool.shutdown(wait=False)  # the one task still runs; the pool ends after it


def build_document(checked: Checked, options: BuildOptions) -> Document:
    """The document model for a checked spec: charts drawn, citations formatted."""
    spec = checked.spec
    cache_dir = options.cache_dir or default_cache_dir()
    charts = draw_charts(spec, checked.located, cache_dir / "charts")
    records = {sid: checked.catalog.get(sid) for sid in cited_sources(spec)}
    style = options.style or spec.citation_style or DEFAULT_STYLE
    formatter = CitationFormatter(list(records.values()), style, cache_dir / "citations")
    document = assemble(spec, checked.evidence, charts.pictures, formatter, records)
    charts.wait()
    return document


def output_stem(spec: BriefSpec) -> str:
    """`<date>-<slug>`: a name a person would keep, stable across rebuilds."""
    slug = re.sub(r"[^a-z0-9]+", "-", spec.path.stem.lower()).strip("-") or "brief"
    return f"{spec.date}-{slug}"


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def writer_for(name: str, options: BuildOptions = BuildOptions()) -> Writer:
    """The writer of format ``name``; imported on demand so a DOCX-only build never loads Typst."""
    if name == "docx":
        from briefgen.writers.docx import DocxWriter

        return DocxWriter()
    if name == "pdf":
        from briefgen.writers.typst import TypstWriter

        return TypstWriter(timeout=options.timeout)
    raise BriefgenError(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}")


def build(
    spec_path: Path,
    options: BuildOptions = BuildOptions(),
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build one spec into ``options.out_dir``: every format, or none at all."""
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    writers = [writer_for(f, options) for f in options.formats]
    checked = check(spec_path, style=options.style, template=options.template)
    warnings = list(checked.warnings)
    if options.fail_on_warning:
        refuse_warnings(spec_path, warnings)  # before anything is drawn or written
    say("verified")
    document = build_document(checked, options)
    say("assembled")
    template = find_template(checked.spec.template, project_root(checked.spec.path), options.template)
    template = with_values(template, document.meta)
    out_dir = options.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefgenError(f"cannot create output folder {out_dir}: {exc.strerror}") from None
    stem = output_stem(checked.spec)
    remove_stale_temporaries(out_dir, stem)
    written: list[tuple[Path, Path]] = []

    def reserve(suffix: str) -> Path:
        """A temporary file beside the final ``<stem><suffix>``, renamed into place at the end."""
        try:
            handle, temp_name = tempfile.mkstemp(prefix=f"{_temp_prefix(stem)}.",
                                                 suffix=suffix + ".tmp", dir=out_dir)
        except OSError as exc:
            raise BriefgenError(f"cannot write into {out_dir}: {exc.strerror}") from None
        os.close(handle)
        written.append((Path(temp_name), out_dir / f"{stem}{suffix}"))
        return Path(temp_name)

    try:
        targets = [(writer, reserve(writer.suffix)) for writer in writers]
        # The writers share nothing but the immutable document, and Typst compiles without
        # holding the GIL: writing the DOCX while the PDF compiles saves most of the PDF's time.
        with ThreadPoolExecutor(max_workers=max(1, len(targets))) as pool:
            futures = [pool.submit(writer.write, document, template, temp)
                       for writer, temp in targets]
            try:
                for (writer, _temp), future in zip(targets, futures):
                    future.result()
                    warnings += [f"warning: {writer.name}: {w}"
                                 for w in getattr(writer, "warnings", ())]
                    say(f"wrote {writer.name}")
            except BaseException:
                # Ctrl-C or one writer failing: stop the others now, not when they finish
                # (leaving the pool waits for them).
                for writer, _temp in targets:
                    writer.cancel()
                raise
        if options.fail_on_warning:
            # Typst's warnings are known only once it has compiled: the outputs are still
            # temporary files here, removed below, so nothing is written.
            refuse_warnings(spec_path, warnings)
        # The evidence record, beside the outputs and renamed with them.
        write_manifest(checked, reserve(".evidence.json"))
        if options.bundle:  # last, so it holds every file this build wrote
            outputs_so_far = [(final.name, temp) for temp, final in written]
            write_bundle(bundle_contents(checked, document, stem, outputs_so_far),
                         reserve(".zip"))
            say("wrote bundle")
        mode = _file_mode()
        try:
            for temp, final in written:
                os.chmod(temp, mode)  # mkstemp makes 0600 files; outputs are for sharing
                os.replace(temp, final)
        except OSError as exc:
            raise BriefgenError(f"cannot move the output into {out_dir}: {exc.strerror}") from None
    except BaseException:
        for temp, _ in written:
            temp.unlink(missing_ok=True)
        raise
    outputs = tuple(final for _, final in written)
    return BuildResult(Path(display_path(spec_path)), outputs, time.perf_counter() - started,
                       tuple(warnings))


def refuse_warnings(spec_path: Path, warnings: list[str]) -> None:
    """Raise WarningsRefused listing ``warnings``, if there are any."""
    if warnings:
        count = len(warnings)
        raise WarningsRefused(
            f"{display_path(spec_path)}: {count} warning{'s' if count != 1 else ''}, which "
            "--fail-on-warning makes errors",
            [Problem(None, None, "", w) for w in warnings])


def bundle_contents(checked: Checked, document: Document, stem: str,
                    files: list[tuple[str, Path]]) -> BundleContents:
    """What goes into the bundle: ``files`` the build wrote, as (name, file), plus each chart's
    images (from the model's figures) and data (from the spec) and the cited sources.

    Here because only the orchestrator sees both the spec and the model.
    """
    spec = checked.spec
    figures = [block for block in document.body if isinstance(block, Figure)]
    charts = []
    # Figures are numbered in the order the spec gives its charts (assemble.figure).
    for figure, chart in zip(figures, spec.charts(), strict=True):
        values = tuple(ChartValue(category, series.name, value.value, value.excerpt)
                       for series in chart.series
                       for category, value in zip(chart.categories, series.values))
        charts.append(BundleChart(figure.number, figure.caption, chart.unit, figure.png,
                                  figure.svg, values))
    sources = []
    for sid in cited_sources(spec):
        record = checked.catalog.get(sid)
        authors = ", ".join(f"{p.given} {p.family}".strip() for p in record.authors)
        sources.append(BundleSource(sid, record.title, authors,
                                    record.container_title or record.publisher, record.date,
                                    record.url))
    return BundleContents(stem, spec.title, spec.date, tuple(spec.authors), spec.organisation,
                          tuple(files), tuple(charts), tuple(sources))


def _temp_prefix(stem: str) -> str:
    # Host and process id in the name let a later build tell a killed build's leftovers from
    # a live build's work in progress, even in a folder on a shared drive.
    host = re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname())[:40] or "host"
    return f".{stem}.{host}-{os.getpid()}"


def remove_stale_temporaries(out_dir: Path, stem: str) -> list[Path]:
    """Remove temporary files a killed build of ``stem`` left in ``out_dir``; return them.

    Only files this host wrote whose process is gone: a build still running (here, or on
    another machine sharing the folder) keeps its files. A kill (SIGKILL, power cut) is the
    one way a build leaves them, as no cleanup code runs. The process id, not the file's age,
    decides: a long-lived process (a batch worker, a test run) starts many builds.
    """
    if os.name != "posix":  # os.kill(pid, 0) tests a process only on POSIX
        return []
    host = _temp_prefix(stem).rsplit("-", 1)[0]
    removed = []
    for path in out_dir.glob(f"{glob.escape(host)}-*.tmp"):
        pid_text = path.name[len(host) + 1:].split(".", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _running(int(pid_text)):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # gone already, or not ours to remove: leave it
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
