"""Fixtures for the extraction tests: the PDFs, compiled once per session (pdf_fixtures.py)."""

from tests.corpus.extract.pdf_fixtures import pdfs

__all__ = ["pdfs"]
