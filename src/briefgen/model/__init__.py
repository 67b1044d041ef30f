"""The document model: a format-neutral tree of the brief (see nodes.py)."""
