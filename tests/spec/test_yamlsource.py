"""Reading YAML safely with positions: tags, aliases, encodings, syntax errors."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from briefgen.errors import SpecError
from briefgen.spec import yamlsource
from briefgen.spec.yamlsource import (
    MAX_DEPTH,
    MAX_SPEC_BYTES,
    YamlSyntaxError,
    dump_yaml,
    parse_yaml,
    read_yaml,
)


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


# Each makes ``levels`` nested collections, level k opening on line k.
NESTINGS: dict[str, Callable[[int], str]] = {
    "flow-sequence": lambda levels: "[\n" * levels + "]" * levels + "\n",
    "flow-mapping": lambda levels: "{a:\n" * levels + "1" + "}" * levels + "\n",
    "block-sequence": lambda levels: "".join("  " * i + "-\n" for i in range(levels))
    + "  " * levels + "x\n",
    "block-mapping": lambda levels: "".join(" " * i + "k:\n" for i in range(levels))
    + " " * levels + "x\n",
}
COMPOSERS = {"pure": yaml.SafeLoader, "libyaml": getattr(yaml, "CSafeLoader", None)}
# Past libyaml's own limit (1,000) and past what Python's recursion limit lets PyYAML compose.
BEYOND_COMPOSERS = 1_500


@pytest.fixture(params=list(COMPOSERS))
def composer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    loader = COMPOSERS[request.param]
    if loader is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yamlsource, "SAFE_COMPOSER", loader)
    return str(request.param)


@pytest.mark.parametrize("nesting", list(NESTINGS))
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, BEYOND_COMPOSERS])
def test_deep_nesting_is_refused_at_the_line_it_goes_too_deep(
    composer: str, nesting: str, levels: int
) -> None:
    with pytest.raises(SpecError) as err:
        parse_yaml(NESTINGS[nesting](levels), "s.yaml")
    message = str(err.value)
    assert message.startswith(f"s.yaml:{MAX_DEPTH + 1}: the spec nests lists or mappings")
    assert f"too deeply (more than {MAX_DEPTH} levels" in message


@pytest.mark.parametrize("nesting", list(NESTINGS))
def test_nesting_up_to_the_limit_is_read(composer: str, nesting: str) -> None:
    data = parse_yaml(NESTINGS[nesting](MAX_DEPTH), "s.yaml").data
    depth = 0
    while isinstance(data, (list, dict)):
        depth += 1
        values = data if isinstance(data, list) else list(data.values())
        data = values[0] if values else None
    assert depth == MAX_DEPTH


@pytest.mark.parametrize("nesting", list(NESTINGS))
def test_large_specs_are_counted_before_libyaml_composes_them(
    monkeypatch: pytest.MonkeyPatch, nesting: str
) -> None:
    # libyaml 0.2.5 would recurse in C until the process died; make every spec "large" and
    # libyaml one without its own limit, so the count runs here too, whichever is installed.
    if COMPOSERS["libyaml"] is None:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yamlsource, "SAFE_COMPOSER", COMPOSERS["libyaml"])
    monkeypatch.setattr(yamlsource, "_COMPOSER_SAFE_DEPTH", 0)
    monkeypatch.setattr(yamlsource, "_LIBYAML_LIMITS_NESTING", False)
    composed: list[str] = []

    def compose_all(text: str, Loader: type) -> list[yaml.Node]:  # noqa: N803 - PyYAML's name
        composed.append(Loader.__name__)
        return []

    monkeypatch.setattr(yaml, "compose_all", compose_all)
    with pytest.raises(SpecError, match=rf"^s\.yaml:{MAX_DEPTH + 1}: the spec nests"):
        parse_yaml(NESTINGS[nesting](BEYOND_COMPOSERS), "s.yaml")
    assert composed == []


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("title: T\nsections:\n\t- heading: A\n", 3, 1),
        ("sections:\n  - heading: A\n  \tbody: x\n", 3, 3),
        ("summary: |\n  First\n\tSecond\n", 3, 1),
    ],
)
def test_tab_in_indentation_says_to_indent_with_spaces(text: str, line: int, column: int) -> None:
    with pytest.raises(SpecError) as err:
        parse_yaml(text, "s.yaml")
    first, shown, pointer = str(err.value).splitlines()
    assert first == (
        f"s.yaml:{line}:{column}: not valid YAML: YAML indents with spaces; line {line} has a "
        "tab; replace it with spaces"
    )
    assert shown == "    " + text.splitlines()[line - 1]
    # The pointer repeats the line's own tabs so it stays under the column in any terminal.
    assert pointer.index("^") == shown.index("\t") and pointer[: pointer.index("^")].strip() == ""


def test_tab_after_a_dash_says_to_use_a_space() -> None:
    with pytest.raises(SpecError) as err:
        parse_yaml("sections:\n  -\theading: A\n", "s.yaml")
    first, shown, pointer = str(err.value).splitlines()
    assert first == (
        "s.yaml:2:4: not valid YAML: line 2 has a tab where YAML expects a space; "
        "replace it with a space"
    )
    assert pointer.index("^") == shown.index("\t")


def test_a_spec_that_is_a_pipe_or_a_link_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.yaml")  # a read would block forever
    with pytest.raises(SpecError, match="named pipe, not a regular file"):
        read_yaml(tmp_path / "pipe.yaml")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("marker-7f3a: not yaml: [", encoding="utf-8")
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "link.yaml").symlink_to(outside / "secret.txt")
    with pytest.raises(SpecError) as caught:
        read_yaml(tmp_path / "briefs" / "link.yaml")
    assert "outside" in str(caught.value) and "marker-7f3a" not in caught.value.report()


def test_plain_scalars_keep_the_text_as_written() -> None:
    located = parse_yaml("date: 2023-05-03\nlanguage: no\nstart: 2021\nnote:\n", "c.yaml",
                         plain_scalars=True)
    assert located.data == {"date": "2023-05-03", "language": "no", "start": "2021", "note": None}


def test_a_file_with_no_document_may_be_allowed_and_is_named_as_asked() -> None:
    assert parse_yaml("# only a comment\n", "t.yaml", "the template settings",
                      empty_ok=True).data is None
    with pytest.raises(SpecError) as caught:
        parse_yaml("a: !!python/name:os.system ''\n", "t.yaml", "the template settings")
    assert str(caught.value) == "t.yaml: the template settings uses YAML features briefgen refuses"


def test_a_syntax_error_carries_its_line_and_the_message_without_its_place() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("a: 1\nb: [1, 2\n", "c.yaml")
    assert caught.value.line == 3
    assert str(caught.value).startswith("c.yaml:3:1: not valid YAML: ")
    assert caught.value.detail.startswith("not valid YAML: ")


def test_the_node_bound_can_be_raised_or_lowered() -> None:
    with pytest.raises(SpecError, match="the source catalog expands to more than 3 values"):
        parse_yaml("a: [1, 2, 3]\n", "c.yaml", "the source catalog", max_nodes=3)


def test_dumped_yaml_reads_back_as_the_same_values_in_the_same_order() -> None:
    entry = [{"id": "a", "title": "Café: «ça»", "authors": [{"family": "Ali"}], "note": ""}]
    text = dump_yaml(entry)
    assert parse_yaml(text, "c.yaml").data == entry
    assert text.splitlines()[0] == "- id: a"
