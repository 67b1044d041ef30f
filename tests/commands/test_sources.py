"""`briefgen sources ID`: one source's catalog entry and its paragraphs, numbered as locators
count them, through the real CLI; the other `sources` subcommands keep working."""

from __future__ import annotations

import hashlib
import json
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


# --- sources add -------------------------------------------------------------------------------

HEADER = "# A catalog people edit: this comment and the layout below must survive an add.\n"


def _project(tmp_path: Path) -> Path:
    """An empty-ish project catalog (one seed, comments, flow-style entry) in tmp/seeds."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "old.txt").write_text("Old\n\nAn old paragraph.\n", encoding="utf-8")
    catalog = seeds / "sources.yaml"
    catalog.write_text(HEADER + "sources:\n  # the first source\n"
                       "  - {id: old, file: old.txt, title: Old, type: webpage}\n",
                       encoding="utf-8")
    return catalog


def _outside(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_add_copies_the_original_in_and_appends_an_entry(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    before = catalog_path.read_text(encoding="utf-8")
    txt = _outside(tmp_path, "Field Notes (v2).txt",
                   "Field notes from Gao\n\nThe convoy left at dawn on the ninth.\n")
    md = _outside(tmp_path, "brief.md", "# A Note on Police\n\nFormed police units\nare short.\n")
    result = briefgen("sources", "add", str(txt), str(md), "--catalog", str(catalog_path))
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    assert ids == ["field-notes-gao", "note-police"]
    after = catalog_path.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended as text: comments and layout kept
    catalog = SourceCatalog.load(catalog_path)
    assert catalog.ids() == ["old", *ids]
    notes, note = catalog.get(ids[0]), catalog.get(ids[1])
    # Copied in unchanged, under a safe name, with its sha256.
    assert notes.file == "field-notes-v2.txt" and note.file == "brief.md"
    for record, given in ((notes, txt), (note, md)):
        copied = catalog_path.parent / record.file
        assert copied.read_bytes() == given.read_bytes()
        assert record.sha256 == hashlib.sha256(given.read_bytes()).hexdigest()
        assert (catalog_path.parent / record.text).is_file()
    assert (notes.title, note.title) == ("Field notes from Gao", "A Note on Police")
    assert [p.text for p in catalog.text(ids[1]).paragraphs] == ["Formed police units are short."]
    found = briefgen("find", "police units are short", "--catalog", str(catalog_path))
    assert found.returncode == 0, found.stderr
    assert f"[@{ids[1]}, para 1]" in found.stdout


def test_a_file_inside_the_folder_is_not_copied(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    inside = catalog_path.parent / "reports" / "gao.md"
    inside.parent.mkdir()
    inside.write_text("# Gao\n\nText.\n", encoding="utf-8")
    result = briefgen("sources", "add", str(inside), "--catalog", str(catalog_path))
    assert result.returncode == 0, result.stderr
    record = SourceCatalog.load(catalog_path).get(result.stdout.strip())
    assert (record.file, record.text) == ("reports/gao.md", "reports/gao.md.text.txt")
    assert sorted(p.name for p in inside.parent.iterdir()) == ["gao.md", "gao.md.text.txt"]


def test_several_files_are_all_or_nothing(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    before = _state(catalog_path.parent)
    good = _outside(tmp_path, "good.txt", "Good\n\nFine text.\n")
    bad = tmp_path / "downloads" / "bad.txt"
    bad.write_bytes(b"Bad\n\nCaf\xe9\n")
    result = briefgen("sources", "add", str(good), str(bad), "--catalog", str(catalog_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(bad) in result.stderr and "not UTF-8" in result.stderr
    assert "line 3" in result.stderr and "nothing was added" in result.stderr
    assert result.stdout == ""
    assert _state(catalog_path.parent) == before  # no copy, no text, no temporary left


def test_a_symlink_is_refused_as_confine_refuses(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    before = _state(catalog_path.parent)
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nDo not copy.\n", encoding="utf-8")
    inside_link = catalog_path.parent / "link.txt"
    inside_link.symlink_to(secret)
    (tmp_path / "downloads").mkdir()
    outside_link = tmp_path / "downloads" / "link.txt"
    outside_link.symlink_to(secret)
    for link in (inside_link, outside_link):
        result = briefgen("sources", "add", str(link), "--catalog", str(catalog_path))
        assert result.returncode == 1, result.stdout
        assert "outside" in result.stderr and "link" in result.stderr
        assert "Traceback" not in result.stderr
    inside_link.unlink()
    assert _state(catalog_path.parent) == before


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    path = _outside(tmp_path, "a.txt", "Alpha\n\nText.\n")
    assert briefgen("sources", "add", str(path), "--catalog", str(catalog_path)).returncode == 0
    again = briefgen("sources", "add", str(path), "--catalog", str(catalog_path))
    assert again.returncode == 1 and "already in the catalog as [@alpha]" in again.stderr


def test_an_unknown_suffix_is_refused(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    path = _outside(tmp_path, "a.rtf", "{\\rtf1}")
    result = briefgen("sources", "add", str(path), "--catalog", str(catalog_path))
    assert result.returncode == 1 and ".rtf" in result.stderr and ".pdf" in result.stderr


IMPORTED = """\

  # --- imported from refs.json: no text yet (file: ""), so citable, not quotable ---

  - id: keita-2023
    file: ""
    title: Police in the Sahel
    type: report
    authors: [{family: Keita, given: Awa}]
    publisher: Institute
    date: '2023'
    url: ''
    note: imported  # a comment on the note
