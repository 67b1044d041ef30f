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


@pytest.mark.parametrize(
    ("date", "says"),
    [
        ("2023-13-45", "'2023-13-45' is not a real date: month 13 is not 1-12"),
        ("2023-06-31", "'2023-06-31' is not a real date: day 31 is not 1-30: June has 30 days"),
        ('"2023-02-29"', "'2023-02-29' is not a real date: day 29 is not 1-28: February 2023 has"),
    ],
)
def test_a_date_in_the_right_form_says_which_part_is_off_the_calendar(
    tmp_path: Path, date: str, says: str
) -> None:
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, GOOD.replace("date: 2021-07-15", f"date: {date}")))
    assert f"brief.yaml:2 date: {says}" in err.value.report()


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


VALUES = "sections[0].charts[0].series[0].values"


def test_chart_shape_and_excerpt_references(tmp_path: Path) -> None:
    text = GOOD.replace("values: [13, {value: 2, excerpt: split}]", "values: [13, 2, 5]")
    text = text.replace("excerpt: split\nrecommendations", "excerpt: splt\nrecommendations")
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    # The chart rules are charts/data's, reported at the series' place in the spec.
    assert any(p.startswith(f"brief.yaml:{located.line(VALUES)} {VALUES}: ")
               and '"MINUSMA" has 3 values but the chart has 2 categories' in p
               for p in problems), problems
    assert any("unknown excerpt 'splt'; did you mean 'split'?" in p for p in problems)


def test_evidence_names_an_excerpt_or_a_source_and_nothing_else(tmp_path: Path) -> None:
    text = GOOD.replace("evidence: [split, ft-isisk-2021]",
                        "evidence: [split, ft-isisk-2021, splt]")
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    assert problems == [
        f"brief.yaml:{located.line('recommendations[0].evidence[2]')} "
        "recommendations[0].evidence[2]: 'splt' is neither an excerpt id nor a source id; "
        "did you mean 'split'?"], problems


def test_every_chart_rule_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    # A negative part of a whole (a charts/data rule) and an unknown excerpt, in one report.
    text = GOOD.replace("values: [13, {value: 2, excerpt: split}]", "values: [13, -2]")
    text = text.replace("evidence: [split, ft-isisk-2021]", "evidence: [splt]")
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    negative = f"{VALUES}[1]"
    assert any(p.startswith(f"brief.yaml:{located.line(negative)} {negative}: ")
               and "cannot be negative" in p for p in problems), problems
    assert any("'splt' is neither an excerpt id nor a source id" in p for p in problems)


def test_a_chart_with_no_data_at_all_is_told_both_ways_to_give_it(tmp_path: Path) -> None:
    chart = GOOD[GOOD.index("        categories:"):GOOD.index("recommendations:")]
    spec, located = load_spec(write(tmp_path, GOOD.replace(chart, "")))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    assert problems == [f"brief.yaml:{located.line('sections[0].charts[0]')} "
                        "sections[0].charts[0]: a chart needs categories and series, or "
                        "data: a CSV file"], problems


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


def _spec_with_csv_chart(tmp_path: Path, csv_text: str) -> tuple[Path, int]:
    """A spec whose one chart reads data/d.csv (holding ``csv_text``), and the data: line."""
    (tmp_path / "seeds").mkdir(exist_ok=True)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "d.csv").write_text(csv_text, encoding="utf-8")
    head = GOOD.split("    charts:\n")[0] + "    charts:\n"
    chart = "      - kind: bar\n        caption: c\n        alt: a\n        data: data/d.csv\n"
    tail = "recommendations:" + GOOD.split("recommendations:")[1]
    return write(tmp_path, head + chart + tail), head.count("\n") + 4


@pytest.mark.parametrize(
    ("csv_text", "says"),
    [
        ("category,series,amount\nSoldiers,MINUSMA,13\n",
         "data/d.csv:1: the header row has no column value (it has 'category', 'series', "
         "'amount'); a chart's CSV needs the columns category, series and value, and excerpt"),
        ("category,number\nSoldiers,13\n",
         "data/d.csv:1: the header row has no columns series, value (it has 'category', "
         "'number')"),
        ("Category,Series,Value\nSoldiers,MINUSMA,13\n",
         "(it has 'Category', 'Series', 'Value'); a chart's CSV needs the columns category, "
         "series and value, and excerpt to name where each number comes from; column names "
         "are lowercase, with no spaces around them"),
        ("category;series;value\nSoldiers;MINUSMA;13\n",
         "the header row has no columns category, series, value (it has "
         "'category;series;value'); a chart's CSV needs the columns category, series and value,"
         " and excerpt to name where each number comes from; separate the columns with commas"),
        ("", "data/d.csv is empty; a chart's CSV needs the columns category, series and value"),
        ("category,series,value\n",
         "data/d.csv has a header row but no values; add one row per value"),
    ],
)
def test_a_chart_csv_says_which_columns_it_lacks_and_which_it_has(
    tmp_path: Path, csv_text: str, says: str
) -> None:
    path, data_line = _spec_with_csv_chart(tmp_path, csv_text)
    spec, located = load_spec(path)
    with pytest.raises(SpecError) as err:
        load_chart_data(spec, located)
    assert f"brief.yaml:{data_line} sections[0].charts[0].data: " in err.value.report()
    assert says in err.value.report()


