"""Which link targets a brief may carry: one allow-list for every link written to DOCX or PDF.

A brief is opened by colleagues in Word and PDF readers, where a link is one click from
running something: ``javascript:``, ``file:``, ``smb:`` (which leaks Windows credentials),
``ms-msdt:`` and ``search-ms:`` (both used to run code through Office). So a link becomes a
link only when its scheme is on the list; anything else stays in the text, visible, with a
warning where it was written. Spec Markdown, the catalog and imports all go through here.
"""

from __future__ import annotations

import re

ALLOWED_SCHEMES = ("http", "https", "mailto")
ALLOWED_WORDS = "http, https, mailto and doi:"
DOI_RESOLVER = "https://doi.org/"
# Longer addresses are not ones a reader follows, and Typst refuses a URI past about 8 KB
# (the build then failed at a line of the generated main.typ, not of the spec).
MAX_URL_LENGTH = 2048

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Whitespace or control characters inside a target are how scheme checks are slipped past
# ("java\tscript:"); a link that needs them is not one a brief should carry.
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f]")


def link_target(url: str) -> str | None:
    """Where a link to ``url`` may point: ``url`` itself for http, https and mailto, the
    https://doi.org/ address for ``doi:``, a ``#anchor`` inside the brief as is; None for
    anything else (other schemes, relative paths, empty), which is then printed as text."""
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH or _UNSAFE_CHARS.search(url):
        return None
    if url.startswith("#"):
        return url if len(url) > 1 else None
    match = _SCHEME.match(url)
    if match is None:
        return None  # a relative path: Word would open a file beside the document
    scheme = match.group(1).lower()
    rest = url[match.end():]
    if scheme == "doi":
        doi = rest.lstrip("/")
        return DOI_RESOLVER + doi if doi.startswith("10.") else None
    if scheme in ("http", "https"):
        return url if rest.startswith("//") and len(rest) > 2 else None
    if scheme == "mailto":
        return url if rest else None
    return None


def refusal(url: str) -> str:
    """Why ``url`` is not a link, for a warning (only for urls link_target refuses)."""
    shown = url if len(url) <= 80 else url[:77] + "..."
    match = _SCHEME.match(url.strip())
    if len(url.strip()) > MAX_URL_LENGTH:
        what = f"is {len(url.strip()):,} characters long (at most {MAX_URL_LENGTH:,})"
    elif _UNSAFE_CHARS.search(url.strip()):
        what = "holds spaces or control characters"
    elif match is None:
        what = "is not an absolute address (a relative path opens a file beside the document)"
    else:
        what = f"uses the scheme {match.group(1).lower()}:"
    return (f"the link {shown!r} {what}; only {ALLOWED_WORDS} links are written, so it is "
            "printed as text, not a link")
