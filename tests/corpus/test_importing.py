"""`briefgen sources import`: CSL-JSON and BibTeX exports into the catalog, all or nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.citations import CitationFormatter, CitationRef
from briefgen.citations.html_runs import plain_text
from briefgen.corpus.catalog import Person, SourceCatalog
from briefgen.corpus.importing import catalog_id, import_sources, read_export
from briefgen.errors import SourceError, SpecError
from tests.conftest import REPO, SEEDS

CSL_JSON = """[
  {"id": "fenton-harvey-2023", "type": "article-newspaper",
   "title": "In Afghanistan, can the Taliban defeat IS-K by itself?",
   "author": [{"family": "Fenton-Harvey", "given": "Jonathan"}],
   "container-title": "The New Arab", "issued": {"date-parts": [[2023, 5, 3]]},
   "URL": "https://www.newarab.com/analysis/afghanistan-can-taliban-defeat-isk-itself",
   "accessed": {"date-parts": [[2024, 1, 15]]}},
  {"id": "UNSC_2021", "type": "report",
   "title": "Twelfth report of the Analytical Support and Sanctions Monitoring Team",
   "title-short": "Twelfth report",
   "author": [{"literal": "United Nations Security Council"}], "publisher": "United Nations",
   "issued": {"date-parts": [["2021", "6"]]}},
  {"id": "ft-unsigned", "type": "article-newspaper",
   "title": "Isis-K: the jihadis seizing on the chaos of Taliban’s return",
   "container-title": "Financial Times"}
]
"""

BIBTEX = r"""% exported from Zotero
@article{fentonharvey2023,
  author = {Fenton-Harvey, Jonathan},
  title = {In {Afghanistan}, can the {Taliban} defeat {IS-K} by itself?},
  journaltitle = {The New Arab},
  entrysubtype = {newspaper},
  date = {2023-05-03},
}

@techreport{unsc2021,
  author = {{United Nations Security Council}},
  title = {Twelfth report of the Analytical Support and Sanctions Monitoring Team},
  institution = {United Nations},
  year = {2021}, month = jun,
}

@online{mueller2024,
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Anna},
  title = {ISIS-K after Kabul: 50\% more attacks?},
  url = {https://example.org/isis_k%20kabul},
  urldate = {2024-02-01},
  langid = {german},
}
"""


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    """A copy of the seeds (catalog and texts) that an import may change."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder / "sources.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- CSL-JSON


def test_csl_json_import_adds_three_citable_sources(tmp_path: Path, catalog_path: Path) -> None:
    before = catalog_path.read_text(encoding="utf-8")
    added = import_sources(catalog_path, write(tmp_path, "zotero.json", CSL_JSON))
    assert [s.record.id for s in added] == ["fenton-harvey-2023", "unsc-2021", "ft-unsigned"]
    # Appended, not re-dumped: every comment and line of the catalog is still there.
    after = catalog_path.read_text(encoding="utf-8")
    assert after.startswith(before)
    catalog = SourceCatalog.load(catalog_path)
    news = catalog.get("fenton-harvey-2023")
    assert news.authors == (Person("Fenton-Harvey", "Jonathan"),)
    assert (news.container_title, news.date, news.accessed) == ("The New Arab", "2023-05-03",
                                                                "2024-01-15")
    assert news.url.startswith("https://www.newarab.com/")
    report = catalog.get("unsc-2021")
    assert report.authors == (Person("United Nations Security Council"),)
    assert (report.publisher, report.date, report.short_title) == ("United Nations", "2021-06",
                                                                   "Twelfth report")
    assert "UNSC_2021" in report.note  # the id in the export, for finding it again
    unsigned = catalog.get("ft-unsigned")
    assert unsigned.authors == () and unsigned.date == ""
    # The sources that were there are untouched.
    assert len(catalog.ids()) == 7 + 3
    assert catalog.get("ft-isisk-2021").container_title == "Financial Times"


def test_imported_sources_are_citable_but_not_quotable(tmp_path: Path, catalog_path: Path) -> None:
    import_sources(catalog_path, write(tmp_path, "zotero.json", CSL_JSON))
    catalog = SourceCatalog.load(catalog_path)
    assert not catalog.quotable("ft-unsigned") and catalog.quotable("ft-isisk-2021")
    with pytest.raises(SourceError) as caught:
        catalog.text("ft-unsigned")
    report = caught.value.report()
    assert "'ft-unsigned' has no text file, so it can be cited but not quoted" in report
    assert f"{catalog_path}:{catalog.line('ft-unsigned')} sources[9].file" in report
    formatter = CitationFormatter([catalog.get(i) for i in catalog.ids()], "apa")
    assert plain_text(formatter.cite([CitationRef("unsc-2021")])) == (
        "(United Nations Security Council, 2021)")
    assert plain_text(formatter.cite([CitationRef("ft-unsigned")])) == "(“Isis-K,” n.d.)"


