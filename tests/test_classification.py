"""Classification schemes as data and a spec's markings: checked at their lines, decided once.

Specs are the portion-marks fixture copied to a temporary folder and edited as an analyst
would, then checked through the command line, as `briefgen check` reports to users.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.classification import SHIPPED_SCHEMES, load_schemes, read_scheme, scheme_folders
from briefgen.errors import TemplateError
from briefgen.pipeline import check
from tests.conftest import REPO, ROOTS

FIXTURE = ROOTS / "portion-marks"


def copy_fixture(tmp_path: Path, edit: dict[str, str] | None = None) -> Path:
    """The fixture in ``tmp_path``, with each key of ``edit`` in brief.yaml replaced once."""
    root = tmp_path / "desk"
    shutil.copytree(FIXTURE, root)
    spec = root / "brief.yaml"
    text = spec.read_text(encoding="utf-8")
    for old, new in (edit or {}).items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    spec.write_text(text, encoding="utf-8")
    return spec


def run_check(spec: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", "check", str(spec)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def line_of(spec: Path, text: str) -> int:
    """The 1-based line of the first line of ``spec`` that holds ``text``."""
    lines = spec.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


# ---------------------------------------------------------------- schemes


def test_shipped_schemes_are_data_with_order_marks_and_banners() -> None:
    schemes = load_schemes(scheme_folders(None))
    assert {"us-cui", "uk-gsc", "nato"} <= set(schemes)
    assert [(lv.mark, lv.banner) for lv in schemes["us-cui"].levels][:2] == [
        ("U", "UNCLASSIFIED"), ("CUI", "CUI")]
    assert schemes["uk-gsc"].marks == ("O", "OS", "S", "TS")
    assert schemes["uk-gsc"].level("OS").banner == "OFFICIAL-SENSITIVE"
    assert schemes["nato"].highest(["NU", "NR", "NU"]).banner == "NATO RESTRICTED"
    # Each shipped scheme is a file of its own in the package's data folder.
    assert sorted(p.stem for p in SHIPPED_SCHEMES.glob("*.yaml")) == sorted(
        name for name, s in schemes.items() if Path(s.file).parent == SHIPPED_SCHEMES)


def test_a_project_scheme_comes_before_the_shipped_ones(tmp_path: Path) -> None:
    folder = tmp_path / "classification"
    folder.mkdir()
    (folder / "nato.yaml").write_text(
        "name: Our NATO\nlevels:\n  - {mark: NU, banner: NATO UNCLASSIFIED}\n", encoding="utf-8")
    schemes = load_schemes(scheme_folders(tmp_path))
    assert schemes["nato"].marks == ("NU",)
    assert "us-cui" in schemes


def test_a_scheme_file_with_problems_is_refused_at_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text("name: Desk\nlevels:\n  - {mark: A, banner: ALPHA}\n"
                    "  - {mark: A, banner: AGAIN}\n  - {mark: '(B)', banner: BRAVO}\n"
                    "  - {mark: C}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        read_scheme(path, tmp_path)
    shown = [(p.line, p.key, p.message) for p in error.value.problems]
    assert (6, "levels[3]", "missing required key 'banner'") in shown
    with pytest.raises(TemplateError) as error:
        path.write_text("name: Desk\nlevels:\n  - {mark: A, banner: ALPHA}\n"
                        "  - {mark: A, banner: AGAIN}\n  - {mark: '(B)', banner: BRAVO}\n",
                        encoding="utf-8")
        read_scheme(path, tmp_path)
    shown = [(p.line, p.key) for p in error.value.problems]
    assert shown == [(4, "levels[1].mark"), (5, "levels[2].mark")]
    assert "given twice" in error.value.problems[0].message


def test_a_scheme_file_outside_its_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "classification"
    folder.mkdir()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("name: X\nlevels:\n  - {mark: A, banner: A}\n", encoding="utf-8")
    (folder / "x.yaml").symlink_to(outside)
    with pytest.raises(TemplateError, match="refused"):
        load_schemes([folder])


# ---------------------------------------------------------------- a spec's markings


def test_the_fixture_checks_with_every_portion_marked() -> None:
    marks = check(FIXTURE / "brief.yaml").marks
    assert marks is not None and marks.scheme.name == "us-cui"
    assert marks.summary == "U"
    assert marks.by_key["sections[1]"] == "CUI"
    assert marks.by_key["sections[1].excerpts[0]"] == "U"  # its own, lower than its section's
    assert marks.by_key["sections[1].excerpts[1]"] == "CUI"  # its section's
    assert marks.by_key["sections[0].charts[0]"] == "U"  # the default
    assert marks.banner == "CUI"


def test_the_banner_is_the_highest_marking_present(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {"    marking: CUI\n    body:": "    body:",
                                   "    evidence: [faults]\n    marking: CUI\n":
                                   "    evidence: [faults]\n"})
    marks = check(spec).marks
    assert marks is not None and set(marks.by_key.values()) == {"U"}
    assert marks.banner == "UNCLASSIFIED"


def test_an_unmarked_portion_without_a_default_is_named_at_its_line(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {"  default: U\n": "  summary: U\n"})
    result = run_check(spec)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    section = line_of(spec, 'heading: "What the cancellations cost"')
    recommendation = line_of(spec, 'title: "Publish the winter timetable early"')
    assert f"brief.yaml:{section} sections[0]: this section has no marking" in result.stderr
    assert (f"brief.yaml:{recommendation} recommendations[1]: this recommendation has no "
            "marking") in result.stderr
    # The marked section, and the excerpts, chart and table that take their section's
    # marking, are not named.
    assert "sections[1]:" not in result.stderr
    assert "sections[0].charts" not in result.stderr
    assert result.stderr.count("has no marking") == 2


def test_an_unmarked_summary_is_named(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {"  default: U\n": ""})
    result = run_check(spec)
    assert result.returncode == 1
    assert f"brief.yaml:{line_of(spec, 'summary: |')} summary: the summary and key points " \
           "have no marking" in result.stderr


def test_a_marking_not_in_the_scheme_is_refused(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {"        marking: U\n": "        marking: OS\n"})
    result = run_check(spec)
    assert result.returncode == 1
    line = line_of(spec, "marking: OS")
    assert (f"brief.yaml:{line} sections[1].excerpts[0].marking: expected one of: U, CUI, C, S, "
            "TS (the marks of us-cui) but received the text 'OS'") in result.stderr
    assert "expected one of" in result.stderr.lower()


def test_an_unknown_scheme_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {"scheme: us-cui": "scheme: uk-gcs"})
    result = run_check(spec)
    assert result.returncode == 1
    assert "classification.scheme: expected one of: nato, uk-gsc, us-cui" in result.stderr
    assert "did you mean 'uk-gsc'?" in result.stderr


def test_a_marking_without_a_classification_is_refused(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {"classification:\n  scheme: us-cui\n  default: U\n": ""})
    result = run_check(spec)
    assert result.returncode == 1
    line = line_of(spec, "    marking: CUI")
    assert (f"brief.yaml:{line} sections[1].marking: a portion marking needs the brief's "
            "scheme") in result.stderr


def test_a_page_marking_beside_a_classification_is_refused(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {'organisation: "Lakes Policy Unit"\n':
                                   'organisation: "Lakes Policy Unit"\nmarking: "LIMITED"\n'})
    result = run_check(spec)
    assert result.returncode == 1
    line = line_of(spec, 'marking: "LIMITED"')
    assert f"brief.yaml:{line} marking: a brief with classification:" in result.stderr


def test_a_scheme_from_a_new_data_file_marks_a_brief(tmp_path: Path) -> None:
    # A desk's own scheme, in classification/ at its project's root: no code changes.
    spec = copy_fixture(tmp_path, {"scheme: us-cui\n  default: U": "scheme: desk-levels\n"
                                   "  default: OPEN", "    marking: CUI\n    body:":
                                   "    marking: HELD\n    body:",
                                   "        marking: U\n": "        marking: OPEN\n",
                                   "    evidence: [faults]\n    marking: CUI\n":
                                   "    evidence: [faults]\n    marking: CLOSE HOLD\n"})
    folder = spec.parent / "classification"
    folder.mkdir()
    (folder / "desk-levels.yaml").write_text(
        "# A desk's own levels\nname: Desk handling levels\nlevels:\n"
        "  - {mark: OPEN, banner: OPEN}\n  - {mark: HELD, banner: HELD - DESK ONLY}\n"
        "  - {mark: CLOSE HOLD, banner: CLOSE HOLD}\n", encoding="utf-8")
    marks = check(spec).marks
    assert marks is not None
    assert marks.printed("sections[1]") == "(HELD)"
    assert marks.banner == "CLOSE HOLD"
    # And an unknown marking lists the new scheme's marks.
    text = spec.read_text(encoding="utf-8").replace("marking: HELD", "marking: CUI")
    spec.write_text(text, encoding="utf-8")
    result = run_check(spec)
    assert "expected one of: OPEN, HELD, CLOSE HOLD (the marks of desk-levels)" in result.stderr


def test_a_template_can_bring_its_own_scheme(tmp_path: Path) -> None:
    spec = copy_fixture(tmp_path, {"scheme: us-cui": "scheme: house"})
    template = spec.parent / "templates" / "house"
    shutil.copytree(REPO / "templates" / "default", template)
    (template / "classification").mkdir()
    (template / "classification" / "house.yaml").write_text(
        "name: House\nlevels:\n  - {mark: U, banner: UNCLASSIFIED}\n"
        "  - {mark: CUI, banner: CONTROLLED}\n", encoding="utf-8")
    text = spec.read_text(encoding="utf-8").replace("title:", "template: house\ntitle:", 1)
    spec.write_text(text, encoding="utf-8")
    marks = check(spec).marks
    assert marks is not None and marks.banner == "CONTROLLED"


def test_a_brief_without_classification_reads_no_scheme(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import briefgen.checking as checking

    def refuse(*_args: object) -> None:
        raise AssertionError("a scheme was read for a brief without marks")

    monkeypatch.setattr(checking, "load_schemes", refuse)
    assert check(ROOTS / "table-rows" / "brief.yaml").marks is None
