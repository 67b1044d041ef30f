"""Placeholders typed into a template ({{ title }}), filled through a sandboxed Jinja2 environment.

The only module that imports jinja2. Only the template's own text is a Jinja template: the
values (spec text) are passed as data and never evaluated. The environment is sandboxed
(no attribute of Python internals, no mutation of values, no huge repetitions) and strict
(an unknown name is an error naming the template file and the placeholder, never "").
"""

from __future__ import annotations

import contextvars
import functools
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
import jinja2.meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen.errors import TemplateError

# One placeholder: {{ ... }}, possibly spread over runs of a Word paragraph (joined first).
PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)
# The paragraph where the generated body goes: nothing but {{ body }}.
BODY_PLACEHOLDER = re.compile(r"^\s*\{\{-?\s*body\s*-?\}\}\s*$")
BODY = "body"

# Longest string or list a placeholder may build with * or ** (``{{ "x" * 10**9 }}``).
_MAX_SIZE = 100_000


# A width written into a format string ("%300000000d", "{:>300000000}").
_FORMAT_WIDTH = re.compile(r"\d{6,}")
# Characters all the filters, calls and operators of one placeholder may build together:
# each result under _MAX_SIZE is not enough when a lazy map() makes 99,999 of them.
_BUDGET = 10 * _MAX_SIZE
_spent: contextvars.ContextVar[int] = contextvars.ContextVar("placeholder_spent", default=0)


def _size(value: Any) -> int:
    """About how many characters ``value`` prints as (a list: its items'), without printing it."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return max(abs(value), 1) if abs(value) <= _MAX_SIZE else _MAX_SIZE + 1
    if isinstance(value, (list, tuple)):
        return len(value) + sum(_size(v) for v in value)
    if isinstance(value, dict):
        return len(value) + sum(_size(k) + _size(v) for k, v in value.items())
    return 32


def _check_format(name: str, template: str, args: tuple[Any, ...]) -> None:
    """Refuse a format string (``%`` or str.format) whose result could pass _MAX_SIZE: its
    widths added up, and each of its fields filled with the longest argument."""
    if _FORMAT_WIDTH.search(template):
        raise SecurityError(f"{name}: a width above {_MAX_SIZE:,} is refused")
    widths = sum(int(digits) for digits in re.findall(r"\d+", template))
    fields = template.count("%") + template.count("{")
    longest = max((_size(a) for a in args), default=0)
    if len(template) + widths + fields * longest > _MAX_SIZE:
        raise SecurityError(f"{name}: the result could pass {_MAX_SIZE:,} characters")


def _check_size(name: str, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse, before it runs, a filter or method call that could build a string or list
    longer than _MAX_SIZE: a width or count above it ({{ title|center(300000000) }}), a
    format string asking for such a width, a replace or join whose result would pass it."""
    values = (*args, *kwargs.values())
    if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > _MAX_SIZE
           for v in values):
        raise SecurityError(f"{name}: a width or count above {_MAX_SIZE:,} is refused")
    if name in ("format", "format_map"):
        texts = [target, *args] if isinstance(target, str) else list(args[:1])
        if any(isinstance(t, str) and _FORMAT_WIDTH.search(t) for t in texts):
            raise SecurityError(f"{name}: a width above {_MAX_SIZE:,} is refused")
        if isinstance(target, str):
            _check_format(name, target, (*args, *kwargs.values()))
    if name == "replace" and isinstance(target, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        hits = len(target) + 1 if not old else target.count(old)
        if len(target) + hits * max(0, len(new) - len(old)) > _MAX_SIZE:
            raise SecurityError(f"replace: the result would pass {_MAX_SIZE:,} characters")
    if name == "join" and isinstance(target, str) and args:
        items = args[0]
        if isinstance(items, (list, tuple, range)) and len(items) * (len(target) + 1) > _MAX_SIZE:
            raise SecurityError(f"join: the result would pass {_MAX_SIZE:,} characters")
        if isinstance(items, (list, tuple)) and _size(items) > _MAX_SIZE:
            raise SecurityError(f"join: the result would pass {_MAX_SIZE:,} characters")


def _checked_result(name: str, result: Any) -> Any:
    if isinstance(result, (str, list, tuple)):
        size = len(result) if isinstance(result, str) else _size(result)
        if size > _MAX_SIZE:
            raise SecurityError(f"{name}: the result is longer than {_MAX_SIZE:,}")
        spent = _spent.get() + size
        if spent > _BUDGET:
            raise SecurityError(f"{name}: the placeholder builds more than {_BUDGET:,} "
                                "characters in all")
        _spent.set(spent)
    return result


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a Jinja filter) with _check_size applied to its arguments and result."""

    @functools.wraps(function)  # keeps Jinja's pass_context/pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        # Filters receive the environment or context first when marked so; the value
        # filtered is the first argument that is neither.
        plain = tuple(a for a in args if not isinstance(a, (jinja2.Environment,
                                                            jinja2.runtime.Context,
                                                            jinja2.nodes.EvalContext)))
        target, rest = (plain[0], plain[1:]) if plain else (None, ())
        if name == "join" and target is not None:  # the filter is value|join(separator)
            target, rest = (rest[0] if rest else kwargs.get("d", "")), (target,)
        _check_size(name, target, rest, kwargs)
        return _checked_result(name, function(*args, **kwargs))

    return bounded


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with repetition, powers, and every filter or method call
    that builds a string bounded too (the sandbox itself bounds only range())."""

    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        # lipsum(99999, ...) spends a minute before any check of its result; a header or a
        # cover has no use for it.
        self.globals.pop("lipsum", None)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # str.format reaches call() wrapped, its string out of sight: look at it here.
        template = getattr(value, "__self__", None)
        if isinstance(template, str) and _FORMAT_WIDTH.search(template):
            raise SecurityError(f"format: a width above {_MAX_SIZE:,} is refused")
        wrapped = super().wrap_str_format(value)
        if wrapped is None or not isinstance(template, str):
            return wrapped
        name = value.__name__
        checked_wrapped = wrapped

        @functools.wraps(wrapped)
        def checked(*args: Any, **kwargs: Any) -> str:
            # The arguments are known only now: "{0:>99999}" * 9000 is short, its result not.
            _check_format(name, template, (*args, *kwargs.values()))
            return checked_wrapped(*args, **kwargs)

        return checked

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        name = getattr(__obj, "__name__", "call")
        _check_size(name, getattr(__obj, "__self__", None), args, kwargs)
        return _checked_result(name, super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError(f"the power {right!r} is too large")
            return operator.pow(left, right)
        if op == "%":
            if isinstance(left, str):
                args = right if isinstance(right, tuple) else (right,)
                _check_format("%", left, args)
            return _checked_result("%", operator.mod(left, right))
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
                # A list's items count too: [big] * 99999 is cheap, printing it is not.
                if _size(seq) * count > _MAX_SIZE:
                    raise SecurityError("the repetition is too long")
        return _checked_result("*", operator.mul(left, right))


_STRAIGHT_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_ENVIRONMENT = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False)


