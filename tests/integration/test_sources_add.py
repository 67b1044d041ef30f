"""The analyst's loop end to end, with real tools: a PDF report compiled by Typst, a saved
news page and a Word file made by python-docx go into a fresh project with `briefgen sources
add`; `briefgen find` gives the citation of a genuine sentence (by printed page for the
report); a brief quoting each with those citations passes `check` and builds, and its notes
carry the pages; an altered quote and the report's running header are not found.

Everything runs through the CLI in subprocesses, as an analyst types it. Where a sentence
stands in the report is read from the PDF with pdftotext and pypdf's page labels, not from
briefgen.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from tests.conftest import REPO
from tests.corpus.extract.conftest import WEB
from tests.corpus.extract.pdf_fixtures import compile_typst

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils reads the report's pages")

TITLE = "Water Rights in the Orsted Valley"
HEADER = "Orsted Cooperative Papers"
# Invented sentences, each once in the report; a long paragraph on small pages, so one of
# them is broken by a page break.
REPORT_SENTENCES = (
    "The cooperative of the Orsted valley was founded by nine farming families in a single "
    "winter.",
    "Its first charter divided the water of the upper stream by the hour rather than by the "
    "acre.",
    "A miller at the lower ford kept the only clock in the valley and rang a bell at each "
    "change of turn.",
    "Quarrels over the bell were settled by a council of three, chosen by lot every spring.",
    "The council's minutes record forty-one disputes in the first decade and only two in the "
    "second.",
    "When the stream failed in the dry summer, the families shared the well at the chapel "
    "instead.",
    "Surveyors from the province measured the channels and found them straighter than the "
    "roads.",
    "The cooperative bought a pump with the proceeds of its first good harvest of flax.",
    "Children were taught to read the water gauge before they were taught to read the "
    "almanac.",
    "A flood in the ninth year carried away the miller's clock but not the bell.",
    "The council replaced the clock with a sundial, which kept the turns only on clear days.",
    "Neighbouring valleys copied the charter, though few of them kept the council of three.",
    "The provincial archive holds the charter in a copy made by the miller's daughter.",
    "Historians disagree whether the hourly division was fairer than the division by acre.",
    "The last of the founding families left the valley after the railway reached the "
    "market town.",
    "Their fields were bought by the cooperative and let to younger farmers at a low rent.",
)
WEB_SENTENCE = ("Workers at the Port Aldren desalination plant voted on Wednesday to end a "
                "nine-day strike, after the operator raised its pay offer to 6.5 per cent over "
                "two years.")
WORD_TITLE = "Ferry Crews in Winter"
WORD_AUTHOR = ("Ines", "Halloran")
WORD_CREATED = dt.datetime(2023, 5, 17, 9, 30, tzinfo=dt.timezone.utc)
WORD_PARAGRAPHS = (
    "Ferry services across the sound depend on a small pool of certified mates.",
    "Only five of them were on the payroll when the winter timetable began.",
    "Two sailings a day were cancelled for want of a second officer on the bridge.",
)


def _report_source() -> str:
    body = " ".join(REPORT_SENTENCES)
    return (
        f'#set document(title: "{TITLE}", author: ("Liv Sandqvist", "Aron Pell"), '
        'date: datetime(year: 2025, month: 2, day: 20))\n'
        '#set text(font: "Libertinus Serif", size: 11pt, lang: "en")\n'
        '#set par(justify: true)\n'
        '#set page(width: 120mm, height: 110mm, margin: (x: 16mm, y: 18mm), numbering: none)\n'
        f'#align(center + horizon)[#text(size: 18pt, weight: "bold")[{TITLE}] #v(1em) '
        '#text(size: 12pt)[Liv Sandqvist and Aron Pell]]\n'
        '#counter(page).update(0)\n'
        '#set page(numbering: "1", header: context [#set text(size: 8pt); '
        f'{HEADER} #h(1fr) Page #counter(page).display()])\n'
        '#pagebreak()\n'
        f'{body}\n')


def briefgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH")) if p)}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def _printed_pages(pdf: Path) -> list[tuple[str, str]]:
    """Each page's printed label and its body text as pdftotext reads it: the running header
    and the footer's number left out, words broken at line ends joined, whitespace
    collapsed."""
    labels = PdfReader(pdf).page_labels
    pages = []
    for number, label in enumerate(labels, start=1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf),
                               "-"], capture_output=True, text=True, check=True).stdout
        joined = re.sub(r"[\u00ad-]\n", "", text)
        words = " ".join(joined.replace("\u2019", "'").split())
        # The running header ("Orsted Cooperative Papers ... Page 2") and the footer's "2".
        words = re.sub(rf"^{HEADER} Page {label} | {label}$", "", words) if label else words
        pages.append((label, words))
    return pages


@dataclass(frozen=True)
class Loop:
    """The project after `sources add`: its folder, the ids printed, and where the report's
    sentences stand (label of the page of ``on_page``, labels of the pages ``across`` spans)."""

    root: Path
    report: str
    web: str
    word: str
    on_page: str
    page: str
    across: str
    pages: tuple[str, str]
    added: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Loop:
    root = tmp_path_factory.mktemp("project")
    (root / "seeds").mkdir()
    (root / "seeds" / "sources.yaml").write_text("# The desk's sources.\nsources:\n",
                                                 encoding="utf-8")
    downloads = root / "downloads"
    downloads.mkdir()
    report = compile_typst(downloads, "orsted-report", _report_source())
    page = shutil.copy(WEB / "news-article.html", downloads / "port-strike.html")
    word = docx.Document()
    word.core_properties.title = WORD_TITLE
    word.core_properties.author = " ".join(WORD_AUTHOR)
    word.core_properties.created = WORD_CREATED
    word.add_heading(WORD_TITLE, level=1)
    for paragraph in WORD_PARAGRAPHS:
        word.add_paragraph(paragraph)
    word.save(str(downloads / "ferry-crews.docx"))

    # Where each sentence is printed, by pdftotext: whole on a body page, or across two.
    printed = _printed_pages(report)
    on_page = {s: label for s in REPORT_SENTENCES for label, text in printed if s in text}
    across = {s: (printed[i][0], printed[i + 1][0]) for s in REPORT_SENTENCES
              for i in range(len(printed) - 1) if s not in on_page
              and s in printed[i][1] + " " + printed[i + 1][1]}
    assert [label for label, _ in printed][:3] == ["", "1", "2"], printed
    assert across, "the report must break a sentence across a page"
    crossing, pages = next(iter(across.items()))
    # A sentence on the second body page, so the page is not simply the first.
    single = next(s for s, label in on_page.items() if label == "2")

    added = briefgen(root, "sources", "add", str(report), str(page),
                     str(downloads / "ferry-crews.docx"))
    assert added.returncode == 0, added.stderr
    ids = added.stdout.split()
    assert len(ids) == 3, added.stdout
    return Loop(root, ids[0], ids[1], ids[2], single, on_page[single], crossing, pages, added)


def _find(loop: Loop, text: str) -> subprocess.CompletedProcess[str]:
    return briefgen(loop.root, "find", text)


def _citation(found: subprocess.CompletedProcess[str]) -> str:
    """The citation line `find` prints, "[@id, p. N]"."""
    lines = [ln.strip() for ln in found.stdout.splitlines() if ln.strip().startswith("[@")]
    assert lines, found.stdout
    return lines[0]


def test_add_prints_one_id_per_file_and_copies_the_originals_in(loop: Loop) -> None:
    # Ids from the author, the first title words and the year each file states.
    assert loop.report == "sandqvist-water-rights-orsted-2025"
    assert "port-aldren" in loop.web and loop.web.endswith("2024")
    assert loop.word == "halloran-ferry-crews-winter-2023"
    seeds = loop.root / "seeds"
    assert (seeds / "orsted-report.pdf").read_bytes() == (
        loop.root / "downloads" / "orsted-report.pdf").read_bytes()
    assert (seeds / "port-strike.html").read_bytes() == (WEB / "news-article.html").read_bytes()
    assert "copied in as orsted-report.pdf" in loop.added.stderr


def test_find_cites_the_report_by_printed_page_and_the_others_by_paragraph(loop: Loop) -> None:
    assert _citation(_find(loop, loop.on_page)) == f"[@{loop.report}, p. {loop.page}]"
    first, last = loop.pages
    assert _citation(_find(loop, loop.across)) == f"[@{loop.report}, pp. {first}\u2013{last}]"
    assert _citation(_find(loop, WEB_SENTENCE)) == f"[@{loop.web}, para 1]"
    # The heading is the Word file's first paragraph, so the second sentence is para 3.
    assert _citation(_find(loop, WORD_PARAGRAPHS[1])) == f"[@{loop.word}, para 3]"


def test_the_running_header_and_an_altered_sentence_are_not_found(loop: Loop) -> None:
    header = _find(loop, HEADER)
    assert header.returncode == 1 and "Traceback" not in header.stderr
    altered = _find(loop, loop.on_page.replace(loop.on_page.split()[2], "regional"))
    assert altered.returncode == 1


def _spec(loop: Loop, excerpt: str) -> str:
    citations = {name: _citation(_find(loop, text)) for name, text in (
        ("page", loop.on_page), ("across", loop.across), ("web", WEB_SENTENCE),
        ("word", WORD_PARAGRAPHS[1]))}
    return f"""\
