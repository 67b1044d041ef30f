"""Cross-reference targets and what check refuses: each at its line, with a suggestion.

The fixture (tests/roots/cross-references) has two charts, a table and three
recommendations, referred to from every kind of field. The cases below each edit one
reference or id of it in a copy and run `briefgen check` as a user does; the expected line is
found in the edited spec text, never written down.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from briefgen.cli import main
from briefgen.crossrefs import block_anchor, check_cross_references, targets
from briefgen.spec.loader import load_spec
from tests.conftest import ROOTS

ROOT = ROOTS / "cross-references"
SPEC = (ROOT / "brief.yaml").read_text(encoding="utf-8")


def test_targets_are_numbered_as_the_brief_numbers_them() -> None:
    spec, _ = load_spec(ROOT / "brief.yaml")
    numbered = {(t.kind, t.id): t.number for t in targets(spec)}
    assert numbered == {
        ("figure", "meal-schools"): 1, ("figure", "attendance"): 2,
        ("table", "deliveries"): 1,
        ("recommendation", ""): 1, ("recommendation", "local-grain"): 2,
        ("recommendation", "stock"): 3,
    }


def test_an_anchor_comes_from_the_id_else_the_number() -> None:
    assert block_anchor("figure", "attendance", 2) == "fig-attendance"
    assert block_anchor("table", "", 4) == "tab-4"
    assert block_anchor("recommendation", "", 1) == "rec-1"


def test_the_fixture_has_no_problem() -> None:
    spec, located = load_spec(ROOT / "brief.yaml")
    assert check_cross_references(spec, located) == []


def check_edited(tmp_path: Path, old: str, new: str,
                 capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`briefgen check` on a copy of the fixture with ``old`` replaced by ``new`` once:
    exit status, stderr, and the edited spec's path."""
    assert SPEC.count(old) >= 1, old
    folder = tmp_path / "project"
    shutil.copytree(ROOT, folder)
    spec = folder / "brief.yaml"
    spec.write_text(SPEC.replace(old, new, 1), encoding="utf-8")
    capsys.readouterr()
    code = main(["check", str(spec)])
    return code, capsys.readouterr().err, str(spec)


def line_of(old: str) -> int:
    """The line the first ``old`` starts on in the fixture (an edit keeps it there)."""
    return SPEC.count("\n", 0, SPEC.index(old)) + 1


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    # A misspelt id: the closest reference is suggested.
    ("as [@fig:attendance] shows", "as [@fig:atendance] shows", "summary",
     "cross-reference [@fig:atendance]: no figure has the id 'atendance' (the figure ids are "
     "'meal-schools', 'attendance'); did you mean 'fig:attendance'?"),
    # The right id with the wrong kind: the reference of the kind that has it.
    ("would cover the failures of [@tbl:deliveries]", "would cover the failures of "
     "[@fig:deliveries]", "key_points[1]",
     "no figure has the id 'deliveries' (the figure ids are 'meal-schools', 'attendance'); "
     "did you mean 'tbl:deliveries'?"),
    ('"[@rec:local-grain]"]', '"[@rec:local-grains]"]', "sections[1].tables[0].rows[1][2]",
     "did you mean 'rec:local-grain'?"),
    ("(see also [@tbl:deliveries])", "(see also [@tbl:delivery])",
     "sections[0].charts[0].caption", "did you mean 'tbl:deliveries'?"),
    ("see [@rec:stock].", "see [@rec:stock, para 2].", "sections[1].body",
     "cross-reference [@rec:stock]: a recommendation has no places to cite"),
    ("see [@rec:stock].", "see [@rec:stock; @meals-review-2023].", "sections[1].body",
     "a cross-reference and a citation in one pair of brackets"),
    ("see [@rec:stock].", "see [-@rec:stock].", "sections[1].body",
     "the number alone is not supported"),
])
def test_check_refuses_a_reference_at_its_line_and_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        old: str, new: str, key: str, message: str) -> None:
    code, stderr, spec = check_edited(tmp_path, old, new, capsys)
    assert code == 1
    assert "Traceback" not in stderr
    located = [ln.strip() for ln in stderr.splitlines()
               if re.match(re.escape(spec) + r":\d", ln.strip())]
    assert len(located) == 1, stderr
    assert located[0].startswith(f"{spec}:{line_of(old)} {key}: ")
    assert message in located[0]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  - id: stock\n", "  - id: local-grain\n",
     "recommendation id 'local-grain' is used twice (first at recommendations[1])"),
    ("      - id: attendance\n", "      - id: meal-schools\n",
     "chart id 'meal-schools' is used twice (first at sections[0].charts[0])"),
    ("      - id: deliveries\n", "      - id: 2nd-table\n",
     "expected a letter, then letters, digits and - _ . /"),
])
def test_check_refuses_an_id_no_reference_can_name_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        old: str, new: str, message: str) -> None:
    code, stderr, spec = check_edited(tmp_path, old, new, capsys)
    assert code == 1
    line = line_of(old)
    [id_problem] = [ln.strip() for ln in stderr.splitlines() if message in ln]
    assert id_problem.startswith(f"{spec}:{line} ") and ".id: " in id_problem


def test_an_id_used_by_a_chart_and_a_table_is_no_conflict(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # [@fig:x] and [@tbl:x] say which they mean.
    code, stderr, _ = check_edited(tmp_path, "      - id: deliveries\n",
                                   "      - id: attendance\n", capsys)
    assert "used twice" not in stderr
    assert "did you mean 'fig:attendance'?" not in stderr
    assert code == 1  # the fixture's [@tbl:deliveries] now names nothing
    assert "no table has the id 'deliveries' (the table ids are 'attendance')" in stderr