"""


def test_id_attaches_the_file_to_an_imported_entry(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    catalog_path.write_text(catalog_path.read_text(encoding="utf-8") + IMPORTED,
                            encoding="utf-8")
    before = catalog_path.read_text(encoding="utf-8").splitlines()
    path = _outside(tmp_path, "police.md", "# Police in the Sahel\n\nUnits are short.\n")
    result = briefgen("sources", "add", str(path), "--id", "keita-2023",
                      "--catalog", str(catalog_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "keita-2023"
    after = catalog_path.read_text(encoding="utf-8").splitlines()
    at = before.index('    file: ""')
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    # That entry's file line rewritten, text and sha256 under it, every other line as it was.
    assert after == [*before[:at], "    file: police.md", "    text: police.md.text.txt",
                     f"    sha256: {digest}", *before[at + 1:]]
    catalog = SourceCatalog.load(catalog_path)
    assert catalog.get("keita-2023").publisher == "Institute"
    assert catalog.text("keita-2023").paragraphs[0].text == "Units are short."
    # Once it has text, the entry cannot be attached to again.
    other = _outside(tmp_path, "other.md", "# Other\n\nWords.\n")
    again = briefgen("sources", "add", str(other), "--id", "keita-2023",
                     "--catalog", str(catalog_path))
    assert again.returncode == 1 and "already has file" in again.stderr


def test_id_names_a_new_entry(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    path = _outside(tmp_path, "x.txt", "X\n\nText.\n")
    result = briefgen("sources", "add", str(path), "--id", "my-source",
                      "--catalog", str(catalog_path))
    assert result.returncode == 0, result.stderr
    assert "my-source" in SourceCatalog.load(catalog_path)
    two = briefgen("sources", "add", str(path), str(path), "--id", "x",
                   "--catalog", str(catalog_path))
    assert two.returncode == 1 and "names one source" in two.stderr


# --- a broken source ---------------------------------------------------------------------------


def test_sources_lists_a_broken_source_with_its_problem_and_exits_1(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    with catalog_path.open("a", encoding="utf-8") as catalog:
        catalog.write("  - {id: gone, file: gone.txt, title: Gone, type: webpage}\n")
    result = briefgen("sources", "--catalog", str(catalog_path))
    assert result.returncode == 1
    assert "BROKEN" in result.stdout and "old" in result.stdout
    assert f"{catalog_path}:5 sources[1].file: source file not found" in result.stderr
    shown = briefgen("sources", "gone", "--catalog", str(catalog_path))
    assert shown.returncode == 1 and "source file not found" in shown.stderr
    assert briefgen("sources", "old", "--catalog", str(catalog_path)).returncode == 0


# --- sources --json ----------------------------------------------------------------------------


def test_json_is_csl_and_imports_back_the_same(tmp_path: Path) -> None:
    exported = briefgen("sources", "--json", "--catalog", str(CATALOG))
    assert exported.returncode == 0, exported.stderr
    items = json.loads(exported.stdout)
    catalog = SourceCatalog.load(CATALOG)
    assert [item["id"] for item in items] == catalog.ids()
    for item in items:
        record = catalog.get(item["id"])
        assert item["type"] == record.type
        assert [a["family"] for a in item.get("author", [])] == [p.family for p in record.authors]
        assert item.get("URL", "") == record.url
        if record.date:
            assert item["issued"]["date-parts"][0][0] == int(record.date[:4])
    assert exported.stdout == briefgen("sources", "--json", "--catalog", str(CATALOG)).stdout
    # The round trip: imported into an empty catalog, it exports the same CSL-JSON.
    export = tmp_path / "catalog.json"
    export.write_text(exported.stdout, encoding="utf-8")
    empty = tmp_path / "seeds" / "sources.yaml"
    empty.parent.mkdir()
    empty.write_text("sources:\n", encoding="utf-8")
    imported = briefgen("sources", "import", str(export), "--catalog", str(empty))
    assert imported.returncode == 0, imported.stderr
    again = briefgen("sources", "--json", "--catalog", str(empty))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == items
    back = SourceCatalog.load(empty)
    for sid in catalog.ids():
        old, new = catalog.get(sid), back.get(sid)
        assert (new.type, new.authors, new.container_title, new.publisher, new.date, new.url,
                new.accessed) == (old.type, old.authors, old.container_title, old.publisher,
                                  old.date, old.url, old.accessed)


def test_show_of_a_paginated_source_marks_where_pages_begin(tmp_path: Path) -> None:
    from tests.corpus.paged import write_paged_project

    catalog_path = write_paged_project(tmp_path)
    result = briefgen("sources", "mission-report", "--catalog", str(catalog_path))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line]
    assert "report.pdf.text.txt, 5 paragraphs" in lines[0]
    assert lines[1:4] == ["p. ii", "para 1  A foreword by the head of mission.", "p. 1"]
    assert ("para 3  The council asked for a review of the mandate before [p. 2] the end of the "
            "year, citing the situation.") in lines
    listed = briefgen("sources", "--catalog", str(catalog_path))
    assert listed.returncode == 0 and "5, 5 pp." in listed.stdout


def test_a_file_the_catalog_already_names_is_refused(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    result = briefgen("sources", "add", str(catalog_path.parent / "old.txt"),
                      "--catalog", str(catalog_path))
    assert result.returncode == 1 and "already in the catalog as [@old]" in result.stderr
    added = _outside(tmp_path, "new.md", "# New\n\nText.\n")
    assert briefgen("sources", "add", str(added), "--catalog", str(catalog_path)).returncode == 0
    stored = briefgen("sources", "add", str(catalog_path.parent / "new.md.text.txt"),
                      "--catalog", str(catalog_path))
    assert stored.returncode == 1 and "the stored text of [@new]" in stored.stderr


def test_id_cannot_attach_to_a_flow_style_entry_and_says_what_to_do(tmp_path: Path) -> None:
    catalog_path = _project(tmp_path)
    with catalog_path.open("a", encoding="utf-8") as catalog:
        catalog.write("  - {id: flow, file: '', title: Flow, type: report}\n")
    before = catalog_path.read_bytes()
    path = _outside(tmp_path, "flow.md", "# Flow\n\nText.\n")
    result = briefgen("sources", "add", str(path), "--id", "flow", "--catalog", str(catalog_path))
    assert result.returncode == 1 and "write file:, text: and sha256: there by hand" \
        in result.stderr
    assert catalog_path.read_bytes() == before
    assert sorted(p.name for p in catalog_path.parent.iterdir()) == ["old.txt", "sources.yaml"]
