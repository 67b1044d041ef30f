"""Declared options: one declaration checks a value, types it and describes it as JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefgen.spec import options as o
from briefgen.spec.yamlsource import parse_yaml


@dataclass(frozen=True)
class Point:
    label: str
    tags: tuple[str, ...]
    kind: str
    key: str
    where: str
    shown: bool = True


POINT = o.Record(
    Point,
    {
        "label": o.Text(required=True),
        "tags": o.ListOf(o.Text()),
        "class": o.Choice(("a", "b"), expected="a class (a or b)"),
    },
    rename={"class": "kind"},
    fixed={"shown": False},
    paths={"key": "", "where": ".label"},
)


def _validate(option: o.Option, text: str) -> tuple[Any, list[str]]:
    """``option``'s value for ``text`` written under the key ``p`` (from line 2), and problems."""
    indented = "".join(f"  {line}\n" for line in text.splitlines())
    located = parse_yaml(f"p:\n{indented}", "f.yaml")
    ctx = o.Context(located)
    value = option.validate(located.data["p"], "p", ctx)
    return value, [str(problem) for problem in ctx.problems]


def test_a_record_builds_its_dataclass_from_the_keys_it_declares() -> None:
    point, problems = _validate(POINT, "label: x\ntags: [t, u]\nclass: b\n")
    assert problems == []
    assert point == Point(label="x", tags=("t", "u"), kind="b", key="p", where="p.label",
                          shown=False)


def test_a_record_gives_what_was_not_written_its_default() -> None:
    point, _ = _validate(POINT, "label: x\n")
    assert (point.tags, point.kind) == ((), "")


def test_a_record_with_problems_builds_nothing_and_locates_each() -> None:
    point, problems = _validate(POINT, "tags: [t, u]\nclass: c\nlabl: x\n")
    assert point is None
    assert problems == [
        "f.yaml:4 p.labl: unknown key 'labl'; did you mean 'label'? (known keys: label, tags, "
        "class)",
        "f.yaml:1 p: missing required key 'label'",
        "f.yaml:3 p.class: expected a class (a or b) but received the text 'c'",
    ]


def test_building_types_a_value_that_is_not_a_mapping() -> None:
    doubled = o.Building(o.Number(), lambda value, key: (value * 2, key))
    assert _validate(doubled, "4\n") == ((8, "p"), [])
    assert _validate(doubled, "four\n") == (None, ["f.yaml:1 p: expected a number but received "
                                                   "the text 'four'"])
    assert doubled.json_schema() == {"type": "number"}


def test_a_mapping_of_free_keys_checks_every_value_and_allows_null() -> None:
    colours = o.MappingOf(o.Text(max_length=7))
    assert _validate(colours, "accent: '#000000'\nlink:\n") == (
        {"accent": "#000000", "link": None}, [])
    _, problems = _validate(colours, "accent: [1]\n")
    assert problems == ["f.yaml:2 p.accent: expected text but received a list of 1"]
    assert colours.json_schema()["additionalProperties"]["maxLength"] == 7


def test_checked_adds_a_rule_to_an_option_and_skips_empty_values() -> None:
    even = o.Checked(o.Text(non_empty=False), lambda t: None if len(t) % 2 == 0 else
                     f"{t!r} has an odd length")
    assert _validate(even, "ab\n") == ("ab", [])
    assert _validate(even, "''\n") == ("", [])
    assert _validate(even, "abc\n") == (None, ["f.yaml:1 p: 'abc' has an odd length"])


def test_null_can_mean_a_value_and_text_can_be_stripped() -> None:
    fields = o.Mapping({"file": o.Text(required=True, non_empty=False, null=""),
                        "title": o.Text(strip=True)})
    assert _validate(fields, "file:\ntitle: '  T '\n") == ({"file": "", "title": "T"}, [])
    _, problems = _validate(o.Mapping({"file": o.Text(required=True)}), "file:\n")
    assert problems == ["f.yaml:2 p.file: missing required key 'file'"]
