"""Finding where words are printed, in PDFs Typst makes for the purpose: page breaks, words
hyphenated at a line end, curly quotes, and a quotation's own conventions."""

from __future__ import annotations

from pathlib import Path

import typst

from briefgen.preview.locate import PrintedText


def _pdf(tmp_path: Path, body: str) -> bytes:
    main = tmp_path / "main.typ"
    main.write_text('#set page(width: 9cm, height: 12cm, margin: 1cm)\n'
                    '#set par(justify: true)\n#set text(hyphenate: true, lang: "en")\n'
                    + body, encoding="utf-8")
    return bytes(typst.compile(str(main)))


def test_words_are_found_on_their_page_and_height(tmp_path: Path) -> None:
    printed = PrintedText(_pdf(tmp_path, "First page words.\n#pagebreak()\n"
                                         "#v(6cm)\nThe mission’s mandate was renewed in June.\n"))
    page, y = printed.find("The mission's mandate was renewed") or (0, 0.0)
    assert page == 2
    assert 0.45 < y < 0.75  # below the 6 cm gap on a 12 cm page
    assert printed.find("First page words")[0] == 1  # type: ignore[index]
    assert printed.find("words that are printed nowhere at all") is None
    assert printed.find("[…]") is None


def test_a_word_hyphenated_at_a_line_end_is_one_word(tmp_path: Path) -> None:
    words = ("The peacekeepers reported that internationalisation institutionalisation of "
             "counterterrorism and institutionalisation internationalisation were discussed "
             "extensively by representatives.")
    text = PrintedText(_pdf(tmp_path, words + "\n"))
    # Each window of six words, whichever of them Typst broke across lines.
    split = words.split()
    for start in range(len(split) - 6):
        found = text.find(" ".join(split[start:start + 6]))
        assert found is not None and found[0] == 1, start


def test_brackets_and_ellipses_are_the_writers(tmp_path: Path) -> None:
    printed = PrintedText(_pdf(tmp_path, "Peacekeepers were killed and nineteen were wounded "
                                         "in a direct assault on their camp in Kidal region.\n"))
    assert printed.find("[P]eacekeepers were killed … in a direct assault on their camp") \
        is not None
