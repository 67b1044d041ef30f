"""read_html on pages written as real sites write them (roots/web/): the article, not the
furniture; the metadata as the page states it, and nothing it does not state."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from briefgen.corpus.catalog import Person
from briefgen.corpus.extract import Extracted, extract
from briefgen.corpus.extract.html import read_html
from briefgen.corpus.quotes import verify_quote
from briefgen.corpus.text import Paragraph, SourceText
from briefgen.errors import SourceError

PAGES = ("news-article.html", "blog-post.html", "thinktank-report.html",
         "typographic-entities.html", "no-metadata.html", "yoast-graph.html")

# Page furniture, any of which in a paragraph means the extraction took in more than the
# article: cookie banners, advertising labels, share widgets, newsletter boxes, related
# stories, comments, footers, navigation.
FURNITURE = (
    "cookies", "Accept all", "Advertisement", "ADVERTISEMENT", "Share on", "Share this",
    "Sign up", "inbox every morning", "Related stories", "Related publications",
    "Desalination strike begins as talks collapse", "Ports and storm surges", "Most read",
    "Lighthouse keeper retires", "Comments (3)", "About time the engineers",
    "who do you think will pay", "Hoses back on Monday", "Spot on about the mates",
    "The 7.15 has not run", "Leave a Reply", "All rights reserved", "Privacy policy",
    "registered charity", "Registered office", "Proudly powered", "Skip to main content",
    "Support our work", "Post navigation", "Previous: Bus links", "Recent Posts",
    "Subscribe for", "Download the full paper", "Posted in", "Ostrava Lane Allotment Society",
    "Skip to content", "Become a member", "Dune fencing at Gull Bay", "variation claims",
    "One thought on",
)


@pytest.fixture(scope="module")
def pages(web: Path) -> dict[str, Extracted]:
    return {name: read_html(web / name) for name in PAGES}


def text_of(page: Extracted) -> tuple[str, ...]:
    assert len(page.pages) == 1 and page.pages[0].label == ""
    return page.pages[0].paragraphs


@pytest.mark.parametrize("name", PAGES)
def test_no_page_furniture_comes_through(pages: dict[str, Extracted], name: str) -> None:
    paragraphs = text_of(pages[name])
    assert paragraphs
    for paragraph in paragraphs:
        for furniture in FURNITURE:
            assert furniture not in paragraph, (name, furniture, paragraph)
    assert pages[name].kind == "html" and pages[name].paginated is False


def test_the_news_article_is_its_paragraphs_whole(pages: dict[str, Extracted]) -> None:
    paragraphs = text_of(pages["news-article.html"])
    assert paragraphs[0] == (
        "Workers at the Port Aldren desalination plant voted on Wednesday to end a nine-day "
        "strike, after the operator raised its pay offer to 6.5 per cent over two years.")
    assert ("The operator, Aldren Clearwater, said the agreement would add about €1.2m a year "
            "to its wage bill and that no tariff increase was planned before 2026.") in paragraphs
    # A heading is a paragraph of its own, between the paragraphs it stands between.
    heading = paragraphs.index("Maintenance backlog")
    assert paragraphs[heading + 1].startswith("Union representatives said the deal")
    assert paragraphs[-1] == ("The water board will lift its emergency restrictions on garden "
                              "hoses from Monday, a spokesperson confirmed.")


def test_a_pull_quote_repeating_the_body_is_left_out(pages: dict[str, Extracted]) -> None:
    for name, words in (("news-article.html", "We did not walk out lightly"),
                        ("typographic-entities.html", "It’s not about cars")):
        holding = [p for p in text_of(pages[name]) if words in p]
        assert len(holding) == 1, (name, holding)
        assert "said" in holding[0]  # the body's sentence, not the pull quote


def test_a_block_quote_that_repeats_nothing_stays(pages: dict[str, Extracted]) -> None:
    paragraphs = text_of(pages["blog-post.html"])
    quoted = ("Recruitment of deck officers remains our most serious operational risk for the "
              "coming winter.")
    assert paragraphs[paragraphs.index(quoted) - 1] == (
        "The operator's statement to the council last month was blunt about it:")


def test_list_items_are_paragraphs(pages: dict[str, Extracted]) -> None:
    assert "Two of the five mates are due to retire next year." in text_of(
        pages["blog-post.html"])
    assert ("Battery storage should be installed first on Sorrel Island, where outages last "
            "longest.") in text_of(pages["thinktank-report.html"])


def test_entities_are_decoded_to_the_characters_they_name(pages: dict[str, Extracted]) -> None:
    paragraphs = text_of(pages["typographic-entities.html"])
    assert ("\u201cIt\u2019s not about cars \u2014 it\u2019s about whether children can walk to "
            "school,\u201d said Halvard Osei, who chairs the Elm Row residents\u2019 group."
            ) in paragraphs
    assert ("Shopkeepers on the high street said deliveries would take 20\u201330 minutes "
            "longer, and that the council had \u201cnever once\u201d asked them.") in paragraphs
    assert not any("&" in p for p in paragraphs)
    assert pages["typographic-entities.html"].title == (
        "Council\u2019s \u2018quiet streets\u2019 plan divides Merrow Heath")


def test_news_metadata_from_json_ld_and_opengraph(pages: dict[str, Extracted]) -> None:
    page = pages["news-article.html"]
    assert page.title == "Port Aldren desalination workers end strike after pay deal"
    assert page.authors == (Person("van der Berg", "Marta"), Person("al-Karimi", "Yusuf"))
    assert page.date == "2024-03-14"  # published, not the modified date (2024-03-16)
    assert page.container_title == "The Harbour Chronicle"
    assert page.publisher == "Harbour Chronicle Media Group"
    assert page.url == ("https://www.harbourchronicle.example/news/2024/03/14/"
                        "port-aldren-desalination-strike-ends")
    assert page.csl_type == "article-newspaper"
    assert page.language == "en-GB"
    assert "title from JSON-LD NewsArticle headline" in page.notes
    assert "date from JSON-LD NewsArticle datePublished" in page.notes


def test_blog_metadata_from_opengraph_and_the_byline(pages: dict[str, Extracted]) -> None:
    page = pages["blog-post.html"]
    assert page.title == "Why the Kessling ferry timetable keeps failing"
    assert page.authors == (Person("Lindqvist-Hale", "Oskar"),)
    assert 'authors from the byline "By Oskar Lindqvist-Hale"' in page.notes
    assert page.date == "2023-11-08"  # htmldate, from the post's dated element
    assert any(n.startswith("date from htmldate") for n in page.notes)
    assert page.container_title == "Tidal Notes"
    assert page.publisher == ""
    assert page.url == "https://tidalnotes.example/2023/11/kessling-ferry-timetable/"
    assert page.csl_type == "post-weblog"


def test_report_metadata_from_citation_tags(pages: dict[str, Extracted]) -> None:
    page = pages["thinktank-report.html"]
    assert page.title == "Grid Resilience in the Vennmark Islands: Options for 2030"
    assert page.authors == (Person("Okonkwo", "Adaeze"), Person("de la Fuente", "Tomás"),
                            Person("Centre for Coastal Infrastructure Studies"))
    assert page.date == "2022-09-27"
    assert page.publisher == "Centre for Coastal Infrastructure Studies"
    assert page.container_title == ""
    assert page.url == "https://ccis.example/publications/vennmark-grid-resilience-2030"
    assert page.csl_type == "report"


def test_meta_tags_and_dublin_core(pages: dict[str, Extracted]) -> None:
    page = pages["typographic-entities.html"]
    assert page.authors == (Person("Raman-Oduya", "Priya"),)
    assert page.date == "2021-06-02"
    assert page.container_title == page.publisher == "Merrow Heath Courier"
    assert page.url == ""
    assert page.csl_type == "webpage"
    assert page.language == "en-US"


def test_a_schema_graph_names_author_and_publisher_by_id(pages: dict[str, Extracted]) -> None:
    """The JSON-LD WordPress's SEO plug-ins write: one @graph, items pointing at each other."""
    page = pages["yoast-graph.html"]
    assert page.title == "Counting the cost of the Brindle Point seawall"  # not og:title's
    assert page.authors == (Person("Castellano", "Wren"),)
    assert page.date == "2022-07-19"
    assert page.publisher == "Coastline Policy Forum Inc."
    assert page.container_title == "Coastline Policy Forum"
    assert page.url == "https://coastlineforum.example/2022/07/brindle-point-seawall-cost/"
    assert page.language == "en-AU"
    assert page.csl_type == "post-weblog"


