"""Placeholders typed into a template ({{ title }}), filled through a sandboxed Jinja2 environment.

The only module that imports jinja2. Only the template's own text is a Jinja template: the
values (spec text) are passed as data and never evaluated. The environment is sandboxed
(no attribute of Python internals, no mutation of values, no huge repetitions) and strict
(an unknown name is an error naming the template file and the placeholder, never "").
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
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


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with repetition and powers bounded too."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise SecurityError(f"the power {right!r} is too large")
            return operator.pow(left, right)
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int):
                if len(seq) * count > _MAX_SIZE:
                    raise SecurityError("the repetition is too long")
        return operator.mul(left, right)


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


def fill_text(text: str, values: Mapping[str, str], origin: str) -> str:
    """``text`` with every placeholder in it filled (text outside placeholders kept as is)."""
    return PLACEHOLDER.sub(lambda m: fill(m.group(0), values, origin), text)
