"""A paginated source built by hand (no PDF reader needed), and a project that quotes it.

The pages are printed i, ii, 1, 2, 3 (an unnumbered-style front matter, then the body from
1); page 2 carries on the last paragraph of page 1, so a sentence crosses the break.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefgen.corpus.catalog import Person
from briefgen.corpus.extract import Extracted, ExtractedPage
from briefgen.corpus.stored import render_stored, stored_name

ACROSS = "a review of the mandate before the end of the year"
ON_PAGE_2 = "A second paragraph stands on page two alone."
ON_PAGE_3 = "Page three speaks of police numbers."

PAGED = Extracted(
    kind="pdf",
    title="Annual Report on the Mission",
    pages=(
        ExtractedPage("i", ()),
        ExtractedPage("ii", ("A foreword by the head of mission.",)),
        ExtractedPage("1", ("The mission recorded many incidents in the first quarter.",
                            "The council asked for a review of the mandate before")),
        ExtractedPage("2", ("the end of the year, citing the situation.", ON_PAGE_2),
                      continues=True),
        ExtractedPage("3", (ON_PAGE_3,)),
    ),
    authors=(Person("Keita", "Awa"),),
    date="2023-05-04",
    publisher="Institute for Sahel Studies",
    csl_type="report",
    paginated=True,
)

ORIGINAL = b"%PDF-1.7 stand-in bytes: the catalog only hashes an original\n"

CATALOG = """\
# A project catalog with one text source and one paginated report.
sources:
  - id: plain-source
    file: plain.txt
    title: A plain source
    type: webpage
    container_title: The Site
  - id: mission-report
    title: Annual Report on the Mission
    type: report
    authors: [{family: Keita, given: Awa}]
    publisher: Institute for Sahel Studies
    date: 2023-05-04
    file: report.pdf
    text: report.pdf.text.txt
    sha256: {sha256}
"""


def write_paged_project(root: Path) -> Path:
    """seeds/ with the two sources and their catalog under ``root``; returns the catalog."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    (seeds / "plain.txt").write_text("A plain source\n\nThe plain source says something "
                                     "worth quoting here.\n", encoding="utf-8")
    digest = hashlib.sha256(ORIGINAL).hexdigest()
    (seeds / "report.pdf").write_bytes(ORIGINAL)
    (seeds / stored_name("report.pdf")).write_text(render_stored(PAGED, "report.pdf", digest),
                                                   encoding="utf-8")
    catalog = seeds / "sources.yaml"
    catalog.write_text(CATALOG.replace("{sha256}", digest), encoding="utf-8")
    return catalog


#: A brief that quotes the report by page (and the plain source by paragraph).
SPEC = """\
title: "Mission pages"
date: 2023-06-01
authors: ["Sahel Desk"]
summary: |
  The council wanted "a review of the mandate before the end of the year"
  [@mission-report, pp. 1–2].
sections:
  - heading: "Pages"
    body: |
      "A second paragraph stands on page two alone" [@mission-report, p. 2].

      The plain source agrees [@plain-source, para 1].
    excerpts:
      - id: police
        source: mission-report
        quote: "Page three speaks of police numbers."
recommendations:
  - title: "Read the report"
    action: "Read it."
    evidence: [police]
"""

#: A brief that cites only the plain source.
PLAIN_SPEC = """\
title: "Plain only"
date: 2023-06-01
authors: ["Sahel Desk"]
summary: |
  The plain source says "something worth quoting here" [@plain-source, para 1].
sections:
  - heading: "Text"
    body: |
      Nothing else [@plain-source].
    excerpts:
      - id: worth
        source: plain-source
        quote: "The plain source says something worth quoting here."
recommendations:
  - title: "Quote it"
    action: "Quote it."
    evidence: [worth]
"""


def write_paged_briefs(root: Path) -> tuple[Path, Path]:
    """briefs/paged.yaml (cites the report) and briefs/plain.yaml (does not) under ``root``."""
    briefs = root / "briefs"
    briefs.mkdir(parents=True, exist_ok=True)
    paged, plain = briefs / "paged.yaml", briefs / "plain.yaml"
    paged.write_text(SPEC, encoding="utf-8")
    plain.write_text(PLAIN_SPEC, encoding="utf-8")
    return paged, plain
