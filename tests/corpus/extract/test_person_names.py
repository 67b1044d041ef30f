"""Names as files state them, split into family and given names once for every reader."""

from __future__ import annotations

import pytest

from briefgen.corpus.catalog import Person
from briefgen.corpus.extract.person_names import (
    is_organisation,
    person_from_name,
    persons_from_byline,
    persons_from_list,
)


@pytest.mark.parametrize(("name", "person"), [
    ("Jane Doe", Person("Doe", "Jane")),
    ("Marta van der Berg", Person("van der Berg", "Marta")),
    ("Tomás de la Fuente", Person("de la Fuente", "Tomás")),
    ("de la Fuente, Tomás", Person("de la Fuente", "Tomás")),
    ("Yusuf al-Karimi", Person("al-Karimi", "Yusuf")),
    ("Ahmad bin Talal", Person("bin Talal", "Ahmad")),
    ("Okonkwo, Adaeze Ngozi", Person("Okonkwo", "Adaeze Ngozi")),
    ("Mary  Anne   Smith-Jones", Person("Smith-Jones", "Mary Anne")),
    ("Oluwaseun", Person("Oluwaseun")),
    ("Centre for Coastal Studies", Person("Centre for Coastal Studies")),
    ("Reuters Staff", Person("Reuters Staff")),
    ("AFP", Person("AFP")),
    ("", None),
])
def test_person_from_name(name: str, person: Person | None) -> None:
    assert person_from_name(name) == person


def test_a_declared_organisation_is_never_split() -> None:
    assert person_from_name("Harbour Chronicle", organisation=True) == Person("Harbour Chronicle")
    assert not is_organisation("Harbour Chronicle")


@pytest.mark.parametrize(("byline", "people"), [
    ("By Jane Doe and John Roe", (Person("Doe", "Jane"), Person("Roe", "John"))),
    ("By Marta van der Berg and Yusuf al-Karimi",
     (Person("van der Berg", "Marta"), Person("al-Karimi", "Yusuf"))),
    ("by A. B. Smith, C. Jones & D. Roe",
     (Person("Smith", "A. B."), Person("Jones", "C."), Person("Roe", "D."))),
    ("Priya Raman-Oduya, Local Democracy Reporter", (Person("Raman-Oduya", "Priya"),)),
    ("Words by Li Wei", (Person("Wei", "Li"),)),
    ("By staff", ()),
    ("Updated 14 March 2024", ()),
])
def test_persons_from_byline(byline: str, people: tuple[Person, ...]) -> None:
    assert persons_from_byline(byline) == people


@pytest.mark.parametrize(("text", "people"), [
    ("Jane Doe; John Roe", (Person("Doe", "Jane"), Person("Roe", "John"))),
    ("Doe, Jane", (Person("Doe", "Jane"),)),
    ("Jane Doe, John Roe", (Person("Doe", "Jane"), Person("Roe", "John"))),
    ("Ines Halloran, Per Aas, Li Wei",
     (Person("Halloran", "Ines"), Person("Aas", "Per"), Person("Wei", "Li"))),
])
def test_persons_from_list(text: str, people: tuple[Person, ...]) -> None:
    assert persons_from_list(text) == people
