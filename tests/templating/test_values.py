"""Placeholder values: the brief's metadata over template.yaml's defaults."""

from __future__ import annotations

from briefgen.model.nodes import Metadata
from briefgen.templating.values import placeholder_values

META = Metadata(title="T", date="2021-06-30", date_text="30 June 2021", authors=("A", "B"),
                organisation="", marking="SECRET", keywords=("x", "y"))
SETTINGS = {"defaults": {"organisation": "Institute", "marking": "UNCLASSIFIED", "desk": "Sahel"}}


def test_spec_values_win_and_defaults_fill_the_gaps() -> None:
    values = placeholder_values(META, SETTINGS)
    assert values["marking"] == "SECRET"  # the spec's
    assert values["organisation"] == "Institute"  # the spec gave none
    assert values["desk"] == "Sahel"  # a template's own name
    assert values["date"] == "30 June 2021" and values["date_iso"] == "2021-06-30"
    assert values["authors"] == "A, B" and values["keywords"] == "x; y"


def test_byline_skips_what_is_empty() -> None:
    assert placeholder_values(META, SETTINGS)["byline"] == "30 June 2021 · A, B · Institute"
    assert placeholder_values(Metadata(title="T"), {})["byline"] == ""


def test_every_value_is_text_and_body_is_reserved() -> None:
    values = placeholder_values(META, {"defaults": {"body": "x", "count": 3, "none": None}})
    assert "body" not in values
    assert values["count"] == "3" and values["none"] == ""
    assert all(isinstance(v, str) for v in values.values())


def test_memo_lines_are_placeholders_and_from_falls_back_to_authors_and_organisation() -> None:
    memo = Metadata(title="T", authors=("A",), to="Head of Mission", sender="Desk Officer",
                    reference="REF/1")
    values = placeholder_values(memo, SETTINGS)
    assert (values["to"], values["from"], values["reference"]) == (
        "Head of Mission", "Desk Officer", "REF/1")
    # No sender named: the authors and the organisation (here the template's default).
    assert placeholder_values(META, SETTINGS)["from"] == "A, B, Institute"
    assert placeholder_values(Metadata(title="T"), {})["to"] == ""
