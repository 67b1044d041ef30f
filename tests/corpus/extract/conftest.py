"""Files for the extraction tests, made as their tools make them.

The web pages are written by hand, as news sites, blogs and think tanks write theirs, in
roots/web/ (reviewable as pages). The Word files are made here: one saved by python-docx, one
with tracked changes written through python-docx's element API, one saved by LibreOffice from
a flat OpenDocument file, and hostile ones built from the python-docx one. All content is
invented. The PDFs are compiled with Typst and LibreOffice in pdf_fixtures.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tests.corpus.extract.pdf_fixtures import pdfs  # the PDFs, compiled once per session

__all__ = ["pdfs"]

WEB = Path(__file__).parent / "roots" / "web"

# The python-docx file's text, as set; the tests compare the extraction with these.
REPORT_TITLE = "Crew shortages on the Kessling crossing"
REPORT_AUTHORS = "Ines Halloran; Per Aas"
REPORT_CREATED = dt.datetime(2023, 5, 17, 9, 30, tzinfo=dt.timezone.utc)
HEADING = "Why sailings are cancelled"
FIRST = ("The Kessling ferry lost 212 departures last winter, and crew shortages caused "
         "four in five of them.")
LINK_BEFORE, LINK_TEXT, LINK_AFTER = ("The figures come from ", "the operator's winter returns",
                                      ", published each April.")
BOLD_BEFORE, BOLD, BOLD_AFTER = ("Only ", "five certified mates", " are on the payroll today.")
TABLE = [("Season", "Cancelled", "Crew"), ("2021–22", "187", "140"), ("2022–23", "212", "171")]
SUBHEADING = "What would help"
LAST = "A second apprentice intake in 2024 would double the number of mates by 2027."


@pytest.fixture(scope="session")
def web() -> Path:
    return WEB


def _hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


@pytest.fixture(scope="session")
def python_docx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A paper saved by python-docx: headings, runs, a hyperlink, a table, core properties."""
    document = docx.Document()
    document.add_paragraph(REPORT_TITLE, style="Title")
    document.add_heading(HEADING, level=1)
    document.add_paragraph(FIRST)
    linked = document.add_paragraph(LINK_BEFORE)
    _hyperlink(linked, LINK_TEXT, "https://ferries.example/returns")
    linked.add_run(LINK_AFTER)
    bold = document.add_paragraph(BOLD_BEFORE)
    bold.add_run(BOLD).bold = True
    bold.add_run(BOLD_AFTER)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for row, values in zip(table.rows, TABLE):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_heading(SUBHEADING, level=2)
    document.add_paragraph(LAST)
    core = document.core_properties
    core.title = REPORT_TITLE
    core.author = REPORT_AUTHORS
    core.created = REPORT_CREATED
    core.category = "Internal report"
    core.language = "en-GB"
    core.last_modified_by = "Someone Else"
    path = tmp_path_factory.mktemp("docx") / "kessling-crew.docx"
    document.save(str(path))
    return path


# The tracked-changes file: what the text reads as with its changes accepted.
TRACKED_KEPT = "The harbour board agreed to "
TRACKED_DELETED = "postpone "
TRACKED_INSERTED = "fund "
TRACKED_REST = "the new pontoon at its March meeting."
TRACKED_SPLIT = ("The vote was unanimous", "and the minutes were signed the same evening.")
TRACKED_GONE = "This whole paragraph was struck out by the second reviewer."


def _change(kind: str, text: str, change_id: int) -> OxmlElement:
    change = OxmlElement(f"w:{kind}")
    change.set(qn("w:id"), str(change_id))
    change.set(qn("w:author"), "Reviewer")
    change.set(qn("w:date"), "2024-02-01T10:00:00Z")
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if kind == "del" else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    change.append(run)
    return change


