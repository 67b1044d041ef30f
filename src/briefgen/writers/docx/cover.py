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

from docx.oxml.ns import qn
from lxml import etree

from briefgen.templating.placeholders import fill, is_body_placeholder, placeholders

_P, _T = qn("w:p"), qn("w:t")
# What makes a paragraph worth keeping though its text is empty.
_CONTENT = tuple(
    qn(t) for t in ("w:drawing", "w:pict", "w:object", "w:fldChar", "w:fldSimple", "w:sectPr")
)
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass
class FilledStory:
    """What filling a story (body, header, footer) found: the {{ body }} paragraph, if any."""

    body_marker: etree._Element | None = None


def story_has_placeholders(story: etree._Element) -> bool:
    """Whether any paragraph of ``story`` holds a {{ placeholder }}."""
    return any(placeholders(paragraph_text(p)) for p in story.iter(_P))


def fill_story(
    story: etree._Element, values: Mapping[str, str], origin: str, drop_emptied: bool
) -> FilledStory:
    """Fill every placeholder in the paragraphs of ``story`` (text boxes and tables included).

    A paragraph that held placeholders and is left with no text and nothing else (a
    {{ subtitle }} of a brief without one) is removed when ``drop_emptied``; headers and
    footers keep theirs. The {{ body }} paragraph is left in place and returned.
    """
    found = FilledStory()
    for paragraph in list(story.iter(_P)):
        text = paragraph_text(paragraph)
        if not placeholders(text):
            continue
        if is_body_placeholder(text):
            if found.body_marker is None and paragraph.getparent() is story:
                found.body_marker = paragraph
                continue
        fill_paragraph(paragraph, values, origin)
        if drop_emptied and _is_empty(paragraph):
            _remove(paragraph)
    return found


def paragraph_text(paragraph: etree._Element) -> str:
    """The text of ``paragraph``'s own w:t elements (not of paragraphs nested in text boxes)."""
    return "".join(t.text or "" for t in _own_texts(paragraph))


def fill_paragraph(paragraph: etree._Element, values: Mapping[str, str], origin: str) -> None:
    """Replace every placeholder of ``paragraph`` by its value, across runs."""
    texts = _own_texts(paragraph)
    pieces = [t.text or "" for t in texts]
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
    for t, piece in zip(texts, pieces):
        if t.text != piece:
            t.text = piece
            t.set(_XML_SPACE, "preserve")


def _piece_at(starts: list[int], pieces: list[str], offset: int) -> int:
    for index in range(len(pieces) - 1, -1, -1):
        if starts[index] <= offset and pieces[index]:
            return index
    return 0


def _own_texts(paragraph: etree._Element) -> list[etree._Element]:
    return [t for t in paragraph.iter(_T) if _owner(t) is paragraph]


def _owner(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != _P:
        parent = parent.getparent()
    return parent


def _is_empty(paragraph: etree._Element) -> bool:
    if paragraph_text(paragraph).strip():
        return False
    return not any(el.tag in _CONTENT for el in paragraph.iter())


def _remove(paragraph: etree._Element) -> None:
    parent = paragraph.getparent()
    if parent is None:
        return
    # A table cell and a text box must keep one paragraph.
    if parent.tag in (qn("w:tc"), qn("w:txbxContent")) and len(parent.findall(_P)) == 1:
        return
    parent.remove(paragraph)
