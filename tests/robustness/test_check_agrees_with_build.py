"""`check` and `build` agree on every spec: check passes iff the build succeeds, and when it
fails the build fails with the same message.

The inputs are the sample briefs with one thing changed where specs go wrong in practice:
a citation's locator (its label, its number), an id (cited, quoted or traced), the citation
style (in the spec, or the build's --style), a number in a chart or a cross-reference.
Builds are DOCX only and run in this process; a fixed seed keeps the run the same in CI.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.citations import STYLES
from briefgen.corpus.catalog import SourceCatalog
from briefgen.errors import BriefgenError
from briefgen.pipeline import BuildOptions, build, check
from briefgen.spec.loader import display_path
from tests.conftest import BRIEFS, SEEDS

SAMPLES = {path.name: path.read_text(encoding="utf-8") for path in sorted(BRIEFS.glob("*.yaml"))}
SOURCE_IDS = SourceCatalog.load(SEEDS / "sources.yaml").ids()

# [@id, locator] as pandoc writes it (one key; clusters of several are left as they are).
_LOCATED_CITE = re.compile(r"\[@[\w:./-]*\w, ([^\]\[;@\"\n]+)\]")
# An id where the spec names one: a citation key, an excerpt's source, a number's excerpt.
_ID = re.compile(r"(?:\[-?@|\bsource: |\bexcerpt: )([\w-]*\w)")
_CHART_NUMBER = re.compile(r"(?<=values: \[)[^\]]*(?=\])")
_STYLE_LINE = re.compile(r"^citation_style:.*$", re.MULTILINE)
# A chart's or a table's id: the key that follows it says which.
_BLOCK_ID = re.compile(r"^\s+- id: ([\w-]+)\n\s+(kind|caption):", re.MULTILINE)
_SUMMARY = re.compile(r"^summary: \|\n( +)", re.MULTILINE)

labels = st.sampled_from(["para", "paras", "para.", "\u00b6", "paragraph", "p.", "pp.", "",
                          "sec.", "paragrph", "parra", "page"])
numbers = st.one_of(st.integers(min_value=-1, max_value=40).map(str),
                    st.sampled_from(["1-3", "3-1", "1, 2", "2 and 99", "iv", ""]))
style_names = st.sampled_from(["", *STYLES, "apx", "Chicago", "chicago-notes", "APA"])
chart_numbers = st.one_of(st.integers(min_value=-10, max_value=300).map(str),
                          st.sampled_from(["0", "-0.5", "1e400", ".nan", ".inf", "x", "true"]))


@dataclass(frozen=True)
class Input:
    """A sample brief's name, its text after one change, and the build's --style ("" none)."""

    sample: str
    text: str
    style: str = ""


def _replace_at(text: str, match: re.Match[str], group: int, new: str) -> str:
    return text[:match.start(group)] + new + text[match.end(group):]


@st.composite
def changed_samples(draw: st.DrawFn) -> Input:
    sample = draw(st.sampled_from(sorted(SAMPLES)))
    text = SAMPLES[sample]
    change = draw(st.sampled_from(["locator", "id", "spec style", "style override",
                                   "chart number", "cross-reference"]))
    if change == "locator":
        cites = list(_LOCATED_CITE.finditer(text))
        if cites:
            locator = f"{draw(labels)} {draw(numbers)}".strip()
            text = _replace_at(text, draw(st.sampled_from(cites)), 1, locator)
    elif change == "id":
        ids = list(_ID.finditer(text))
        excerpt_ids = re.findall(r"\bid: ([\w-]+)", text)
        chosen = draw(st.sampled_from(ids))
        new = draw(st.one_of(st.sampled_from(SOURCE_IDS + excerpt_ids),
                             st.just(chosen.group(1)[:-1]), st.just("no-such-source")))
        text = _replace_at(text, chosen, 1, new)
    elif change == "spec style":
        line = f"citation_style: {draw(style_names)}"
        text = (_STYLE_LINE.sub(line, text, count=1) if _STYLE_LINE.search(text)
                else re.sub(r"^date:", f"{line}\ndate:", text, count=1, flags=re.MULTILINE))
    elif change == "style override":
        return Input(sample, text, draw(style_names))
    elif change == "cross-reference":
        # A reference opening the summary: to a chart or table the sample has, to a misspelt
        # id, to the right id of the wrong kind, or to a recommendation (none has an id).
        blocks = [("fig" if key == "kind" else "tbl", name)
                  for name, key in _BLOCK_ID.findall(text)]
        prefix, name = draw(st.sampled_from(blocks))
        other = "tbl" if prefix == "fig" else "fig"
        written = draw(st.sampled_from([f"{prefix}:{name}", f"{prefix}:{name[:-1]}",
                                        f"{other}:{name}", f"rec:{name}"]))
        summary = _SUMMARY.search(text)
        assert summary is not None
        text = (text[:summary.end()] + f"See [@{written}].\n{summary.group(1)}"
                + text[summary.end():])
    else:
        lists = list(_CHART_NUMBER.finditer(text))
        if lists:
            chosen = draw(st.sampled_from(lists))
            values = chosen.group(0).split(",")
            values[draw(st.integers(0, len(values) - 1))] = f" {draw(chart_numbers)}"
            text = _replace_at(text, chosen, 0, ",".join(values).lstrip())
    return Input(sample, text)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Input], Path]:
    """Writes an input as a spec beside the samples' data/ folder, under a copy of seeds/."""
    root = tmp_path_factory.mktemp("agree")
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(BRIEFS, root / "briefs")
    numbers = count()

    def write(given: Input) -> Path:
        path = root / "briefs" / f"{next(numbers):03d}-{given.sample}"
        path.write_text(given.text, encoding="utf-8")
        return path

    return write


def _outcome(step: Callable[[], object]) -> str | None:
    try:
        step()
    except BriefgenError as exc:
        return exc.report()
    return None


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(given_input=changed_samples())
def test_check_passes_iff_build_succeeds(project: Callable[[Input], Path],
                                         given_input: Input) -> None:
    spec = project(given_input)
    out = Path(tempfile.mkdtemp(dir=spec.parent.parent))
    checked = _outcome(lambda: check(spec, style=given_input.style))
    built = _outcome(lambda: build(spec, BuildOptions(out_dir=out, formats=("docx",),
                                                      style=given_input.style,
                                                      cache_dir=spec.parent.parent / "cache")))
    assert built == checked, f"check said:\n{checked}\nbuild said:\n{built}"
    if checked is not None:
        # Located: the headline names the spec (or the option at fault), each problem its line.
        head, *problems = checked.splitlines()
        shown = display_path(spec)
        assert head.startswith((f"{shown}:", "--style ")), checked
        assert all(re.match(rf"  {re.escape(shown)}:\d+ ", p) for p in problems), checked
        assert not any(out.iterdir()), "a failed build left output"
