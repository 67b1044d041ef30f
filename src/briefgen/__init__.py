"""briefgen: turn a YAML brief spec into a verified, cited policy brief (DOCX and PDF)."""

__version__ = "0.1.0"
