"""Tests for briefgen.corpus.topics: figures.yaml, read and checked like the catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefgen.corpus.topics import NO_TOPICS, load_topics, phrase_pattern
from briefgen.errors import SourceError
from tests.conftest import SEEDS

GOOD = """\
topics:
  - id: flood-deaths
    name: "Floods, March 2025: killed"
    context: [[flood, floods], Veldora]
    verbs: [killed]
    exclude: ["# years ago"]
"""


def test_no_file_declares_no_topics(tmp_path: Path) -> None:
    assert load_topics(tmp_path) is NO_TOPICS


def test_a_file_declares_its_topics_in_order(tmp_path: Path) -> None:
    (tmp_path / "figures.yaml").write_text(GOOD, encoding="utf-8")
    [topic] = load_topics(tmp_path).topics
    assert topic.id == "flood-deaths" and topic.name == "Floods, March 2025: killed"
    assert topic.context == (("flood", "floods"), ("Veldora",))
    assert topic.verbs == ("killed",) and topic.counted == ()
    assert topic.key == "topics[0]"


def test_the_seeds_declare_the_topics_their_briefs_cite() -> None:
    ids = [t.id for t in load_topics(SEEDS).topics]
    assert len(ids) == len(set(ids)) >= 5


def test_the_digest_changes_with_the_file(tmp_path: Path) -> None:
    (tmp_path / "figures.yaml").write_text(GOOD, encoding="utf-8")
    before = load_topics(tmp_path).digest
    (tmp_path / "figures.yaml").write_text(GOOD.replace("killed]", "killed, drowned]"),
                                           encoding="utf-8")
    assert load_topics(tmp_path).digest != before


@pytest.mark.parametrize(("text", "line", "key", "message"), [
    (GOOD.replace("verbs:", "verb:"), 5, "topics[0].verb", "unknown key 'verb'; did you mean "
                                                           "'verbs'?"),
    (GOOD.replace("id: flood-deaths", "id: Flood Deaths"), 2, "topics[0].id",
     "expected lowercase letters"),
    (GOOD.replace("    verbs: [killed]\n", ""), 2, "topics[0]", "give counted: or verbs:"),
    (GOOD.replace("[killed]", "[killed, '*']"), 5, "topics[0].verbs[1]", "cannot stand alone"),
    (GOOD.replace('    name: "Floods, March 2025: killed"\n', ""), 2, "topics[0]",
     "missing required key 'name'"),
    (GOOD + GOOD.replace("topics:\n", ""), 7, "topics[1].id", "duplicate id 'flood-deaths'"),
    (GOOD.replace("context: [[flood, floods], Veldora]", "context: {flood: 1}"), 4,
     "topics[0].context", "expected a list"),
    ("topics: [\n", 2, "", "not valid YAML"),
])
def test_a_malformed_file_is_refused_at_its_line(tmp_path: Path, text: str, line: int,
                                                key: str, message: str) -> None:
    (tmp_path / "figures.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as error:
        load_topics(tmp_path)
    shown = f"{error.value}\n" + "\n".join(str(p) for p in error.value.problems)
    assert any(p.line == line and p.key == key for p in error.value.problems), shown
    assert message in shown
    assert str(tmp_path / "figures.yaml") in shown


def test_a_file_outside_its_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD, encoding="utf-8")
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "figures.yaml").symlink_to(outside)
    with pytest.raises(SourceError, match="refused"):
        load_topics(folder)


@pytest.mark.parametrize(("phrases", "text", "matches"), [
    (("killed",), "Killed were 40", True),           # lower case: any case
    (("UN",), "the un said", False),                 # a capital: as written
    (("UN",), "the UN said", True),
    (("peacekeep*",), "peacekeepers died", True),    # a stem
    (("peacekeep",), "peacekeepers died", False),    # whole words
    (("Thursday's attack",), "Thursday’s  attack", True),  # ' is ’, any white space
    (("# attacks",), "some 100 attacks", True),      # any number
    (("# attacks",), "many attacks", False),
    (("a.b",), "axb", False),                        # not a regular expression
])
def test_phrases_match_as_a_desk_writes_them(phrases: tuple[str, ...], text: str,
                                             matches: bool) -> None:
    assert bool(re.search(phrase_pattern(phrases), text)) is matches
