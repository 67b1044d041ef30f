"""A table of bad and odd inputs, each run through the real command line.

Bad inputs end with exit 1, a message naming the file and the problem, no traceback and no
output file. Merely odd inputs (long words, right-to-left text, emoji, a BOM, stray control
characters) build, and the DOCX and PDF they give open with the tools users have.
Most rows run in-process (``briefgen.cli.main``) for speed; the rows marked ``subprocess``
run ``python -m briefgen`` to show what reaches a terminal.
"""

from __future__ import annotations

import codecs
import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest
import pypdf

from briefgen.cli import main
from briefgen.spec.yamlsource import MAX_SPEC_BYTES
from tests.conftest import BRIEFS, REPO
from tests.robustness.specs import Project
from tests.robustness.specs import (
    MINIMAL,
    replace_value,
    top_level_keys,
    without_top_level_key,
)

SAMPLE = (BRIEFS / "mali-minusma.yaml").read_text(encoding="utf-8")
PWNED = "pwned"
SCHEMA_REQUIRED = ("title", "date", "summary", "sections", "recommendations")


@dataclass(frozen=True)
class Case:
    """One row: how to make the input, what stderr must say, and how to run it.

    ``make`` writes the spec (or whatever is given on the command line) into the project and
    returns the arguments after ``build``; ``says`` are texts stderr must contain, where
    ``{file}`` stands for the spec path as given. ``builds`` marks a merely odd input.
    """

    name: str
    make: Callable[[Project], list[str]]
    says: tuple[str, ...] = ()
    builds: bool = False
    subprocess: bool = False
    pdf_text: tuple[str, ...] = field(default=())


def spec(text: str | bytes, filename: str = "brief.yaml") -> Callable[[Project], list[str]]:
    def make(project: Project) -> list[str]:
        return [str(project.spec("case", text, filename))]

    return make


def minimal_with(key: str, value: str) -> str:
    return replace_value(MINIMAL, key, value)


def with_chart_data(data: str) -> str:
    chart = ("    charts:\n      - kind: bar\n        caption: Split\n        alt: Split\n"
             f"        data: {data}\n")
    return MINIMAL.replace("recommendations:", chart + "recommendations:")


def csv_outside(project: Project) -> Path:
    outside = project.root.parent / "outside.csv"
    outside.write_text("category,series,value\nSoldiers,MINUSMA,13\n", encoding="utf-8")
    return outside


def csv_by_parent_path(project: Project) -> list[str]:
    outside = csv_outside(project)
    folder = project.folder("csv-parent")
    rel = os.path.relpath(outside, folder)
    path = folder / "brief.yaml"
    path.write_text(with_chart_data(rel), encoding="utf-8")
    return [str(path)]


def csv_by_symlink(project: Project) -> list[str]:
    outside = csv_outside(project)
    folder = project.folder("csv-symlink")
    (folder / "data.csv").symlink_to(outside)
    path = folder / "brief.yaml"
    path.write_text(with_chart_data("data.csv"), encoding="utf-8")
    return [str(path)]


def alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    return "\n".join(lines) + "\ntitle: *a9\n"


def deep_nesting() -> str:
    return "title: " + "[" * 5000 + "]" * 5000 + "\n"


def python_object_tag(project: Project) -> list[str]:
    # Were the tag honoured, os.system would create PWNED in the project; the test checks.
    command = f"touch {project.root / PWNED}"
    return spec(minimal_with("title", f'!!python/object/apply:os.system ["{command}"]'))(project)


def template_folder_missing(project: Project) -> list[str]:
    path = project.spec("template-missing", MINIMAL)
    return [str(path), "--template", str(project.root / "no-such-template")]


def output_is_a_file(project: Project) -> list[str]:
    path = project.spec("output-file", MINIMAL)
    blocker = path.parent / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    return [str(path), "-o", str(blocker / "out")]


def missing_spec(project: Project) -> list[str]:
    return [str(project.folder("missing") / "no-such-brief.yaml")]


def spec_is_folder(project: Project) -> list[str]:
    folder = project.folder("folder") / "brief.yaml"
    folder.mkdir()
    return [str(folder)]


