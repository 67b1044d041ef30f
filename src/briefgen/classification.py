"""Portion marks and page banners: classification schemes read from data files, and the
marking of every portion of a spec checked against its scheme and decided once.

A scheme is a YAML file, ``<name>.yaml``, listing its levels lowest first, each with the
portion mark printed before a paragraph ("U", "OS", "NR") and the banner words printed at
the top and bottom of every page when that level is the highest in the brief. The shipped
schemes are in src/briefgen/data/classification/; a desk adds or replaces one by putting a
file in ``classification/`` at its project's root (beside seeds/ and templates/), a
template by putting one in ``classification/`` in its folder. A scheme is data, never code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.confine import CLASSIFICATION_SCHEME, RefusedFile, read_confined
from briefgen.errors import Problem, SpecError, TemplateError
from briefgen.spec import options as o
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml, parse_yaml

SHIPPED_SCHEMES = Path(__file__).resolve().parent / "data" / "classification"
# The folder, in a project's root or a template's folder, whose *.yaml add schemes.
SCHEME_FOLDER = "classification"
_SCHEME_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
# Printed inside brackets before a paragraph: letters, digits and the separators of
# dissemination controls ("CUI//NOFORN"), never a bracket or a line break.
_MARK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/ -]{0,29}$")


@dataclass(frozen=True)
class Level:
    """One level of a scheme: its portion ``mark`` ("OS") and ``banner`` words
    ("OFFICIAL-SENSITIVE"); ``key`` is its key path in the scheme's file."""

    mark: str
    banner: str
    key: str


@dataclass(frozen=True)
class Scheme:
    """A classification scheme: ``levels`` lowest first, ``name`` its file's stem."""

    name: str
    title: str
    levels: tuple[Level, ...]
    file: str

    @property
    def marks(self) -> tuple[str, ...]:
        return tuple(level.mark for level in self.levels)

    def level(self, mark: str) -> Level:
        """The level whose portion mark is ``mark`` (KeyError for none)."""
        for level in self.levels:
            if level.mark == mark:
                return level
        raise KeyError(mark)

    def highest(self, marks: Sequence[str]) -> Level:
        """The highest level among ``marks`` (the lowest level when there are none)."""
        order = self.marks
        return self.levels[max((order.index(m) for m in marks), default=0)]


_LEVEL = o.Record(Level, {
    "mark": o.Text(required=True, max_length=30, strip=True,
                   help='The portion mark, printed in brackets before a paragraph: "OS".'),
    "banner": o.Text(required=True, max_length=100, strip=True,
                     help='The words at the top and bottom of every page: "OFFICIAL-SENSITIVE".'),
})

# A scheme file, declared once like every YAML file briefgen reads.
SCHEME = o.Mapping({
    "name": o.Text(required=True, max_length=200, help="What the scheme is, for people."),
    "levels": o.ListOf(_LEVEL, required=True, min_items=1, max_items=20,
                       help="The levels, lowest first."),
})


def scheme_folders(project_root: Path | None, template_folders: Sequence[Path] = ()
                   ) -> list[Path]:
    """The folders schemes are read from, the first to name a scheme winning: the template's
    classification/, the project's, then the shipped ones."""
    folders = [folder / SCHEME_FOLDER for folder in template_folders]
    if project_root is not None:
        folders.append(project_root / SCHEME_FOLDER)
    folders.append(SHIPPED_SCHEMES)
    return [f for i, f in enumerate(folders) if f.is_dir() and f not in folders[:i]]


def load_schemes(folders: Sequence[Path]) -> dict[str, Scheme]:
    """Every scheme in ``folders`` by name, the first folder naming one winning.

    TemplateError naming file:line and key of every problem in a scheme file.
    """
    schemes: dict[str, Scheme] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            if path.stem not in schemes:
                schemes[path.stem] = read_scheme(path, folder)
    return dict(sorted(schemes.items()))


def read_scheme(path: Path, folder: Path) -> Scheme:
    """The scheme in ``path`` (inside ``folder``), checked against SCHEME."""
    shown = str(path)
    if not _SCHEME_NAME.match(path.stem):
        raise TemplateError(f"{shown}: a classification scheme's file name is its name, in "
                            "lowercase letters, digits and hyphens (us-cui.yaml)")
    try:
        text = read_confined(path, folder, CLASSIFICATION_SCHEME).decode("utf-8-sig")
        located = parse_yaml(text, shown, "the classification scheme")
    except RefusedFile as refused:
        raise TemplateError(f"{shown}: {refused.reason}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{shown}: cannot read the classification scheme: {exc}") from None
    except SpecError as exc:
        raise TemplateError(str(exc), exc.problems) from None
    ctx = o.Context(located)
    if not isinstance(located.data, dict):
        raise TemplateError(f"{shown}:1: expected a mapping with name and levels but received "
                            f"{o.describe(located.data)}")
    values = SCHEME.validate(located.data, "", ctx)
    if not ctx.problems:
        seen: dict[str, str] = {}
        for level in values["levels"]:
            if not _MARK.match(level.mark):
                ctx.problem(f"{level.key}.mark", f"{level.mark!r} cannot be printed as a "
                            "portion mark; use letters, digits, spaces, / and - only")
            elif level.mark in seen:
                ctx.problem(f"{level.key}.mark", f"the mark {level.mark!r} is given twice "
                            f"(first at {seen[level.mark]})")
            seen.setdefault(level.mark, level.key)
    if ctx.problems:
        count = len(ctx.problems)
        raise TemplateError(f"{shown}: {count} problem{'s' if count != 1 else ''} in the "
                            "classification scheme", ctx.problems)
    return Scheme(name=path.stem, title=values["name"], levels=tuple(values["levels"]),
                  file=shown)