def test_dry_run_writes_nothing(tmp_path: Path, catalog_path: Path) -> None:
    before = catalog_path.read_bytes()
    added = import_sources(catalog_path, write(tmp_path, "zotero.json", CSL_JSON), dry_run=True)
    assert len(added) == 3
    assert catalog_path.read_bytes() == before
    assert sorted(p.name for p in catalog_path.parent.glob(".*")) == []


# --------------------------------------------------------------------------------- BibTeX


def test_bibtex_import_adds_three_sources(tmp_path: Path, catalog_path: Path) -> None:
    added = import_sources(catalog_path, write(tmp_path, "library.bib", BIBTEX))
    assert [s.line for s in added] == [2, 10, 17]
    catalog = SourceCatalog.load(catalog_path)
    news = catalog.get("fentonharvey2023")
    # Braces that protect capitals are BibTeX, not title: they go.
    assert news.title == "In Afghanistan, can the Taliban defeat IS-K by itself?"
    assert (news.type, news.container_title, news.date) == ("article-newspaper", "The New Arab",
                                                            "2023-05-03")
    report = catalog.get("unsc2021")
    assert report.type == "report" and report.publisher == "United Nations"
    assert report.authors == (Person("United Nations Security Council"),)  # braced: one name
    assert report.date == "2021-06"  # year + month macro
    web = catalog.get("mueller2024")
    assert web.type == "webpage"
    assert web.authors == (Person("Müller", "Jörg"), Person("van der Berg", "Anna"))
    assert web.title == "ISIS-K after Kabul: 50% more attacks?"  # LaTeX decoded
    assert web.url == "https://example.org/isis_k%20kabul"  # a URL is not LaTeX
    assert (web.accessed, web.language) == ("2024-02-01", "de")


def test_bibtex_article_without_journal_or_subtype(tmp_path: Path) -> None:
    journal = read_export(write(tmp_path, "a.bib", "@article{a, title={A}, journal={J}}"))
    bare = read_export(write(tmp_path, "b.bib", "@article{b, title={B}}"))
    assert journal[0].record.type == "article-journal"
    assert bare[0].record.type == "article"


# ---------------------------------------------------------------------------- what fails


def problems(error: pytest.ExceptionInfo[SourceError]) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_malformed_json_names_the_line_and_imports_nothing(tmp_path: Path,
                                                           catalog_path: Path) -> None:
    before = catalog_path.read_bytes()
    # The comma goes from the end of line 8 (item [1]); JSON finds it missing before "title"
    # at the start of line 9.
    broken = CSL_JSON.replace('"type": "report",', '"type": "report"')
    export = write(tmp_path, "broken.json", broken)
    with pytest.raises(SourceError, match="nothing was imported") as caught:
        import_sources(catalog_path, export)
    assert problems(caught) == [f"{export}:9 [1]: not valid JSON: Expecting ',' delimiter "
                                "(column 4)"]
    assert catalog_path.read_bytes() == before


def test_malformed_bibtex_names_the_line(tmp_path: Path, catalog_path: Path) -> None:
    before = catalog_path.read_bytes()
    broken = BIBTEX.replace("@techreport{unsc2021,", "@techreport{unsc2021")
    export = write(tmp_path, "broken.bib", broken)
    with pytest.raises(SourceError) as caught:
        import_sources(catalog_path, export)
    [message] = problems(caught)
    assert message.startswith(f"{export}:10: not valid BibTeX: ")
    assert "@techreport{unsc2021" in message
    assert catalog_path.read_bytes() == before