def test_a_chart_csv_value_that_is_not_a_number_names_its_row(tmp_path: Path) -> None:
    path, data_line = _spec_with_csv_chart(
        tmp_path, "category,series,value\nSoldiers,MINUSMA,13\nPolice,MINUSMA,two\n")
    spec, located = load_spec(path)
    with pytest.raises(SpecError) as err:
        load_chart_data(spec, located)
    assert (f"brief.yaml:{data_line} sections[0].charts[0].data: data/d.csv:3: value 'two' "
            "is not a number") in err.value.report()


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


# --- tables: rows as lists of cells, or mappings naming their own excerpts --------------------

TABLE = """\
    tables:
      - caption: The split
        columns: [Force, Share]
        rows:
          - [Soldiers, "13"]
          - ROW
        excerpts: [split]
"""


def with_table(row: str) -> str:
    return GOOD.replace("recommendations:\n", TABLE.replace("ROW", row) + "recommendations:\n")


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_a_row_names_its_own_excerpts_or_falls_back_to_the_tables(tmp_path: Path) -> None:
    text = with_table('{cells: [Police, "2"], excerpts: [split]}')
    spec, located = load_spec(write(tmp_path, text))
    table = spec.tables()[0]
    plain, mapped = table.rows
    assert plain.cells == ("Soldiers", "13") and plain.excerpts == ()
    assert table.excerpts_of(plain) == ("split",)
    assert plain.cell_key(1) == "sections[0].tables[0].rows[0][1]"
    assert mapped.cells == ("Police", "2") and mapped.excerpts == ("split",)
    assert mapped.cell_key(1) == "sections[0].tables[0].rows[1].cells[1]"
    assert check_references(spec, located, SOURCES) == []


def test_unknown_row_excerpt_and_short_row_are_located(tmp_path: Path) -> None:
    text = with_table("{cells: [Police], excerpts: [splt]}")
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    line = line_of(text, "splt")
    assert problems == [
        f"brief.yaml:{line} sections[0].tables[0].rows[1].cells: expected 2 cells (one per "
        "column) but received 1",
        f"brief.yaml:{line} sections[0].tables[0].rows[1].excerpts[0]: unknown excerpt 'splt'; "
        "did you mean 'split'?",
    ]


def test_a_row_mapping_is_validated_like_any_other(tmp_path: Path) -> None:
    text = with_table('{cell: [Police, "2"], excerpts: split}')
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, text))
    report = err.value.report()
    line = line_of(text, "cell:")
    assert f"brief.yaml:{line} sections[0].tables[0].rows[1].cell: unknown key 'cell'; " \
           "did you mean 'cells'?" in report
    assert "sections[0].tables[0].rows[1]: missing required key 'cells'" in report
    assert "sections[0].tables[0].rows[1].excerpts: expected a list but received the text " \
           "'split'" in report


def test_citations_in_table_cells_are_checked_like_any_markdown(tmp_path: Path) -> None:
    text = with_table('[Police, "2 [@un-mali-futur, para 12]"]')
    spec, located = load_spec(write(tmp_path, text))
    problems = [str(p) for p in check_references(spec, located, SOURCES)]
    assert problems == [
        f"brief.yaml:{line_of(text, 'un-mali-futur,')} sections[0].tables[0].rows[1][1]: "
        "citation [@un-mali-futur]: unknown source; did you mean 'un-mali-future'?"]


def _rows(which: str, n: int) -> str:
    if which == "categories":
        return "".join(f"c{i},S,1\n" for i in range(n))
    if which == "series":
        return "".join(f"C,s{i},1\n" for i in range(n))
    return "C" * n + ",S,1\n"


@pytest.mark.parametrize("which", ["categories", "series", "label"])
def test_a_chart_csv_is_held_to_the_limits_of_a_chart_in_the_spec(
    tmp_path: Path, which: str
) -> None:
    # What the schema refuses for categories: and series: written in the spec, a CSV may not
    # bring either: 60,000 bars took minutes to read, and longer to draw.
    import time

    from briefgen.spec.schema import MAX_CATEGORIES, MAX_CHART_LABEL, MAX_SERIES

    path, data_line = _spec_with_csv_chart(tmp_path, "category,series,value\n"
                                           + _rows(which, 60_000))
    spec, located = load_spec(path)
    started = time.monotonic()
    with pytest.raises(SpecError) as err:
        load_chart_data(spec, located)
    assert time.monotonic() - started < 5
    says = {
        # The row of the first category (or series) past the limit; the header is row 1.
        "categories": f"data/d.csv:{MAX_CATEGORIES + 2}: a chart shows at most "
                      f"{MAX_CATEGORIES} categories",
        "series": f"data/d.csv:{MAX_SERIES + 2}: a chart shows at most {MAX_SERIES} series",
        "label": f"data/d.csv:2: the category is 60,000 characters long; at most "
                 f"{MAX_CHART_LABEL}",
    }[which]
    report = err.value.report()
    assert f"brief.yaml:{data_line} sections[0].charts[0].data: {says}" in report, report
    assert len(report) < 10_000
