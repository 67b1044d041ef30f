"""`briefgen sources ID`: one source's catalog entry and its paragraphs, numbered as locators
count them, through the real CLI; the other `sources` subcommands keep working."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.corpus.catalog import SourceCatalog
from tests.conftest import REPO, ROOTS, SEEDS

CATALOG = SEEDS / "sources.yaml"
PARAGRAPH = re.compile(r"^para (\d+)  (.*)$")


def briefgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def printed_paragraphs(stdout: str) -> list[tuple[int, str]]:
    return [(int(m.group(1)), m.group(2)) for m in map(PARAGRAPH.match, stdout.splitlines()) if m]


@pytest.mark.parametrize("source_id", SourceCatalog.load(CATALOG).ids())
def test_sources_id_prints_the_entry_and_every_paragraph_as_quotes_see_it(source_id: str) -> None:
    catalog = SourceCatalog.load(CATALOG)
    result = briefgen("sources", source_id, "--catalog", str(CATALOG))
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    record = catalog.get(source_id)
    assert first.startswith(f"[@{source_id}] ") and record.title in first
    # The repaired, furniture-free paragraphs, numbered as [@id, para N] counts them.
    expected = [(p.number, p.text) for p in catalog.text(source_id).paragraphs]
    assert expected and printed_paragraphs(result.stdout) == expected
    assert f"{len(expected)} paragraph" in first


def test_show_is_the_same_as_the_bare_id() -> None:
    source_id = SourceCatalog.load(CATALOG).ids()[-1]
    bare = briefgen("sources", source_id)
    shown = briefgen("sources", "show", source_id)
    assert bare.returncode == shown.returncode == 0
    assert bare.stdout == shown.stdout


def test_an_unknown_id_suggests_the_closest_and_exits_1() -> None:
    known = SourceCatalog.load(CATALOG).ids()[0]
    typo = known[:-1]
    result = briefgen("sources", typo)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"no source {typo!r}" in result.stderr
    assert f"did you mean {known!r}" in result.stderr
    assert result.stdout == ""


def test_a_source_without_text_prints_its_entry_and_says_so(tmp_path: Path) -> None:
    shutil.copytree(ROOTS / "warnings" / "seeds", tmp_path / "seeds")
    catalog_path = tmp_path / "seeds" / "sources.yaml"
    text = catalog_path.read_text(encoding="utf-8")
    catalog_path.write_text(text.replace("file: higher.txt", 'file: ""'), encoding="utf-8")
    result = briefgen("sources", "--catalog", str(catalog_path), "higher-estimate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("[@higher-estimate] ") and "no text" in result.stdout
    assert printed_paragraphs(result.stdout) == []
    assert "not quoted" in result.stderr


def test_the_table_and_import_still_work(tmp_path: Path) -> None:
    listed = briefgen("sources")
    assert listed.returncode == 0, listed.stderr
    assert all(sid in listed.stdout for sid in SourceCatalog.load(CATALOG).ids())
    export = tmp_path / "export.json"
    export.write_text('[{"id": "new-one", "type": "report", "title": "A new report"}]',
                      encoding="utf-8")
    shutil.copytree(ROOTS / "warnings" / "seeds", tmp_path / "seeds")
    catalog_path = tmp_path / "seeds" / "sources.yaml"
    imported = briefgen("sources", "import", str(export), "--catalog", str(catalog_path),
                        "--dry-run")
    assert imported.returncode == 0, imported.stderr
    assert "would add 1 source" in imported.stdout