LONG_WORD = "Antidisestablishmentarianism" * 9  # 252 letters, no break opportunity
ARABIC = "بعثة الأمم المتحدة المتكاملة المتعددة الأبعاد لتحقيق الاستقرار في مالي"
HEBREW = "משימת האו״ם במאלי"
EMOJI = "🇲🇱 👮🏾‍♀️ 🕊️ 📉 🧑‍🤝‍🧑"
JINJA = "Mali {{ 7*7 }} {% if true %}x{% endif %} {{ ''.__class__.__mro__ }}"
INJECTION = (r'#read(\"/etc/passwd\") #import \"x.typ\" $x^2$ ] [ \\ @ref <label> '
             r'// #set page(width: 1cm)')

BAD: list[Case] = [
    # --- YAML syntax: line, column and the offending line
    Case("unclosed-quote", spec(minimal_with("title", '"Mali after')),
         ("{file}:", "not valid YAML", "^")),
    Case("bad-indentation", spec(MINIMAL.replace("  - heading:", "   - heading:", 1)),
         ("{file}:", "not valid YAML")),
    Case("tab-indentation", spec(MINIMAL.replace("  MINUSMA has", "\tMINUSMA has", 1)),
         ("{file}:", "not valid YAML: YAML indents with spaces", "has a tab; replace it")),
    Case("raw-control-character", spec(minimal_with("title", '"Mali \x01 after"')),
         ("{file}:1:", "U+0001", "not allowed in YAML text")),
    # --- wrong types and unknown keys: key path, what was expected, a suggestion
    Case("title-is-a-list", spec(minimal_with("title", "[Mali, coups]")),
         ("{file}:1 title: expected text but received a list of 2",)),
    Case("date-is-a-number", spec(minimal_with("date", "15")),
         ("{file}:3 date: expected a date written YYYY-MM-DD but received the number 15",)),
    Case("impossible-date", spec(minimal_with("date", "2021-02-30")),
         ("{file}:3 date: '2021-02-30' is not a real date: day 30 is not 1-28: February 2021",)),
    Case("sections-is-a-mapping", spec(without_top_level_key(MINIMAL, "sections")
                                       + "sections: {heading: Policing, body: Short.}\n"),
         ("{file}:", "sections: expected a list but received a mapping")),
    Case("unknown-top-level-key", spec(MINIMAL.replace("authors:", "autors:")),
         ("{file}:4 autors: unknown key 'autors'; did you mean 'authors'?",)),
    Case("unknown-nested-key", spec(MINIMAL.replace("    body:", "    bodyy:")),
         ("{file}:9 sections[0].bodyy: unknown key 'bodyy'; did you mean 'body'?",)),
    Case("null-title", spec(minimal_with("title", "~")),
         ("{file}:1 title: missing required key 'title'",)),
    Case("keys-that-are-not-text", spec("? [a, b]\n: 1\n1: x\n" + MINIMAL),
         ("{file}:1", "unknown key")),
    Case("unknown-chart-kind", spec(with_chart_data("x.csv").replace("kind: bar", "kind: pie")),
         ("sections[0].charts[0].kind: expected one of: bar",)),
    Case("unknown-source", spec(MINIMAL.replace("source: un-mali-future", "source: un-mali")),
         ("{file}:", "unknown source 'un-mali'; did you mean 'un-mali-future'?")),
    # --- empty files and top levels that are not mappings
    Case("empty-file", spec(""), ("{file}: the spec is empty",)),
    Case("comments-only", spec("# nothing yet\n\n# still nothing\n"),
         ("{file}: the spec is empty",)),
    Case("top-level-list", spec("- title: x\n- date: 2021-07-15\n"),
         ("{file}:1: the top level of a spec must be a mapping", "a list of 2")),
    Case("top-level-text", spec("just a sentence\n"),
         ("{file}:1: the top level of a spec must be a mapping",)),
    Case("two-documents", spec(MINIMAL + "---\ntitle: again\n"),
         ("several YAML documents",)),
    Case("duplicate-key", spec(MINIMAL + "title: again\n"),
         ("{file}:", "title: key given twice")),
    # --- encodings and binary files
    Case("latin-1", spec(MINIMAL.replace("Sahel Desk", "Bureau Sahel, Goïta").encode("latin-1")),
         ("{file}: cannot read the spec: it is not UTF-8 or UTF-16 text", "save it as UTF-8")),
    Case("utf-16-without-bom", spec(MINIMAL.encode("utf-16-le")),
         ("{file}: cannot read the spec",)),
    Case("png-file", spec(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
         ("{file}: cannot read the spec",), subprocess=True),
    Case("nul-bytes", spec(MINIMAL.encode() + b"\x00\x00"), ("{file}: cannot read the spec",
                                                              "binary file")),
    # --- YAML features a spec never needs
    Case("python-object-tag", python_object_tag,
         ("{file}:", "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
         subprocess=True),
    Case("python-name-tag", spec(minimal_with("title", "!!python/name:os.system ''")),
         ("{file}:1 title: YAML tag",)),
    Case("custom-tag", spec(minimal_with("summary", "!include secrets.yaml")),
         ("{file}:", "YAML tag '!include' is not allowed")),
    Case("alias-bomb", spec(alias_bomb()), ("{file}: the spec expands to more than",),
         subprocess=True),
    Case("deep-nesting", spec(deep_nesting()), ("{file}:1: the spec nests", "too deeply"),
         subprocess=True),
    Case("too-large", spec(MINIMAL + "# " + "x" * MAX_SPEC_BYTES + "\n"),
         ("{file}: refused: the spec holds", "the limit for a spec is 2,097,152 bytes")),
    # --- very long fields
    Case("title-too-long", spec(minimal_with("title", "x" * 301)),
         ("{file}:1 title: text is 301 characters long; the limit is 300",)),
    Case("summary-too-long", spec(minimal_with("summary", "y" * 20_001)),
         ("{file}:5 summary: text is", "characters long; the limit is 20,000")),
    # --- every required top-level key missing in turn (from the full sample)
    *[Case(f"sample-without-{key}", spec(without_top_level_key(SAMPLE, key)),
           (f"missing required key '{key}'", "{file}:"))
      for key in SCHEMA_REQUIRED],
    Case("sample-without-evidence", spec(without_top_level_key(SAMPLE, "evidence")),
         ("{file}:", "unknown excerpt 'fatalities'")),
    # --- paths that leave the project
    Case("csv-by-parent-path", csv_by_parent_path,
         ("{file}:", "sections[0].charts[0].data", "leaves the project folder")),
    Case("csv-absolute-path", spec(with_chart_data("/etc/passwd")),
         ("{file}:", "'/etc/passwd' leaves the project folder")),
    Case("csv-symlink-outside", csv_by_symlink,
         ("{file}:", "'data.csv' leaves the project folder")),
    Case("corpus-absolute-path", spec("corpus: /etc/passwd\n" + MINIMAL),
         ("{file}:1 corpus", "'/etc/passwd' leaves the project folder")),
    Case("corpus-parent-path", spec("corpus: ../../../../seeds/sources.yaml\n" + MINIMAL),
         ("{file}:1 corpus", "leaves the project folder")),
    Case("template-name-traversal", spec("template: ../../../etc\n" + MINIMAL),
         ("unknown template '../../../etc'",)),
    # --- the command line's own arguments
    Case("missing-spec", missing_spec, ("{file}: no such file",)),
    Case("spec-is-a-folder", spec_is_folder, ("{file}:", "folder")),
    Case("template-folder-missing", template_folder_missing, ("no-such-template: no such folder",)),
    Case("output-is-under-a-file", output_is_a_file, ("cannot create output folder",)),
]

ODD: list[Case] = [
    Case("utf-8-bom", spec(codecs.BOM_UTF8 + MINIMAL.encode("utf-8"))),
    Case("utf-16-le-bom", spec(MINIMAL.encode("utf-16"))),
    Case("utf-16-be-bom", spec(codecs.BOM_UTF16_BE + MINIMAL.encode("utf-16-be"))),
    Case("crlf-line-ends", spec(MINIMAL.replace("\n", "\r\n"))),
    Case("non-ascii-file-name", spec(MINIMAL, "brïef été 2021.yaml")),
    Case("control-characters", spec(minimal_with("title", r'"Mali\x07 after\x00 two coups"')),
         ("warning: {file}:1 title: removed 2 characters a document cannot hold: U+0007, U+0000",),
         pdf_text=("Mali after two coups",)),
    Case("c1-surrogate-noncharacter", spec(minimal_with(
        "subtitle", r'"Keeping\x85 \x9b\ud800MINUSMA\uffff alive"')),
         ("warning: {file}:2 subtitle: removed 4 characters", "U+D800", "U+FFFF"),
         subprocess=True, pdf_text=("Keeping MINUSMA alive",)),
    Case("long-word-in-title", spec(minimal_with("title", LONG_WORD))),
    Case("long-word-in-body", spec(MINIMAL.replace(
        "The mission is short", "Longest " + "Peacekeeping" * 400 + " The mission is short"))),
    Case("longest-fields", spec(minimal_with("title", "Mali " * 59 + "coups").replace(
        "MINUSMA has become", " ".join(["MINUSMA has become"] * 1000) + " MINUSMA has become"))),
    Case("right-to-left", spec(minimal_with("title", f'"{ARABIC}"').replace(
        "The mission is short", f"{HEBREW} — {ARABIC}. The mission is short")),
         pdf_text=("Policing",)),
    Case("emoji", spec(minimal_with("title", f'"Mali {EMOJI}"').replace(
        "The mission is short", f"{EMOJI} The mission is short"))),
    Case("typst-markup-and-code", spec(minimal_with("title", f'"{INJECTION}"').replace(
        "The mission is short", INJECTION.replace('\\"', '"').replace("\\\\", "\\")
        + " The mission is short")),
         subprocess=True, pdf_text=("#read(", "#import", "$x^2$", "@ref", "<label>")),
    Case("jinja-in-spec-text", spec(minimal_with("title", f'"{JINJA}"').replace(
        "Sahel Desk", JINJA)), pdf_text=("{{ 7*7 }}", "__class__")),
    Case("markdown-image-and-html", spec(MINIMAL.replace(
        "The mission is short", "![secret](/etc/passwd) <script>alert(1)</script> "
        "[a link](javascript:alert(1)) The mission is short"))),
    *[Case(f"sample-without-{key}", spec(without_top_level_key(SAMPLE, key)))
      for key in top_level_keys(SAMPLE) if key not in (*SCHEMA_REQUIRED, "evidence")],
]


def run_build(args: list[str], out: Path, capsys: pytest.CaptureFixture[str],
              in_subprocess: bool) -> tuple[int, str]:
    argv = ["build", *args]
    if "-o" not in args:
        argv += ["-o", str(out)]
    if in_subprocess:
        done = subprocess.run([sys.executable, "-m", "briefgen", *argv], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        return done.returncode, done.stderr
    capsys.readouterr()
    code = main(argv)
    return code, capsys.readouterr().err


def test_the_table_holds_at_least_thirty_bad_inputs() -> None:
    assert len(BAD) >= 30
    assert len({c.name for c in BAD + ODD}) == len(BAD) + len(ODD)


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_bad_input_is_a_message_not_a_traceback_and_writes_nothing(
    case: Case, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = case.make(project)
    out = tmp_path / "out"
    code, err = run_build(args, out, capsys, case.subprocess)
    assert code == 1, err
    assert "Traceback" not in err
    for text in case.says:
        assert text.format(file=args[0]) in err, err
    assert not out.exists() or list(out.iterdir()) == []
    assert not (project.root / PWNED).exists()


@pytest.mark.parametrize("case", ODD, ids=lambda c: c.name)
def test_odd_input_builds_files_that_open(
    case: Case, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = case.make(project)
    out = tmp_path / "out"
    code, err = run_build(args, out, capsys, case.subprocess)
    assert code == 0, err
    assert "Traceback" not in err
    for text in case.says:
        assert text.format(file=args[0]) in err, err
    written = {p.suffix: p for p in out.iterdir()}
    assert {".docx", ".pdf"} <= set(written) and ".tmp" not in written, written
    docx_path, pdf_path = written[".docx"], written[".pdf"]
    word = docx.Document(str(docx_path))
    assert word.paragraphs[0].text.strip()
    reader = pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 1
    for expected in case.pdf_text:
        assert expected in text, text[:2000]
    assert "root:x:0:0" not in text  # no file from outside the build folder was read

