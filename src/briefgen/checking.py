"""The check stage: a spec loaded, validated, and every quotation verified against its source.

Everything a build can refuse in the spec is refused here, at its place in the file; the
build runs this first, so a spec that checks builds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefgen.classification import PortionMarks, check_markings, load_schemes, portions, \
    scheme_folders
from briefgen.charts import ChartData, ChartStyle
from briefgen.citations.styles import STYLES
from briefgen.corpus.cache import load_catalog
from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.claims import CorpusClaims
from briefgen.crossrefs import check_cross_references
from briefgen.errors import Problem, SourceError, SpecError, WarningsRefused
from briefgen.evidence import Evidence, verify_evidence
from briefgen.loading import Loaded, load, template_and_charts
from briefgen.locators import check_locators
from briefgen.markup.citekeys import parse_clusters
from briefgen.markup.links import link_target, refusal
from briefgen.spec.loader import (
    check_references,
    display_path,
    find_corpus,
    line_in_text,
    markdown_fields,
    project_root,
    refused_links,
)
from briefgen.spec.options import suggest
from briefgen.spec.schema import BriefSpec, evidence_named
from briefgen.spec.yamlsource import LocatedYaml
from briefgen.templating.discovery import DEFAULT_TEMPLATE, available_templates
from briefgen.templating.template import Template
from briefgen.writing_checks import abbreviation_warnings, estimative_warnings


@dataclass(frozen=True)
class Checked:
    """A spec that loaded, validated and whose every quotation verified."""

    spec: BriefSpec
    located: LocatedYaml
    catalog: SourceCatalog
    evidence: Evidence
    # Found and checked here, so a build neither looks them up nor validates them again.
    template: Template
    chart_style: ChartStyle
    charts: dict[str, ChartData]
    # The portion mark of every portion and the banner; None for a brief without
    # classification:.
    marks: PortionMarks | None = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the analyst should read before sending the brief, one message each: what
        validation repaired, numbers that name no excerpt, figures other sources give
        differently. ``check`` and ``build`` print these same messages."""
        return (*(f"warning: {w}" for w in self.located.warnings), *self.evidence.warnings)


def check(spec_path: Path, strict: bool = False, style: str = "",
          template: Path | None = None,
          on_charts: Callable[[dict[str, ChartData], ChartStyle], None] | None = None,
          loaded: Loaded | None = None) -> Checked:
    """Load, validate and verify ``spec_path``; raise BriefgenError on any problem.

    Everything a build can refuse in the spec is refused here, at its place in the file, and
    the build runs this first: a spec that checks builds. ``strict``: a chart or table number
    that names no excerpt is an error, not a warning. ``style`` and ``template`` are the
    build's overrides (--style, --template), checked too; "" and None mean the spec's own.
    ``on_charts`` is given the charts' data and style as soon as they are known to be
    drawable, before the quotations are verified, so a build can start drawing them.
    ``loaded`` is what ``load`` gave for the same arguments, if the caller has it already
    (a build loads first, to start drawing before it imports this module's dependencies);
    ``on_charts`` is then called only if loading could not ready the charts.
    """
    if style and style not in STYLES:
        raise SpecError(f"--style {style!r}: unknown citation style; expected one of: "
                        f"{', '.join(STYLES)}{suggest(style, list(STYLES))}")
    if loaded is None:
        loaded = load(spec_path, template)
        if loaded.drawable is not None and on_charts is not None:
            on_charts(loaded.drawable[1], loaded.drawable[2])
    spec, located, early = loaded.spec, loaded.located, loaded.drawable
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
    refuse_broken_sources(spec, located, catalog)
    problems = check_references(spec, located, catalog.ids())
    # An imported source has metadata but no text: say at the excerpt, not deep in the catalog.
    problems += [Problem(located.file, located.line(f"{e.key}.source"), f"{e.key}.source",
                         f"source {e.source!r} has no text file, so it can be cited but not "
                         f"quoted; name its text in file: in {catalog.path}")
                 for e in spec.excerpts() if e.source in catalog and not catalog.quotable(e.source)]
    problems += check_locators(spec, located, catalog)
    problems += check_cross_references(spec, located)
    if template is None:
        problems += template_problems(spec, located)
    marks, marking_problems = portion_marks(spec, located, template)
    problems += marking_problems
    if problems:
        count = len(problems)
        raise SpecError(f"{located.file}: {count} problem{'s' if count != 1 else ''} in the spec",
                        sorted(problems, key=lambda p: p.line or 0))
    if early is not None:
        found, charts, chart_style = early
    else:
        found, charts, chart_style = template_and_charts(spec, located, template)  # problems
        if on_charts is not None:
            on_charts(charts, chart_style)
    evidence = verify_evidence(spec, located, catalog, strict=strict,
                               claims=indexed_claims(catalog))
    located.warnings.extend(refused_links(spec, located) + refused_source_links(spec, catalog))
    known = [str(k) for k in found.settings.get("common_abbreviations") or ()]
    located.warnings.extend(estimative_warnings(spec, located)
                            + abbreviation_warnings(spec, located, known))
    return Checked(spec, located, catalog, evidence, found, chart_style, charts, marks)


