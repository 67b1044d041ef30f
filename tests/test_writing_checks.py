"""The estimative-language and abbreviation warnings, each at its line and key."""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import Problem
from briefgen.spec.loader import load_spec
from briefgen.writing_checks import abbreviation_warnings, estimative_warnings

HEAD = """title: "Test"
date: 2024-03-01
sections: [{heading: "One", body: "Text."}]
recommendations: [{title: "Act", action: "Act now."}]
"""


def spec_from(tmp_path: Path, text: str):
    path = tmp_path / "brief.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return load_spec(path)


def located(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.key) for p in problems]


def test_the_three_estimative_warnings_at_their_lines(tmp_path: Path) -> None:
    spec, where = spec_from(tmp_path, """summary: |
  The port is open.
  We assess with high confidence that the port is likely to close.
key_judgements:
  - judgement: "The port might close [@some-source]."
    likelihood: likely
    confidence: moderate
  - judgement: |
      The militia will hold the port.
      It could perhaps lose it.
    likelihood: very unlikely
    confidence: low
    evidence: [x]
  - judgement: "The junta will call elections."
    likelihood: remote
    confidence: high
""")
    problems = estimative_warnings(spec, where)
    assert located(problems) == [
        (7, "summary"),
        (9, "key_judgements[0].judgement"),
        (14, "key_judgements[1].judgement"),
        (14, "key_judgements[1].judgement"),
        (18, "key_judgements[2]"),
    ]
    both, might, could, perhaps, no_evidence = (p.message for p in problems)
    assert "states both a likelihood ('likely') and a confidence ('high confidence')" in both
    assert might.startswith("'might' hedges") and "likelihood: ('likely') says" in might
    assert could.startswith("'could'") and perhaps.startswith("'perhaps'")
    assert "names no evidence" in no_evidence
    assert all(p.file == where.file for p in problems)


def test_a_judgement_stated_plainly_with_evidence_gives_no_warning(tmp_path: Path) -> None:
    spec, where = spec_from(tmp_path, """summary: "All quiet."
key_judgements:
  - {judgement: "The port will close in May 2025.", likelihood: probable,
     confidence: moderate, evidence: [x]}
""")
    assert estimative_warnings(spec, where) == []


def test_abbreviations_used_before_spelled_out_or_never(tmp_path: Path) -> None:
    spec, where = spec_from(tmp_path, """summary: |
  The RSF took the city, the UN said.
  The Rapid Support Forces (RSF) then moved on, and the SAF withdrew.
key_points:
  - "An IED closed the road."
abbreviations:
  - {term: IED, expansion: improvised explosive device}
""")
    problems = abbreviation_warnings(spec, where, known=["UN"])
    assert located(problems) == [(6, "summary"), (7, "summary")]
    before, never = (p.message for p in problems)
    assert before.startswith("the abbreviation 'RSF' is used before it is spelled out (at "
                             "line 7, summary)")
    assert never.startswith("the abbreviation 'SAF' is never spelled out")
    # Without the template's list, UN is asked for too.
    assert ("UN" in " ".join(p.message for p in abbreviation_warnings(spec, where, known=[])))
