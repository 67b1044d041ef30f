"""Tests for briefgen.corpus.text: encoding repair, furniture left out, paragraph numbering."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.corpus.catalog import SourceCatalog
from briefgen.corpus.text import Paragraph, SourceText, read_article, repair_encoding

from tests.conftest import REPO

from .conftest import SEEDS

NEWARAB = "newarab-taliban-isk-2023"
MOJIBAKE = set("ā€ĢżŗĀ")
MASTHEAD = "°®Āžµŗ"


# --- encoding repair -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("IS-Kā€™s senior leaders", "IS-K’s senior leaders"),  # ftfy's part
        ("the Talibanā€™s form of ā€˜nationalism,ā€™ as",
         "the Taliban’s form of ‘nationalism,’ as"),
        ("ā€œInstead, it focuses", "“Instead, it focuses"),
        ("successfully,ā€ Antonio", "successfully,” Antonio"),  # not a dagger
        ("hard to determineā€.", "hard to determine”."),
        ("intelligence networks.ā€", "intelligence networks.”"),  # at the end of the text
        ("governments ā€“ including", "governments – including"),
        ("into its ranks.ĢżĢż", "into its ranks.\u00a0\u00a0"),
        ("Mali’s Challenging Future", "Mali’s Challenging Future"),  # clean text is kept
        ("Keïta and Goïta", "Keïta and Goïta"),
        ("مركز المستقبل – Is ISIS-Khorasan", "مركز المستقبل – Is ISIS-Khorasan"),
    ],
)
def test_repair_encoding(broken: str, repaired: str) -> None:
    assert repair_encoding(broken) == repaired


# A fresh process: what a build sees. It repairs, or finds the repair remembered.
_REPAIR_IN_A_NEW_PROCESS = """
import sys
from briefgen.corpus.text import repair_encoding
print(repair_encoding(sys.argv[1]))
print("ftfy" in sys.modules)
"""


def _repair_in_new_process(text: str, cache: Path) -> tuple[str, bool]:
    run = subprocess.run([sys.executable, "-c", _REPAIR_IN_A_NEW_PROCESS, text],
                         capture_output=True, text=True, check=True, encoding="utf-8",
                         env={**os.environ, "PYTHONPATH": str(REPO / "src"),
                              "XDG_CACHE_HOME": str(cache)})
    repaired, loaded = run.stdout.rstrip("\n").rsplit("\n", 1)
    return repaired, loaded == "True"


def test_a_repair_is_remembered_so_the_next_process_neither_loads_nor_runs_ftfy(
        tmp_path: Path) -> None:
    broken, clean = "the Talibanā€™s form", "Mali’s Challenging Future"
    assert _repair_in_new_process(broken, tmp_path) == ("the Taliban’s form", True)
    assert _repair_in_new_process(broken, tmp_path) == ("the Taliban’s form", False)
    assert _repair_in_new_process(clean, tmp_path) == (clean, True)
    assert _repair_in_new_process(clean, tmp_path) == (clean, False)
    [store] = (tmp_path / "briefgen" / "repairs").iterdir()
    remembered = json.loads(store.read_text(encoding="utf-8"))
    assert sorted(v for v in remembered.values() if v) == ["the Taliban’s form"]  # clean: null


def test_a_damaged_repair_store_is_ignored_and_replaced(tmp_path: Path) -> None:
    broken = "ā€œInstead, it focuses"
    _repair_in_new_process(broken, tmp_path)
    [store] = (tmp_path / "briefgen" / "repairs").iterdir()
    store.write_text("{not json", encoding="utf-8")
    assert _repair_in_new_process(broken, tmp_path) == ("“Instead, it focuses", True)
    assert _repair_in_new_process(broken, tmp_path) == ("“Instead, it focuses", False)


@pytest.mark.parametrize("name", ["000", "002", "003", "004"])
def test_repair_leaves_clean_seeds_unchanged(name: str) -> None:
    [path] = SEEDS.glob(f"{name}_*.txt")
    text = path.read_text(encoding="utf-8")
    assert repair_encoding(text) == text


def test_no_mojibake_remains_but_the_masthead(catalog: SourceCatalog) -> None:
    for paragraph in catalog.text(NEWARAB).paragraphs:
        left = set(paragraph.text.replace(MASTHEAD, "")) & (MOJIBAKE | {"†"})
        assert not left, (paragraph.number, left, paragraph.text)


def test_repaired_quotations(catalog: SourceCatalog) -> None:
    text = catalog.text(NEWARAB)
    assert "wipe out IS-K’s senior leaders" in text.paragraph(2).text
    assert text.paragraph(12).text.startswith(
        "“IS-K has for now given up on waging a guerrilla war against the Taliban, as it "
        "recognises it does not have the strength to take them on successfully,” Antonio "
        "Giustozzi, senior research fellow at the Royal United Services Institute, told "
        f"{MASTHEAD}."
    )
    assert text.paragraph(11).text.endswith(
        "“a resilient enemy with roughly 2,000 to 3,000 fighters, although precise estimates "
        "are hard to determine”."
    )
    assert "form of ‘nationalism,’ as opposed" in text.paragraph(9).text


def test_the_seed_file_itself_is_untouched() -> None:
    # Repair happens on loading only; the file keeps its mojibake (and its checksum).
    raw = (SEEDS / "001_5d1e88d8945dea5b.txt").read_bytes()
    assert "IS-Kā€™s".encode() in raw


# --- the three articles of 000 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_id", "first", "last", "count"),
    [
        ("isisk-taliban-emergence",
         "The Taliban blamed ISIS-K for the\u00a0Kabul explosion",
         "With more and more attacks occurring", 19),
        ("un-mali-future", "The Long Road Ahead", "Overall, much needs to be done.", 14),
        ("isk-peace-process", "The recent attack on the girl’s school",
         ("مركز المستقبل – Is ISIS-Khorasan Province Seeking to Consolidate its Role in "
         "Afghanistan? (futureuae.com)"), 8),
    ],
)
def test_000_splits_into_three_articles(
    catalog: SourceCatalog, source_id: str, first: str, last: str, count: int
) -> None:
    paragraphs = catalog.text(source_id).paragraphs
    assert len(paragraphs) == count
    assert paragraphs[0].text.startswith(first)
    assert paragraphs[-1].text.startswith(last)


def test_the_arabic_line_is_quotable_text(catalog: SourceCatalog) -> None:
    last = catalog.text("isk-peace-process").paragraph(8)
    assert last.text == (
        "مركز المستقبل – Is ISIS-Khorasan Province Seeking to Consolidate its Role in "
        "Afghanistan? (futureuae.com)"
    )
    texts = [p.text for p in catalog.text("isk-peace-process").paragraphs]
    assert "Link for Photo" not in texts


def test_no_article_leaks_into_the_next(catalog: SourceCatalog) -> None:
    emergence = " ".join(p.text for p in catalog.text("isisk-taliban-emergence").paragraphs)
    mali = " ".join(p.text for p in catalog.text("un-mali-future").paragraphs)
    assert "MINUSMA" not in emergence and "Mali" not in emergence
    assert "IS-K" not in mali and "Khorasan" not in mali


# --- paragraph numbering ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_id", "number", "contains"),
    [
        ("isisk-taliban-emergence", 2, "killed 13 US service members and 180 Afghans"),
        ("isisk-taliban-emergence", 5, "Background"),  # headings are text blocks too
        ("un-mali-future", 1, "The Long Road Ahead"),
        ("un-mali-future", 3, "253 fatalities out of the 15,209 authorized personnel"),
        ("un-mali-future", 10, "MINUSMA has a 13-2 split of soldiers and police"),
        ("un-mali-future", 12, "“all necessary means… [to] deter threats"),
        ("un-mali-future", 13, "needs a field handbook"),
        ("isk-peace-process", 8, "futureuae.com"),
        (NEWARAB, 1, "On 26 April, US officials reported"),
        (NEWARAB, 11, "roughly 2,000 to 3,000 fighters"),
        (NEWARAB, 13, "Taliban police soldiers deploy on a security patrol"),
        ("ft-isisk-2021", 2, "killed at least 79 Afghans and 13 American soldiers"),
        ("ft-isisk-2021", 9, "A coalition airstrike destroys an Isis-K position in 2018"),
        ("ft-isisk-2021", 16, "Isis-K had just 2,200 fighters in Afghanistan"),
        ("ali-isisk-renewed-threat", 1, "Abstract:"),
        ("ali-isisk-renewed-threat", 6, "ranges from 2,000 to 4,000 fighters"),
        ("ali-isisk-renewed-threat", 6, "killed at least 175 civilians and 13 US soldiers"),
        ("kumar-isisk-first-blood", 1, "The Taliban are unlikely to allow the ISIS offshoot"),
        ("kumar-isisk-first-blood", 5, "estimates nearly 2,000 ISIS-K members in Afghanistan"),
    ],
)
def test_paragraph_numbers(
    catalog: SourceCatalog, source_id: str, number: int, contains: str
) -> None:
    paragraph = catalog.text(source_id).paragraph(number)
    assert paragraph.number == number
    assert contains in paragraph.text


def test_numbers_run_from_one_without_gaps(catalog: SourceCatalog) -> None:
    for source_id in catalog.ids():
        numbers = [p.number for p in catalog.text(source_id).paragraphs]
        assert numbers == list(range(1, len(numbers) + 1))


def test_paragraph_out_of_range(catalog: SourceCatalog) -> None:
    with pytest.raises(IndexError, match="paragraphs 1 to 14, not 15"):
        catalog.text("un-mali-future").paragraph(15)
    with pytest.raises(IndexError):
        catalog.text("un-mali-future").paragraph(0)


def test_inner_whitespace_is_as_in_the_source(catalog: SourceCatalog) -> None:
    assert "left dozens injured.\u00a0 With these" in catalog.text(
        "ali-isisk-renewed-threat").paragraph(6).text
    for source_id in catalog.ids():
        for paragraph in catalog.text(source_id).paragraphs:
            assert paragraph.text == paragraph.text.strip()


# --- furniture -------------------------------------------------------------------------------

FURNITURE = {
    NEWARAB: [MASTHEAD, "TALIBAN ANNIVERSARY OF TAKE OVER", "6 min read", "03 May, 2023",
              "Analysis", "Live Story", "In-depth", "Follow him on Twitter:",
              "In Afghanistan, can the Taliban defeat IS-K by itself?"],
    "ft-isisk-2021": ["Source link", "Leave a Reply",
                      "Your email address will not be published. Required fields are marked *",
                      "Isis-K: the jihadis seizing on the chaos of Taliban’s return"],
    "ali-isisk-renewed-threat": ["Faizan Ali"],
    "kumar-isisk-first-blood": [
        "Now Reading", "See Also", "What's Your Reaction?", "In Love", "Not Sure",
        "View Comments (0)", "Leave a Reply", "Your email address will not be published.",
        "© 2020 American Kahani LLC. All rights reserved.", "Scroll To Top",
        ("The viewpoints expressed by the authors do not necessarily reflect the opinions, "
        "viewpoints and editorial policies of American Kahani."),
        ("Anatomy of Emerging Threat: The Implications of ISIS-K Drawing First Blood Against "
        "Americans in Afghanistan"),  # the title, printed twice, is no paragraph
    ],
    "isk-peace-process": ["Link for Photo"],
}


@pytest.mark.parametrize(("source_id", "line"),
                         [(sid, line) for sid, lines in FURNITURE.items() for line in lines])
def test_furniture_is_left_out(catalog: SourceCatalog, source_id: str, line: str) -> None:
    texts = [p.text for p in catalog.text(source_id).paragraphs]
    assert line not in texts


def test_twice_printed_captions_are_kept_once(catalog: SourceCatalog) -> None:
    newarab = [p.text for p in catalog.text(NEWARAB).paragraphs]
    caption = ("Taliban police soldiers deploy on a security patrol in Kabul, Afghanistan, on "
               "2 September 2021. [Getty]")
    assert newarab.count(caption) == 1
    ft = [p.text for p in catalog.text("ft-isisk-2021").paragraphs]
    assert "A coalition airstrike destroys an Isis-K position in 2018" in ft
    assert not any(text.startswith("A coalition airstrike") and "©" in text for text in ft)
    assert sum(text.startswith("Onlookers stand next to") for text in ft) == 1


def test_pull_quotes_are_left_out_but_the_sentences_stay(catalog: SourceCatalog) -> None:
    texts = [p.text for p in catalog.text(NEWARAB).paragraphs]
    assert not any(text.startswith('"Despite the group') for text in texts)
    assert not any(text.startswith('"With the Taliban continuing') for text in texts)
    assert any(text.startswith("Despite the group being weakened") for text in texts)
    # A quotation that opens with a straight mark but is no pull quote stays.
    assert texts[4].startswith('"The US has announced that the Taliban killed the mastermind')


def test_bylines_and_biographies(catalog: SourceCatalog) -> None:
    # The closing author biography is the article's own text and stays.
    assert catalog.text(NEWARAB).paragraphs[-1].text.startswith("Jonathan Fenton-Harvey is")
    assert catalog.text("kumar-isisk-first-blood").paragraphs[-1].text.startswith(
        "Rohan Kumar is a senior")


# --- read_article on its own -----------------------------------------------------------------


def test_read_article_hashes_the_raw_slice() -> None:
    raw = [b"Title\n", b"\n", "IS-Kā€™s leaders\n".encode()]
    text = read_article("x", raw)
    assert text == SourceText("x", (Paragraph(1, "IS-K’s leaders"),),
                              hashlib.sha256(b"".join(raw)).hexdigest())


def test_folded_paragraphs_are_cached(catalog: SourceCatalog) -> None:
    text = catalog.text("un-mali-future")
    assert text.folded is text.folded
    assert text.folded[11].text.count("all necessary means... [to] deter threats") == 1
