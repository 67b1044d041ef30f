"""Reading YAML safely with positions: tags, aliases, encodings, syntax errors."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from briefgen.errors import SpecError
from briefgen.spec.yamlsource import MAX_SPEC_BYTES, parse_yaml, read_yaml


def test_lines_of_nested_keys() -> None:
    located = parse_yaml("title: T\nsections:\n  - heading: A\n    body: x\n", "s.yaml")
    assert located.data == {"title": "T", "sections": [{"heading": "A", "body": "x"}]}
    assert located.line("title") == 1
    assert located.line("sections[0].heading") == 3
    assert located.line("sections[0].body") == 4
    # A path with no line of its own falls back to its parent's.
    assert located.line("sections[0].missing") == 3


def test_syntax_error_names_line_column_and_offending_line() -> None:
    with pytest.raises(SpecError) as err:
        parse_yaml("title: T\nsections: [a, b\n", "s.yaml")
    message = str(err.value)
    assert message.startswith("s.yaml:")
    assert "not valid YAML" in message
    assert "^" in message


def test_python_tags_are_refused() -> None:
    with pytest.raises(SpecError) as err:
        parse_yaml("title: !!python/object/apply:os.system ['echo hi']\n", "s.yaml")
    assert "tag" in err.value.report()
    assert "s.yaml:1" in err.value.report()


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(SpecError) as err:
        parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert "expands to more than" in str(err.value)


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty_spec(text: str) -> None:
    with pytest.raises(SpecError, match="empty"):
        parse_yaml(text, "e.yaml")


def test_duplicate_key_is_a_problem() -> None:
    with pytest.raises(SpecError) as err:
        parse_yaml("title: A\ntitle: B\n", "d.yaml")
    assert "d.yaml:2 title: key given twice" in err.value.report()


def test_invalid_date_is_kept_as_text_for_validation() -> None:
    assert parse_yaml("date: 2021-13-01\n", "x.yaml").data == {"date": "2021-13-01"}


@pytest.mark.parametrize(
    "encoded",
    [
        "title: Mali – MINUSMA\n".encode("utf-8"),
        codecs.BOM_UTF8 + "title: Mali – MINUSMA\n".encode("utf-8"),
        "title: Mali – MINUSMA\n".encode("utf-16"),  # with BOM
    ],
)
def test_encodings_read(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(encoded)
    assert read_yaml(path).data == {"title": "Mali – MINUSMA"}


def test_binary_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(SpecError, match="not UTF-8|binary"):
        read_yaml(path)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_SPEC_BYTES + b"\n")
    with pytest.raises(SpecError, match="limit"):
        read_yaml(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no such file"):
        read_yaml(tmp_path / "nope.yaml")