def portion_marks(spec: BriefSpec, located: LocatedYaml, template: Path | None
                  ) -> tuple[PortionMarks | None, list[Problem]]:
    """The spec's portion marks in its scheme (None without classification:) and the problems
    with its markings. Schemes come from the template's classification/ folder (--template,
    or the spec's template), the project's, then the shipped ones."""
    if spec.classification is None and not any(own for _, _, own, _ in portions(spec)):
        return None, []  # nothing to read: a brief without marks never opens a scheme file
    root = project_root(spec.path)
    folder = template or available_templates(root).get(spec.template or DEFAULT_TEMPLATE)
    schemes = load_schemes(scheme_folders(root, [folder] if folder is not None else []))
    return check_markings(spec, located, schemes)


def refuse_broken_sources(spec: BriefSpec, located: LocatedYaml, catalog: SourceCatalog) -> None:
    """SourceError when the spec cites a source whose files cannot be used: its problems as
    the catalog located them. A broken source the spec does not cite stops nothing."""
    cited = [sid for sid in cited_sources(spec) if catalog.broken(sid)]
    if not cited:
        return
    # Where the spec cites each, then why it cannot be read, where the catalog says it.
    places: list[Problem] = []
    for excerpt in spec.excerpts():
        if excerpt.source in cited:
            places.append(Problem(located.file, located.line(f"{excerpt.key}.source"),
                                  f"{excerpt.key}.source", f"source {excerpt.source!r} cannot "
                                  "be read (see below)"))
    for key, text in markdown_fields(spec):
        for cluster in parse_clusters(text):
            for cite in cluster.keys:
                if cite.source_id in cited:
                    places.append(Problem(located.file,
                                          line_in_text(text, cluster.start, located.line(key)),
                                          key, f"citation [@{cite.source_id}]: the source "
                                          "cannot be read (see below)"))
    names = ", ".join(repr(sid) for sid in cited)
    raise SourceError(
        f"{located.file}: cites {len(cited)} source{'s' if len(cited) != 1 else ''} that "
        f"cannot be read ({names}); fix {'their entries' if len(cited) != 1 else 'its entry'}"
        f" in {catalog.path}",
        sorted(places, key=lambda p: p.line or 0) + [p for sid in cited
                                                     for p in catalog.broken(sid)])


def refused_source_links(spec: BriefSpec, catalog: SourceCatalog) -> list[Problem]:
    """A warning at the catalog entry of each cited source whose url the allow-list refuses
    (its notes print the address as text)."""
    ids = catalog.ids()
    return [Problem(str(catalog.path), catalog.line(sid), f"sources[{ids.index(sid)}].url",
                    refusal(catalog.get(sid).url))
            for sid in cited_sources(spec)
            if sid in catalog and catalog.get(sid).url and link_target(catalog.get(sid).url) is None]


def indexed_claims(catalog: SourceCatalog) -> CorpusClaims | None:
    """The corpus's numeric claims from its cached index, so a large corpus is not re-read
    on every check; None (evidence then reads the texts) when the cache cannot be used."""
    from briefgen.corpus.index import CorpusIndex

    try:
        index = CorpusIndex.open(catalog)
    except (SourceError, OSError):
        return None
    try:
        return index.corpus_claims()
    finally:
        index.close()


def cited_sources(spec: BriefSpec) -> list[str]:
    """Every source id the spec cites, in first-cited order (excerpts, text, evidence)."""
    ids: list[str] = [e.source for e in spec.excerpts()]
    for _, text in markdown_fields(spec):
        ids += [k.source_id for c in parse_clusters(text) for k in c.keys]
    by_id = spec.excerpts_by_id()
    for item in (*spec.key_judgements, *spec.recommendations):
        named = [evidence_named(name, by_id) for name in item.evidence]
        ids += [n if isinstance(n, str) else n.source for n in named]
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


def refuse_warnings(spec_path: Path, warnings: list[str]) -> None:
    """Raise WarningsRefused listing ``warnings``, if there are any."""
    if warnings:
        count = len(warnings)
        raise WarningsRefused(
            f"{display_path(spec_path)}: {count} warning{'s' if count != 1 else ''}, which "
            "--fail-on-warning makes errors",
            [Problem(None, None, "", w) for w in warnings])
