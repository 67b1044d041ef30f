"""Declared option types: each validates a value at a key path and describes itself as JSON Schema.

In the manner of MkDocs's config_options: the schema is declared once (spec/schema.py) and
both validation and `briefgen schema` come from that declaration, so they cannot drift.
Validation never stops at the first problem; it records each one and carries on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from briefgen.dates import calendar_problem
from briefgen.errors import Problem
from briefgen.spec.yamlsource import LocatedYaml

_MISSING = object()


@dataclass
class Context:
    """Where validation is, and the problems found so far."""

    source: LocatedYaml
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source.file, self.source.line(path), path, message))

    def warn(self, path: str, message: str) -> None:
        """Record something repaired, not refused; it travels with the source to the build."""
        self.source.warnings.append(
            Problem(self.source.file, self.source.line(path), path, message))


# What a document cannot hold: C0 controls but tab and newline, DEL and the C1 controls, lone
# surrogates, and the Unicode noncharacters. YAML's double-quoted escapes ("\x07", "\ud800")
# let them into a spec; XML refuses them, a UTF-8 file cannot encode a surrogate, and fonts
# have no glyph for a noncharacter, so they are removed here, once, for every writer.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
              for plane in range(17))
    + "]"
)


def strip_control_characters(text: str) -> tuple[str, list[str]]:
    """``text`` without the characters a document cannot hold, and those removed (U+XXXX)."""
    removed = [f"U+{ord(ch):04X}" for ch in _NOT_TEXT.findall(text)]
    return (_NOT_TEXT.sub("", text), removed) if removed else (text, [])


def describe(value: Any) -> str:
    """A short description of what arrived, for "expected X but received Y" messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return type(value).__name__


def suggest(word: str, choices: list[str]) -> str:
    """'; did you mean 'x'?' when a choice is close to ``word``, else ''."""
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""


