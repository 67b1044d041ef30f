"""PDF fixtures made at test time by the tools that make real reports: Typst and LibreOffice.

Each fixture is compiled once per session. The texts are invented (sentences.py); what each
file is meant to exercise is said beside it, and test_pdf checks the files are what they say.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.corpus.extract.sentences import FOREWORD, GLASSWORKS, HARBOUR, RAILWAY


@dataclass(frozen=True)
class PdfFixtures:
    """The compiled test files, by what they exercise."""

    report: Path          # unnumbered cover, foreword on page i, body from 1, header and footer
    columns: Path         # two columns, hyphenated and justified, title across both
    hyphenated: Path      # one narrow justified column with hyphenation, "well-" broken
    footnotes: Path       # footnote marks mid-sentence, footnotes at the page bottom
    libreoffice: Path     # Writer document: header, footer "Page N", footnotes, properties
    encrypted: Path       # the report with a user password
    scan: Path            # one page that is only a picture of text
    truncated: Path       # the first half of the report's bytes
    not_a_pdf: Path       # text with a .pdf suffix


def _paragraphs(sentences: Iterable[str], per_paragraph: int) -> list[str]:
    sentences = list(sentences)
    return [" ".join(sentences[i:i + per_paragraph])
            for i in range(0, len(sentences), per_paragraph)]


def _typst(folder: Path, name: str, source: str) -> Path:
    import typst

    typ = folder / f"{name}.typ"
    typ.write_text(source, encoding="utf-8")
    pdf = folder / f"{name}.pdf"
    typst.compile(str(typ), output=str(pdf), root=str(folder))
    return pdf


_DOCUMENT = ('#set document(title: "{title}", author: ({authors}), '
             'date: datetime(year: {year}, month: {month}, day: {day}))\n'
             '#set text(font: "Libertinus Serif", size: 11pt, lang: "en")\n')


def _document(title: str, authors: Iterable[str], date: tuple[int, int, int]) -> str:
    quoted = "".join(f'"{a}", ' for a in authors)
    return _DOCUMENT.format(title=title, authors=quoted, year=date[0], month=date[1],
                            day=date[2])


def _report_source() -> str:
    body = _paragraphs(GLASSWORKS + RAILWAY, 4)
    return _document("The Kessmark Glassworks Revival", ("Imke Tarvassen", "Odo Brannick"),
                     (2025, 3, 14)) + (
        '#set par(justify: true, first-line-indent: (amount: 1.5em, all: true))\n'
        '#set page(width: 150mm, height: 190mm, margin: (x: 22mm, y: 24mm), numbering: none)\n'
        '#align(center + horizon)[#text(size: 24pt, weight: "bold")'
        '[The Kessmark Glassworks Revival] #v(1em) '
        '#text(size: 14pt)[Imke Tarvassen and Odo Brannick]]\n'
        # Reset on the page before, so the first numbered page's header counts from it too.
        '#counter(page).update(0)\n'
        '#set page(numbering: "i", '
        'header: context [#set text(size: 9pt); Kessmark Heritage Review #h(1fr) '
        'Page #counter(page).display()], '
        'footer: context align(center)[#set text(size: 9pt); #counter(page).display()])\n'
        '#heading(outlined: false)[Foreword]\n'
        + " ".join(FOREWORD) + "\n"
        '#counter(page).update(0)\n'
        '#set page(numbering: "1")\n'
        '#heading[The works reopen]\n'
        + "\n\n".join(body[:4])
        + '\n\n#heading[The railway]\n'
        + "\n\n".join(body[4:]) + "\n")


def _columns_source() -> str:
    body = _paragraphs(RAILWAY + GLASSWORKS[:8], 2)
    return _document("A Railway for the Valley", ("Tolvanen Heritage Society",),
                     (2024, 11, 2)) + (
        '#set text(hyphenate: true)\n'
        '#set par(justify: true, first-line-indent: (amount: 1em, all: true))\n'
        '#set page(width: 170mm, height: 200mm, margin: 18mm, columns: 2, '
        'footer: context align(center)[#set text(size: 9pt); #counter(page).display()])\n'
        '#place(top + center, scope: "parent", float: true)'
        '[#text(size: 20pt, weight: "bold")[A Railway for the Valley]]\n'
        + "\n\n".join(body) + "\n")


WELL_KNOWN = ("Her well-known goblets sold well in the capital, and her name was known along "
              "the whole coast.")


def _hyphenated_source() -> str:
    sentences = list(GLASSWORKS)
    sentences.insert(5, WELL_KNOWN.replace("well-known", "well-#linebreak(justify: true)known"))
    body = _paragraphs(sentences, 4)
    return _document("Engravers of Kessmark", ("Imke Tarvassen",), (2023, 6, 30)) + (
        '#set text(hyphenate: true)\n'
        '#set par(justify: true, first-line-indent: (amount: 1em, all: true))\n'
        '#set page(width: 80mm, height: 150mm, margin: 12mm)\n'
        + "\n\n".join(body) + "\n")


FOOTNOTED = (
    ("The harbour commission of Veloria met for the first time",
     "The minutes give no date for this meeting.",
     " in a rented room above a chandler's shop near the fish market."),
    ("Their first decision was to light the breakwater, which had claimed",
     "Two of the three boats were later raised and repaired.",
     " three fishing boats in the previous winter alone."),
    ("An engineer from the capital proposed a sluice gate, which the commission approved",
     "The engineer's name is spelled in three different ways in the minutes.",
     " after an argument lasting two full sessions."),
)


def _footnotes_source() -> str:
    marked = [before + f"#footnote[{note}]" + after for before, note, after in FOOTNOTED]
    others = [s for s in HARBOUR if not any(s.startswith(f[0]) for f in FOOTNOTED)]
    body = [marked[0] + " " + " ".join(others[:3]), marked[1] + " " + " ".join(others[3:5]),
            " ".join(others[5:7]) + " " + marked[2]]
    body += _paragraphs(others[7:] + list(RAILWAY[:6]), 3)
    return _document("Minutes of the Veloria Harbour Commission", ("Commission of Veloria",),
                     (2022, 1, 9)) + (
        '#set par(justify: true, first-line-indent: (amount: 1.5em, all: true))\n'
        '#set page(width: 140mm, height: 150mm, margin: 20mm, numbering: "1")\n'
        + "\n\n".join(body) + "\n")


def _fodt(title: str, author: str, created: str) -> str:
    """A flat OpenDocument text with a running header, a "Page N" footer and footnotes."""
    notes = iter(range(1, 100))

    def para(text: str) -> str:
        # A footnote where the sentence says "[note: ...]".
        out = []
        while "[note: " in text:
            before, rest = text.split("[note: ", 1)
            note, text = rest.split("]", 1)
            n = next(notes)
            out.append(before + f'<text:note text:id="ftn{n}" text:note-class="footnote">'
                       f'<text:note-citation>{n}</text:note-citation><text:note-body>'
                       f'<text:p text:style-name="Footnote">{note}</text:p>'
                       '</text:note-body></text:note>')
        out.append(text)
        return f'<text:p text:style-name="Body">{"".join(out)}</text:p>'

    sentences = list(HARBOUR + GLASSWORKS)
    sentences[1] = sentences[1].replace("a retired captain", "a retired captain"
                                        "[note: Captain Aurel Dunmore, master of the Gull.]")
    sentences[13] = sentences[13].replace("were producing", "were[note: According to the "
                                          "guild ledger.] producing")
    body = "".join(para(p) for p in _paragraphs(sentences, 3))
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{title}</dc:title><meta:initial-creator>{author}</meta:initial-creator>
<dc:creator>{author}</dc:creator><meta:creation-date>{created}</meta:creation-date>
<dc:date>{created}</dc:date></office:meta>
<office:styles>
<style:style style:name="Body" style:family="paragraph"><style:paragraph-properties
 fo:text-align="justify" fo:text-indent="0.6cm" fo:margin-bottom="0cm"/><style:text-properties
 fo:font-size="11pt" style:font-name="Liberation Serif" fo:font-family="'Liberation Serif'"/>
</style:style>
<style:style style:name="Footnote" style:family="paragraph"><style:text-properties
 fo:font-size="9pt"/></style:style>
<style:style style:name="Furniture" style:family="paragraph"><style:text-properties
 fo:font-size="9pt"/></style:style>
</office:styles>
<office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties
 fo:page-width="14.8cm" fo:page-height="21cm" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm"
 fo:margin-left="2cm" fo:margin-right="2cm"/><style:header-style><style:header-footer-properties
 fo:margin-bottom="0.4cm"/></style:header-style><style:footer-style>
 <style:header-footer-properties fo:margin-top="0.4cm"/></style:footer-style>
</style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:header><text:p text:style-name="Furniture">Veloria Maritime Papers</text:p></style:header>
<style:footer><text:p text:style-name="Furniture">Page <text:page-number
 text:select-page="current">1</text:page-number></text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>{body}</office:text></office:body></office:document>
'''


def _libreoffice(folder: Path) -> Path:
    fodt = folder / "maritime.fodt"
    fodt.write_text(_fodt("Veloria Maritime Papers", "Marit Olsgaard", "2021-09-17T10:30:00"),
                    encoding="utf-8")
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(fodt)],
        check=True, capture_output=True, timeout=180)
    return folder / "maritime.pdf"


def _encrypted(report: Path, folder: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(report))
    writer.encrypt(user_password="harbour", owner_password="harbour-owner")
    out = folder / "encrypted.pdf"
    with out.open("wb") as f:
        writer.write(f)
    return out


def _scan(report: Path, folder: Path) -> Path:
    # A picture of a text page, as a scanner makes it: the words are pixels only.
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "2", "-l", "2", "-singlefile",
                    str(report), str(folder / "scan")], check=True, timeout=60)
    return _typst(folder, "scanned",
                  '#set page(width: 150mm, height: 190mm, margin: 0pt)\n'
                  '#image("scan.png", width: 100%)\n')


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> PdfFixtures:
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice and poppler-utils make the PDF fixtures")
    folder = tmp_path_factory.mktemp("pdfs")
    report = _typst(folder, "report", _report_source())
    truncated = folder / "truncated.pdf"
    data = report.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    not_a_pdf = folder / "notes.pdf"
    not_a_pdf.write_text("Meeting notes, not a PDF at all.\n", encoding="utf-8")
    return PdfFixtures(
        report=report,
        columns=_typst(folder, "columns", _columns_source()),
        hyphenated=_typst(folder, "hyphenated", _hyphenated_source()),
        footnotes=_typst(folder, "footnotes", _footnotes_source()),
        libreoffice=_libreoffice(folder),
        encrypted=_encrypted(report, folder),
        scan=_scan(report, folder),
        truncated=truncated,
        not_a_pdf=not_a_pdf,
    )


def three_columns_source() -> str:
    """A page in three columns (a newsletter), the harbour sentences one after the other."""
    return _document("Harbour Newsletter", ("Odo Brannick",), (2020, 5, 1)) + (
        '#set par(justify: true, first-line-indent: (amount: 1em, all: true))\n'
        '#set page(width: 210mm, height: 160mm, margin: 15mm, columns: 3)\n'
        + "\n\n".join(_paragraphs(NEWSLETTER, 2)) + "\n")


#: The newsletter's sentences: enough to fill its three columns.
NEWSLETTER = HARBOUR + RAILWAY[:7]


def compile_typst(folder: Path, name: str, source: str) -> Path:
    """``source`` compiled to ``folder/name.pdf`` by Typst."""
    return _typst(folder, name, source)