def test_entries_it_cannot_take_are_each_reported(tmp_path: Path) -> None:
    export = write(tmp_path, "bad.json", """[
  {"id": "no-title", "type": "report"},
  {"type": "report", "title": "No id"},
  {"id": "odd-type", "type": "tweet", "title": "T"},
  {"id": "odd-date", "type": "report", "title": "D", "issued": {"raw": "May 2021"}},
  {"id": "same", "type": "report", "title": "S1"},
  {"id": "Same", "type": "report", "title": "S2"},
  "not an item"
]""")
    with pytest.raises(SourceError, match="6 problems; nothing was imported") as caught:
        read_export(export)
    assert problems(caught) == [
        f"{export}:2 [0].title: missing: every source needs a title",
        f"{export}:3 [1].id: missing: every entry needs an id (its citation key)",
        f"{export}:4 [2].type: expected a CSL item type (article-newspaper, report, webpage, "
        "...) but received: 'tweet'",
        f"{export}:5 [3].issued: expected a date (date-parts or YYYY-MM-DD) but received: "
        "{'raw': 'May 2021'}",
        f"{export}:7 [5].id: id 'same' is also the id of the entry at line 6",
        f"{export}:8 [6]: expected a CSL-JSON item ({{\"id\": ..., \"title\": ...}}) but "
        "received: 'not an item'",
    ]