def placeholders(text: str) -> list[re.Match[str]]:
    """Every {{ ... }} in ``text``, in order."""
    return list(PLACEHOLDER.finditer(text))


def is_body_placeholder(text: str) -> bool:
    """Whether ``text`` (a whole paragraph) is the {{ body }} placeholder and nothing else."""
    return bool(BODY_PLACEHOLDER.match(text))


def fill(placeholder: str, values: Mapping[str, str], origin: str) -> str:
    """The text of one placeholder (``{{ title | upper }}``) rendered with ``values``.

    ``origin`` names where the placeholder was typed ("templates/memo/reference.docx,
    header"), for the message of the TemplateError raised when the name is unknown, the
    expression is not valid Jinja, or it reaches for what the sandbox refuses.
    """
    # Word's AutoFormat turns typed quotes into curly ones; inside a placeholder they are
    # Jinja's string quotes.
    placeholder = placeholder.translate(_STRAIGHT_QUOTES)
    try:
        parsed = _ENVIRONMENT.parse(placeholder)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{origin}: placeholder {placeholder!r} is not valid: {exc.message}"
        ) from None
    unknown = sorted(jinja2.meta.find_undeclared_variables(parsed) - set(values))
    if unknown:
        names = ", ".join(sorted(values))
        raise TemplateError(
            f"{origin}: unknown placeholder {unknown[0]!r} in {placeholder!r}; "
            f"expected one of: {names}"
        )
    spent = _spent.set(0)
    try:
        return _ENVIRONMENT.from_string(parsed).render(dict(values))
    except SecurityError as exc:
        raise TemplateError(
            f"{origin}: placeholder {placeholder!r} refused by the sandbox: {exc}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{origin}: placeholder {placeholder!r}: {exc}") from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise TemplateError(f"{origin}: placeholder {placeholder!r} failed: {exc}") from None
    finally:
        _spent.reset(spent)


def fill_text(text: str, values: Mapping[str, str], origin: str) -> str:
    """``text`` with every placeholder in it filled (text outside placeholders kept as is)."""
    return PLACEHOLDER.sub(lambda m: fill(m.group(0), values, origin), text)