# ---------------------------------------------------------------- a spec's portions


@dataclass(frozen=True)
class PortionMarks:
    """The marking of every printed portion of a brief, decided once from its spec.

    ``by_key`` maps the key path of each section, excerpt, chart, table and recommendation
    to its portion mark; ``summary`` is the summary's and key points'; ``highest`` the
    level of the banner. Assembly asks ``printed(key)`` for the text before a paragraph.
    """

    scheme: Scheme
    summary: str
    by_key: Mapping[str, str]
    highest: Level

    @property
    def banner(self) -> str:
        return self.highest.banner

    def printed(self, key: str) -> str:
        """The portion mark of the portion at ``key`` as printed: "(CUI)"."""
        return f"({self.by_key[key]})"

    @property
    def printed_summary(self) -> str:
        return f"({self.summary})"

    @property
    def printed_highest(self) -> str:
        return f"({self.highest.mark})"

    @property
    def printed_lowest(self) -> str:
        """The scheme's lowest mark, for what briefgen itself writes and holds no one's words:
        the explanation of estimative language."""
        return f"({self.scheme.levels[0].mark})"


def portions(spec: BriefSpec) -> Iterator[tuple[str, str, str, str]]:
    """(key path, what it is, its own marking, the marking it takes when it gives none: its
    section's, or "" for the default) for every portion the spec prints, in order."""
    for judgement in spec.key_judgements:
        yield judgement.key, "key judgement", judgement.marking, ""
    for section in spec.sections:
        yield section.key, "section", section.marking, ""
        for excerpt in section.excerpts:
            yield excerpt.key, "excerpt", excerpt.marking, section.marking
        for chart in section.charts:
            yield chart.key, "chart", chart.marking, section.marking
        for table in section.tables:
            yield table.key, "table", table.marking, section.marking
    for rec in spec.recommendations:
        yield rec.key, "recommendation", rec.marking, ""


def check_markings(spec: BriefSpec, located: LocatedYaml,
                   schemes: Mapping[str, Scheme]) -> tuple[PortionMarks | None, list[Problem]]:
    """The brief's portion marks, or None for a brief without ``classification:``, and a
    located Problem for each marking its scheme does not have, each portion left unmarked
    (with no default), and each marking given in a brief that names no scheme."""
    ctx = o.Context(located)
    marked = [(key, own) for key, _what, own, _inherited in portions(spec) if own]
    names = ", ".join(schemes) or "none found"
    classification = spec.classification
    if classification is None:
        for key, _own in marked:
            ctx.problem(f"{key}.marking", "a portion marking needs the brief's scheme: add "
                        f"classification: {{scheme: ...}} at the top of the spec (schemes: "
                        f"{names})")
        return None, ctx.problems
    where = classification.key or "classification"
    scheme_name = o.Choice(tuple(schemes)).validate(classification.scheme, f"{where}.scheme", ctx)
    if scheme_name is None:
        return None, ctx.problems
    scheme = schemes[scheme_name]
    known = o.Choice(scheme.marks,
                     expected=f"one of: {', '.join(scheme.marks)} (the marks of {scheme.name})")

    def valid(mark: str, key: str) -> bool:
        return known.validate(mark, key, ctx) is not None

    default = classification.default
    if default and not valid(default, f"{where}.default"):
        default = ""
    summary = classification.summary
    if summary and not valid(summary, f"{where}.summary"):
        summary = ""
    hint = f"give marking: (one of: {', '.join(scheme.marks)}) or classification.default"
    if spec.marking:
        ctx.problem("marking", "a brief with classification: has the banner of its highest "
                    "portion marking at the top and bottom of every page; remove marking:")
    by_key: dict[str, str] = {}
    for key, what, own, inherited in portions(spec):
        if own and not valid(own, f"{key}.marking"):
            continue
        if inherited and inherited not in scheme.marks:
            continue  # its section's marking is refused already
        mark = own or inherited or default
        if not mark:
            # An excerpt, chart or table takes its section's marking: the section is named.
            if what in ("section", "recommendation", "key judgement"):
                also = (" (for its text, and its excerpts, charts and tables that give "
                        "none)" if what == "section" else "")
                ctx.problem(key, f"this {what} has no marking{also}; every portion of a "
                            f"classified brief is marked: {hint}")
            continue
        by_key[key] = mark
    summary = summary or default
    if not summary and classification.summary == "":
        ctx.problem("summary", "the summary and key points have no marking; give "
                    "classification.summary or classification.default (one of: "
                    f"{', '.join(scheme.marks)})")
    if ctx.problems:
        return None, ctx.problems
    highest = scheme.highest([summary, *by_key.values()])
    return PortionMarks(scheme, summary, by_key, highest), []
