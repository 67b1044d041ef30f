"""`briefgen build`: a batch prints every warning a single build prints, each naming its spec;
``--fail-on-warning`` turns any warning into exit 1 with nothing written for that spec."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, ROOTS

WARNINGS = ROOTS / "warnings" / "briefs"  # disagree.yaml and unsourced.yaml warn; clean.yaml not
WARNING_SPECS = ("disagree.yaml", "unsourced.yaml")


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    # Wide enough that the closing table does not wrap its cells.
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def shown(spec: Path) -> str:
    """The spec as briefgen names it when run from the repository."""
    return str(spec.relative_to(REPO))


def test_a_batch_prints_the_warnings_of_single_builds_each_naming_its_spec(
        tmp_path: Path) -> None:
    specs = sorted(WARNINGS.glob("*.yaml"))
    alone: dict[str, set[str]] = {}
    for spec in specs:
        single = run("build", shown(spec), "-o", str(tmp_path / "single"))
        assert single.returncode == 0, single.stderr
        alone[shown(spec)] = set(single.stderr.splitlines())  # a single build: only warnings
    assert all(alone[shown(WARNINGS / name)] for name in WARNING_SPECS)
    assert alone[shown(WARNINGS / "clean.yaml")] == set()

    batch = run("build", shown(WARNINGS), "-j", "2", "-o", str(tmp_path / "batch"))
    assert batch.returncode == 0, batch.stderr
    assert "Traceback" not in batch.stderr
    for spec, expected in alone.items():
        lines = [line for line in batch.stderr.splitlines() if line.startswith(f"{spec}:")]
        # Lines that do not start with the spec's own path get "<spec>: " before them.
        assert {line.removeprefix(f"{spec}: ") for line in lines} == expected
        assert len(lines) == len(expected)
    assert "built, 2 warnings" in batch.stderr  # the closing table counts them


def test_fail_on_warning_stops_a_warning_spec_and_writes_nothing_for_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", shown(WARNINGS / "disagree.yaml"), "-o", str(out), "--fail-on-warning")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "--fail-on-warning" in result.stderr
    without = run("build", shown(WARNINGS / "disagree.yaml"), "-o", str(tmp_path / "without"))
    for warning in without.stderr.splitlines():  # the refusal lists every warning
        assert warning in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_fail_on_warning_in_a_batch_builds_the_specs_that_do_not_warn(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", shown(WARNINGS), "-j", "2", "-o", str(out), "--fail-on-warning")
    assert result.returncode == 1
    assert "1 built, 2 failed" in result.stderr
    written = list(out.iterdir())
    assert written and all("-clean." in p.name for p in written)


def test_fail_on_warning_counts_typst_warnings_known_only_after_compiling(
        tmp_path: Path) -> None:
    template = tmp_path / "template"
    shutil.copytree(REPO / "templates" / "default", template)
    typ = template / "brief.typ"
    text = typ.read_text(encoding="utf-8")
    assert "#let serif = (" in text
    typ.write_text(text.replace("#let serif = (", '#let serif = ("No Such Family Here", ', 1),
                   encoding="utf-8")
    clean = shown(WARNINGS / "clean.yaml")
    warned = run("build", clean, "--template", str(template), "-o", str(tmp_path / "a"))
    assert warned.returncode == 0, warned.stderr
    assert "no such family here" in warned.stderr.lower()  # Typst's own warning
    out = tmp_path / "b"
    refused = run("build", clean, "--template", str(template), "-o", str(out),
                  "--fail-on-warning")
    assert refused.returncode == 1
    assert "no such family here" in refused.stderr.lower()
    assert list(out.iterdir()) == []  # the PDF compiled, but was never put in place


@pytest.mark.parametrize("command", ["build", "check"])
def test_fail_on_warning_is_in_the_help(command: str) -> None:
    result = run(command, "--help")
    assert "--fail-on-warning" in result.stdout


# --- paginated sources and broken ones, in a project of their own -------------------------------


def test_a_paginated_source_is_cited_by_page_in_notes_and_evidence(tmp_path: Path) -> None:
    import json

    import docx
    from pypdf import PdfReader

    from tests.corpus.paged import write_paged_briefs, write_paged_project

    write_paged_project(tmp_path)
    paged, _plain = write_paged_briefs(tmp_path)
    out = tmp_path / "out"
    result = run("build", str(paged), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [pdf] = out.glob("*.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    # Chicago: the page number alone, an en dash across a break; "para." for the text source.
    assert "(Institute for Sahel Studies, 2023), 1\u20132." in text
    assert "Ibid., 2." in text and "Keita, Annual Report, 3." in text
    assert "“A Plain Source,” The Site, para. 1." in text
    [word] = out.glob("*.docx")
    document = docx.Document(str(word))
    # python-docx has no API for footnotes: read their part's XML as Word stores it.
    xml = b"".join(part.blob for part in document.part.package.parts
                   if part.partname.endswith("footnotes.xml")).decode("utf-8")
    assert "2023), 1\u20132." in xml and "Ibid., 2." in xml
    [manifest] = out.glob("*.evidence.json")
    record = json.loads(manifest.read_text(encoding="utf-8"))
    pages = {q["passage"]: q.get("pages") for q in record["quotes"]}
    assert pages["a review of the mandate before the end of the year"] == ["1", "2"]
    assert pages["Page three speaks of police numbers."] == ["3"]
    assert record["sources"]["mission-report"]["text"] == "report.pdf.text.txt"
    # APA: "p." and "pp."
    apa = run("build", str(paged), "-o", str(tmp_path / "apa"), "--style", "apa",
              "--format", "pdf", cwd=tmp_path)
    assert apa.returncode == 0, apa.stderr
    [pdf] = (tmp_path / "apa").glob("*.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "(Keita, 2023, pp. 1\u20132)" in text and "(Keita, 2023, p. 2)" in text


def test_a_broken_source_fails_only_the_briefs_that_cite_it(tmp_path: Path) -> None:
    from tests.corpus.paged import write_paged_briefs, write_paged_project

    write_paged_project(tmp_path)
    paged, plain = write_paged_briefs(tmp_path)
    (tmp_path / "seeds" / "report.pdf").write_bytes(b"a different original")
    out = tmp_path / "out"
    result = run("build", str(tmp_path / "briefs"), "-j", "1", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "1 built, 1 failed" in result.stderr
    built = sorted(p.name for p in out.iterdir())
    assert built and all("plain" in name for name in built)
    assert "sources[1].sha256: the original" in result.stderr
