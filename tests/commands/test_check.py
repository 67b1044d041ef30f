"""`briefgen check` refuses, at file:line key, everything a build would refuse; its warnings
leave the exit status 0 unless ``--fail-on-warning`` makes them errors.

Each case edits a small valid spec (one thing wrong) and runs the command line: in this
process for each case, then all at once through ``python -m briefgen`` to show what reaches
a terminal. The expected place is worked out from the spec text, the counts from the catalog.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass

import pytest

from briefgen.cli import main
from briefgen.corpus.catalog import SourceCatalog
from tests.conftest import REPO, ROOTS, SEEDS
from tests.robustness.specs import MINIMAL, Project, make_project

CATALOG = SourceCatalog.load(SEEDS / "sources.yaml")
# MINIMAL's one citation with a locator, e.g. "[@un-mali-future, para 12]".
CITE = re.search(r"\[@([\w-]+), ([^\]]+)\]", MINIMAL)
assert CITE is not None
SOURCE, LOCATOR = CITE.group(1), CITE.group(2)
PARAGRAPHS = len(CATALOG.text(SOURCE).paragraphs)
BODY_LINE = MINIMAL.count("\n", 0, CITE.start()) + 1


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return make_project(tmp_path_factory.mktemp("check"))


def with_locator(locator: str) -> str:
    return MINIMAL.replace(CITE.group(0), f"[@{SOURCE}, {locator}]")


def with_section_extra(yaml_block: str) -> str:
    """MINIMAL with ``yaml_block`` (keys of the first section, indented 4) before its end."""
    return MINIMAL.replace("recommendations:", yaml_block + "recommendations:", 1)


def line_of(text: str, fragment: str) -> int:
    return text.count("\n", 0, text.index(fragment)) + 1


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    line: int
    key: str
    says: tuple[str, ...]
    args: tuple[str, ...] = ()


TABLE = """\
    tables:
      - caption: "Who counts"
        columns: [Count, Source]
        rows:
          - ["13 to 2", "MINUSMA [@no-such-source]"]
"""
NEGATIVE_PART = """\
    charts:
      - kind: part-of-whole
        caption: "Soldiers and police"
        alt: "A bar in two parts"
        categories: [Soldiers, Police]
        series: [{name: MINUSMA, values: [13, -2]}]
"""
TOO_MANY_PARTS = """\
    charts:
      - kind: part-of-whole
        caption: "Many parts"
        alt: "A bar in many parts"
        categories: [A, B, C, D, E, F, G, H, I, J, K, L]
        series: [{name: All, values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}]