class Option:
    """Base of all option types. ``required`` options report their absence."""

    def __init__(
        self, *, required: bool = False, default: Any = None, help: str = "",
        null: Any = _MISSING,
    ) -> None:
        self.required = required
        self.default = default
        self.help = help
        # What a key written with no value (null) is read as; by default, not given at all.
        self.null = null

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _with_help(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.help:
            schema["description"] = self.help
        return schema


class Text(Option):
    """A string. Numbers are accepted and turned into text (YAML reads 2021 as a number)."""

    def __init__(
        self, *, max_length: int = 20_000, non_empty: bool = True, strip: bool = False, **kw: Any
    ) -> None:
        kw.setdefault("default", "")  # a text not given is "", which typed objects hold as such
        super().__init__(**kw)
        self.max_length = max_length
        self.non_empty = non_empty
        self.strip = strip  # surrounding white space removed

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            ctx.problem(path, f"expected text but received {describe(value)}")
            return None
        text, removed = strip_control_characters(str(value))
        if removed:
            shown = ", ".join(dict.fromkeys(removed))
            noun = "character" if len(removed) == 1 else "characters"
            ctx.warn(path, f"removed {len(removed)} {noun} a document cannot hold: {shown}")
        if self.non_empty and not text.strip():
            ctx.problem(path, "expected text but received an empty string")
            return None
        if len(text) > self.max_length:
            ctx.problem(path, f"text is {len(text):,} characters long; the limit is {self.max_length:,}")
            return None
        return text.strip() if self.strip else text

    def json_schema(self) -> dict[str, Any]:
        return self._with_help({"type": ["string", "number"], "maxLength": self.max_length})


class Choice(Option):
    """One of a fixed set of strings."""

    def __init__(self, choices: tuple[str, ...], *, expected: str = "", **kw: Any) -> None:
        kw.setdefault("default", "")
        super().__init__(**kw)
        self.choices = choices
        # What the message says was expected, for sets too long to list ("a CSL item type").
        self.expected = expected or f"one of: {', '.join(choices)}"

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if not isinstance(value, str) or value not in self.choices:
            hint = suggest(value, list(self.choices)) if isinstance(value, str) else ""
            ctx.problem(path, f"expected {self.expected} but received {describe(value)}{hint}")
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._with_help({"enum": list(self.choices)})


_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Date(Option):
    """A calendar date, written YYYY-MM-DD; returned as an ISO string."""

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                # Written in the right form, so name the part that is off the calendar.
                wrong = calendar_problem(value) if _FULL_DATE.match(value.strip()) else None
                if wrong is not None:
                    ctx.problem(path, f"{value.strip()!r} is not a real date: {wrong}")
                    return None
        ctx.problem(path, f"expected a date written YYYY-MM-DD but received {describe(value)}")
        return None

    def json_schema(self) -> dict[str, Any]:
        return self._with_help({"type": "string", "format": "date"})


class Flag(Option):
    """true or false."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("default", False)
        super().__init__(**kw)

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if not isinstance(value, bool):
            ctx.problem(path, f"expected true or false but received {describe(value)}")
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._with_help({"type": "boolean"})


class Number(Option):
    """A finite number (int or float)."""

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            ctx.problem(path, f"expected a number but received {describe(value)}")
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._with_help({"type": "number"})


class ListOf(Option):
    """A list whose items all follow ``item``. A single item is not silently wrapped."""

    def __init__(self, item: Option, *, min_items: int = 0, max_items: int = 1000, **kw: Any):
        kw.setdefault("default", [])
        super().__init__(**kw)
        self.item = item
        self.min_items = min_items
        self.max_items = max_items

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if not isinstance(value, list):
            ctx.problem(path, f"expected a list but received {describe(value)}")
            return None
        if len(value) < self.min_items:
            ctx.problem(path, f"expected at least {self.min_items} item(s) but received {len(value)}")
        if len(value) > self.max_items:
            ctx.problem(path, f"expected at most {self.max_items} items but received {len(value)}")
            return None
        return [self.item.validate(v, f"{path}[{i}]", ctx) for i, v in enumerate(value)]

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return self._with_help(schema)


class AnyOf(Option):
    """The first of several alternatives whose type fits; messages come from that one."""

    def __init__(self, *alternatives: tuple[Callable[[Any], bool], Option], **kw: Any):
        super().__init__(**kw)
        self.alternatives = alternatives

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        for fits, option in self.alternatives:
            if fits(value):
                return option.validate(value, path, ctx)
        return self.alternatives[-1][1].validate(value, path, ctx)

    def json_schema(self) -> dict[str, Any]:
        return self._with_help({"anyOf": [opt.json_schema() for _, opt in self.alternatives]})


class Mapping(Option):
    """A mapping with declared keys; unknown keys are errors with a suggestion.

    ``build`` turns the validated dict into a typed object; it is called only when the
    mapping had no problems of its own, so it can rely on required keys being present.
    """

    def __init__(
        self,
        fields: dict[str, Option],
        build: Callable[[dict[str, Any], str], Any] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.fields = fields
        self.build = build

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if not isinstance(value, dict):
            expected = ", ".join(k for k, o in self.fields.items() if o.required) or "keys"
            ctx.problem(path, f"expected a mapping (with {expected}) but received {describe(value)}")
            return None
        before = len(ctx.problems)
        out: dict[str, Any] = {}
        for key in value:
            if key not in self.fields:
                where = f"{path}.{key}" if path else key
                ctx.problem(
                    where,
                    f"unknown key {key!r}{suggest(key, list(self.fields))} "
                    f"(known keys: {', '.join(self.fields)})",
                )
        for name, option in self.fields.items():
            where = f"{path}.{name}" if path else name
            raw = value.get(name, _MISSING)
            if raw is None and option.null is not _MISSING:
                raw = option.null
            if raw is _MISSING or raw is None:
                if option.required:
                    ctx.problem(where if raw is None else path, f"missing required key {name!r}")
                    out[name] = None
                else:
                    out[name] = option.default
                continue
            out[name] = option.validate(raw, where, ctx)
        if self.build is None:
            return out
        if len(ctx.problems) > before:
            return None
        return self.build(out, path)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {k: o.json_schema() for k, o in self.fields.items()},
            "additionalProperties": False,
        }
        required = [k for k, o in self.fields.items() if o.required]
        if required:
            schema["required"] = required
        return self._with_help(schema)


class MappingOf(Option):
    """A mapping whose keys are the writer's own (placeholder names, colour names) and whose
    values all follow ``item``; a value left empty (null) is allowed."""

    def __init__(self, item: Option, **kw: Any) -> None:
        kw.setdefault("default", {})
        super().__init__(**kw)
        self.item = item

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        if not isinstance(value, dict):
            ctx.problem(path, f"expected a mapping but received {describe(value)}")
            return None
        return {key: None if raw is None else self.item.validate(raw, f"{path}.{key}", ctx)
                for key, raw in value.items()}

    def json_schema(self) -> dict[str, Any]:
        return self._with_help({"type": "object", "additionalProperties": self.item.json_schema()})


def as_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Validated values as the fields of a frozen dataclass: lists become tuples."""
    return {name: tuple(v) if isinstance(v, list) else v for name, v in values.items()}


class Record(Mapping):
    """A mapping declared once for both its checks and the typed object it builds.

    Each key becomes the field of ``of`` with the same name (or the one ``rename`` gives: a
    YAML key may be a Python keyword), lists become tuples, ``fixed`` adds fields the file
    does not give, and each field ``paths`` names receives the mapping's key path with that
    suffix (by default ``key`` gets the key path itself).
    """

    def __init__(
        self,
        of: type,
        fields: dict[str, Option],
        *,
        rename: dict[str, str] | None = None,
        fixed: dict[str, Any] | None = None,
        paths: dict[str, str] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(fields, build=self._make, **kw)
        self.of = of
        self.rename = rename or {}
        self.fixed = fixed or {}
        self.paths = {"key": ""} if paths is None else paths

    def _make(self, values: dict[str, Any], path: str) -> Any:
        fields = {self.rename.get(k, k): v for k, v in as_fields(values).items()}
        fields.update((name, path + suffix) for name, suffix in self.paths.items())
        return self.of(**fields, **self.fixed)


class Building(Option):
    """``option``'s checks, then ``build(value, path)`` to type what passed them.

    For values that are not mappings (a chart value written as a bare number, a table row
    written as a plain list) but become typed objects all the same.
    """

    def __init__(self, option: Option, build: Callable[[Any, str], Any]) -> None:
        super().__init__(required=option.required, default=option.default, help=option.help,
                         null=option.null)
        self.option = option
        self.build = build

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        before = len(ctx.problems)
        checked = self.option.validate(value, path, ctx)
        return None if len(ctx.problems) > before else self.build(checked, path)

    def json_schema(self) -> dict[str, Any]:
        return self.option.json_schema()


class Checked(Option):
    """``option``'s checks, then ``check``: the problem with a value of the right type ("" and
    None are not checked), or None when there is none."""

    def __init__(self, option: Option, check: Callable[[Any], str | None]) -> None:
        super().__init__(required=option.required, default=option.default, help=option.help,
                         null=option.null)
        self.option = option
        self.check = check

    def validate(self, value: Any, path: str, ctx: Context) -> Any:
        before = len(ctx.problems)
        checked = self.option.validate(value, path, ctx)
        if len(ctx.problems) > before or checked in ("", None):
            return checked
        problem = self.check(checked)
        if problem is not None:
            ctx.problem(path, problem)
            return None
        return checked

    def json_schema(self) -> dict[str, Any]:
        return self.option.json_schema()
