"""The figures a desk follows by name: figures.yaml beside the catalog, read and checked.

A topic says what is counted and which words must surround a number for it to count, in
words, not regular expressions: a desk writes them, and a file from a shared drive must not
be able to make matching run for ever. A phrase is matched as whole words:

* written all in lower case it matches in any case ("killed" matches "Killed"); with a
  capital it matches as written ("UN" does not match "un");
* any run of white space matches any other, and ' matches ’;
* a word ending in ``*`` matches any ending ("peacekeep*" matches "peacekeepers");
* a ``#`` alone stands for any number written in digits ("# attacks").

The file is optional: without it ``briefgen figures`` still groups figures by what the
sentences around them say (see corpus.counting). It is checked with the spec's own machinery,
so every problem is reported at its line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.confine import CATALOG, RefusedFile, read_confined
from briefgen.errors import Problem, SourceError, SpecError
from briefgen.spec import options as o
from briefgen.spec.yamlsource import YamlSyntaxError, parse_yaml

#: The file of declared topics, in the catalog's folder.
TOPICS_FILE = "figures.yaml"

_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_PHRASE = 200


@dataclass(frozen=True)
class Topic:
    """Something sources give figures for, and how to recognise a figure for it.

    A number counts for the topic when, for every alternative list in ``context``, one of its
    phrases occurs in its sentence or the sentence before (a toll is often given one sentence
    after the attack is named); when it is followed by one of ``counted`` (the thing counted:
    "fighters") or preceded by one of ``verbs`` ("killed"); and when no phrase of ``exclude``
    occurs in its own sentence. Empty tuples require nothing. ``key`` is the key path of its
    entry in the file ("" for a topic made in code).
    """

    id: str
    name: str
    context: tuple[tuple[str, ...], ...] = ()
    counted: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    key: str = ""


def phrase_pattern(phrases: tuple[str, ...]) -> str:
    """One regular expression matching any of ``phrases`` (longest first), as whole words."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(_one_phrase(p) for p in ordered) + ")" if ordered else "(?!)"


def _one_phrase(phrase: str) -> str:
    words = []
    for word in phrase.split():
        if word == "#":
            words.append(r"\d[\d,]*(?:\.\d+)?")
            continue
        stem = word.endswith("*") and len(word) > 1
        body = re.escape(word.rstrip("*") if stem else word)
        body = re.sub("['’]", "['’]", body)
        words.append(body + (r"\w*" if stem else ""))
    pattern = r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"
    return pattern if phrase != phrase.lower() else "(?i:" + pattern + ")"


def _check_phrase(text: str) -> str | None:
    if "\n" in text:
        return f"expected a phrase on one line but received {text!r}"
    if any(word.strip("*") == "" and word != "#" for word in text.split()):
        return f"'*' ends a word ('peacekeep*'); it cannot stand alone: {text!r}"
    return None


def _check_key(text: str) -> str | None:
    return None if _KEY.match(text) else (
        f"expected lowercase letters, digits and single hyphens (like 'flood-deaths') but "
        f"received {text!r}")


def _phrase() -> o.Option:
    return o.Checked(o.Text(max_length=_MAX_PHRASE, strip=True), _check_phrase)


def _phrases(help: str) -> o.ListOf:
    return o.ListOf(_phrase(), max_items=500, help=help)


def _alternatives(value: Any, path: str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


_CONTEXT_ITEM = o.Building(o.AnyOf((lambda v: isinstance(v, list),
                                    o.ListOf(_phrase(), min_items=1, max_items=500)),
                                   (lambda v: True, _phrase())), _alternatives)


def _make_topic(values: dict[str, Any], path: str) -> Topic:
    return Topic(id=values["id"], name=values["name"], context=tuple(values["context"]),
                 counted=tuple(values["counted"]), verbs=tuple(values["verbs"]),
                 exclude=tuple(values["exclude"]), key=path)


_TOPIC = o.Mapping({
    "id": o.Checked(o.Text(required=True, max_length=200, strip=True), _check_key),
    "name": o.Text(required=True, max_length=500, strip=True,
                   help="What the figure is, as `briefgen figures` prints it."),
    "context": o.ListOf(_CONTEXT_ITEM, max_items=50,
                        help="Each item a phrase, or a list of phrases one of which must occur "
                             "in the number's sentence or the one before."),
    "counted": _phrases("The thing counted, right after the number ('fighters')."),
    "verbs": _phrases("Words right before the number ('killed')."),
    "exclude": _phrases("Phrases that, in the number's sentence, rule it out."),
}, build=_make_topic)

# The topics file, declared once: loading checks and types it with the spec's own machinery.
TOPICS_SCHEMA = o.Mapping({"topics": o.ListOf(_TOPIC, required=True, max_items=10_000)})


@dataclass(frozen=True)
class DeclaredTopics:
    """The topics of one catalog's folder, in file order; ``digest`` fingerprints them (an
    index re-reads its claims when they change)."""

    topics: tuple[Topic, ...]
    digest: str

    def get(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


NO_TOPICS = DeclaredTopics((), hashlib.sha256(b"").hexdigest())


def load_topics(folder: Path) -> DeclaredTopics:
    """The topics declared in ``folder``/figures.yaml; none when there is no such file.

    SourceError listing every problem (file:line key: message) when the file is wrong.
    """
    path = Path(folder) / TOPICS_FILE
    shown = str(path)
    if not path.exists() and not path.is_symlink():
        return NO_TOPICS
    try:
        raw = read_confined(path, path.parent, CATALOG)
    except RefusedFile as refused:
        raise SourceError(f"figure topics refused: {shown}",
                          [Problem(shown, None, "", refused.reason)]) from None
    except OSError as error:
        raise SourceError(f"figure topics cannot be read: {shown}",
                          [Problem(shown, None, "", error.strerror or str(error))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at = raw[: error.start].count(b"\n") + 1
        raise SourceError(f"figure topics are not UTF-8: {shown}",
                          [Problem(shown, at, "", f"byte {error.start} is not UTF-8")]) from None
    try:
        located = parse_yaml(text, shown, "the figure topics", empty_ok=True, plain_scalars=True)
    except YamlSyntaxError as error:
        raise SourceError(f"figure topics are not valid YAML: {shown}",
                          [Problem(shown, error.line, "", error.detail)]) from None
    except SpecError as error:
        raise SourceError(str(error), error.problems) from None
    if located.data is None:
        return NO_TOPICS
    ctx = o.Context(located)
    checked = TOPICS_SCHEMA.validate(located.data, "", ctx)
    topics = [t for t in (checked or {}).get("topics") or [] if t is not None]
    seen: set[str] = set()
    for topic in topics:
        if topic.id in seen:
            ctx.problem(f"{topic.key}.id", f"duplicate id {topic.id!r}; each id must be unique")
        seen.add(topic.id)
        if not topic.counted and not topic.verbs:
            ctx.problem(topic.key, "give counted: or verbs: (or both): without them no number "
                                   "can count for the topic")
    if ctx.problems:
        count = len(ctx.problems)
        raise SourceError(f"{shown}: the figure topics have {count} "
                          f"problem{'s' if count != 1 else ''}", ctx.problems)
    return DeclaredTopics(tuple(topics), hashlib.sha256(raw).hexdigest())
