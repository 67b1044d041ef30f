"""The zip bundle: its contents, CSV and README, determinism, and bundles from real builds."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from briefgen.bundle import (
    BundleChart,
    BundleContents,
    BundleSource,
    ChartValue,
    bundle_contents,
    chart_csv,
    write_bundle,
)
from briefgen.errors import BriefgenError
from briefgen.pipeline import BuildOptions, build, build_document, check, output_stem
from tests.conftest import BRIEFS, ROOTS, SEEDS


def _contents(tmp_path: Path) -> BundleContents:
    files = {}
    for name, data in (("b.docx", b"docx"), ("b.pdf", b"pdf"), ("b.evidence.json", b"{}"),
                       ("c.png", b"png"), ("c.svg", b"<svg/>")):
        files[name] = tmp_path / name
        files[name].write_bytes(data)
    chart = BundleChart(1, "Soldiers and police", "parts", files["c.png"], files["c.svg"],
                        (ChartValue("Soldiers", "MINUSMA", 13.0, "police-split"),
                         ChartValue("Police", "MINUSMA", 2.5)))
    source = BundleSource("un-mali-future", "Mali's Challenging Future", "A. Author",
                          "UN Chronicle", "2021", "https://example.org/mali")
    return BundleContents("b", "A brief", "2021-07-15", ("Sahel Desk",), "Institute",
                          (("b.docx", files["b.docx"]), ("b.pdf", files["b.pdf"]),
                           ("b.evidence.json", files["b.evidence.json"])),
                          (chart,), (source,))


def test_entries_in_a_fixed_order_under_one_folder_dated_by_the_brief(tmp_path: Path) -> None:
    write_bundle(_contents(tmp_path), tmp_path / "b.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        assert z.namelist() == [
            "b/README.txt", "b/b.docx", "b/b.pdf", "b/b.evidence.json",
            "b/figures/figure-1.png", "b/figures/figure-1.svg", "b/figures/figure-1.csv"]
        assert {i.date_time for i in z.infolist()} == {(2021, 7, 15, 0, 0, 0)}
        assert z.read("b/b.docx") == b"docx" and z.read("b/figures/figure-1.svg") == b"<svg/>"
        readme = z.read("b/README.txt").decode()
    assert "A brief" in readme and "Sahel Desk; Institute" in readme
    assert "b.evidence.json  where each quotation was found" in readme
    assert "figures/figure-1.png, .svg, .csv  Figure 1: Soldiers and police (parts)" in readme
    assert ("[un-mali-future] A. Author. Mali's Challenging Future. UN Chronicle. 2021. "
            "https://example.org/mali") in " ".join(readme.split())


def test_same_contents_give_byte_identical_zips(tmp_path: Path) -> None:
    contents = _contents(tmp_path)
    write_bundle(contents, tmp_path / "one.zip")
    write_bundle(contents, tmp_path / "two.zip")
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_chart_csv_is_what_a_spec_data_file_reads(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(chart_csv(_contents(tmp_path).charts[0]))))
    assert rows == [
        {"category": "Soldiers", "series": "MINUSMA", "value": "13", "excerpt": "police-split"},
        {"category": "Police", "series": "MINUSMA", "value": "2.5", "excerpt": ""}]


def _entry_dates(tmp_path: Path, date: str) -> set[tuple[int, ...]]:
    contents = dataclasses.replace(_contents(tmp_path), date=date)
    write_bundle(contents, tmp_path / "dated.zip")
    with zipfile.ZipFile(tmp_path / "dated.zip") as z:
        return {i.date_time for i in z.infolist()}


def test_dates_before_zip_time_or_missing_become_1980(tmp_path: Path) -> None:
    assert _entry_dates(tmp_path, "1975-03-01") == {(1980, 1, 1, 0, 0, 0)}
    assert _entry_dates(tmp_path, "") == {(1980, 1, 1, 0, 0, 0)}


def test_source_date_epoch_dates_the_entries_as_it_dates_the_docx(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13 UTC
    assert _entry_dates(tmp_path, "2021-07-15") == {(2023, 11, 14, 0, 0, 0)}


# ---------------------------------------------------------------- from real builds


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    result = build(BRIEFS / "mali-minusma.yaml", BuildOptions(out_dir=out, bundle=True))
    assert result.outputs[-1].suffix == ".zip"
    return out


def test_a_build_bundle_unzips_to_the_outputs_charts_data_and_readme(bundled: Path) -> None:
    stem = output_stem(check(BRIEFS / "mali-minusma.yaml").spec)
    with zipfile.ZipFile(bundled / f"{stem}.zip") as z:
        names = z.namelist()
        assert z.testzip() is None
        assert z.read(f"{stem}/{stem}.docx") == (bundled / f"{stem}.docx").read_bytes()
        assert z.read(f"{stem}/{stem}.pdf") == (bundled / f"{stem}.pdf").read_bytes()
        figures = sorted(n.rsplit("/", 1)[1] for n in names if "/figures/" in n)
        assert figures == [f"figure-{i}.{s}" for i in (1, 2) for s in ("csv", "png", "svg")]
        assert z.read(f"{stem}/figures/figure-1.png").startswith(b"\x89PNG")
        assert b"<svg" in z.read(f"{stem}/figures/figure-2.svg")
        rows = list(csv.DictReader(io.StringIO(z.read(f"{stem}/figures/figure-2.csv").decode())))
        readme = z.read(f"{stem}/README.txt").decode()
    # Figure 2 of the sample is the 13-2 split of soldiers and police.
    assert [(r["category"], r["value"]) for r in rows] == [("Soldiers", "13"), ("Police", "2")]
    assert "Mali after two coups" in readme and "[un-mali-future]" in readme
    assert names[0] == f"{stem}/README.txt"
    # Every other file the build wrote is in the bundle (the evidence manifest among them).
    wrote = sorted(p.name for p in bundled.iterdir() if p.suffix != ".zip")
    assert f"{stem}.evidence.json" in wrote
    assert sorted(n.split("/", 1)[1] for n in names if n.count("/") == 1
                  and not n.endswith("README.txt")) == wrote


def test_a_rebuild_gives_a_byte_identical_bundle(bundled: Path, tmp_path: Path) -> None:
    build(BRIEFS / "mali-minusma.yaml", BuildOptions(out_dir=tmp_path, bundle=True))
    (zip_path,) = bundled.glob("*.zip")
    assert (tmp_path / zip_path.name).read_bytes() == zip_path.read_bytes()


def test_a_failed_build_writes_no_bundle(tmp_path: Path) -> None:
    with pytest.raises(BriefgenError):
        build(ROOTS / "bad-quote" / "brief.yaml", BuildOptions(out_dir=tmp_path, bundle=True))
    assert list(tmp_path.iterdir()) == []


def test_a_docx_only_build_bundles_only_the_docx(tmp_path: Path) -> None:
    result = build(BRIEFS / "mali-minusma.yaml",
                   BuildOptions(out_dir=tmp_path, formats=("docx",), bundle=True))
    (zip_path,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(zip_path) as z:
        outputs = [n.split("/", 1)[1] for n in z.namelist()
                   if n.count("/") == 1 and not n.endswith(".txt")]
    assert not any(n.endswith(".pdf") for n in outputs)
    assert outputs == [p.name for p in result.outputs if p.suffix != ".zip"]


def test_a_docx_only_bundle_still_carries_each_chart_as_png_and_svg(tmp_path: Path) -> None:
    # The build draws only the image types its writers embed; a bundle asks for both.
    build(BRIEFS / "mali-minusma.yaml", BuildOptions(out_dir=tmp_path, formats=("docx",),
                                                      bundle=True, cache_dir=tmp_path / "c"))
    (zip_path,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(zip_path) as z:
        figures = sorted(n.rsplit("/", 1)[1] for n in z.namelist() if "/figures/" in n)
    assert {f.rsplit(".", 1)[1] for f in figures} == {"png", "svg", "csv"}
    assert len(figures) == 3 * len(check(BRIEFS / "mali-minusma.yaml").spec.charts())


def test_each_figure_is_bundled_with_the_data_of_the_chart_it_names() -> None:
    checked = check(BRIEFS / "mali-minusma.yaml")
    document = build_document(checked, BuildOptions())
    charts = {chart.key: chart for chart in checked.spec.charts()}
    # Given in reverse order: the pairing is by the figure's chart key, not by position.
    contents = bundle_contents(document, "b", [], dict(reversed(list(charts.items()))), [])
    for bundled, chart in zip(contents.charts, charts.values(), strict=True):
        assert [v.value for v in bundled.values] == [
            v.value for series in chart.series for v in series.values]
        assert bundled.unit == chart.unit


# ---------------------------------------------------------------- formulas in chart data

_FORMULAS = ('=HYPERLINK("http://example.org","x")', "+cmd|' /C calc'!A0", "-2+3",
             "@SUM(A1:A9)", "\tTab", "\rReturn")


def test_chart_csv_guards_formulas_and_keeps_numbers_numbers() -> None:
    values = tuple(ChartValue(name, "=1+1", value, "@excerpt")
                   for name, value in zip((*_FORMULAS, "Plain"), (13, -3.5, 2.5, 0, 1, 2, 3),
                                          strict=True))
    chart = BundleChart(1, "c", "", None, None, values)
    text = chart_csv(chart)
    # As a spreadsheet sees the file: no text cell starts a formula, every number is one
    # (QUOTE_NONNUMERIC reads an unquoted cell as a float, and fails on unquoted text).
    rows = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
    assert rows[0] == ["category", "series", "value", "excerpt"]
    for row, value in zip(rows[1:], values, strict=True):
        category, series, number, excerpt = row
        assert number == value.value and isinstance(number, float)
        for cell in (category, series, excerpt):
            assert isinstance(cell, str) and not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert [r[0] for r in rows[1:]] == [*("'" + name for name in _FORMULAS), "Plain"]
    assert {r[1] for r in rows[1:]} == {"'=1+1"} and {r[3] for r in rows[1:]} == {"'@excerpt"}


def test_a_bundle_of_a_spec_with_formula_names_guards_them_and_redraws_unchanged(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    shutil.copytree(SEEDS, project / "seeds")
    categories = ", ".join(json.dumps(name) for name in (*_FORMULAS[:-1], "Plain"))
    spec = project / "brief.yaml"
    spec.write_text(f"""\
