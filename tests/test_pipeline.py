"""The pipeline as a whole: all formats or none, stable names, readable files."""

from __future__ import annotations

import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError, SourceError
from briefgen.pipeline import BuildOptions, build, cited_sources, check, output_stem
from tests.conftest import BRIEFS, REPO, ROOTS


def test_output_names_are_date_and_spec_name() -> None:
    assert output_stem(check(BRIEFS / "mali-minusma.yaml").spec) == "2021-07-15-mali-minusma"


def test_cited_sources_in_first_cited_order() -> None:
    ids = cited_sources(check(BRIEFS / "mali-minusma.yaml").spec)
    assert ids[0] == "un-mali-future" and len(ids) == len(set(ids))


def test_docx_only_build_writes_only_docx(tmp_path: Path) -> None:
    result = build(BRIEFS / "mali-minusma.yaml", BuildOptions(out_dir=tmp_path, formats=("docx",)))
    # The evidence record is written beside every build.
    assert [p.suffix for p in result.outputs] == [".docx", ".json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2021-07-15-mali-minusma.docx",
                                                         "2021-07-15-mali-minusma.evidence.json"]
    mode = stat.S_IMODE(result.outputs[0].stat().st_mode)
    assert mode & stat.S_IRGRP  # shareable, not mkstemp's 0600


@pytest.mark.parametrize(("fmt", "drawn"), [("docx", ".png"), ("pdf", ".svg")])
def test_charts_are_drawn_only_as_the_images_the_chosen_writer_embeds(
        fmt: str, drawn: str, tmp_path: Path) -> None:
    build(BRIEFS / "mali-minusma.yaml",
          BuildOptions(out_dir=tmp_path / "out", formats=(fmt,), cache_dir=tmp_path / "cache"))
    images = list((tmp_path / "cache" / "charts").iterdir())
    assert images and {p.suffix for p in images} == {drawn}


def test_a_failing_writer_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The PDF writer fails after the DOCX was written: neither may appear.
    from briefgen.writers.typst import TypstWriter

    def boom(self, document, template, out):  # noqa: ANN001
        raise BriefgenError("typst failed")

    monkeypatch.setattr(TypstWriter, "write", boom)
    with pytest.raises(BriefgenError):
        build(BRIEFS / "mali-minusma.yaml", BuildOptions(out_dir=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_unverified_quote_stops_before_writing(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        build(ROOTS / "bad-quote" / "brief.yaml", BuildOptions(out_dir=tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_a_source_cited_only_in_a_table_cell_is_formatted(tmp_path: Path) -> None:
    import docx

    from briefgen.corpus.catalog import SourceCatalog
    from tests.conftest import SEEDS
    from tests.robustness.specs import MINIMAL, make_project

    project = make_project(tmp_path / "project")
    other = next(sid for sid in SourceCatalog.load(SEEDS / "sources.yaml").ids()
                 if f"@{sid}" not in MINIMAL)
    table = ("    tables:\n      - caption: \"Counts\"\n        columns: [Count, Source]\n"
             f"        rows:\n          - [\"13 to 2\", \"Cited [@{other}, para 1]\"]\n")
    spec = project.spec("table-cite", MINIMAL.replace("recommendations:",
                                                      table + "recommendations:", 1))
    result = build(spec, BuildOptions(out_dir=tmp_path / "out", formats=("docx",), style="apa"))
    cells = [c.text for t in docx.Document(str(result.outputs[0])).tables
             for row in t.rows for c in row.cells]
    assert any(c.startswith("Cited (") and "para. 1)" in c for c in cells), cells


def test_an_unknown_style_override_stops_the_build_before_anything(tmp_path: Path) -> None:
    from briefgen.errors import SpecError

    with pytest.raises(SpecError, match=r"--style 'apx': unknown citation style.*'apa'"):
        build(BRIEFS / "mali-minusma.yaml",
              BuildOptions(out_dir=tmp_path / "out", formats=("docx",), style="apx"))
    assert not (tmp_path / "out").exists()


def test_pages_for_a_preview_come_first_and_change_no_output(tmp_path: Path) -> None:
    from pypdf import PdfReader

    spec = BRIEFS / "mali-minusma.yaml"
    plain = build(spec, BuildOptions(out_dir=tmp_path / "plain"))
    shown: list[tuple[bytes, ...]] = []
    written: list[str] = []

    def pages(svgs: tuple[bytes, ...]) -> None:
        shown.append(svgs)
        written.extend(p.name for p in (tmp_path / "shown").iterdir()
                       if p.suffix == ".tmp" and p.stat().st_size)

    result = build(spec, BuildOptions(out_dir=tmp_path / "shown", on_pages=pages))
    assert [p.read_bytes() for p in result.outputs] == [p.read_bytes() for p in plain.outputs]
    [svgs] = shown
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    assert len(svgs) == len(PdfReader(pdf).pages)
    # The pages arrive before the DOCX is written (it is what a preview waits for).
    assert written == []
    # What check found comes with the result, for a caller that shows the evidence.
    assert result.checked is not None and result.checked.spec.title


def test_a_build_imports_the_docx_writer_only_once_the_document_is_ready() -> None:
    # The DOCX writer (python-docx, lxml, Jinja2: a tenth of a second) is made in the thread
    # that writes, where its imports overlap the PDF compile: a build that stops at the
    # check never imports it, while the PDF writer, made first, has started its compiler.
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from briefgen.errors import BriefgenError\n"
            "from briefgen.pipeline import BuildOptions, build\n"
            "try:\n"
            f"    build(Path({str(ROOTS / 'bad-quote' / 'brief.yaml')!r}),"
            " BuildOptions(out_dir=Path(sys.argv[1])))\n"
            "except BriefgenError:\n"
            "    pass\n"
            "print('docx' in sys.modules, 'briefgen.writers.typst.writer' in sys.modules)\n")
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run([sys.executable, "-c", code, out], capture_output=True,
                              text=True, timeout=120, cwd=REPO)
    assert done.stdout.split() == ["False", "True"], done.stderr
