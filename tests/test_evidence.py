"""Quotations in a spec checked against their sources: all failures reported, with the nearest passage."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.corpus.catalog import SourceCatalog
from briefgen.errors import SourceError
from briefgen.evidence import verify_evidence
from briefgen.spec.loader import load_chart_data, load_spec
from briefgen.spec.schema import BriefSpec
from briefgen.spec.yamlsource import LocatedYaml
from tests.conftest import ROOTS, SEEDS

BASE = """\
title: T
date: 2021-07-15
summary: |
  The mission is "the UN's most dangerous current peacekeeping operation" [@un-mali-future].
sections:
  - heading: H
    excerpts:
      - source: un-mali-future
        quote: "MINUSMA has a 13-2 split of soldiers and police."
      - source: ft-isisk-2021
        quote: "Last year’s UN report estimated that Isis-K had just 2,200 fighters in Afghanistan"
recommendations: [{title: t, action: a}]
"""


@pytest.fixture(scope="module")
def catalog() -> SourceCatalog:
    return SourceCatalog.load(SEEDS / "sources.yaml")


def load(tmp_path: Path, text: str):
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


def test_genuine_quotes_verify_with_paragraphs(tmp_path: Path, catalog: SourceCatalog) -> None:
    spec, located = load(tmp_path, BASE)
    evidence = verify_evidence(spec, located, catalog)
    paragraphs = sorted(v.match.paragraph for v in evidence.excerpts.values())
    assert paragraphs == [10, 16]
    assert [q.match.source_id for q in evidence.inline] == ["un-mali-future"]
    assert all(len(v.source_sha256) == 64 for v in evidence.excerpts.values())


def test_every_altered_quote_is_reported_at_once(tmp_path: Path, catalog: SourceCatalog) -> None:
    text = BASE.replace("13-2 split", "12-2 split").replace("2,200 fighters", "2,300 fighters")
    text = text.replace("most dangerous current", "least dangerous current")
    spec, located = load(tmp_path, text)
    with pytest.raises(SourceError) as err:
        verify_evidence(spec, located, catalog)
    report = err.value.report()
    assert len(err.value.problems) == 3
    assert "12-2 split" in report and "13-2 split" in report  # the quote, then the source
    assert "2,300 fighters" in report and "2,200 fighters" in report
    assert "closest passage" in report


# --- numbers traced, disagreements, the evidence record ---------------------------------------

TABLE = """\
title: T
date: 2021-07-15
summary: S [@ft-isisk-2021].
sections:
  - heading: H
    excerpts:
      - id: un-2200
        source: ft-isisk-2021
        quote: "Last year’s UN report estimated that Isis-K had just 2,200 fighters in Afghanistan"
      - id: airport-ft
        source: ft-isisk-2021
        quote: "killed at least 79 Afghans and 13 American soldiers"
    tables:
      - caption: c
        columns: [Source, Fighters]
        rows: [["UN", "CELL"]]
        excerpts: [un-2200, airport-ft]
