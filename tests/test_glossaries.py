"""The Abbreviations section and the Estimative language note as model blocks."""

from __future__ import annotations

from pathlib import Path

from briefgen.glossaries import (
    abbreviation_entries,
    abbreviations_section,
    estimative_note,
    prose_fields,
)
from briefgen.model.nodes import Glossary, Heading, Labels, Paragraph, Table, Text
from briefgen.spec.loader import load_spec

SPEC = """title: "Haiti's security mission"
date: 2024-03-01
summary: |
  The Multinational Security Support (MSS) mission reached Port-au-Prince. The
  Haitian National Police (HNP) lead.
key_judgements:
  - {judgement: "The Kenya-led MSS will stay.", likelihood: likely, confidence: low,
     evidence: [x]}
abbreviations:
  - {term: CARICOM, expansion: Caribbean Community}
  - {term: HNP, expansion: Haitian National Police force}
sections:
  - heading: "The mission (MSS)"
    body: "The Organization of American States (OAS) met."
recommendations: [{title: "Act", action: "Brief the OAS."}]
"""


def spec(tmp_path: Path):
    path = tmp_path / "brief.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_spec(path)[0]


def test_prose_in_reading_order_without_headings(tmp_path: Path) -> None:
    keys = [key for key, _ in prose_fields(spec(tmp_path))]
    assert keys == ["summary", "key_judgements[0].judgement", "sections[0].body",
                    "recommendations[0].action"]


def test_found_and_listed_abbreviations_sorted_the_spec_winning(tmp_path: Path) -> None:
    entries = [(e.term, e.definition) for e in abbreviation_entries(spec(tmp_path))]
    assert entries == [("CARICOM", "Caribbean Community"),
                       ("HNP", "Haitian National Police force"),
                       ("MSS", "Multinational Security Support"),
                       ("OAS", "Organization of American States")]
    heading, glossary = abbreviations_section(spec(tmp_path), Labels())
    assert isinstance(heading, Heading) and heading.runs == (Text("Abbreviations"),)
    assert isinstance(glossary, Glossary) and len(glossary.entries) == 4


def test_no_section_without_abbreviations(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(SPEC.split("key_judgements:")[0].replace("(MSS) ", "").replace(
        " (HNP)", "") + 'sections: [{heading: "One", body: "Text."}]\n'
        'recommendations: [{title: "Act", action: "Act."}]\n', encoding="utf-8")
    assert abbreviations_section(load_spec(path)[0], Labels()) == []


def test_the_estimative_note_explains_terms_and_confidence() -> None:
    labels = Labels(estimative_language="Langage estimatif")
    heading, intro, table, between, levels = estimative_note(labels, 3)
    assert heading.runs == (Text("Langage estimatif"),)
    assert isinstance(intro, Paragraph) and isinstance(between, Paragraph)
    assert isinstance(table, Table) and table.number == 3
    rows = [tuple(c.runs[0].text for c in row) for row in table.rows]
    assert rows[0] == ("Almost no chance", "remote", "01–05%")
    assert rows[-1] == ("Almost certain", "nearly certain", "95–99%")
    assert [c.align for c in table.rows[0]] == ["left", "left", "right"]
    assert isinstance(levels, Glossary)
    assert [e.term for e in levels.entries] == ["High confidence", "Moderate confidence",
                                                "Low confidence"]
