"""Strip the characters XML 1.0 cannot hold from every string of a Document, once, up front."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

# C0 controls other than tab, newline and carriage return; lone surrogates; U+FFFE/U+FFFF.
# lxml refuses them, and a brief must not fail to build over a stray byte in a source.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

T = TypeVar("T")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def sanitize(value: T) -> T:
    """A copy of ``value`` (a model node, tuple, dict or str) with every string made xml_safe.

    Frozen dataclasses are rebuilt with ``dataclasses.replace``; anything else (paths,
    numbers, booleans) is returned as it is.
    """
    return _sanitize(value)  # type: ignore[no-any-return]


def _sanitize(value: Any) -> Any:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, tuple):
        return tuple(_sanitize(v) for v in value)
    if isinstance(value, dict):
        return {_sanitize(k): _sanitize(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _sanitize(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value
