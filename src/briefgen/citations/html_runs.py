"""Turn citeproc-py's HTML into model runs, finishing the punctuation a CSL processor owes.

The engine's output is HTML throughout (data escaped, ``<i>``/``<b>`` for the style's emphasis).
Here we (1) make the punctuation fixes that CSL leaves to the processor and citeproc-py does not
make, (2) turn the tags into ``Text`` runs with ``italic``/``bold``, and (3) make every known
URL a ``Link``. URLs are set aside before (1) so that a "?" or "." inside one is never touched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from briefgen.markup.links import link_target
from briefgen.model.nodes import Link, Text

Run = Text | Link

# Private-use characters around the index of a URL set aside while punctuation is fixed.
_OPEN, _CLOSE = "\ue000", "\ue001"
_HELD = re.compile(f"{_OPEN}(\\d+){_CLOSE}")

_CLOSING_TAGS = r"(?:</[a-z]+>)*"
# A title that ends in "?" or "!" takes no comma or period after it (CMOS 17 §6.119, APA 7
# §6.3): citeproc-py prints "by Itself?”," and "by itself?." where both styles want "?”"/"?".
_END_MARK_THEN_PUNCT = re.compile(f"([?!]{_CLOSING_TAGS}\u201d?{_CLOSING_TAGS})[.,]")
# punctuation-in-quote (the en-US locale sets it; CMOS 17 §6.9, APA 7 §6.11): ”, -> ,”
_QUOTE_THEN_PUNCT = re.compile("\u201d([.,])")
# APA prints "Retrieved" before the URL of an undated source, expecting an access date ("Retrieved
# May 3, 2023, from URL", APA 7 §9.16). The catalog records none, and "Retrieved URL" is not APA.
_RETRIEVED_BARE = re.compile(f"Retrieved (?={_OPEN})")
_TAG = re.compile(r"<(/?)([a-z]+)[^>]*>")


def fix_punctuation(text: str, *, note: bool) -> str:
    """Apply the punctuation rules above to citeproc-py HTML (URLs already set aside).

    ``note`` is True for the text of a footnote, which starts a sentence: a note that begins
    with "ibid." begins with "Ibid." (CMOS 17 §14.34; CSL leaves this capital to the processor).
    """
    text = _RETRIEVED_BARE.sub("", text)
    text = _END_MARK_THEN_PUNCT.sub(r"\1", text)
    text = _QUOTE_THEN_PUNCT.sub("\\1\u201d", text)
    if note and text.startswith("ibid"):
        text = "I" + text[1:]
    return text


def to_runs(rendered: str, urls: Iterable[str] = (), *, note: bool = False) -> tuple[Run, ...]:
    """The runs of one citeproc-py HTML string; ``urls`` are the URLs to turn into links."""
    held: list[str] = []
    for url in sorted({u for u in urls if u}, key=len, reverse=True):
        escaped = html.escape(url, quote=False)
        if escaped in rendered:
            rendered = rendered.replace(escaped, f"{_OPEN}{len(held)}{_CLOSE}")
            held.append(url)
    rendered = fix_punctuation(rendered, note=note)

    runs: list[Run] = []
    italic = bold = 0
    position = 0
    for tag in _TAG.finditer(rendered):
        _add_text(runs, rendered[position:tag.start()], held, italic > 0, bold > 0)
        step = -1 if tag.group(1) else 1
        if tag.group(2) == "i":
            italic = max(0, italic + step)
        elif tag.group(2) == "b":
            bold = max(0, bold + step)
        position = tag.end()
    _add_text(runs, rendered[position:], held, italic > 0, bold > 0)
    return tuple(runs)


def _add_text(runs: list[Run], chunk: str, held: list[str], italic: bool, bold: bool) -> None:
    """Append ``chunk`` (HTML text, maybe holding URLs) to ``runs``, merging like with like."""
    position = 0
    for match in _HELD.finditer(chunk):
        _add_plain(runs, html.unescape(chunk[position:match.start()]), italic, bold)
        url = held[int(match.group(1))]
        target = link_target(url)
        if target:
            runs.append(Link(runs=(Text(url, italic=italic, bold=bold),), url=target))
        else:  # a refused address stays in the note as text (check warned at its entry)
            _add_plain(runs, url, italic, bold)
        position = match.end()
    _add_plain(runs, html.unescape(chunk[position:]), italic, bold)


def _add_plain(runs: list[Run], text: str, italic: bool, bold: bool) -> None:
    if not text:
        return
    last = runs[-1] if runs else None
    if isinstance(last, Text) and last.italic == italic and last.bold == bold:
        runs[-1] = Text(last.text + text, italic=italic, bold=bold)
    else:
        runs.append(Text(text, italic=italic, bold=bold))


def plain_text(runs: Iterable[Run]) -> str:
    """The text of ``runs`` without formatting (for tests, logs and document properties)."""
    return "".join(r.text if isinstance(r, Text) else plain_text(r.runs) for r in runs)
