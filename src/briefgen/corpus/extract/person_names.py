"""Authors' names as files state them ("Jane Doe", "Doe, Jane", "By A and B") made Persons.

Every reader meets names as one string (a web page's byline and meta tags, a Word file's
author property, a PDF's Author field), so the split into family and given names is made
once, here. The rules are the ones citation managers use: "Family, Given" when there is a
comma; otherwise the last word is the family name together with the lower-case particles
before it ("van der Berg", "de la Fuente", "al-Karimi" is one word already); a single word is
a mononym; a name that is plainly an organisation ("Centre for ...", "Reuters Staff", an
acronym) is the family name only, with no given name, so no style inverts it.
"""

from __future__ import annotations

import re

from briefgen.corpus.catalog import Person

# Lower-case words that belong to the family name when they stand before it.
_PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "dei", "degli", "di", "da", "das", "do",
    "dos", "du", "la", "le", "les", "ter", "ten", "te", "zu", "zur", "af", "av", "al", "el",
    "bin", "ibn", "bint", "ben", "abu", "st.", "y",
})
# Words that make a name an organisation's (compared case-insensitively, whole words).
_ORGANISATION_WORDS = frozenset({
    "agency", "alliance", "association", "associated", "authority", "board", "bureau", "centre",
    "center", "college", "commission", "committee", "company", "corporation", "council",
    "department", "desk", "editorial", "editors", "foundation", "fund", "government", "group",
    "inc", "inc.", "initiative", "institute", "institution", "international", "league", "ltd",
    "ltd.", "media", "ministry", "network", "news", "office", "organisation", "organization",
    "partnership", "press", "programme", "program", "project", "reporters", "secretariat",
    "service", "society", "staff", "team", "trust", "union", "university", "wire",
})
# Words that make a byline's part a role, not a name ("Jane Doe, Staff Reporter").
_ROLE_WORDS = frozenset({
    "analyst", "columnist", "contributor", "correspondent", "critic", "director", "editor",
    "fellow", "journalist", "photographer", "producer", "reporter", "researcher", "writer",
})
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,9}$")
# What joins several names in one byline: commas, "and", "&", "und", "et", "y".
_BYLINE_SEPARATOR = re.compile(r"\s*(?:,|;|\s&\s|\band\b|\bund\b|\bet\b)\s*")
_BYLINE_LEAD = re.compile(r"^\s*(?:(?:words|text|story|written|reporting)\s+)?by\s*:?\s+",
                          re.IGNORECASE)


def is_organisation(name: str) -> bool:
    """True when ``name`` reads as an organisation's, not a person's."""
    words = name.split()
    if len(words) == 1:
        return bool(_ACRONYM.match(words[0]))
    if len(words) > 5:
        return True
    return any(w.strip(",.()").casefold() in _ORGANISATION_WORDS for w in words)


def person_from_name(name: str, organisation: bool = False) -> Person | None:
    """The Person ``name`` names, or None when it is empty.

    ``organisation`` says the file declared it one (JSON-LD ``Organization``); otherwise
    is_organisation decides. The name keeps its own spelling and capitals.
    """
    text = " ".join(name.split()).strip(" ,;")
    if not text:
        return None
    if organisation or is_organisation(text):
        return Person(text)
    if text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        if family and given and given.casefold().rstrip(".") not in _SUFFIXES:
            return Person(family, given)
        text = " ".join(text.replace(",", " ").split())
    words = text.split()
    if len(words) == 1:
        return Person(words[0])
    suffix = []
    while len(words) > 2 and words[-1].casefold().rstrip(",") in _SUFFIXES:
        suffix.insert(0, words.pop().rstrip(","))
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    family = " ".join(words[start:] + suffix)
    return Person(family, " ".join(words[:start]))


def persons_from_list(text: str) -> tuple[Person, ...]:
    """The people a document property lists ("Jane Doe; John Roe", "Doe, Jane",
    "Jane Doe, John Roe"): split at semicolons, and at commas unless the comma is the one
    of "Family, Given" (a single name of one or two words after it)."""
    people = []
    for part in text.split(";"):
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) == 2 and (len(pieces[1].split()) <= 2 and len(pieces[0].split()) <= 3
                                 and not len(pieces[0].split()) == len(pieces[1].split()) == 2):
            pieces = [part]
        for piece in pieces:
            person = person_from_name(piece)
            if person is not None:
                people.append(person)
    return tuple(people)


def persons_from_byline(byline: str) -> tuple[Person, ...]:
    """The people a byline names ("By Jane Doe and John Roe", "Jane Doe, John Roe").

    A byline that carries more than names (a role after a comma, a date) gives only the
    parts that read as names: two to five words, each capitalised or a particle. Nothing
    that does not read so is returned, rather than a guess.
    """
    text = _BYLINE_LEAD.sub("", " ".join(byline.split()))
    people = []
    for part in _BYLINE_SEPARATOR.split(text):
        part = part.strip(" .·|-–—")
        if not part:
            continue
        if not _reads_as_name(part):
            if people:
                break  # a role or date after the names ("Jane Doe, Staff Reporter")
            continue
        person = person_from_name(part)
        if person is not None:
            people.append(person)
    return tuple(people)


def _reads_as_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5 or is_organisation(text):
        return False
    if any(w.casefold() in _ROLE_WORDS for w in words):
        return False
    if len(words) == 1:
        return False  # one word in a byline is more often a role ("Correspondent") than a name
    return all(_name_word(w) for w in words) and not any(ch.isdigit() for ch in text)


def _name_word(word: str) -> bool:
    """A word a name is made of: capitalised, a particle, or a particle joined to a name
    ("al-Karimi", "d'Almeida")."""
    if word[:1].isupper() or word in _PARTICLES:
        return True
    head, _, rest = word.replace("\u2019", "'").partition("-")
    if rest[:1].isupper() and head in _PARTICLES:
        return True
    return word[:2] in ("d'", "l'") and word[2:3].isupper()
