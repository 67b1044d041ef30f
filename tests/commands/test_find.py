"""`briefgen find`, `figures` and `check --strict` as analysts run them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.cli import main
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


# --- adversarial quotes through the commands -------------------------------------------------

# CPU time, generous: each command below spends well under a tenth of a second matching, where
# backtracking across the brackets took minutes (check timed out after 60 s).
_WORST_CASE_SECONDS = 2.0
_REPEATED = " ".join(["a"] * 400)
_ADVERSARIAL_QUOTES = {
    "brackets": "a" + " [x] a" * 50 + " [x] zebra",
    "ellipses": "a ... " * 50 + "a zebra",
    "mixed": " ... ".join(["a [x] a [x] a"] * 25) + " [x] zebra",
}


def _repeated_words_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose sources are repeated words: in "blocked" no bracket can stand for the
    number before "zebra", so no quote above occurs; "repeated" has them all in paragraph 2."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "blocked.txt").write_text(f"Blocked\n\n{_REPEATED} 7 zebra\n", encoding="utf-8")
    (seeds / "repeated.txt").write_text(
        f"Repeated\n\n{_REPEATED} 7 zebra\n\n{_REPEATED} zebra\n", encoding="utf-8")
    (seeds / "sources.yaml").write_text(
        "sources:\n"
        "  - {id: blocked, file: blocked.txt, title: Blocked, type: webpage}\n"
        "  - {id: repeated, file: repeated.txt, title: Repeated, type: webpage}\n",
        encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return seeds / "sources.yaml"


def _timed_main(*argv: str) -> tuple[int, float]:
    started = time.process_time()
    status = main(list(argv))
    return status, time.process_time() - started


def _spec(source: str, quotes: list[str]) -> str:
    excerpts = "".join(f"      - source: {source}\n        quote: {json.dumps(q)}\n"
                       for q in quotes)
    return (f"title: T\ndate: 2021-07-15\nsummary: Words repeat [@{source}].\nsections:\n"
            f"  - heading: H\n    excerpts:\n{excerpts}"
            "recommendations: [{title: t, action: a}]\n")


@pytest.mark.parametrize("kind", sorted(_ADVERSARIAL_QUOTES))
def test_find_of_an_adversarial_quote_is_quick(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = _repeated_words_project(tmp_path, monkeypatch)
    assert main(["find", "--catalog", str(catalog), "zebra"]) == 0  # builds the index
    capsys.readouterr()
    status, seconds = _timed_main("find", "--catalog", str(catalog), _ADVERSARIAL_QUOTES[kind])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "[@repeated, para 2]" in out
    assert "[@blocked" not in out and "para 1]" not in out
    assert seconds < _WORST_CASE_SECONDS


def test_check_of_adversarial_quotes_is_quick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _repeated_words_project(tmp_path, monkeypatch)
    found = tmp_path / "found.yaml"
    found.write_text(_spec("repeated", list(_ADVERSARIAL_QUOTES.values())), encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    missing.write_text(_spec("blocked", list(_ADVERSARIAL_QUOTES.values())), encoding="utf-8")
    warm_up = tmp_path / "warm-up.yaml"
    warm_up.write_text(_spec("repeated", ["a zebra"]), encoding="utf-8")
    assert main(["check", str(warm_up)]) == 0  # imports and reads the catalog once
    capsys.readouterr()

    status, seconds = _timed_main("check", str(found))
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "3 quotations verified" in captured.out
    assert seconds < _WORST_CASE_SECONDS

    status, seconds = _timed_main("check", str(missing))
    captured = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in captured.err
    quote_lines = [n for n, line in enumerate(missing.read_text().splitlines(), 1)
                   if "quote:" in line]
    for index, line in enumerate(quote_lines):
        assert f"missing.yaml:{line} sections[0].excerpts[{index}].quote: quote not found" \
            in captured.err
    assert seconds < _WORST_CASE_SECONDS


# --- paginated sources: cited by page ---------------------------------------------------------


def test_find_cites_a_paginated_source_by_page(tmp_path: Path) -> None:
    from tests.corpus.paged import ACROSS, ON_PAGE_2, write_paged_project

    write_paged_project(tmp_path)
    alone = run("find", ON_PAGE_2, cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert "mission-report, p. 2, para 4:" in alone.stdout
    assert "  [@mission-report, p. 2]" in alone.stdout.splitlines()
    across = run("find", ACROSS, cwd=tmp_path)
    assert across.returncode == 0, across.stderr
    assert "  [@mission-report, pp. 1\u20132]" in across.stdout.splitlines()
    # A text source is still cited by paragraph.
    plain = run("find", "worth quoting here", cwd=tmp_path)
    assert "  [@plain-source, para 1]" in plain.stdout.splitlines()


def test_find_searches_the_rest_when_a_source_is_broken_and_warns_once(tmp_path: Path) -> None:
    from tests.corpus.paged import ON_PAGE_2, write_paged_project

    write_paged_project(tmp_path)
    (tmp_path / "seeds" / "plain.txt").unlink()
    result = run("find", ON_PAGE_2, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[@mission-report, p. 2]" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "plain-source" in warnings[0]
