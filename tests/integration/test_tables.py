"""Tables end to end: cells that cite their sources, rows that name their own excerpts.

The fixture (tests/roots/table-rows) has its own small corpus whose ids carry years, cited
with paragraph numbers inside table cells. Its first table names its excerpts once; its
second has rows from two sources, each naming its own excerpt, and plain rows that fall back
to the table's. Built through the command line, read back with python-docx and pdftotext.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from briefgen.errors import SourceError
from briefgen.evidence import manifest
from briefgen.pipeline import Checked, check
from tests.conftest import REPO, ROOTS

ROOT = ROOTS / "table-rows"
# What a reader sees in each body row: the words of the cells, without the citations (a note
# mark in DOCX and PDF) and without link targets.
SURVEY_ROWS = [["Inspected", "412", "Survey"], ["Not working", "137", "Survey"]]
SINCE_ROWS = [["Schemes repaired since 2020", "96", "Audit"],
              ["Water points inspected", "412", "The survey"],
              ["New boreholes", "58", "Audit"],
              ["Boreholes dry within a year", "11", "Audit"]]


@pytest.fixture(scope="module")
def checked() -> Checked:
    return check(ROOT / "brief.yaml")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("table-rows")
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(ROOT / "brief.yaml"), "-o", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "warning" not in result.stderr
    return out


def output(folder: Path, suffix: str) -> Path:
    [found] = folder.glob(f"*{suffix}")
    return found


def test_citations_in_cells_are_not_traced_as_figures(checked: Checked) -> None:
    evidence = checked.evidence
    assert evidence.warnings == () and evidence.unsourced == ()
    assert sorted(d.value for d in evidence.data) == [11, 58, 96, 137, 412, 412, 2020]
    assert not any(d.key.endswith("[2]") for d in evidence.data)  # the Source column


def test_each_row_is_traced_to_its_own_excerpt_in_the_record(checked: Checked) -> None:
    record = manifest(checked.spec, checked.evidence, checked.catalog)
    by_key = {d["key"]: (d["excerpt"], d["source"]) for d in record["data"]}
    since = "sections[0].tables[1].rows"
    assert by_key[f"{since}[0].cells[0]"] == ("repaired", "repair-audit-2022")  # "since 2020"
    assert by_key[f"{since}[0].cells[1]"] == ("repaired", "repair-audit-2022")
    assert by_key[f"{since}[1].cells[1]"] == ("inspected", "water-survey-2019")
    assert by_key[f"{since}[2][1]"] == ("boreholes", "repair-audit-2022")  # the table's
    assert by_key[f"{since}[3][1]"] == ("boreholes", "repair-audit-2022")


def test_a_number_from_another_rows_excerpt_is_reported_at_its_row() -> None:
    spec = ROOT / "misattributed.yaml"
    with pytest.raises(SourceError) as err:
        check(spec)
    [problem] = err.value.problems
    lines = spec.read_text(encoding="utf-8").splitlines()
    row = next(n for n, line in enumerate(lines, start=1) if "excerpts: [repaired]" in line)
    assert (problem.line, problem.key) == (row, "sections[0].tables[0].rows[1].cells[1]")
    assert problem.message.startswith("the number '137' is not in its excerpt 'repaired'")


def test_both_row_forms_read_back_from_the_docx(built: Path) -> None:
    doc = open_docx(str(output(built, ".docx")))
    survey, since = doc.tables[:2]
    assert [[c.text for c in r.cells] for r in survey.rows[1:]] == SURVEY_ROWS
    assert [[c.text for c in r.cells] for r in since.rows[1:]] == SINCE_ROWS
    # A cited figure is still a figure: its column is set right, like the others.
    assert {r.cells[1].paragraphs[0].alignment for r in survey.rows[1:]} == \
        {WD_ALIGN_PARAGRAPH.RIGHT}
    source_lines = [p.text for p in doc.paragraphs if p.style.name == "Source Line"]
    assert len(source_lines) == 2
    assert "Orlova" in source_lines[1] and "Kesra District Water Point Survey" in source_lines[1]


def test_the_annex_gives_each_number_the_paragraph_of_its_rows_excerpt(
    built: Path, checked: Checked
) -> None:
    doc = open_docx(str(output(built, ".docx")))
    annex = doc.tables[-1]
    numbers = [[c.text for c in r.cells] for r in annex.rows if "(number, in" in r.cells[0].text]
    for datum, row in zip(checked.evidence.data, numbers, strict=True):
        excerpt = next(e for e in checked.spec.excerpts() if e.id == datum.excerpt)
        assert row[0].startswith(f"{datum.written} (number, in “{excerpt.quote[:30]}")
        assert row[2] == str(datum.quote.match.paragraph)


def test_both_row_forms_read_back_from_the_pdf(built: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(output(built, ".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    position = 0
    for cells in SURVEY_ROWS + SINCE_ROWS:
        # A cell may end in a note mark, which pdftotext prints as digits after the words.
        row = re.compile(r"[^\S\n]+".join(re.escape(c) + r"\d*" for c in cells))
        match = row.search(text, position)
        assert match, cells
        position = match.end()
    assert "[@" not in text and "example.org" not in text
