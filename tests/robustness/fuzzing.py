"""Hypothesis strategies for spec files, and the property they check: briefgen answers, it never
crashes.

Shared by tests/robustness/test_fuzz_specs.py (a short run in the suite) and
benchmarks/fuzz_specs.py (thousands of examples). Four sources of input, from the crudest to
the nearest to a real spec: raw bytes; random YAML structures whose keys are mostly the
schema's own; a valid spec with values swapped for random ones; and a valid spec's text with
random edits.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import yaml
from hypothesis import strategies as st

from briefgen.cli import main
from briefgen.spec import schema
from tests.robustness.specs import MINIMAL, Project

# Keys of every mapping in the schema, so random structures often get past "unknown key".
SCHEMA_KEYS = sorted({
    *schema.BRIEF_FIELDS,
    "heading", "body", "excerpts", "charts", "tables", "id", "source", "quote", "lang", "kind",
    "caption", "alt", "unit", "categories", "series", "data", "name", "values", "value",
    "excerpt", "columns", "align", "rows", "cells", "action", "lead", "timeframe", "indicator",
})

# Strings that have broken (or could break) some layer: YAML, Markdown, citations, Typst,
# XML, Jinja, file paths, fonts.
ODD_STRINGS = [
    "", " ", "~", "null", "yes", "0x1F", "1e400", "-.inf", ".nan", "2021-02-30", "2021-07-15",
    "\x00", "\x07bell", "\x1b[31mred", "\x85", "\ud800", "\uffff", "\ufeffBOM", "\u202eevil",
    "\u200f\u200e", "a\r\nb", "\t", "line\nbreak\n", "\u2028\u2029",
    '#read("/etc/passwd")', '#import "x.typ": *', "$x^2$", "]", "[", "\\", "@ref", "<label>",
    "*bold* _it_ `code`", "// comment", "/* open", "#set page(width: 1cm)", "=== heading",
    "{{ title }}", "{% for x in y %}", "{{ ''.__class__.__mro__ }}",
    "[@un-mali-future]", "[@no-such-source, para 9]", "[@", '"quoted" [@un-mali-future]',
    '"an unverified quotation"', "<script>alert(1)</script>", "![x](/etc/passwd)",
    "[link](javascript:alert(1))", "# heading", "> quote", "- item", "1. item", "```",
    "| a | b |\n|---|---|", "---", "...", "&anchor", "*alias", "!!python/name:os.system",
    "../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "data.csv",
    "بعثة الأمم المتحدة", "משימת האו״ם", "🇲🇱 👮🏾‍♀️ 🧑‍🤝‍🧑", "x" * 301, "word" * 1500,
    "chicago-note-bibliography", "apa", "bar", "part-of-whole", "default", "en-GB", "ar",
]

odd_text = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    odd_text,
)

keys = st.one_of(st.sampled_from(SCHEMA_KEYS), odd_text)

yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=30,
)


def dump(value: Any, flow: bool, unicode: bool) -> str:
    """YAML text for ``value`` as a person or a tool might write it."""
    return yaml.safe_dump(value, default_flow_style=flow, allow_unicode=unicode, sort_keys=False)


random_specs = st.builds(
    dump,
    st.dictionaries(keys, yaml_values, max_size=10),
    st.booleans(),
    st.booleans(),
)

_VALID = yaml.safe_load(MINIMAL)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


_VALID_PATHS = _paths(_VALID)


@st.composite
def mutated_specs(draw: st.DrawFn) -> str:
    """The minimal valid spec with one to three values replaced, or keys removed or added."""
    import copy

    spec = copy.deepcopy(_VALID)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_VALID_PATHS))
        parent: Any = spec
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "replace", "odd", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(yaml_values)
            elif action == "odd":
                parent[path[-1]] = draw(odd_text)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(keys)] = draw(yaml_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation moved that path away
    return dump(spec, draw(st.booleans()), draw(st.booleans()))


@st.composite
def edited_texts(draw: st.DrawFn) -> str:
    """The minimal valid spec's text with one to three random edits (insert, delete, swap)."""
    text = MINIMAL
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["insert", "delete", "swap-lines"]))
        if action == "insert":
            text = text[:at] + draw(st.one_of(odd_text, st.sampled_from(
                [":", "- ", "  ", "\n", "'", '"', "{", "}", "[", "]", "&a ", "*a ", "!!str ",
                 "? ", "|\n", ">-\n", "#"]))) + text[at:]
        elif action == "delete":
            end = draw(st.integers(min_value=at, max_value=min(len(text), at + 40)))
            text = text[:at] + text[end:]
        else:
            lines = text.splitlines(keepends=True)
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
    return text


def _errors(encoding: str) -> str:
    # A lone surrogate from ODD_STRINGS goes into the bytes as it would from a broken editor.
    return "surrogatepass" if encoding.startswith("utf") else "replace"


raw_files = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.builds(lambda t, enc: t.encode(enc, _errors(enc)), edited_texts(), st.sampled_from(
        ["utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"])).filter(bool),
)


def run_cli(args: list[str]) -> tuple[int, str]:
    """``briefgen ARGS`` in this process: exit status and what went to stderr.

    An exception briefgen does not turn into a message propagates: that is the bug.
    """
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


def assert_briefgen_answers(project: Project, content: str | bytes,
                            formats: str = "docx,pdf") -> int:
    """Build ``content`` as a spec; assert the build either wrote every format or refused
    with a message and wrote nothing. Returns the exit status."""
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    spec = project.spec("fuzz", content)
    out = spec.parent / "out"
    try:
        code, err = run_cli(["build", str(spec), "-o", str(out), "--format", formats])
        assert code in (0, 1), (code, err)
        assert "Traceback" not in err, err
        made = sorted(p.name for p in out.iterdir()) if out.exists() else []
        if code == 1:
            assert err.strip(), "refused without a message"
            assert made == [], made
        else:
            suffixes = {Path(name).suffix for name in made}
            assert {f".{f}" for f in formats.split(",")} <= suffixes, made
            assert ".tmp" not in suffixes, made
    finally:
        shutil.rmtree(spec.parent, ignore_errors=True)
    return code
