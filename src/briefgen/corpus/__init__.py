"""The corpus: the source catalog, each source's repaired text, and quote verification."""

from briefgen.corpus.catalog import Person, SourceCatalog, SourceRecord
from briefgen.corpus.quotes import NearMiss, QuoteMatch, closest_passage, normalise, verify_quote
from briefgen.corpus.text import Paragraph, SourceText, repair_encoding

__all__ = [
    "NearMiss",
    "Paragraph",
    "Person",
    "QuoteMatch",
    "SourceCatalog",
    "SourceRecord",
    "SourceText",
    "closest_passage",
    "normalise",
    "repair_encoding",
    "verify_quote",
]
