"""Read a YAML file safely into plain values, remembering the line of every key path.

PyYAML's safe loader forgets positions once it has built Python objects, and a message
without a line is half a message. So we compose the node graph (which keeps marks) and
build plain values ourselves, refusing what a brief spec never needs: tags that construct
Python objects, unbounded alias expansion, binary files and very large files.
"""

from __future__ import annotations

import codecs
import gc
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.confine import SPEC, RefusedFile, read_confined
from briefgen.errors import Problem, SpecError

MAX_SPEC_BYTES = SPEC.limit  # a brief spec is a few kilobytes; 2 MiB is generous
# libyaml's composer when PyYAML was built with it (the wheels are): the pure-Python scanner
# took about 40 ms of a 0.2 s rebuild. Both keep marks, so messages keep their lines.
SAFE_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 100  # a brief nests about eight levels; thousands would exhaust the stack
MAX_NODES = 200_000  # bounds alias expansion ("billion laughs") long before memory suffers

_NULL, _STR = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _PlainScalarComposer(SAFE_COMPOSER):  # type: ignore[misc,valid-type]
    """The safe composer for ``plain_scalars``: an untagged scalar is null or text, decided
    without the implicit resolvers' regular expressions (the builder keeps every non-null
    scalar as written anyway), which were a fifth of composing a 3 MB catalog."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0] and value in _NULLS:
                return _NULL
            if implicit[0] and value == "<<":
                return "tag:yaml.org,2002:merge"
            return _STR
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class YamlSyntaxError(SpecError):
    """Text that is not YAML (or nests too deeply to read); ``line`` is where, when known,
    and ``detail`` the message without its file:line:column, for callers that locate it."""

    def __init__(self, message: str, file: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line
        self.detail = re.sub(r"^\d+(?::\d+)?: ", "", message.removeprefix(f"{file}:"))


@dataclass
class LocatedYaml:
    """Plain values read from a YAML file plus the 1-based line of each key path.

    ``lines`` maps a key path such as ``sections[2].excerpts[0].source`` to the line where
    that value starts; ``""`` is the document itself. ``warnings`` collects what validation
    repaired rather than refused (control characters removed), for the build to show.
    """

    file: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def line(self, path: str) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one (None if none)."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = _parent(path)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def decode_spec_bytes(raw: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; refuse anything else."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
        encoding = "utf-8"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"{file}: cannot read the spec: it is not UTF-8 or UTF-16 text "
            f"(byte {exc.start} is {raw[exc.start:exc.start + 1]!r}); save it as UTF-8"
        ) from None
    if "\x00" in text:
        raise SpecError(f"{file}: cannot read the spec: it is a binary file, not YAML text")
    return text


def read_yaml(path: Path, display: str | None = None) -> LocatedYaml:
    """Read ``path`` into a LocatedYaml, or raise SpecError with a located message."""
    file = display or str(path)
    try:
        # A regular file inside its folder, under the limit: a spec in a shared folder may be
        # a named pipe (a read would block) or a link to a file whose lines a syntax error
        # would print.
        raw = read_confined(path, path.parent, SPEC)
    except RefusedFile as refused:
        hint = "; put data in CSV files beside it" if "limit" in refused.reason else ""
        raise SpecError(f"{file}: {refused.reason}{hint}") from None
    except FileNotFoundError:
        raise SpecError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise SpecError(f"{file}: is a folder, not a spec file") from None
    except PermissionError:
        raise SpecError(f"{file}: permission denied") from None
    except OSError as exc:
        raise SpecError(f"{file}: cannot read: {exc.strerror}") from None
    return parse_yaml(decode_spec_bytes(raw, file), file)


def parse_yaml(
    text: str,
    file: str,
    what: str = "the spec",
    *,
    empty_ok: bool = False,
    plain_scalars: bool = False,
    max_nodes: int = MAX_NODES,
    max_repeated: int | None = None,
) -> LocatedYaml:
    """Parse YAML text; syntax errors (YamlSyntaxError) name line, column and the line.

    ``what`` names the file in messages ("the spec", "the template settings"); ``empty_ok``
    gives data None for a file with no document instead of refusing it; ``plain_scalars``
    keeps every scalar as the text written (a catalog's 2023-05-03 stays a string, "no" is
    not False), null still None; ``max_nodes`` bounds the values after alias expansion;
    ``max_repeated``, when given, the values built again through aliases (so a large file,
    allowed many values, still stops a "billion laughs" after that many).
    """
    empty = f"{file}: {what} is empty; expected a mapping with title, date, ..."
    if not text.strip():
        if empty_ok:
            return LocatedYaml(file=file, data=None)
        raise SpecError(empty)
    # The collector only costs here: composing makes millions of objects and no cycles, and
    # its passes over them took half the time of reading a 3 MB catalog.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, file, what, empty, empty_ok, plain_scalars, max_nodes, max_repeated)
    finally:
        if collecting:
            gc.enable()


def _parse(text: str, file: str, what: str, empty: str, empty_ok: bool, plain_scalars: bool,
           max_nodes: int, max_repeated: int | None = None) -> LocatedYaml:
    try:
        nodes = _compose_all(text, _PlainScalarComposer if plain_scalars else SAFE_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(_syntax_message(exc, text, file), file,
                              None if mark is None else mark.line + 1) from None
    except yaml.reader.ReaderError as exc:
        raise YamlSyntaxError(_reader_message(exc, text, file), file,
                              text.count("\n", 0, exc.position) + 1) from None
    except _NestingLimit as exc:
        raise YamlSyntaxError(_too_deep_message(file, exc.line, what), file, exc.line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors in practice
        raise SpecError(f"{file}: not valid YAML: {exc}") from None
    nodes = [n for n in nodes if n is not None]
    located = LocatedYaml(file=file, data=None)
    if not nodes:
        if empty_ok:
            return LocatedYaml(file=file, data=None)
        raise SpecError(empty)
    if len(nodes) > 1:
        line = nodes[1].start_mark.line + 1
        raise SpecError(f"{file}:{line}: {what} holds several YAML documents; expected one")
    located = LocatedYaml(file=file, data=None)
    builder = _Builder(located, what, plain_scalars, max_nodes, max_repeated)
    located.data = builder.build(nodes[0], "")
    if located.data is None and not builder.problems and not empty_ok:
        raise SpecError(empty)
    if builder.problems:
        raise SpecError(f"{file}: {what} uses YAML features briefgen refuses", builder.problems)
    return located


def _reader_message(exc: yaml.reader.ReaderError, text: str, file: str) -> str:
    # The reader reports a character offset only; turn it into line, column and the line.
    line = text.count("\n", 0, exc.position)
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1)
    offending = text.splitlines()[line] if line < len(text.splitlines()) else ""
    shown = offending.encode("unicode_escape").decode("ascii")
    char = exc.character if isinstance(exc.character, int) else 0
    return (
        f"{file}:{line + 1}:{column + 1}: not valid YAML: the control character U+{char:04X} "
        f"is not allowed in YAML text; remove it\n    {shown}"
    )


class _NestingLimit(Exception):
    """Composing stopped on nesting before the builder could count MAX_DEPTH levels."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# libyaml's own limit (0.2.6, in the PyYAML 6.0.4 wheels) is 1,000 levels.
