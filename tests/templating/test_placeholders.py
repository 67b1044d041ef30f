"""Filling one placeholder through the sandboxed, strict Jinja environment."""

from __future__ import annotations

import pytest

from briefgen.errors import TemplateError
from briefgen.templating.placeholders import fill, fill_text, is_body_placeholder, placeholders

VALUES = {"title": "Mali after two coups", "marking": "", "organisation": "Sahel Desk"}
ORIGIN = "templates/x/reference.docx (cover)"


def test_a_name_is_filled_and_filters_apply() -> None:
    assert fill("{{ title }}", VALUES, ORIGIN) == "Mali after two coups"
    assert fill("{{ title | upper }}", VALUES, ORIGIN) == "MALI AFTER TWO COUPS"
    assert fill('{{ marking or "unrestricted" }}', VALUES, ORIGIN) == "unrestricted"


def test_word_curly_quotes_inside_a_placeholder_are_jinja_quotes() -> None:
    assert fill("{{ marking or \u201cunrestricted\u201d }}", VALUES, ORIGIN) == "unrestricted"


def test_an_unknown_name_names_the_file_and_the_placeholder() -> None:
    with pytest.raises(TemplateError) as caught:
        fill("{{ classification }}", VALUES, ORIGIN)
    message = str(caught.value)
    assert ORIGIN in message and "'classification'" in message
    assert "title" in message  # says what was expected


def test_python_internals_are_refused_by_the_sandbox() -> None:
    for reach in ("{{ ''.__class__.__mro__ }}", "{{ title.__class__ }}",
                  "{{ cycler.__init__.__globals__ }}"):
        with pytest.raises(TemplateError) as caught:
            fill(reach, {**VALUES, "cycler": "x"}, ORIGIN)
        assert ORIGIN in str(caught.value)
    with pytest.raises(TemplateError, match="sandbox"):
        fill("{{ ''.__class__.__mro__ }}", VALUES, ORIGIN)


def test_huge_repetition_is_refused() -> None:
    with pytest.raises(TemplateError, match="sandbox"):
        fill("{{ 'x' * 10000000 }}", VALUES, ORIGIN)


# Each would build hundreds of megabytes (or gigabytes) before any check of the result.
HUGE = [
    "{{ title|center(300000000) }}", "{{ title|center(width=300000000) }}",
    "{{ title.center(300000000) }}", "{{ title|indent(300000000) }}",
    "{{ title.ljust(300000000) }}", "{{ title.zfill(300000000) }}",
    "{{ title.expandtabs(300000000) }}", "{{ '%300000000d'|format(1) }}",
    "{{ '%*d'|format(300000000, 1) }}", "{{ '{:>300000000}'.format(title) }}",
    "{{ '{t:>300000000}'.format_map({'t': title}) }}",
    "{{ (title * 4000).replace('', 'xxxxxxxxxx') }}", "{{ (title * 4000)|replace('', title) }}",
    "{{ range(99999)|join(title) }}", "{{ title.join(range(99999)|map('string')|list) }}",
    "{{ title|truncate(300000000) ~ title|wordwrap(300000000) }}",
    # Each piece under the limit, the whole gigabytes: widths repeated, big strings repeated.
    "{{ ('%99999s' * 9000) % ((1,) * 9000) }}", "{{ ('%*d' * 9000) % ((99999, 1) * 9000) }}",
    "{{ ('{0:>99999}' * 9000).format(title) }}", "{{ ('%99999s' * 9000)|format(*(1,) * 9000) }}",
    "{{ ([title|center(99999)] * 99999)|join }}", "{{ ([title|center(99999)] * 99999)|string }}",
    "{{ range(99999)|map('string')|map('center', 99999)|join }}",
    "{{ range(99999)|map('string')|map('center', 99999)|list|length }}",
]


@pytest.mark.parametrize("placeholder", HUGE)
def test_filters_and_methods_that_build_huge_strings_are_refused(placeholder: str) -> None:
    import time

    # CPU seconds, not wall time: a loaded CI machine must not make this flaky.
    started = time.process_time()
    with pytest.raises(TemplateError, match="sandbox") as caught:
        fill(placeholder, VALUES, ORIGIN)
    assert time.process_time() - started < 2  # refused before building anything
    assert ORIGIN in str(caught.value)


@pytest.mark.parametrize("placeholder, expected", [
    ("{{ title|center(24) }}", "  Mali after two coups  "),
    ("{{ title.replace('Mali', 'Niger') }}", "Niger after two coups"),
    ("{{ ['a', 'b']|join(', ') }}", "a, b"),
    ("{{ '%03d'|format(7) }}", "007"),
    ("{{ '{:>5}'.format('x') }}", "    x"),
    ("{{ title|truncate(9, true, '') }}", "Mali afte"),
])
def test_ordinary_use_of_the_same_filters_still_works(placeholder: str, expected: str) -> None:
    assert fill(placeholder, VALUES, ORIGIN) == expected


def test_lorem_ipsum_is_not_there_to_spend_minutes_on() -> None:
    with pytest.raises(TemplateError):
        fill("{{ lipsum(99999, false, 999, 1000)|length }}", VALUES, ORIGIN)


def test_percent_formatting_of_ordinary_size_still_works() -> None:
    assert fill("{{ '%s: %05d' % (title, 42) }}", VALUES, ORIGIN) == "Mali after two coups: 00042"


def test_invalid_expression_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="not valid"):
        fill("{{ title | }}", VALUES, ORIGIN)


def test_spec_text_is_data_never_a_template() -> None:
    values = {"title": "{{ 7 * 7 }} and {% raw %}"}
    assert fill("{{ title }}", values, ORIGIN) == "{{ 7 * 7 }} and {% raw %}"


def test_text_around_placeholders_is_kept() -> None:
    text = "From {{ organisation }}, on {{ title }}."
    assert [m.group(0) for m in placeholders(text)] == ["{{ organisation }}", "{{ title }}"]
    assert fill_text(text, VALUES, ORIGIN) == "From Sahel Desk, on Mali after two coups."


def test_body_placeholder_is_a_whole_paragraph() -> None:
    assert is_body_placeholder(" {{ body }} ")
    assert is_body_placeholder("{{body}}")
    assert not is_body_placeholder("See {{ body }}")