@pytest.fixture(scope="session")
def tracked_docx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A paper with tracked changes: a word deleted and one inserted in a sentence, and a
    paragraph deleted whole."""
    document = docx.Document()
    paragraph = document.add_paragraph(TRACKED_KEPT)
    paragraph._p.append(_change("del", TRACKED_DELETED, 1))
    paragraph._p.append(_change("ins", TRACKED_INSERTED, 2))
    paragraph.add_run(TRACKED_REST)
    gone = document.add_paragraph()
    gone._p.append(_change("del", TRACKED_GONE, 3))
    document.add_paragraph("The pontoon is due to open in the autumn.")
    # A paragraph mark deleted: the two paragraphs are one once the change is accepted.
    split = document.add_paragraph(TRACKED_SPLIT[0])
    mark_deleted = OxmlElement("w:del")
    for key, value in (("w:id", "4"), ("w:author", "Reviewer"),
                       ("w:date", "2024-02-01T10:05:00Z")):
        mark_deleted.set(qn(key), value)
    mark = OxmlElement("w:rPr")
    mark.append(mark_deleted)
    split._p.get_or_add_pPr().append(mark)
    document.add_paragraph(TRACKED_SPLIT[1])
    document.core_properties.author = "Harbour Board Secretariat"
    path = tmp_path_factory.mktemp("docx") / "tracked.docx"
    document.save(str(path))
    return path


# The LibreOffice file's content, written as OpenDocument (flat XML) and converted to DOCX.
LO_TITLE = "Sorrel Island water supply: a note for the council"
LO_CREATOR = "Tomás de la Fuente"
LO_HEADING = "Supply in dry summers"
LO_BEFORE_NOTE = "The island's two boreholes gave 41 cubic metres a day in August"
LO_AFTER_NOTE = ", against a demand of 55."
LO_NOTE = "Metered at the pumping station by the water board's contractor."
LO_SECOND = "Tankering from the mainland closed the gap at a cost of €18,000 for the month."
LO_CELLS = (("Month", "Supply", "Demand"), ("July", "46", "51"), ("August", "41", "55"))

_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta>
  <dc:title>{title}</dc:title>
  <meta:initial-creator>{creator}</meta:initial-creator>
  <dc:creator>{creator}</dc:creator>
  <meta:creation-date>2022-08-30T14:05:00</meta:creation-date>
  <dc:language>en-GB</dc:language>
 </office:meta>
 <office:body>
  <office:text>
   <text:h text:outline-level="1">{heading}</text:h>
   <text:p>{before}{footnote}{after}</text:p>
   <table:table table:name="Supply">
    <table:table-column table:number-columns-repeated="3"/>
    {rows}
   </table:table>
   <text:p>{second}</text:p>
  </office:text>
 </office:body>
</office:document>
"""


_FOOTNOTE = ('<text:note text:id="ftn1" text:note-class="footnote">'
             "<text:note-citation>1</text:note-citation>"
             "<text:note-body><text:p>{note}</text:p></text:note-body></text:note>")


@pytest.fixture(scope="session")
def libreoffice_docx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A note saved as DOCX by LibreOffice: a heading, a footnote, a table, its metadata."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    tmp = tmp_path_factory.mktemp("libreoffice")
    rows = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p>'
            "</table:table-cell>" for c in row) + "</table:table-row>" for row in LO_CELLS)
    source = tmp / "sorrel-water.fodt"
    source.write_text(_FODT.format(title=LO_TITLE, creator=LO_CREATOR, heading=LO_HEADING,
                                   before=LO_BEFORE_NOTE, after=LO_AFTER_NOTE,
                                   footnote=_FOOTNOTE.format(note=LO_NOTE),
                                   rows=rows, second=LO_SECOND), encoding="utf-8")
    result = subprocess.run(
        [office, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
         "--convert-to", "docx", "--outdir", str(tmp / "out"), str(source)],
        capture_output=True, text=True, timeout=180, check=False)
    saved = tmp / "out" / "sorrel-water.docx"
    assert result.returncode == 0 and saved.is_file(), result.stderr
    return saved


def rewrite_zip(source: Path, target: Path, changed: dict[str, bytes]) -> Path:
    """``source``'s zip with the entries ``changed`` replaced or added, deflated."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts.update(changed)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target