_LIBYAML_NESTING_PROBLEM = "exceeded maximum nesting depth"
# libyaml 0.2.5 (the PyYAML 6.0.2 and 6.0.3 wheels) has no limit and its composer recurses in
# C: some 20,000 levels overflow an 8 MiB stack and the process dies with no message. Every
# level opens with one of these characters, so a spec with fewer of them than the safe depth
# (a long brief has about 600) cannot get near that and is not scanned first.
_LEVEL_OPENERS = "[{-:?"
_COMPOSER_SAFE_DEPTH = 5_000
# libyaml 0.2.6 and later stop at their own limit (caught below), so the count is only needed
# before an older one composes; on a catalog of 100,000 sources it cost as much as composing.
_LIBYAML_LIMITS_NESTING = (getattr(getattr(yaml, "_yaml", None), "get_version",
                                   lambda: (0, 0, 0))() >= (0, 2, 6))


def _compose_all(text: str, composer: type[Any] = SAFE_COMPOSER) -> list[yaml.Node]:
    """Compose with libyaml; on any error, again with PyYAML's own parser.

    libyaml is fast on good input; on bad input PyYAML's messages are the ones users know,
    and PyYAML accepts what libyaml refuses outright (an escaped lone surrogate, which spec
    validation then removes with a warning). Both composers recurse once per level, so
    nesting deep enough to stop them (the stack, or libyaml's own limit) never reaches the
    builder's depth check; it is raised as _NestingLimit with the line the builder would give.
    """
    try:
        if SAFE_COMPOSER is not yaml.SafeLoader:
            if (not _LIBYAML_LIMITS_NESTING
                    and sum(map(text.count, _LEVEL_OPENERS)) > _COMPOSER_SAFE_DEPTH):
                depth, line = _deepest_nesting(text, SAFE_COMPOSER)
                if depth > MAX_DEPTH:
                    raise _NestingLimit(line)
            try:
                loader = composer if issubclass(composer, SAFE_COMPOSER) else SAFE_COMPOSER
                return list(yaml.compose_all(text, Loader=loader))
            except yaml.YAMLError as exc:
                # Composing again in Python would only recurse until the stack ran out.
                if getattr(exc, "problem", None) == _LIBYAML_NESTING_PROBLEM:
                    raise _NestingLimit(_deepest_nesting(text, yaml.SafeLoader)[1]) from None
        return list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except RecursionError:
        raise _NestingLimit(_deepest_nesting(text, yaml.SafeLoader)[1]) from None


