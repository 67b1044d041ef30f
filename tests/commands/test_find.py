"""`briefgen find`, `figures` and `check --strict` as analysts run them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import BRIEFS, REPO, SEEDS


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_find_prints_source_paragraph_marked_passage_and_citation() -> None:
    result = run("find", "killed at least 79 Afghans")
    assert result.returncode == 0, result.stderr
    assert "ft-isisk-2021, para 2:" in result.stdout
    assert "»killed at least 79 Afghans«" in result.stdout
    assert "[@ft-isisk-2021, para 2]" in result.stdout


def test_find_accepts_the_quotation_conventions() -> None:
    result = run("find", "[t]he group recruits both Afghan … jihadists")
    assert result.returncode == 0, result.stderr
    assert "[@isisk-taliban-emergence, para 8]" in result.stdout


def test_find_of_an_altered_quote_exits_1_with_the_closest_passages() -> None:
    result = run("find", "killed at least 97 Afghans")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "not found" in result.stdout
    first = re.search(r"ft-isisk-2021, para 2 \((\d+)% similar\): .*killed at least 79 Afghans",
                      result.stdout)
    assert first is not None and 80 <= int(first.group(1)) < 100


def test_figures_reports_where_sources_disagree() -> None:
    result = run("figures", "--disagreements")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Afghans killed (airport-deaths): SOURCES" in out
    assert "IS-K's strength" in out and "(isk-fighters): SOURCES" in out
    for citation in ("[@isisk-taliban-emergence, para 2]", "[@ft-isisk-2021, para 2]",
                     "[@ali-isisk-renewed-threat, para 6]", "[@ft-isisk-2021, para 16]",
                     "[@kumar-isisk-first-blood, para 5]"):
        assert citation in out
    assert "airport-us-deaths" not in out  # all sources say 13


def _project(tmp_path: Path, spec: str) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    path = tmp_path / "brief.yaml"
    path.write_text(spec, encoding="utf-8")
    return path


_SPEC = """\
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
        categories: [Soldiers, Police]
        series: [{name: S, values: [{value: 13, excerpt: split}, VALUE]}]
recommendations: [{title: t, action: a}]
"""


def test_check_strict_refuses_a_number_with_no_source(tmp_path: Path) -> None:
    spec = _project(tmp_path, _SPEC.replace("VALUE", "2"))
    lenient = run("check", str(spec), cwd=tmp_path)
    assert lenient.returncode == 0, lenient.stderr
    assert "series[0].values[1]: warning: the number 2 names no excerpt" in lenient.stderr
    strict = run("check", "--strict", str(spec), cwd=tmp_path)
    assert strict.returncode == 1
    assert "Traceback" not in strict.stderr
    assert "brief.yaml:15 sections[0].charts[0].series[0].values[1]: the number 2 names no " \
           "excerpt" in strict.stderr


def test_a_number_not_in_its_excerpt_is_always_an_error(tmp_path: Path) -> None:
    spec = _project(tmp_path, _SPEC.replace("VALUE", "{value: 3, excerpt: split}"))
    result = run("check", str(spec), cwd=tmp_path)
    assert result.returncode == 1
    assert "sections[0].charts[0].series[0].values[1]: the number 3 is not in its excerpt " \
           "'split': \"MINUSMA has a 13-2 split" in result.stderr


def test_check_strict_passes_on_the_samples() -> None:
    result = run("check", "--strict", *sorted(str(p) for p in BRIEFS.glob("*.yaml")))
    assert result.returncode == 0, result.stderr
    assert "numbers traced" in result.stdout