recommendations: [{title: t, action: a}]
"""


@pytest.mark.parametrize("cell", ["2,200", "2200", "2.2 thousand", "at least 79", "13"])
def test_table_numbers_in_any_named_excerpt_are_traced(
    tmp_path: Path, catalog: SourceCatalog, cell: str
) -> None:
    spec, located = load(tmp_path, TABLE.replace("CELL", cell))
    evidence = verify_evidence(spec, located, catalog)
    assert [(d.key, d.excerpt) for d in evidence.data] == [
        ("sections[0].tables[0].rows[0][1]", "airport-ft" if cell in ("at least 79", "13")
         else "un-2200")]


@pytest.mark.parametrize("cell", ["2,300", "2.2 million", "200", "97"])
def test_table_numbers_in_no_named_excerpt_are_errors(
    tmp_path: Path, catalog: SourceCatalog, cell: str
) -> None:
    spec, located = load(tmp_path, TABLE.replace("CELL", cell))
    with pytest.raises(SourceError) as err:
        verify_evidence(spec, located, catalog)
    [problem] = err.value.problems
    assert problem.key == "sections[0].tables[0].rows[0][1]" and problem.line == 16
    assert "is not in any of its excerpts 'un-2200'" in problem.message


def test_a_number_in_brackets_is_the_writers_not_the_sources(
    tmp_path: Path, catalog: SourceCatalog
) -> None:
    text = TABLE.replace("CELL", "2,500").replace("had just 2,200 fighters", "had just [2,500] "
                                                                                  "fighters")
    spec, located = load(tmp_path, text)
    with pytest.raises(SourceError):
        verify_evidence(spec, located, catalog)


def test_citing_one_of_disagreeing_figures_warns_naming_the_others(
    tmp_path: Path, catalog: SourceCatalog
) -> None:
    spec, located = load(tmp_path, TABLE.replace("CELL", "2,200"))
    evidence = verify_evidence(spec, located, catalog)
    fighters = [w for w in evidence.warnings if "IS-K's strength" in w]
    assert len(fighters) == 1
    assert "b.yaml:9 sections[0].excerpts[0].quote: warning: the brief cites just 2,200" in \
        fighters[0]
    for other in ("2,000 to 4,000 (2,000 to 4,000 fighters) [@ali-isisk-renewed-threat, para 6]",
                  "nearly 2,000", "[@newarab-taliban-isk-2023, para 11]"):
        assert other in fighters[0]
    assert any("at least 175" in w and "180" in w for w in evidence.warnings)  # airport toll


def test_the_manifest_records_quotes_and_data_with_source_hashes(
    tmp_path: Path, catalog: SourceCatalog
) -> None:
    import hashlib
    import json

    from briefgen.evidence import manifest

    spec, located = load(tmp_path, TABLE.replace("CELL", "2,200"))
    record = manifest(spec, verify_evidence(spec, located, catalog), catalog)
    assert json.loads(json.dumps(record, sort_keys=True)) == record
    [datum] = record["data"]
    assert datum == {"key": "sections[0].tables[0].rows[0][1]", "value": 2200,
                     "written_as": "2,200", "excerpt": "un-2200", "source": "ft-isisk-2021",
                     "paragraph": 16, "source_sha256": datum["source_sha256"]}
    raw = (SEEDS / "002_9560ccf9f8c25f6d.txt").read_bytes()  # one article, the whole file
    assert datum["source_sha256"] == hashlib.sha256(raw).hexdigest()
    assert [q["paragraph"] for q in record["quotes"]] == [16, 2]
    assert record["sources"]["ft-isisk-2021"]["source_sha256"] == datum["source_sha256"]


# --- numbers that name no excerpt: one rule for inline and CSV data ---------------------------

UNSOURCED_CHART = """\
title: T
date: 2021-07-15
summary: S [@un-mali-future].
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
CHART
recommendations: [{title: t, action: a}]
"""
INLINE_DATA = "        categories: [Soldiers, Police]\n        series: [{name: S, values: [13, 2]}]"
CSV_DATA = "        data: data/d.csv"
CSVS = {
    "csv-without-excerpt-column": "category,series,value\nSoldiers,S,13\nPolice,S,2\n",
    "csv-with-empty-excerpts": "category,series,value,excerpt\nSoldiers,S,13,\nPolice,S,2,\n",
}


def _unsourced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: str
) -> tuple[BriefSpec, LocatedYaml]:
    monkeypatch.chdir(tmp_path)  # messages name files from the working folder
    if data in CSVS:
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "d.csv").write_text(CSVS[data], encoding="utf-8")
    chart = INLINE_DATA if data == "inline" else CSV_DATA
    spec, located = load(tmp_path, UNSOURCED_CHART.replace("CHART", chart))
    return load_chart_data(spec, located), located


def _expected_places(data: str) -> list[tuple[str, int | None]]:
    if data == "inline":
        return [("b.yaml", UNSOURCED_CHART.splitlines().index("CHART") + 2)] * 2
    return [("data/d.csv", 2), ("data/d.csv", 3)]


@pytest.mark.parametrize("data", ["inline", *CSVS])
def test_a_number_naming_no_excerpt_warns_and_says_how_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalog: SourceCatalog, data: str
) -> None:
    spec, located = _unsourced(tmp_path, monkeypatch, data)
    evidence = verify_evidence(spec, located, catalog)
    unsourced = [w for w in evidence.warnings if "names no excerpt" in w]
    places = _expected_places(data)
    assert len(unsourced) == len(places)
    how = "excerpt column (add the column if none)" if data in CSVS else "give it excerpt: <id>"
    for warning, (file, line) in zip(unsourced, places, strict=True):
        assert warning.startswith(f"{file}:{line}")
        assert how in warning and warning.endswith("(an error with --strict)")


@pytest.mark.parametrize("data", ["inline", *CSVS])
def test_under_strict_a_number_naming_no_excerpt_is_an_error_where_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalog: SourceCatalog, data: str
) -> None:
    spec, located = _unsourced(tmp_path, monkeypatch, data)
    with pytest.raises(SourceError) as err:
        verify_evidence(spec, located, catalog, strict=True)
    problems = err.value.problems
    assert [(p.file, p.line) for p in problems] == _expected_places(data)
    assert all("names no excerpt it comes from; " in p.message for p in problems)


# --- disagreements the corpus's sentences show, with no topic declared -----------------------

FLOOD = """\
title: T
date: 2025-04-01
summary: The floods were deadly [@veldora-sitrep].
sections:
  - heading: H
    excerpts:
      - source: veldora-sitrep
        quote: "The floods in Veldora Province in March 2025 killed at least 112 people"
recommendations: [{title: t, action: a}]
"""


def test_citing_a_figure_others_give_differently_warns_with_no_topic_declared(
    tmp_path: Path
) -> None:
    catalog = SourceCatalog.load(ROOTS / "figures-corpus" / "sources.yaml")
    spec, located = load(tmp_path, FLOOD)
    [warning] = verify_evidence(spec, located, catalog).warnings
    assert "b.yaml:8 sections[0].excerpts[0].quote: warning: the brief cites at least 112 for " \
        "'people killed in Veldora Province, March 2025', but other sources give 128 (128) " \
        "[@castria-herald-floods, para 1]" in warning
    assert "veldora-armed-groups" not in warning  # it gives 112 too


def test_a_malformed_topics_file_stops_the_check_at_its_line(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOTS / "figures-corpus", tmp_path / "corpus")
    (tmp_path / "corpus" / "figures.yaml").write_text("topics:\n  - id: x\n    name: X\n",
                                                       encoding="utf-8")
    catalog = SourceCatalog.load(tmp_path / "corpus" / "sources.yaml")
    spec, located = load(tmp_path, FLOOD)
    with pytest.raises(SourceError) as err:
        verify_evidence(spec, located, catalog)
    [problem] = err.value.problems
    assert (problem.line, problem.key) == (2, "topics[0]")
    assert problem.file == str(tmp_path / "corpus" / "figures.yaml")
