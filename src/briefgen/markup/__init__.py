"""Markup in spec text: pandoc citation syntax, inline quotations, and Markdown to model blocks."""
