"""A brief built by hand from the model, written once per session, for the DOCX writer tests."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefgen.model.nodes import (
    Bibliography,
    BibliographyEntry,
    BlockQuote,
    Document,
    Figure,
    Heading,
    KeyPoints,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Recommendation,
    Table,
    TableCell,
    Text,
)
from briefgen.templating.template import Template
from briefgen.writers.docx import DocxWriter
from tests.writers.conftest import write_brief

REPO = Path(__file__).resolve().parents[3]
ARABIC = "إن حماية المدنيين هي أولوية البعثة."


def tiny_png(width: int = 40, height: int = 20) -> bytes:
    """A small valid PNG (a grey rectangle), written by hand so tests need no imaging library."""
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def t(text: str, **emphasis: bool) -> Text:
    return Text(text, **emphasis)


def note(text: str, *more: Text | Link) -> Note:
    return Note((t(text), *more))


def sample_document(png: Path, marking: str = "FOR OFFICIAL USE ONLY") -> Document:
    """Every kind of block, with notes in text, quotes, source lines, tables and evidence."""
    return Document(
        meta=Metadata(
            title="Mali after two coups",
            subtitle="Keeping MINUSMA's mandate alive",
            date="2021-06-30",
            date_text="30 June 2021",
            authors=("A. Analyst", "B. Analyst"),
            organisation="Sahel Policy Desk",
            marking=marking,
            subject="UN peacekeeping in Mali",
            keywords=("Mali", "MINUSMA", "peacekeeping"),
            lang="en-GB",
        ),
        body=(
            KeyPoints(
                "Key points",
                (
                    (
                        t("MINUSMA fields 13 soldiers for every 2 police."),
                        note("UN, Future, para 12."),
                    ),
                    (t("Fatalities are high: 253 so far."),),
                ),
            ),
            Heading(1, (t("Summary"),), anchor="summary"),
            Paragraph(
                (
                    t("The mission is "),
                    t("under strain", italic=True),
                    t(" and "),
                    t("needs police", bold=True),
                    t(", says the "),
                    Link((t("UN report"),), "https://example.org/un-report"),
                    note(
                        "United Nations, ",
                        Link((t("The Future of MINUSMA"),), "https://example.org/future"),
                        t(", para 4."),
                    ),
                    t(" (see "),
                    Link((t("the figure"),), "#troop-split"),
                    t(")."),
                )
            ),
            Heading(2, (t("Protection of civilians"),)),
            BlockQuote(
                (t("The number of police on mission should be increased."),),
                (note("United Nations, The Future of MINUSMA, para 12."),),
            ),
            BlockQuote((t(ARABIC),), (note("Al-Jazeera, 2021."),), lang="ar", rtl=True),
            Figure(
                1,
                "MINUSMA's uniformed personnel",
                "A bar of 13 parts soldiers and 2 police",
                (t("Source: United Nations"), note("UN, Future, para 12.")),
                png,
                None,
                width_cm=12.0,
                anchor="troop-split",
            ),
            Table(
                1,
                "Estimates of IS-K's strength",
                (
                    TableCell((t("Source"),)),
                    TableCell((t("Year"),)),
                    TableCell((t("Fighters"),), "right"),
                ),
                (
                    (
                        TableCell((t("UN report"),)),
                        TableCell((t("2020"),)),
                        TableCell((t("2,200"),), "right"),
                    ),
                    (
                        TableCell((t("US estimate"),)),
                        TableCell((t("2021"),)),
                        TableCell((t("1,500"), note("US DoD, 2021.")), "right"),
                    ),
                ),
                (t("Source: UN, US DoD"),),
            ),
            ListBlock(
                (
                    (Paragraph((t("First bullet"),)),),
                    (
                        Paragraph((t("Second bullet"),)),
                        ListBlock(((Paragraph((t("Nested bullet"),)),),)),
                    ),
                )
            ),
            ListBlock(
                ((Paragraph((t("Step one"),)),), (Paragraph((t("Step two"),)),)), ordered=True
            ),
            ListBlock(
                ((Paragraph((t("Again one"),)),), (Paragraph((t("Again two"),)),)),
                ordered=True,
                start=3,
            ),
            Heading(1, (t("Recommendations"),)),
            Recommendation(
                1,
                "Raise the police share",
                (t("Press contributors to send police."),),
                lead="UN DPO",
                timeframe="Next mandate renewal",
                indicator="Police above 2 in 15",
                evidence=(note("UN, Future, para 12."),),
            ),
            Recommendation(2, "Protect the camps", (t("Fund patrols."),)),
            Heading(1, (t("Sources"),)),
            Bibliography(
                (
                    BibliographyEntry(
                        "un-future",
                        (
                            t("United Nations. "),
                            t("The Future of MINUSMA", italic=True),
                            t(". New York, 2021."),
                        ),
                    ),
                    BibliographyEntry(
                        "dod",
                        (
                            t("US DoD. Report. "),
                            Link((t("https://example.org/dod"),), "https://example.org/dod"),
                        ),
                    ),
                )
            ),
        ),
    )


@dataclass(frozen=True)
class Built:
    """A written brief: the model, the template, and where the .docx is."""

    document: Document
    template: Template
    path: Path


@pytest.fixture(scope="session")
def default_template() -> Template:
    return Template(name="default", directory=REPO / "templates" / "default")


@pytest.fixture(scope="session")
def png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("img") / "chart.png"
    path.write_bytes(tiny_png())
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, png: Path, default_template: Template) -> Built:
    document = sample_document(png)
    out = tmp_path_factory.mktemp("docx") / "brief.docx"
    write_brief(DocxWriter(), document, default_template, out)
    return Built(document, default_template, out)
