"""Tests for briefgen.corpus.furniture: which lines are an article's own text."""

from __future__ import annotations

import pytest

from briefgen.corpus.furniture import is_global_furniture, split_title_and_body


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply", "Your email address will not be published.",
        "Your email address will not be published. Required fields are marked *",
        "Scroll To Top", "Source link", "What's Your Reaction?", "What’s Your Reaction?",
        "View Comments (0)", "View Comments (12)", "Now Reading", "6 min read", "12 min read",
        "© 2020 American Kahani LLC. All rights reserved.", "Follow him on Twitter:",
        "Follow her on Twitter: @someone", "Link for Photo", "  Scroll To Top\u00a0",
    ],
)
def test_global_furniture(line: str) -> None:
    assert is_global_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Analysis",  # a heading on some sites: per-source drop_lines only
        "Source link to the UN report was broken, the group said.",
        "He did not leave a reply to our questions.",
        "The 6 min read was worth it.",
        "In Love",
    ],
)
def test_not_global_furniture(line: str) -> None:
    assert not is_global_furniture(line)


def test_title_then_blocks() -> None:
    lines = ["Now Reading", "The Title", "", "The Title", "  First para. ", "", "Heading",
             "Second para.", "Scroll To Top"]
    assert split_title_and_body(lines) == ("The Title", ["First para.", "Heading",
                                                        "Second para."])


def test_drop_lines_compare_folded() -> None:
    lines = ["Title", "What's new", "Body"]
    assert split_title_and_body(lines, ["What’s  new"]) == ("Title", ["Body"])


def test_repeated_caption_with_credit_keeps_the_first() -> None:
    lines = ["T", "A caption", "A caption © Agency", "A caption", "Body"]
    assert split_title_and_body(lines) == ("T", ["A caption", "Body"])


def test_a_paragraph_starting_like_a_heading_is_kept() -> None:
    lines = ["T", "Background", "Background checks were weak."]
    assert split_title_and_body(lines) == ("T", ["Background", "Background checks were weak."])


def test_pull_quotes() -> None:
    lines = ["T", '"It was a blow"', "Officials said it was a blow to the group.",
             "“Nothing like this was said elsewhere”"]
    assert split_title_and_body(lines) == (
        "T", ["Officials said it was a blow to the group.",
              "“Nothing like this was said elsewhere”"])


def test_nothing_but_furniture() -> None:
    assert split_title_and_body(["Leave a Reply", "", "Scroll To Top"]) == ("", [])
