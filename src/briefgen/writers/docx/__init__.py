"""The DOCX writer: the brief as a Word document styled by the template's reference.docx.

The only package that imports python-docx; the raw XML python-docx lacks is in _oxml.py.
"""

from briefgen.writers.docx.writer import DocxWriter

__all__ = ["DocxWriter"]
