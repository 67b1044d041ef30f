"""`briefgen figures` on a corpus nobody wrote topics for, with --json, and with a desk's own
topics (tests/roots/figures-corpus: invented events, see its sources.yaml)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, ROOTS

CORPUS = ROOTS / "figures-corpus"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", "figures", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def _json(catalog: Path, *args: str) -> list[dict]:
    result = run("--catalog", str(catalog), "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _by_source(group: dict) -> dict[str, object]:
    return {claim["source"]: claim["value"] for claim in group["claims"]}


def test_disagreements_are_found_with_no_topic_declared() -> None:
    assert not (CORPUS / "figures.yaml").exists()
    groups = _json(CORPUS / "sources.yaml", "--disagreements")
    found = sorted(sorted(_by_source(g).items()) for g in groups)
    assert found == sorted([
        sorted({"veldora-sitrep": 112, "castria-herald-floods": 128,
                "veldora-armed-groups": 112}.items()),
        sorted({"orune-ferry-inquiry": 63, "orune-weekly": 71}.items()),
        sorted({"veldora-armed-groups": 3000, "minutar-review": 4500}.items()),
        sorted({"orune-weekly": 97, "minutar-review": 104}.items()),
    ])
    assert all(g["disagree"] and g["topic"] is None for g in groups)


def test_the_json_has_a_label_and_claims_with_their_places() -> None:
    groups = _json(CORPUS / "sources.yaml")
    assert groups and all(set(g) == {"label", "topic", "disagree", "claims"} for g in groups)
    for group in groups:
        assert isinstance(group["label"], str) and group["label"]
        for claim in group["claims"]:
            assert set(claim) == {"value", "low", "high", "figure", "text", "source", "para",
                                  "page"}
            assert isinstance(claim["para"], int) and claim["page"] is None
            assert claim["figure"].replace(",", "").split()[-1].isdigit()
    # Agreement is listed without --disagreements, and left out with it.
    rescued = [g for g in groups if set(_by_source(g).values()) == {140}]
    assert len(rescued) == 1 and not rescued[0]["disagree"]
    flood = next(g for g in groups if 128 in _by_source(g).values())
    assert flood["label"] == "people killed in Veldora Province, March 2025"
    sitrep = next(c for c in flood["claims"] if c["source"] == "veldora-sitrep")
    assert sitrep == {"value": 112, "low": 112, "high": 112, "figure": "at least 112",
                      "text": "at least 112 people", "source": "veldora-sitrep", "para": 2,
                      "page": None}


def test_the_output_is_the_same_on_every_run() -> None:
    first = run("--catalog", str(CORPUS / "sources.yaml"), "--json")
    second = run("--catalog", str(CORPUS / "sources.yaml"), "--json")
    assert first.returncode == 0 and first.stdout == second.stdout
    table = run("--catalog", str(CORPUS / "sources.yaml"), "--disagreements")
    assert table.returncode == 0, table.stderr
    assert "SOURCES DISAGREE" in table.stdout and "sources agree" not in table.stdout
    assert "[@orune-weekly, para 1]" in table.stdout


def test_a_desks_own_topic_names_its_group(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    (tmp_path / "corpus" / "figures.yaml").write_text(
        "topics:\n"
        "  - id: ferry-deaths\n"
        "    name: \"Ferry sinking, June 2024: killed\"\n"
        "    context: [[Sela Mara]]\n"
        "    counted: [passengers, people died]\n", encoding="utf-8")
    groups = _json(tmp_path / "corpus" / "sources.yaml", "--disagreements")
    declared = [g for g in groups if g["topic"] == "ferry-deaths"]
    assert len(declared) == 1
    assert declared[0]["label"] == "Ferry sinking, June 2024: killed"
    assert [(c["source"], c["value"], c["text"]) for c in declared[0]["claims"]] == [
        ("orune-ferry-inquiry", 63, "63 passengers"), ("orune-weekly", 71, "71 people died")]
    # The declared topic's figures are not listed a second time by the automatic pass.
    automatic = [g for g in groups if g["topic"] is None]
    assert not any({63, 71} & set(_by_source(g).values()) for g in automatic)
    assert len(automatic) == 3


def test_a_malformed_topic_file_is_a_located_message(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    topics = tmp_path / "corpus" / "figures.yaml"
    topics.write_text("topics:\n  - id: ferry-deaths\n    name: Ferry\n    countd: [people]\n",
                      encoding="utf-8")
    result = run("--catalog", str(tmp_path / "corpus" / "sources.yaml"), "--json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert f"{topics}:4 topics[0].countd: unknown key 'countd'; did you mean 'counted'?" \
        in result.stderr


def test_a_claim_in_a_paginated_source_gives_its_printed_page(tmp_path: Path) -> None:
    """The situation report becomes a paginated source (as `sources add` stores a PDF): its
    flood toll is on printed page 8, and the JSON says so beside the paragraph."""
    import hashlib

    from briefgen.corpus.extract import Extracted, ExtractedPage
    from briefgen.corpus.stored import render_stored, stored_name

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    lines = [line for line in (corpus / "sitrep.txt").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    title, body = lines[0], lines[1:]
    toll = next(i for i, line in enumerate(body) if "112" in line)
    pages = (ExtractedPage("7", tuple(body[:toll])), ExtractedPage("8", tuple(body[toll:])))
    original = b"%PDF-1.7 stand-in: the catalog hashes the original, the text is stored\n"
    digest = hashlib.sha256(original).hexdigest()
    (corpus / "sitrep.pdf").write_bytes(original)
    report = Extracted(kind="pdf", title=title, pages=pages, paginated=True, csl_type="report")
    (corpus / stored_name("sitrep.pdf")).write_text(
        render_stored(report, "sitrep.pdf", digest), encoding="utf-8")
    catalog = corpus / "sources.yaml"
    text = catalog.read_text(encoding="utf-8").replace(
        "    file: sitrep.txt\n",
        f"    file: sitrep.pdf\n    text: {stored_name('sitrep.pdf')}\n    sha256: {digest}\n")
    catalog.write_text(text, encoding="utf-8")
    groups = _json(catalog, "--disagreements")
    claims = [c for g in groups for c in g["claims"]]
    paged = [c for c in claims if c["source"] == "veldora-sitrep" and c["value"] == 112]
    assert paged and all(c["page"] == "8" for c in paged)
    assert all(c["page"] is None for c in claims if c["source"] != "veldora-sitrep")