def _deepest_nesting(text: str, loader: type[Any]) -> tuple[int, int]:
    """How deep collections nest, counted up to MAX_DEPTH + 1, and the 1-based line there.

    The parsers are state machines, so counting their events needs no stack where composing
    them ran out of one. Where libyaml refused, PyYAML's parser counts: libyaml looks ahead
    to its own limit and refuses before handing over the event at level MAX_DEPTH + 1. A
    syntax error past the deepest point so far ends the count; that point still says where.
    """
    depth = deepest = 0
    deepest_line = 1
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > deepest:
                    deepest, deepest_line = depth, event.start_mark.line + 1
                if depth > MAX_DEPTH:
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return deepest, deepest_line


def _too_deep_message(file: str, line: int, what: str) -> str:
    return (
        f"{file}:{line}: {what} nests lists or mappings too deeply (more than {MAX_DEPTH} "
        "levels; a brief needs about eight); refused"
    )


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, file: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "syntax error"
    if mark is None:
        return f"{file}: not valid YAML: {problem}"
    lines = text.splitlines()
    offending = lines[mark.line] if mark.line < len(lines) else ""
    # Tabs copied from the line keep the pointer under its column however a terminal
    # expands them.
    pointer = "".join(c if c == "\t" else " " for c in offending[: mark.column]) + "^"
    shown = f"    {offending}\n    {pointer}"
    where = f"{file}:{mark.line + 1}:{mark.column + 1}"
    # PyYAML's "found character '\\t' that cannot start any token" names no cure.
    at_tab = offending[mark.column : mark.column + 1] == "\t"
    if at_tab and ("'\\t'" in problem or "tab" in problem):
        if not offending[: mark.column].strip(" \t"):
            return (
                f"{where}: not valid YAML: YAML indents with spaces; line {mark.line + 1} "
                f"has a tab; replace it with spaces\n{shown}"
            )
        return (
            f"{where}: not valid YAML: line {mark.line + 1} has a tab where YAML expects a "
            f"space; replace it with a space\n{shown}"
        )
    context = f" ({exc.context})" if exc.context else ""
    return f"{where}: not valid YAML: {problem}{context}\n{shown}"


class _Builder:
    """Turns composed nodes into plain values, counting nodes to bound alias expansion."""

    def __init__(self, located: LocatedYaml, what: str, plain_scalars: bool, max_nodes: int,
                 max_repeated: int | None = None) -> None:
        self.located = located
        self.what = what
        self.plain_scalars = plain_scalars
        self.max_nodes = max_nodes
        self.max_repeated = max_repeated
        self.problems: list[Problem] = []
        self.count = 0
        # Collections built so far (by id: the node graph stays alive while building), and
        # how deep inside a second building of one (an alias) the builder is.
        self._built: set[int] = set()
        self._repeating = 0
        self.repeated = 0
        self.depth = 0
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: str) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise SpecError(
                f"{self.located.file}: {self.what} expands to more than {self.max_nodes:,} values "
                "(aliases nested too deep?); refused"
            )
        if self._repeating and self.max_repeated is not None:
            self.repeated += 1
            if self.repeated > self.max_repeated:
                raise SpecError(
                    f"{self.located.file}: {self.what} repeats more than "
                    f"{self.max_repeated:,} values through aliases (aliases nested too deep?); "
                    "refused")
        self.located.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            self.problems.append(
                Problem(
                    self.located.file,
                    node.start_mark.line + 1,
                    path,
                    f"YAML tag {node.tag!r} is not allowed; {self.what} holds plain text, "
                    "numbers, lists and mappings",
                )
            )
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            self.depth += 1
            repeat = id(node) in self._built
            self._built.add(id(node))
            self._repeating += repeat
            try:
                if self.depth > MAX_DEPTH:
                    raise SpecError(
                        _too_deep_message(self.located.file, node.start_mark.line + 1,
                                          self.what)
                    )
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path)
                return [self.build(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
            finally:
                self.depth -= 1
                self._repeating -= repeat
        if self.plain_scalars:
            return None if node.tag == "tag:yaml.org,2002:null" else str(node.value)
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            # A scalar that looks typed but is not valid (2021-13-01): keep the text and let
            # schema validation say what was expected.
            return node.value

    def _mapping(self, node: yaml.MappingNode, path: str) -> dict[str, Any]:
        self._constructor.flatten_mapping(node)  # applies "<<" merge keys
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, path + ".<key>")
            if not isinstance(key, str):
                key = str(key)
            child = f"{path}.{key}" if path else key
            if key in out:
                self.problems.append(
                    Problem(
                        self.located.file,
                        key_node.start_mark.line + 1,
                        child,
                        "key given twice; the second would silently win",
                    )
                )
            self.located.lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child)
        self.located.lines.pop(path + ".<key>", None)
        return out


class _IndentedDumper(yaml.SafeDumper):
    """Safe YAML with lists indented under their key, as people write the catalog."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump_yaml(values: Any) -> str:
    """``values`` (plain lists, mappings and scalars) as YAML text in the order given, small
    lists and mappings inline, for appending to a file people also edit by hand."""
    return yaml.dump(values, Dumper=_IndentedDumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=None, width=96)