title: "Water, ports and ferries"
date: 2025-06-01
authors: ["Regional Desk"]
summary: |
  The report says "{loop.on_page.rstrip('.')}" {citations['page']}.
sections:
  - heading: "Evidence"
    body: |
      The report again: "{loop.across.rstrip('.')}" {citations['across']}.

      The strike ended: "{WEB_SENTENCE.rstrip('.')}" {citations['web']}.

      The crews: "{WORD_PARAGRAPHS[1].rstrip('.')}" {citations['word']}.
    excerpts:
      - id: report
        source: {loop.report}
        quote: "{excerpt}"
      - id: strike
        source: {loop.web}
        quote: "{WEB_SENTENCE}"
      - id: crews
        source: {loop.word}
        quote: "{WORD_PARAGRAPHS[2]}"
recommendations:
  - title: "Read the sources"
    action: "Read them."
    evidence: [report, strike, crews]
"""


def test_a_brief_quoting_each_checks_and_builds_with_the_pages_in_its_notes(
        loop: Loop, tmp_path: Path) -> None:
    spec = loop.root / "quoting.yaml"
    spec.write_text(_spec(loop, loop.across), encoding="utf-8")
    checked = briefgen(loop.root, "check", str(spec))
    assert checked.returncode == 0, checked.stderr
    out = tmp_path / "out"
    built = briefgen(loop.root, "build", str(spec), "-o", str(out))
    assert built.returncode == 0, built.stderr
    first, last = loop.pages
    # Chicago notes: the printed page alone, an en dash across a break.
    [pdf] = out.glob("*.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert re.search(rf"Water Rights in the Orsted Valley[^.]*\.?[^,]*, {loop.page}\.", text) \
        or f", {loop.page}." in text, text
    assert f", {first}\u2013{last}." in text
    [word] = out.glob("*.docx")
    package = docx.Document(str(word)).part.package
    # python-docx has no API for footnotes: read their part's XML as Word stores it.
    notes = b"".join(part.blob for part in package.parts
                     if part.partname.endswith("footnotes.xml")).decode("utf-8")
    notes_text = " ".join(re.sub(r"<[^>]+>", "", notes).split())
    assert f", {loop.page}." in notes_text and f", {first}\u2013{last}." in notes_text
    assert "para. 1." in notes_text  # the web page, by paragraph


def test_an_altered_excerpt_fails_check_at_its_line(loop: Loop) -> None:
    altered = loop.on_page.replace("the", "a", 1)
    text = _spec(loop, altered)
    spec = loop.root / "altered.yaml"
    spec.write_text(text, encoding="utf-8")
    checked = briefgen(loop.root, "check", str(spec))
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    line = next(n for n, ln in enumerate(text.splitlines(), start=1) if altered in ln)
    assert f"{spec.name}:{line} sections[0].excerpts[0].quote: quote not found" \
        in checked.stderr, checked.stderr


def test_sources_json_is_csl_with_the_metadata_the_files_state(loop: Loop) -> None:
    listed = briefgen(loop.root, "sources", "--json")
    assert listed.returncode == 0, listed.stderr
    items = {item["id"]: item for item in json.loads(listed.stdout)}
    report = items[loop.report]
    assert report["title"] == TITLE and report["type"] == "report"
    assert report["author"][:2] == [{"family": "Sandqvist", "given": "Liv"},
                                    {"family": "Pell", "given": "Aron"}]
    assert report["issued"] == {"date-parts": [[2025, 2, 20]]}
    # The web page's own JSON-LD says what its title, authors, date and address are.
    tree = lxml_html.parse(str(WEB / "news-article.html"))
    [stated] = [json.loads(s.text) for s in tree.xpath('//script[@type="application/ld+json"]')
                if '"NewsArticle"' in s.text]
    web = items[loop.web]
    assert web["title"] == stated["headline"]
    assert [f"{a['given']} {a['family']}" for a in web["author"]] == [
        a["name"] for a in stated["author"]]
    year, month, day = (int(x) for x in stated["datePublished"][:10].split("-"))
    assert web["issued"] == {"date-parts": [[year, month, day]]}
    assert web["URL"] == stated["mainEntityOfPage"]["@id"]
    word = items[loop.word]
    assert word["title"] == WORD_TITLE
    assert word["author"] == [{"family": WORD_AUTHOR[1], "given": WORD_AUTHOR[0]}]
    assert word["issued"] == {"date-parts": [[2023, 5, 17]]}
