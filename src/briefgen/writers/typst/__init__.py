"""The PDF writer: Typst source from the document model, compiled in-process (PDF/UA-1)."""

from briefgen.writers.typst.writer import TypstWriter

__all__ = ["TypstWriter"]