"""


def _cases() -> list[Case]:
    label = re.match(r"[^\W\d]+\.?", LOCATOR)
    assert label is not None, "MINIMAL's locator has a label"
    misspelt = label.group(0).rstrip(".") + "grph"
    styled = MINIMAL.replace("date:", "citation_style: chicago-notes\ndate:", 1)
    templated = MINIMAL.replace("date:", "template: defalt\ndate:", 1)
    table, negative, many = (with_section_extra(b) for b in (TABLE, NEGATIVE_PART, TOO_MANY_PARTS))
    return [
        Case("misspelt label", with_locator(f"{misspelt} 1"), BODY_LINE, "sections[0].body",
             (f"unknown label '{misspelt}'", "did you mean")),
        Case("paragraph past the end", with_locator(f"para {PARAGRAPHS + 1}"), BODY_LINE,
             "sections[0].body", (f"source '{SOURCE}' has {PARAGRAPHS} paragraphs; "
                                  f"paragraph {PARAGRAPHS + 1} is past its end",)),
        Case("paragraph 0", with_locator("para 0"), BODY_LINE, "sections[0].body",
             ("paragraphs are numbered from 1",)),
        Case("a page of a source without pages", with_locator("p. 3"), BODY_LINE,
             "sections[0].body", (f"source '{SOURCE}' has no pages",)),
        Case("a bare number is a page", with_locator("3"), BODY_LINE, "sections[0].body",
             ("has no pages", "a number without a label is a page")),
        Case("label without a number", with_locator("para"), BODY_LINE, "sections[0].body",
             ("has no value after its label",)),
        Case("unknown style in the spec", styled, line_of(styled, "citation_style"),
             "citation_style", ("expected one of: chicago-note-bibliography",
                                "received the text 'chicago-notes'", "did you mean")),
        Case("unknown template in the spec", templated, line_of(templated, "template:"),
             "template", ("unknown template 'defalt'", "did you mean 'default'?")),
        Case("unknown source in a table cell", table, line_of(table, "[@no-such-source]"),
             "sections[0].tables[0].rows[0][1]", ("citation [@no-such-source]: unknown source",)),
        Case("negative part of a whole", negative, line_of(negative, "values: [13, -2]"),
             "sections[0].charts[0].series[0].values[1]", ("cannot be negative",)),
        Case("more parts than colours", many, line_of(many, "- kind: part-of-whole"),
             "sections[0].charts[0]", ("12 parts", "distinct colours")),
    ]


CASES = _cases()


def run_check(project: Project, name: str, text: str, *args: str,
              capsys: pytest.CaptureFixture[str]) -> tuple[str, int, str]:
    """`briefgen check` in this process (``python -m briefgen`` runs the same ``main``)."""
    spec = project.spec(name.replace(" ", "-"), text)
    capsys.readouterr()
    code = main(["check", str(spec), *args])
    return str(spec), code, capsys.readouterr().err


def located_lines(stderr: str, spec: str, case: Case) -> list[str]:
    return [ln.strip() for ln in stderr.splitlines()
            if ln.strip().startswith(f"{spec}:{case.line} {case.key}: ")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_refuses_at_file_line_key(project: Project, case: Case,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    spec, code, stderr = run_check(project, case.name, case.text, *case.args, capsys=capsys)
    assert code == 1, stderr
    located = located_lines(stderr, spec, case)
    assert located, stderr
    for text in case.says:
        assert any(text in ln for ln in located), (text, stderr)


def test_python_m_briefgen_check_reports_every_case(project: Project) -> None:
    specs = [str(project.spec(c.name.replace(" ", "-"), c.text)) for c in CASES]
    result = subprocess.run([sys.executable, "-m", "briefgen", "check", *specs],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for spec, case in zip(specs, CASES):
        assert located_lines(result.stderr, spec, case), (case.name, result.stderr)


def test_check_refuses_an_unknown_style_override(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    _spec, code, stderr = run_check(project, "style override", MINIMAL, "--style", "apx",
                                    capsys=capsys)
    assert code == 1
    assert "--style 'apx': unknown citation style" in stderr and "did you mean 'apa'?" in stderr


def test_the_unedited_spec_checks(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    # The cases above differ from this spec in one place each: that place is the problem.
    _spec, code, stderr = run_check(project, "unedited", MINIMAL, "--style", "apa", capsys=capsys)
    assert code == 0, stderr


def test_a_range_up_to_the_last_paragraph_checks(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    _spec, code, stderr = run_check(project, "in range", with_locator(f"paras 1-{PARAGRAPHS}"),
                                    capsys=capsys)
    assert code == 0, stderr


# ---------------------------------------------------------------- warnings

WARNINGS = ROOTS / "warnings" / "briefs"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_warnings_are_printed_and_do_not_fail_a_check() -> None:
    result = run("check", str(WARNINGS / "unsourced.yaml"))
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr
    assert ": ok (" in result.stdout


def test_fail_on_warning_fails_the_specs_that_warn_and_passes_the_others() -> None:
    warned = run("check", str(WARNINGS / "disagree.yaml"))
    refused = run("check", "--fail-on-warning", str(WARNINGS / "disagree.yaml"),
                  str(WARNINGS / "clean.yaml"))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "--fail-on-warning" in refused.stderr
    for warning in warned.stderr.splitlines():
        assert warning in refused.stderr
    # The clean spec still checks; the one that warned is not reported ok.
    assert [line.split(":")[0] for line in refused.stdout.splitlines()] == [
        str(WARNINGS / "clean.yaml")]
    assert run("check", "--fail-on-warning", str(WARNINGS / "clean.yaml")).returncode == 0


# ---------------------------------------------------------------- writing warnings

KEY_JUDGEMENTS = ROOTS / "key-judgements"


def test_writing_warnings_at_their_lines_and_refused_with_fail_on_warning() -> None:
    warned = KEY_JUDGEMENTS / "warned.yaml"
    result = run("check", str(warned))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    where = [re.match(r"warning: \S+?:(\d+) (\S+):", line).groups() for line in lines]
    assert sorted(where, key=lambda w: int(w[0])) == [
        ("8", "summary"), ("8", "summary"), ("10", "key_judgements[0].judgement"),
        ("14", "key_judgements[1]")]
    assert any("states both a likelihood ('likely') and a confidence" in w for w in lines)
    assert any("'MPU' is used before it is spelled out (at line 20" in w for w in lines)
    refused = run("check", "--fail-on-warning", str(warned))
    assert refused.returncode == 1 and "4 warnings" in refused.stderr
    assert run("check", "--fail-on-warning",
               str(KEY_JUDGEMENTS / "brief.yaml")).returncode == 0


# --- page locators and broken sources, in a project of their own --------------------------------


def _paged(tmp_path: Path, spec_text: str | None = None) -> Path:
    from tests.corpus.paged import write_paged_briefs, write_paged_project

    write_paged_project(tmp_path)
    paged, _plain = write_paged_briefs(tmp_path)
    if spec_text is not None:
        paged.write_text(spec_text, encoding="utf-8")
    return paged


def test_page_locators_that_fit_check(tmp_path: Path) -> None:
    spec = _paged(tmp_path)
    result = run("check", str(spec))
    assert result.returncode == 0, result.stderr


def test_check_refuses_a_page_the_source_does_not_have_at_its_line(tmp_path: Path) -> None:
    from tests.corpus.paged import SPEC

    text = SPEC.replace("[@mission-report, p. 2]", "[@mission-report, p. 9]")
    spec = _paged(tmp_path, text)
    result = run("check", str(spec))
    assert result.returncode == 1
    line = line_of(text, "p. 9]")
    assert (f"{spec}:{line} sections[0].body: citation [@mission-report, p. 9]: source "
            "'mission-report' has no page '9'; its pages are printed i, ii, 1, 2, 3"
            ) in result.stderr


def test_check_refuses_a_page_the_quotation_is_not_on_at_its_line(tmp_path: Path) -> None:
    from tests.corpus.paged import SPEC

    text = SPEC.replace("[@mission-report, p. 2]", "[@mission-report, p. 3]")
    spec = _paged(tmp_path, text)
    result = run("check", str(spec))
    assert result.returncode == 1
    line = line_of(text, "p. 3]")
    assert (f"{spec}:{line} sections[0].body: citation [@mission-report, p. 3]: the quotation "
            "is on p. 2 of its source, not p. 3; cite it as p. 2") in result.stderr
    assert "cited at a page it is not on" in result.stderr
    # A quotation across a page break must be cited with both pages.
    text = SPEC.replace("pp. 1–2]", "p. 1]")
    spec.write_text(text, encoding="utf-8")
    result = run("check", str(spec))
    assert result.returncode == 1
    assert "the quotation is on pp. 1\u20132 of its source, not p. 1" in result.stderr


def test_a_broken_source_fails_only_the_brief_that_cites_it(tmp_path: Path) -> None:
    paged = _paged(tmp_path)
    plain = tmp_path / "briefs" / "plain.yaml"
    (tmp_path / "seeds" / "report.pdf.text.txt").unlink()
    catalog = tmp_path / "seeds" / "sources.yaml"
    text_line = line_of(catalog.read_text(encoding="utf-8"), "text: report.pdf.text.txt")
    assert run("check", str(plain)).returncode == 0
    result = run("check", str(paged))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # Where the brief cites it, and why it cannot be read, where the catalog says so.
    from tests.corpus.paged import SPEC

    assert f"{paged}:{line_of(SPEC, 'pp. 1–2]')} summary: citation [@mission-report]" \
        in result.stderr
    assert (f"{catalog}:{text_line} sources[1].text: stored text not found") in result.stderr
