"""citeproc-py HTML -> runs, and the punctuation finished on the way."""

from __future__ import annotations

import pytest

from briefgen.citations.html_runs import fix_punctuation, plain_text, to_runs
from briefgen.model.nodes import Link, Text


@pytest.mark.parametrize(
    ("html", "fixed"),
    [
        # punctuation-in-quote (CMOS 17 §6.9, APA 7 §6.11)
        ("“Title”, <i>Paper</i>", "“Title,” <i>Paper</i>"),
        ("“Title”.", "“Title.”"),
        # a title ending in "?" or "!" takes no comma or period (CMOS 17 §6.119)
        ("“Why?”, <i>Paper</i>", "“Why?” <i>Paper</i>"),
        ("by itself?. <i>Paper</i>", "by itself? <i>Paper</i>"),
        ("<i>Really!</i>.", "<i>Really!</i>"),
        # untouched
        ("n.d., 2021.", "n.d., 2021."),
        ("“Title” (2021)", "“Title” (2021)"),
    ],
)
def test_fix_punctuation(html: str, fixed: str) -> None:
    assert fix_punctuation(html, note=False) == fixed


def test_ibid_is_capitalised_only_at_the_start_of_a_note() -> None:
    assert fix_punctuation("ibid., para. 5.", note=True) == "Ibid., para. 5."
    assert fix_punctuation("ibid.", note=False) == "ibid."


def test_runs_carry_italics_bold_and_unescaped_text() -> None:
    assert to_runs("A &amp; B, <i>Q&amp;A <b>x</b></i> &lt;y&gt;") == (
        Text("A & B, "),
        Text("Q&A ", italic=True),
        Text("x", italic=True, bold=True),
        Text(" <y>"),
    )


def test_other_tags_keep_their_text() -> None:
    assert plain_text(to_runs('<span style="font-variant:small-caps;">Ibid</span>')) == "Ibid"


def test_known_urls_become_links_and_their_punctuation_is_kept() -> None:
    url = "https://example.org/a?b=1&c=2"
    runs = to_runs("Retrieved https://example.org/a?b=1&amp;c=2.", [url])
    # "Retrieved" without a date is dropped (APA 7 §9.16); the "?" inside the URL is not a
    # title's question mark, so the period after the URL stays.
    assert runs == (Link(runs=(Text(url),), url=url), Text("."))


def test_unknown_urls_stay_text() -> None:
    assert to_runs("see https://example.org.") == (Text("see https://example.org."),)
