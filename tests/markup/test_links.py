"""The link allow-list, and what it does to a real build: only http, https, mailto and doi:
links reach the DOCX and PDF; everything else is printed as text, with a warning at its line."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from briefgen.markup.links import link_target, refusal

ALLOWED = {
    "https://example.org/a?b=1#c": "https://example.org/a?b=1#c",
    "HTTP://EXAMPLE.ORG": "HTTP://EXAMPLE.ORG",
    "mailto:desk@example.org": "mailto:desk@example.org",
    "doi:10.1000/182": "https://doi.org/10.1000/182",
    "#section-2": "#section-2",
}
REFUSED = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "vbscript:msgbox",
    "file:///etc/passwd", "smb://host/share", "\\\\host\\share", "ms-msdt:/id PCWDiagnostic",
    "search-ms:query=x", "data:text/html,<b>x</b>", "report.pdf", "../secret.docx", "", "#",
    "https:", "https:/example.org", "mailto:", "doi:not-a-doi", "https://exa mple.org",
    "https://example.org/" + "a" * 8000,
]


@pytest.mark.parametrize("url", list(ALLOWED))
def test_allowed_links_keep_their_target(url: str) -> None:
    assert link_target(url) == ALLOWED[url]


@pytest.mark.parametrize("url", REFUSED)
def test_everything_else_is_refused_and_says_why(url: str) -> None:
    assert link_target(url) is None
    assert "printed as text" in refusal(url)


SOURCE = """Harbour Authority annual review

The harbour handled 4,200 ships in the year under review, a record for the port.

Dredging of the outer channel is to finish before the next monsoon season.
"""

CATALOG = """sources:
  - id: harbour-review
    type: report
    title: Harbour Authority annual review
    publisher: Harbour Authority
    date: "2024"
    url: "javascript:alert(document.cookie)"
    file: harbour.txt
  - id: channel-note
    type: report
    title: Channel note
    publisher: Harbour Authority
    date: "2024"
    url: "https://example.org/channel"
    file: channel.txt
"""

SPEC = """title: Harbour brief
date: 2024-05-01
summary: |
  The port had a record year [@harbour-review].
sections:
  - heading: Traffic
    body: |
      See [the review](https://example.org/review) and [mail the desk](mailto:desk@example.org).

      Do not click [this](javascript:alert(1)) or [that](smb://fileserver/share).

      Nor [the diagnostic](ms-msdt:/id%20PCWDiagnostic) or [a search](search-ms:query=brief),
      or [the draft](drafts/old.docx). Dredging goes on [@channel-note].
    excerpts:
      - id: ships
        source: harbour-review
        quote: "The harbour handled 4,200 ships in the year under review"
recommendations:
  - title: Fund the dredging
    action: "Fund it; see <https://example.org/fund>."
    evidence: [ships]
"""


def _external_targets(docx: Path) -> list[str]:
    targets = []
    with zipfile.ZipFile(docx) as package:
        for name in package.namelist():
            if name.endswith(".rels"):
                for rel in etree.fromstring(package.read(name)):
                    if rel.get("TargetMode") == "External":
                        targets.append(rel.get("Target"))
    return targets


def _pdf_uris(pdf: Path) -> list[str]:
    uris = []
    for page in PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_a_build_writes_only_allowed_links_and_warns_at_each_refused_one(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "harbour.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "seeds" / "channel.txt").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "seeds" / "sources.yaml").write_text(CATALOG, encoding="utf-8")
    spec = tmp_path / "brief.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "briefgen", "build", str(spec), "-o", str(out)],
                            capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "printed as text" in line]
    # Five refused Markdown links at the lines they are written on, one refused catalog url.
    lines = {w.split(" ", 2)[1].split(":")[-1] for w in warnings if "brief.yaml:" in w}
    assert {"10", "12"} <= lines, warnings
    assert sum("brief.yaml:" in w for w in warnings) == 5, warnings
    assert any("sources.yaml:2 sources[0].url" in w and "javascript:" in w for w in warnings)

    docx, pdf = next(out.glob("*.docx")), next(out.glob("*.pdf"))
    allowed = {"https://example.org/review", "mailto:desk@example.org",
               "https://example.org/fund", "https://example.org/channel"}
    assert set(_external_targets(docx)) == allowed
    assert set(_pdf_uris(pdf)) == allowed
    # The refused addresses are still there to read, as text.
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for shown in ("smb://fileserver/share", "drafts/old.docx", "javascript:alert(document.cookie)"):
        assert shown in " ".join(text.split()), shown

    check = subprocess.run([sys.executable, "-m", "briefgen", "check", str(spec)],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert check.returncode == 0
    # check warns of exactly what build warns of.
    assert sorted(line for line in check.stderr.splitlines() if "printed as text" in line) \
        == sorted(warnings)