def test_a_table_row_is_a_paragraph(pages: dict[str, Extracted]) -> None:
    paragraphs = text_of(pages["yoast-graph.html"])
    start = paragraphs.index("Year | Spent ($m) | Main cause")
    assert paragraphs[start - 1:start + 4] == (
        "Most of the overrun came in two years, as the table below shows.",
        "Year | Spent ($m) | Main cause", "2018 | 4.1 | Rock armour price rise",
        "2019 | 6.8 | Storm damage to works",
        "The shire's own review found that no contingency had been set aside for storm "
        "damage during construction.")


def test_a_page_without_metadata_gets_none_invented(pages: dict[str, Extracted]) -> None:
    page = pages["no-metadata.html"]
    assert page.title == "Notes from the Ostrava Lane allotments"  # its <title>
    assert page.authors == ()
    assert page.date == ""  # "12 April 2019" in its text is the meeting's, not the page's
    assert (page.container_title, page.publisher, page.url, page.language) == ("", "", "", "")
    assert page.csl_type == "webpage"
    assert any("no date" in n for n in page.notes)
    assert ("A proposal to allow beehives on the two corner plots was carried by fifteen votes "
            "to six, on condition that the hives face away from the footpath."
            ) in text_of(page)


def test_extract_dispatches_by_suffix_and_is_deterministic(web: Path) -> None:
    first = extract(web / "news-article.html")
    assert first == read_html(web / "news-article.html")


