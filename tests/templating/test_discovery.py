"""Finding templates, and a template that extends another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.errors import TemplateError
from briefgen.templating.discovery import (
    available_templates,
    find_template,
    load_template,
    read_settings,
)
from tests.conftest import REPO

DEFAULT = REPO / "templates" / "default"


def test_both_shipped_templates_are_found() -> None:
    templates = available_templates(REPO)
    assert {"default", "memo"} <= set(templates)
    memo = find_template("memo", REPO)
    assert memo.settings["numbered_paragraphs"] is True
    assert find_template("", REPO).name == "default"


def test_a_child_takes_missing_files_and_settings_from_its_parent(tmp_path: Path) -> None:
    child = tmp_path / "templates" / "desk"
    child.mkdir(parents=True)
    (child / "template.yaml").write_text(
        "extends: default\ncolours: {highlight: '#aa0000'}\ndefaults: {marking: RESTRICTED}\n",
        encoding="utf-8",
    )
    template = find_template("desk", tmp_path)
    assert template.name == "desk"
    assert template.reference_docx == DEFAULT / "reference.docx"
    assert template.brief_typ == DEFAULT / "brief.typ"
    assert template.settings["colours"] == {"accent": "#1f4e79", "highlight": "#aa0000"}
    assert template.settings["defaults"]["marking"] == "RESTRICTED"
    assert template.settings["logo"] == "logo.png"
    assert template.directories == (child.resolve(), DEFAULT)


def test_a_child_file_wins_over_the_parent(tmp_path: Path) -> None:
    child = tmp_path / "templates" / "desk"
    child.mkdir(parents=True)
    (child / "template.yaml").write_text("extends: default\n", encoding="utf-8")
    shutil.copy(DEFAULT / "brief.typ", child / "brief.typ")
    template = find_template("desk", tmp_path)
    assert template.brief_typ == child.resolve() / "brief.typ"
    assert template.reference_docx == DEFAULT / "reference.docx"


def test_unknown_parent_and_circles_are_errors_naming_the_file(tmp_path: Path) -> None:
    one, two = tmp_path / "templates" / "one", tmp_path / "templates" / "two"
    for folder, parent in ((one, "two"), (two, "one")):
        folder.mkdir(parents=True)
        (folder / "template.yaml").write_text(f"extends: {parent}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="circle"):
        load_template(one, tmp_path)
    (two / "template.yaml").write_text("extends: nowhere\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_template(two, tmp_path)
    assert "template.yaml" in str(caught.value) and "'nowhere'" in str(caught.value)


def _alias_bomb(levels: int = 9) -> str:
    # Nine levels of ten aliases: a few hundred bytes that expand to 10^9 strings.
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\nbomb: *l{levels - 1}\n"


@pytest.mark.parametrize("settings, says", [
    (_alias_bomb(), "expands to more than"),
    ("name: x\ncolours: !!python/object/apply:os.getcwd []\n", "YAML tag"),
    ("name: x\n" + "deep: " + "[" * 500 + "]" * 500 + "\n", "nests lists or mappings too deeply"),
])
def test_template_settings_are_read_under_the_spec_s_yaml_limits(
    tmp_path: Path, settings: str, says: str
) -> None:
    import time

    folder = tmp_path / "templates" / "evil"
    shutil.copytree(DEFAULT, folder)
    (folder / "template.yaml").write_text(settings, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        find_template("evil", tmp_path)
    assert time.monotonic() - started < 5
    message = caught.value.report()
    assert str(folder / "template.yaml") in message and says in message
    assert "the template settings" in message


def test_template_settings_of_comments_only_are_no_settings(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "quiet"
    shutil.copytree(DEFAULT, folder)
    (folder / "template.yaml").write_text("# nothing set here\n", encoding="utf-8")
    assert find_template("quiet", tmp_path).settings == {}


def _child_with(tmp_path: Path, settings: str) -> Path:
    child = tmp_path / "templates" / "desk"
    child.mkdir(parents=True)
    (child / "template.yaml").write_text(settings, encoding="utf-8")
    return child


def test_template_settings_are_checked_with_every_problem_located(tmp_path: Path) -> None:
    child = _child_with(tmp_path, "extends: default\ncolors:\n  accent: '#123456'\n"
                                  "numbered_paragraphs: often\ndefaults:\n  marking: [a, b]\n")
    with pytest.raises(TemplateError) as caught:
        load_template(child, tmp_path)
    config = child.resolve() / "template.yaml"
    shown = [str(p) for p in caught.value.problems]
    assert str(caught.value) == f"{config}: 3 problems in the template settings"
    assert shown[0].startswith(f"{config}:2 colors: unknown key 'colors'; did you mean 'colours'?")
    assert f"{config}:6 defaults.marking: expected text but received a list of 2" in shown
    assert (f"{config}:4 numbered_paragraphs: expected true or false but received the text "
            "'often'") in shown


def test_template_settings_refuse_what_a_spec_refuses(tmp_path: Path) -> None:
    child = _child_with(tmp_path, "extends: default\nlogo: !!python/name:os.system ''\n"
                                  "extends: memo\n")
    with pytest.raises(TemplateError) as caught:
        load_template(child, tmp_path)
    shown = "\n".join(str(p) for p in caught.value.problems)
    assert "the template settings uses YAML features briefgen refuses" in str(caught.value)
    assert "template.yaml:2 logo: YAML tag" in shown
    assert "template.yaml:3 extends: key given twice" in shown


def test_template_settings_keep_the_files_values_and_may_be_empty(tmp_path: Path) -> None:
    child = _child_with(tmp_path, "# nothing but a comment\n")
    assert read_settings(child) == {}
    (child / "template.yaml").write_text("extends: default\ndefaults: {marking: }\n",
                                         encoding="utf-8")
    # Null stays null (placeholders read it as ""), and keys not given stay absent, so the
    # parent's settings still show through.
    template = load_template(child, tmp_path)
    assert template.settings["defaults"]["marking"] is None
    assert template.settings["colours"] == find_template("default", REPO).settings["colours"]


def test_common_abbreviations_are_a_checked_list_a_child_inherits(tmp_path: Path) -> None:
    child = _child_with(tmp_path, "extends: default\ncommon_abbreviations: UN\n")
    with pytest.raises(TemplateError) as caught:
        load_template(child, tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{child.resolve() / 'template.yaml'}:2 common_abbreviations: expected a list but "
        "received the text 'UN'"]
    (child / "template.yaml").write_text("extends: default\n", encoding="utf-8")
    inherited = load_template(child, tmp_path).settings["common_abbreviations"]
    assert {"UN", "US", "EU", "NATO"} <= set(inherited)
