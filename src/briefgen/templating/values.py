"""The values placeholders are filled with: the brief's metadata over template.yaml's defaults."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from briefgen.model.nodes import Metadata
from briefgen.templating.template import Template

# Names a template may use besides template.yaml's defaults.
# ``body`` is not among them: it marks where the generated body goes and has no text.
METADATA_NAMES = (
    "title", "subtitle", "date", "date_iso", "authors", "organisation", "marking",
    "subject", "keywords", "lang", "byline", "to", "from", "reference",
)


def placeholder_values(meta: Metadata, settings: Mapping[str, Any]) -> dict[str, str]:
    """Every placeholder value, as text: the spec's wherever it gives one, else the template's.

    ``settings`` is the template's (its ``defaults:`` mapping gives fallbacks such as the
    organisation or the marking). ``date`` is the date as printed, ``date_iso`` as
    YYYY-MM-DD, ``authors`` and ``keywords`` joined, ``byline`` "date · authors · organisation" without the empty ones. ``to``, ``from`` and
    ``reference`` are the memo head's lines; ``from`` is "authors, organisation" when the
    spec names no sender.
    """
    raw_defaults = settings.get("defaults")
    defaults = raw_defaults if isinstance(raw_defaults, Mapping) else {}
    values = {str(k): "" if v is None else str(v) for k, v in defaults.items()}
    from_spec = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "date": meta.date_text or meta.date,
        "date_iso": meta.date,
        "authors": ", ".join(meta.authors),
        "organisation": meta.organisation,
        "marking": meta.marking,
        "subject": meta.subject,
        "keywords": "; ".join(meta.keywords),
        "lang": meta.lang,
        "to": meta.to,
        "from": meta.sender,
        "reference": meta.reference,
    }
    for name, value in from_spec.items():
        if value or name not in values:
            values[name] = value
    details = (values["date"], values["authors"], values["organisation"])
    values["byline"] = " · ".join(d for d in details if d)
    if not values["from"]:
        values["from"] = ", ".join(d for d in (values["authors"], values["organisation"]) if d)
    values.pop("body", None)
    return values


def with_values(template: Template, meta: Metadata) -> Template:
    """``template`` carrying the placeholder values of a brief with metadata ``meta``."""
    return dataclasses.replace(template, values=placeholder_values(meta, template.settings))


def values_of(template: Template) -> dict[str, str]:
    """The placeholder values ``template`` carries, as ``with_values`` resolved them once.

    Writers fill placeholders with these and derive none of their own, so the DOCX and the
    PDF print the same. A Template without them is the caller's mistake, never the user's:
    a ValueError that keeps its traceback rather than a message to act on.
    """
    if not template.values:
        raise ValueError(f"template {template.name!r} reached a writer without placeholder "
                         "values; pass with_values(template, document.meta)")
    return template.values
