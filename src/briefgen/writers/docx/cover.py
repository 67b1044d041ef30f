"""Fill the placeholders a template author typed into reference.docx: cover, header, footer.

Word splits typed text into runs wherever spell-checking, an edit or formatting touched it,
so ``{{ title }}`` may arrive as ``{{ ti`` + ``tle }}``. Each paragraph's text is joined
first; a placeholder is found in the joined text and its filled value written into the run
where it starts (so it takes that run's formatting), the rest of the placeholder's text
cut from the runs it spread over. Text around placeholders, fields, tabs and pictures stay
as the author made them. The filling itself is templating.placeholders' business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.templating.placeholders import fill, is_body_placeholder, placeholders
from briefgen.writers.docx import _oxml


@dataclass
class FilledStory:
    """What filling a story (body, header, footer) found: the {{ body }} paragraph, if any."""

    body_marker: _oxml.Element | None = None


def story_has_placeholders(story: _oxml.Element) -> bool:
    """Whether any paragraph of ``story`` holds a {{ placeholder }}."""
    return any(placeholders(_oxml.paragraph_text(p)) for p in _oxml.paragraphs_in(story))


def fill_story(
    story: _oxml.Element, values: Mapping[str, str], origin: str, drop_emptied: bool
) -> FilledStory:
    """Fill every placeholder in the paragraphs of ``story`` (text boxes and tables included).

    A paragraph that held placeholders and is left with no text and nothing else (a
    {{ subtitle }} of a brief without one) is removed when ``drop_emptied``; headers and
    footers keep theirs. The {{ body }} paragraph is left in place and returned.
    """
    found = FilledStory()
    for paragraph in _oxml.paragraphs_in(story):
        text = _oxml.paragraph_text(paragraph)
        if not placeholders(text):
            continue
        if is_body_placeholder(text):
            if found.body_marker is None and _oxml.is_top_level(paragraph, story):
                found.body_marker = paragraph
                continue
        fill_paragraph(paragraph, values, origin)
        if drop_emptied and _oxml.is_empty_paragraph(paragraph):
            _oxml.remove_paragraph(paragraph)
    return found


def fill_paragraph(paragraph: _oxml.Element, values: Mapping[str, str], origin: str) -> None:
    """Replace every placeholder of ``paragraph`` by its value, across runs."""
    pieces = _oxml.text_pieces(paragraph)
    starts, position = [], 0
    for piece in pieces:
        starts.append(position)
        position += len(piece)
    joined = "".join(pieces)
    # Backwards, so the offsets of earlier placeholders stay true as later ones change.
    for match in reversed(placeholders(joined)):
        value = fill(match.group(0), values, origin)
        first = _piece_at(starts, pieces, match.start())
        last = _piece_at(starts, pieces, match.end() - 1)
        head = pieces[first][: match.start() - starts[first]]
        tail = pieces[last][match.end() - starts[last] :]
        if first == last:
            pieces[first] = head + value + tail
        else:
            pieces[first] = head + value
            for k in range(first + 1, last):
                pieces[k] = ""
            pieces[last] = tail
    _oxml.set_text_pieces(paragraph, pieces)


def _piece_at(starts: list[int], pieces: list[str], offset: int) -> int:
    for index in range(len(pieces) - 1, -1, -1):
        if starts[index] <= offset and pieces[index]:
            return index
    return 0
