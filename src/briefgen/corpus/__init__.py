"""The corpus: the source catalog, each source's repaired text, and quote verification.

Its names are imported on first use (PEP 562): a warm `briefgen find` imports the corpus
index alone, not the catalog's schema and YAML reader it does not need.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "Person": "catalog", "SourceCatalog": "catalog", "SourceRecord": "catalog",
    "NearMiss": "quotes", "QuoteMatch": "quotes", "closest_passage": "quotes",
    "normalise": "quotes", "verify_quote": "quotes",
    "Paragraph": "text", "SourceText": "text", "repair_encoding": "text",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