def test_nothing_is_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            web: Path) -> None:
    """Not even for a "page" that is a bare URL, which htmldate would download if given
    the string."""
    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    bare_url = tmp_path / "link.html"
    bare_url.write_text("https://tracker.example/page", encoding="utf-8")
    with pytest.raises(SourceError, match="link.html"):
        read_html(bare_url)
    read_html(web / "news-article.html")
    assert attempts == []


def test_an_undeclared_windows_1252_page_is_read_and_said(tmp_path: Path) -> None:
    page = tmp_path / "old.html"
    sentence = "The \u201cold\u201d pier at Kessling was closed in 1998 \u2013 for good."
    page.write_bytes(("<html><head><title>Old pier</title></head><body><article><p>"
                      + sentence + " " + "It was never rebuilt, and the ferry moved. " * 8
                      + "</p></article></body></html>").encode("cp1252"))
    extracted = read_html(page)
    assert extracted.pages[0].paragraphs[0].startswith(sentence)
    assert any("Windows-1252" in n for n in extracted.notes)


def test_bytes_that_break_the_declared_encoding_are_said(tmp_path: Path) -> None:
    page = tmp_path / "mixed.html"
    page.write_bytes(b'<html><head><meta charset="utf-8"><title>Pier</title></head><body>'
                     b"<article><p>The caf\xe9 on the pier closed in the winter of 1998, and the "
                     b"ferry company bought the building a year later for its ticket office."
                     b"</p></article></body></html>")
    extracted = read_html(page)
    assert extracted.pages[0].paragraphs[0].startswith("The caf\ufffd on the pier")
    assert any("not valid utf-8" in n for n in extracted.notes)


@pytest.mark.parametrize("content", [
    b"",
    b"\x00\x01\x02 binary \xff\xfe\x00",
    b"<html><body>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000 + b"</body></html>",
])
def test_a_page_with_no_article_is_a_source_error(tmp_path: Path, content: bytes) -> None:
    page = tmp_path / "odd.html"
    page.write_bytes(content)
    with pytest.raises(SourceError, match="odd.html"):
        read_html(page)


def test_a_failure_inside_trafilatura_names_the_file(web: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def fails(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura, "bare_extraction", fails)
    with pytest.raises(SourceError, match=r"news-article\.html: trafilatura could not read"):
        read_html(web / "news-article.html")


def as_source(page: Extracted, source_id: str) -> SourceText:
    """The extraction as the quote checker reads a source: paragraphs numbered from 1."""
    return SourceText(source_id, tuple(Paragraph(n, text) for n, text in
                                       enumerate(text_of(page), start=1)), sha256="")


@pytest.mark.parametrize(("name", "quote", "paragraph"), [
    ("typographic-entities.html",
     "\u201cIt\u2019s not about cars \u2014 it\u2019s about whether children can walk to "
     "school,\u201d said Halvard Osei", 3),
    ("typographic-entities.html", "the council had \u201cnever once\u201d asked them", 4),
    ("news-article.html", "no tariff increase was planned before 2026", 4),
    ("blog-post.html", "Recruitment of deck officers remains our most serious operational "
     "risk", 5),
])
def test_genuine_quotes_verify_in_their_paragraph(pages: dict[str, Extracted], name: str,
                                                  quote: str, paragraph: int) -> None:
    match = verify_quote(quote, as_source(pages[name], name))
    assert match is not None and match.paragraph == paragraph


@pytest.mark.parametrize(("name", "quote"), [
    ("typographic-entities.html", "it\u2019s about whether children can cycle to school"),
    ("news-article.html", "no tariff increase was planned before 2027"),
    ("news-article.html", "All rights reserved"),
    ("news-article.html", "We use cookies to personalise content"),
    ("news-article.html", "the plant would not run a day without them"),
    ("blog-post.html", "We flagged this to the council two years ago"),
])
def test_altered_quotes_and_furniture_do_not_verify(pages: dict[str, Extracted], name: str,
                                                    quote: str) -> None:
    assert verify_quote(quote, as_source(pages[name], name)) is None