title: T
date: 2021-07-15
summary: MINUSMA is dangerous [@un-mali-future].
sections:
  - heading: H
    excerpts:
      - id: split
        source: un-mali-future
        quote: "MINUSMA has a 13-2 split of soldiers and police."
    charts:
      - kind: bar
        caption: c
        alt: a
        categories: [{categories}]
        series:
          - {{name: "=1+1", values: [{{value: 13, excerpt: split}}, -3.5, 2, 1, 0.5, 4]}}
recommendations: [{{title: t, action: a}}]
""", encoding="utf-8")
    out = tmp_path / "out"
    result = build(spec, BuildOptions(out_dir=out, bundle=True))
    with zipfile.ZipFile(result.outputs[-1]) as z:
        data = next(n for n in z.namelist() if n.endswith("figure-1.csv"))
        text = z.read(data).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
    assert [r[0] for r in rows[1:]] == [*("'" + name for name in _FORMULAS[:-1]), "Plain"]
    assert [r[2] for r in rows[1:]] == [13.0, -3.5, 2.0, 1.0, 0.5, 4.0]
    assert {r[1] for r in rows[1:]} == {"'=1+1"}
    # The same CSV as a spec's data: gives the names back without the guard.
    (project / "figure.csv").write_text(text, encoding="utf-8")
    redrawn = spec.read_text().split("        categories:")[0] + (
        "        data: figure.csv\nrecommendations: [{title: t, action: a}]\n")
    again = project / "again.yaml"
    again.write_text(redrawn, encoding="utf-8")
    chart = check(again).spec.sections[0].charts[0]
    assert chart.categories == (*_FORMULAS[:-1], "Plain")
    assert [s.name for s in chart.series] == ["=1+1"]
    assert [v.value for v in chart.series[0].values] == [13.0, -3.5, 2.0, 1.0, 0.5, 4.0]
