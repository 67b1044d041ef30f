"""Spec validation: every problem reported at once, with file:line, key path and a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import SpecError
from briefgen.spec.loader import check_references, load_chart_data, load_spec
from briefgen.spec.schema import json_schema

SOURCES = ["ft-isisk-2021", "un-mali-future", "newarab-taliban-isk-2023"]

GOOD = """\
title: Mali after two coups
date: 2021-07-15
authors: [Desk]
summary: |
  A summary [@un-mali-future].
sections:
  - heading: One
    body: |
      Text with a quote, "has a 13-2 split of soldiers" [@un-mali-future, para 12].
    excerpts:
      - id: split
        source: un-mali-future
        quote: MINUSMA has a 13-2 split of soldiers and police.
    charts:
      - kind: part-of-whole
        caption: Soldiers and police
        alt: 13 soldiers for 2 police
        categories: [Soldiers, Police]
        series:
          - name: MINUSMA
            values: [13, {value: 2, excerpt: split}]
            excerpt: split
recommendations:
  - title: Raise the police share
    action: Do it.
    evidence: [split, ft-isisk-2021]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Messages name files relative to the working folder, as a user runs briefgen.
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, text: str, name: str = "brief.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_spec_loads_into_typed_objects(tmp_path: Path) -> None:
    spec, located = load_spec(write(tmp_path, GOOD))
    assert spec.title == "Mali after two coups"
    assert spec.date == "2021-07-15"
    chart = spec.sections[0].charts[0]
    assert [v.value for v in chart.series[0].values] == [13, 2]
    assert [v.excerpt for v in chart.series[0].values] == ["split", "split"]
    assert spec.recommendations[0].evidence == ("split", "ft-isisk-2021")
    assert check_references(spec, located, SOURCES) == []


def test_three_mistakes_are_all_reported(tmp_path: Path) -> None:
    text = GOOD.replace("date: 2021-07-15", "date: 15/07/2021")
    text = text.replace("authors: [Desk]", "author: [Desk]")
    text = text.replace("kind: part-of-whole", "kind: pie")
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, text))
    report = err.value.report()
    assert len(err.value.problems) == 3, report
    assert "brief.yaml:2 date: expected a date written YYYY-MM-DD" in report
    assert "brief.yaml:3 author: unknown key 'author'; did you mean 'authors'?" in report
    assert "sections[0].charts[0].kind: expected one of: bar, grouped-bar" in report


def test_unknown_source_suggests_the_nearest_id(tmp_path: Path) -> None:
    text = GOOD.replace("source: un-mali-future", "source: fT-isisk")
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    assert any(
        p.startswith("brief.yaml:12 sections[0].excerpts[0].source: unknown source 'fT-isisk'; "
                     "did you mean 'ft-isisk-2021'?") for p in problems
    ), problems


def test_citation_key_and_uncited_quotation_are_located(tmp_path: Path) -> None:
    text = GOOD.replace("A summary [@un-mali-future].",
                        "A summary [@un-mali-futur].\n\n  They said \"this is never cited anywhere\".")
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    assert "brief.yaml:5 summary: citation [@un-mali-futur]: unknown source; did you mean " \
           "'un-mali-future'?" in problems
    assert any("cites no source" in p and p.startswith("brief.yaml:7") for p in problems), problems


def test_chart_shape_and_excerpt_references(tmp_path: Path) -> None:
    text = GOOD.replace("values: [13, {value: 2, excerpt: split}]", "values: [13, 2, 5]")
    text = text.replace("excerpt: split\nrecommendations", "excerpt: splt\nrecommendations")
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    assert any("expected 2 values (one per category) but received 3" in p for p in problems)
    assert any("unknown excerpt 'splt'; did you mean 'split'?" in p for p in problems)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="top level of a spec must be a mapping"):
        load_spec(write(tmp_path, "- a\n- b\n"))


@pytest.mark.parametrize("key", ["title", "date", "summary", "sections", "recommendations"])
def test_each_required_key_missing(tmp_path: Path, key: str) -> None:
    lines = GOOD.splitlines(keepends=True)
    # Drop the key and its indented block.
    out, skipping = [], False
    for line in lines:
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and (line.startswith(" ") or line.startswith("-")):
            continue
        skipping = False
        out.append(line)
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, "".join(out)))
    assert f"missing required key {key!r}" in err.value.report()


def test_csv_data_is_read_and_confined(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text(
        "category,series,value,excerpt\nSoldiers,MINUSMA,13,split\nPolice,MINUSMA,2,split\n")
    chart = """\
      - kind: bar
        caption: c
        alt: a
        data: data/d.csv
"""
    head = GOOD.split("    charts:\n")[0] + "    charts:\n"
    tail = "recommendations:" + GOOD.split("recommendations:")[1]
    spec, located = load_spec(write(tmp_path, head + chart + tail))
    spec = load_chart_data(spec, located)
    loaded = spec.sections[0].charts[0]
    assert loaded.categories == ("Soldiers", "Police")
    assert [v.value for v in loaded.series[0].values] == [13.0, 2.0]

    escaping = head + chart.replace("data/d.csv", "../../etc/passwd") + tail
    spec, located = load_spec(write(tmp_path, escaping))
    with pytest.raises(SpecError) as err:
        load_chart_data(spec, located)
    assert "leaves the project folder" in err.value.report()


def test_memo_lines_load_and_a_wrong_one_is_located(tmp_path: Path) -> None:
    memo = "memo:\n  to: Head of Mission\n  from: Desk Officer\n  reference: REF/7\n"
    spec, _ = load_spec(write(tmp_path, GOOD + memo))
    assert (spec.memo.to, spec.memo.sender, spec.memo.reference) == (
        "Head of Mission", "Desk Officer", "REF/7")
    assert load_spec(write(tmp_path, GOOD))[0].memo.to == ""
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, GOOD + "memo:\n  to: [a, b]\n  subjet: x\n"))
    report = err.value.report()
    line = GOOD.count("\n") + 2
    assert f"brief.yaml:{line} memo.to: expected text but received a list of 2" in report
    assert f"brief.yaml:{line + 1} memo.subjet: unknown key 'subjet'" in report


def test_json_schema_describes_every_top_level_key() -> None:
    schema = json_schema()
    assert schema["type"] == "object"
    assert set(schema["required"]) == {"title", "date", "summary", "sections", "recommendations"}
    assert "quote" in (schema["properties"]["evidence"]["items"]["properties"])
    assert schema["additionalProperties"] is False


def test_committed_schema_matches_the_declaration() -> None:
    # Editors read docs/brief.schema.json; it must never drift from the declaration.
    import json

    from tests.conftest import REPO

    committed = json.loads((REPO / "docs" / "brief.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema()