def test_unknown_bibtex_type(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_export(write(tmp_path, "p.bib", "@patent{p, title={P}}"))
    [message] = problems(caught)
    assert "@patent cannot be imported. Expected one of: @article" in message


def test_ids_already_in_the_catalog_are_refused(tmp_path: Path, catalog_path: Path) -> None:
    before = catalog_path.read_bytes()
    export = write(tmp_path, "dup.json", """[
  {"id": "new-one", "type": "report", "title": "New"},
  {"id": "FT-isisk-2021", "type": "report", "title": "Clash"}
]""")
    with pytest.raises(SourceError, match="1 id already in the catalog") as caught:
        import_sources(catalog_path, export)
    [message] = problems(caught)
    assert message.startswith(f"{export}:3 FT-isisk-2021.id: id 'ft-isisk-2021' is already in "
                              f"{catalog_path} (line ")
    assert catalog_path.read_bytes() == before


def test_a_catalog_that_does_not_end_in_its_list_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "flow"
    folder.mkdir()
    catalog = folder / "sources.yaml"
    catalog.write_text("sources: []\n", encoding="utf-8")
    with pytest.raises(SourceError, match="cannot append to this catalog"):
        import_sources(catalog, write(tmp_path, "one.json", CSL_JSON))
    assert catalog.read_text(encoding="utf-8") == "sources: []\n"
    assert [p.name for p in folder.iterdir()] == ["sources.yaml"]


def test_not_utf8_and_unknown_format(tmp_path: Path) -> None:
    latin = tmp_path / "latin.bib"
    latin.write_bytes(b"@misc{a, title={Caf\xe9}}")
    with pytest.raises(SourceError, match="not UTF-8"):
        read_export(latin)
    with pytest.raises(SourceError, match="cannot tell whether this is CSL-JSON or BibTeX"):
        read_export(write(tmp_path, "refs.txt", "title: x"))


@pytest.mark.parametrize(("key", "expected"), [
    ("fenton-harvey-2023", "fenton-harvey-2023"),
    ("Fenton-Harvey_2023", "fenton-harvey-2023"),
    ("http://zotero.org/users/1/items/AB12", "http-zotero-org-users-1-items-ab12"),
    ("__", ""),
])
def test_catalog_id(key: str, expected: str) -> None:
    assert catalog_id(key) == expected


# -------------------------------------------------------------------------------- the CLI


def briefgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_cli_imports_then_lists(tmp_path: Path, catalog_path: Path) -> None:
    export = write(tmp_path, "library.bib", BIBTEX)
    result = briefgen("sources", "import", str(export), "--catalog", str(catalog_path))
    assert result.returncode == 0, result.stderr
    assert "added 3 sources" in result.stdout and "[@unsc2021]" in result.stdout
    listed = briefgen("sources", "--catalog", str(catalog_path))
    assert listed.returncode == 0, listed.stderr
    assert "mueller2024" in listed.stdout and "ft-isisk-2021" in listed.stdout


def test_cli_malformed_file_exits_1_without_traceback(tmp_path: Path, catalog_path: Path) -> None:
    before = catalog_path.read_bytes()
    export = write(tmp_path, "broken.json", CSL_JSON[:200])
    result = briefgen("sources", "--catalog", str(catalog_path), "import", str(export))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{export}:" in result.stderr and "not valid JSON" in result.stderr
    assert catalog_path.read_bytes() == before


# -------------------------------------------------------- imported sources in a brief


BRIEF = """title: T
date: 2024-01-01
summary: |
  A UN report [@unsc-2021, p. 4] and an unsigned article [@ft-unsigned].
sections:
  - heading: H
    body: |
      Text.
{excerpts}recommendations:
  - title: R
    action: Do it.
"""


def test_a_brief_cites_imported_sources(tmp_path: Path, catalog_path: Path) -> None:
    from briefgen.pipeline import BuildOptions, build_document, check

    import_sources(catalog_path, write(tmp_path, "zotero.json", CSL_JSON))
    spec = write(tmp_path, "brief.yaml", BRIEF.format(excerpts=""))
    document = build_document(check(spec), BuildOptions(style="apa"))
    text = " ".join(plain_text(b.runs) for b in document.body if hasattr(b, "runs"))
    assert "(United Nations Security Council, 2021, p. 4)" in text
    assert "(“Isis-K,” n.d.)" in text


def test_quoting_an_imported_source_is_an_error_at_the_excerpt(tmp_path: Path,
                                                               catalog_path: Path) -> None:
    from briefgen.pipeline import check

    import_sources(catalog_path, write(tmp_path, "zotero.json", CSL_JSON))
    excerpt = "    excerpts:\n      - source: ft-unsigned\n        quote: \"Isis-K is here.\"\n"
    spec = write(tmp_path, "brief.yaml", BRIEF.format(excerpts=excerpt))
    with pytest.raises(SpecError) as caught:  # a problem of the spec, found before quoting
        check(spec)
    [problem] = caught.value.problems
    assert (problem.line, problem.key) == (10, "sections[0].excerpts[0].source")
    assert "'ft-unsigned' has no text file, so it can be cited but not quoted" in problem.message


# -------------------------------------------------------- exports crafted to run away


def _entry(title: str) -> str:
    return f"@report{{crafted,\n  title = {{{title}}},\n  institution = {{X}},\n  year = 2024,\n}}\n"


RUNAWAY = {
    # name: (file name, text, what the message says)
    "csl-json nested 100,000 deep": (
        "deep.json", '[{"id": "a", "title": "t", "type": "report", "x": '
        + "[" * 100_000 + "]" * 100_000 + "}]", "nest too deeply"),
    "csl-json item alone nested deep": (
        "deep-item.json", '{"id": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "nest too deeply"),
    "csl-json 900,000-digit number": (
        "number.json", '[{"id": "a", "title": "t", "type": "report", "issued": '
        '{"date-parts": [[' + "9" * 900_000 + "]]}}]", "900,000 digits"),
    "bibtex 50,000 nested braces": (
        "braces.bib", _entry("{" * 50_000 + "x" + "}" * 50_000), "nest more than"),
    "bibtex 26 nested accents": (
        "accents.bib", _entry("\\'{" * 26 + "a" + "}" * 26), "nest more than"),
}


@pytest.mark.parametrize("case", list(RUNAWAY))
def test_crafted_exports_end_in_seconds_with_a_located_message(
    case: str, tmp_path: Path, catalog_path: Path
) -> None:
    import time

    name, text, says = RUNAWAY[case]
    export = write(tmp_path, name, text)
    before = catalog_path.read_bytes()
    started = time.monotonic()
    result = briefgen("sources", "import", str(export), "--catalog", str(catalog_path))
    assert time.monotonic() - started < 20
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{export}:1" in result.stderr or f"{export}:2" in result.stderr, result.stderr
    assert says in result.stderr
    assert catalog_path.read_bytes() == before


def test_bibtex_nested_as_real_entries_are_still_read(tmp_path: Path) -> None:
    export = write(tmp_path, "real.bib", _entry("{The {UN} mission in {Mali}: {\\\"U}ber {\\'{e}}tat}"))
    [source] = read_export(export)
    assert source.record.title == "The UN mission in Mali: Über état"


@pytest.mark.parametrize("kind", ["named pipe", "device", "folder"])
def test_an_export_that_is_not_a_regular_file_is_refused_without_reading(
    tmp_path: Path, kind: str
) -> None:
    # A named pipe would block the import forever, /dev/zero fill the memory.
    import os
    import time

    if kind == "named pipe":
        export = tmp_path / "export.bib"
        os.mkfifo(export)
    elif kind == "device":
        export = tmp_path / "zero.json"
        export.symlink_to("/dev/zero")
    else:
        export = tmp_path / "export.json"
        export.mkdir()
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        read_export(export)
    assert time.monotonic() - started < 5
    assert "not a regular file" in caught.value.report() and str(export) in caught.value.report()


def test_an_export_over_the_catalog_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    from briefgen.confine import EXPORT

    export = tmp_path / "big.json"
    with open(export, "wb") as big:  # sparse: no disk, no time
        big.truncate(EXPORT.limit + 1)
    with pytest.raises(SourceError) as caught:
        read_export(export)
    assert f"the limit for a source export is {EXPORT.limit:,} bytes" in caught.value.report()
