"""Catalogs and templates from a shared drive that try to read files outside the project.

Each attack is run through ``python -m briefgen`` with a timeout, as a user would meet it:
it must end within seconds with exit 0 or 1, no traceback, and the text of the outside file
(a unique marker written for the test, standing in for /etc/passwd) must appear in no
message, no output file and no evidence record.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.cli import main
from briefgen.confine import SOURCE
from briefgen.corpus.text import MAX_PARAGRAPH_BYTES
from tests.conftest import REPO, SEEDS
from tests.robustness.specs import MINIMAL

SECRET = "SECRET-OUTSIDE-LINE-93af1c"
OUTSIDE_TEXT = (f"Outside title {SECRET}\n"
                f"The council must act on the outside ratio now. {SECRET} root:x:0:0\n")
# Verifies against OUTSIDE_TEXT, so a build that read the outside file would succeed.
LEAK_SPEC = (MINIMAL.replace("un-mali-future, para 12", "leak, para 1")
             .replace("un-mali-future", "leak")
             .replace("The number of police on mission should be increased, as MINUSMA has a "
                      "13-2 split of soldiers and police.",
                      "The council must act on the outside ratio now."))
TIMEOUT = 60


def briefgen(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)


def assert_refused(done: subprocess.CompletedProcess[str], out: Path, *says: str) -> None:
    """Exit 1, the message, no traceback, no secret, no output."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stdout + done.stderr
    for text in says:
        assert text in done.stderr, done.stderr
    assert not out.exists() or list(out.iterdir()) == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project (seeds/ copied, one spec) and, beside it, an outside folder with a secret."""
    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    (root / "brief.yaml").write_text(MINIMAL, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    return root


def outside_file(project: Path) -> Path:
    return project.parent / "outside" / "secret.txt"


# ----------------------------------------------------------------- catalog file: entries


def with_leak_source(project: Path, file: str) -> int:
    """Add a source ``leak`` reading ``file`` to the catalog; the line its file: is on."""
    catalog = project / "seeds" / "sources.yaml"
    text = catalog.read_text(encoding="utf-8").rstrip("\n") + "\n"
    line = text.count("\n") + 2
    text += (f"  - id: leak\n    file: {file!r}\n    title: Leak\n    type: report\n"
             "    authors: []\n")
    catalog.write_text(text, encoding="utf-8")
    (project / "brief.yaml").write_text(LEAK_SPEC, encoding="utf-8")
    return line


def absolute(project: Path) -> str:
    return str(outside_file(project))


def dotdot(project: Path) -> str:
    return "../../outside/secret.txt"


def symlink(project: Path) -> str:
    (project / "seeds" / "leak.txt").symlink_to(outside_file(project))
    return "leak.txt"


def device(project: Path) -> str:
    return "/dev/zero"


def device_by_link(project: Path) -> str:
    (project / "seeds" / "zero.txt").symlink_to("/dev/zero")
    return "zero.txt"


def fifo(project: Path) -> str:
    os.mkfifo(project / "seeds" / "pipe.txt")
    return "pipe.txt"


def oversized(project: Path) -> str:
    with open(project / "seeds" / "big.txt", "wb") as big:  # sparse: no disk, no time
        big.truncate(50 * 1024 * 1024)
    return "big.txt"


def one_long_line(project: Path) -> str:
    # Under the size limit for a source, but one paragraph twice the limit for a paragraph.
    sentence = b"The council must act on the outside ratio now. "
    line = sentence * (2 * MAX_PARAGRAPH_BYTES // len(sentence))
    assert MAX_PARAGRAPH_BYTES < len(line) < SOURCE.limit
    (project / "seeds" / "long.txt").write_bytes(b"Long title\n" + line + b"\n")
    return "long.txt"


CATALOG_ATTACKS: dict[str, tuple[Callable[[Path], str], str]] = {
    "absolute": (absolute, "is outside"),
    "dotdot": (dotdot, "is outside"),
    "symlink": (symlink, "a link that leads there"),
    "dev-zero": (device, "is outside"),
    "dev-zero-by-link": (device_by_link, "is outside"),
    "fifo": (fifo, "a named pipe, not a regular file"),
    "50-MB": (oversized, "the limit for a source file is"),
    "one-long-line": (one_long_line, "line 2: refused: a paragraph of"),
}


@pytest.mark.parametrize("attack", CATALOG_ATTACKS, ids=str)
def test_a_catalog_file_entry_is_confined_to_the_catalog_folder(
    attack: str, project: Path, tmp_path: Path
) -> None:
    make, why = CATALOG_ATTACKS[attack]
    line = with_leak_source(project, make(project))
    out = tmp_path / "out"
    done = briefgen("build", str(project / "brief.yaml"), "-o", str(out))
    catalog = project / "seeds" / "sources.yaml"
    assert_refused(done, out, f"{catalog}:{line} sources[", "].file: ", why)


def test_the_catalog_itself_is_confined_to_its_folder(project: Path, tmp_path: Path) -> None:
    # Parsed, the outside file would be quoted back in "expected a mapping ... but received".
    catalog = project / "seeds" / "sources.yaml"
    catalog.unlink()
    catalog.symlink_to(outside_file(project))
    out = tmp_path / "out"
    done = briefgen("build", str(project / "brief.yaml"), "-o", str(out))
    assert_refused(done, out, f"source catalog refused: {catalog}", "is outside")


def test_check_refuses_the_same_and_leaves_no_evidence_record(
    project: Path, tmp_path: Path
) -> None:
    with_leak_source(project, symlink(project))
    done = briefgen("check", str(project / "brief.yaml"))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert not list(project.rglob("*evidence*"))


def test_a_source_inside_the_catalog_folder_by_link_still_verifies(
    project: Path, tmp_path: Path
) -> None:
    # The rule is about where a file is, not about links: a link within seeds/ is fine.
    inside = project / "seeds" / "copy.txt"
    inside.write_text(OUTSIDE_TEXT.replace(SECRET, "inside"), encoding="utf-8")
    (project / "seeds" / "link.txt").symlink_to("copy.txt")
    with_leak_source(project, "link.txt")
    out = tmp_path / "out"
    done = briefgen("build", str(project / "brief.yaml"), "-o", str(out), "--format", "docx")
    assert done.returncode == 0, done.stderr
    assert ".docx" in {p.suffix for p in out.iterdir()}


# ----------------------------------------------------------------- templates


def evil_template(project: Path) -> Path:
    """A copy of the default template, its brief.typ printing leak.txt if it can read it."""
    folder = project / "templates" / "evil"
    shutil.copytree(REPO / "templates" / "default", folder)
    with open(folder / "brief.typ", "a", encoding="utf-8") as typ:
        typ.write('\n#let briefgen-original = brief\n'
                  '#let brief(data, body) = briefgen-original(data, '
                  '[#raw(read("leak.txt")) #body])\n')
    return folder


def build_with(project: Path, template: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return briefgen("build", str(project / "brief.yaml"), "--template", str(template),
                    "-o", str(out))


def test_a_linked_asset_is_not_copied_into_typst_s_root(project: Path, tmp_path: Path) -> None:
    template = evil_template(project)
    (template / "leak.txt").symlink_to(outside_file(project))
    out = tmp_path / "out"
    assert_refused(build_with(project, template, out), out,
                   f"{template / 'leak.txt'}: refused: the template file is outside")


def test_an_asset_inside_the_template_is_still_read(project: Path, tmp_path: Path) -> None:
    template = evil_template(project)
    (template / "leak.txt").write_text("inside text ZQX", encoding="utf-8")
    out = tmp_path / "out"
    done = briefgen("build", str(project / "brief.yaml"), "--template", str(template),
                    "-o", str(out), "--format", "pdf")
    assert done.returncode == 0, done.stderr
    pdf = next(out.glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=TIMEOUT).stdout
    assert "inside text ZQX" in text


@pytest.mark.parametrize("name", ["brief.typ", "template.yaml", "reference.docx"])
def test_a_linked_template_file_is_refused(name: str, project: Path, tmp_path: Path) -> None:
    template = evil_template(project)
    (template / name).unlink()
    (template / name).symlink_to(outside_file(project))
    out = tmp_path / "out"
    assert_refused(build_with(project, template, out), out,
                   f"{template / name}: refused: the ", "is outside")


def test_a_linked_folder_in_a_template_is_not_followed(project: Path, tmp_path: Path) -> None:
    template = evil_template(project)
    (template / "data").symlink_to(outside_file(project).parent)
    (template / "loop").symlink_to(".")
    with open(template / "brief.typ", "a", encoding="utf-8") as typ:
        typ.write('#let briefgen-leak = read("data/secret.txt")\n')
    (template / "leak.txt").write_text("inside", encoding="utf-8")
    out = tmp_path / "out"
    done = build_with(project, template, out)
    # Typst cannot find data/secret.txt in its root: a located compile error, nothing read.
    assert_refused(done, out, "data/secret.txt")


def test_extends_may_not_leave_the_templates_folder(project: Path, tmp_path: Path) -> None:
    parent = project.parent / "outside" / "parent"
    shutil.copytree(REPO / "templates" / "default", parent)
    child = project / "templates" / "child"
    child.mkdir(parents=True)
    (child / "template.yaml").write_text("extends: ../../../outside/parent\n", encoding="utf-8")
    out = tmp_path / "out"
    assert_refused(build_with(project, child, out), out,
                   f"{child / 'template.yaml'}: extends: refused:")


def test_a_template_folder_linked_from_elsewhere_is_refused(
    project: Path, tmp_path: Path
) -> None:
    elsewhere = project.parent / "outside" / "shared"
    shutil.copytree(REPO / "templates" / "default", elsewhere)
    (project / "templates").mkdir()
    (project / "templates" / "shared").symlink_to(elsewhere)
    (project / "brief.yaml").write_text(MINIMAL + "template: shared\n", encoding="utf-8")
    out = tmp_path / "out"
    done = briefgen("build", str(project / "brief.yaml"), "-o", str(out))
    assert_refused(done, out, "refused: the template folder is a link")


# ----------------------------------------------------------------- template new / list


def test_template_new_copies_regular_files_only(project: Path) -> None:
    evil = evil_template(project)
    (evil / "leak.txt").symlink_to(outside_file(project))
    (evil / "etc").symlink_to(outside_file(project).parent)
    (evil / "loop").symlink_to(".")
    os.mkfifo(evil / "pipe.txt")
    done = briefgen("template", "new", "mine", "--from", "evil", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    mine = project / "templates" / "mine"
    copied = {p.relative_to(mine).as_posix() for p in mine.rglob("*")}
    assert copied == {"brief.typ", "logo.png", "reference.docx", "template.yaml"}
    assert not any(p.is_symlink() for p in mine.rglob("*"))
    for name in ("leak.txt", "etc", "loop", "pipe.txt"):
        assert f"not copied: {evil / name}: " in done.stderr, done.stderr
    assert sorted(p.name for p in (project / "templates").iterdir()) == ["evil", "mine"]


def test_template_new_that_fails_leaves_no_partial_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    evil_template(project)
    writes = []
    real_write = Path.write_bytes

    def disk_full_after_one_file(path: Path, data: bytes) -> int:
        writes.append(path)
        if len(writes) > 1:
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.chdir(project)
    monkeypatch.setattr(Path, "write_bytes", disk_full_after_one_file)
    code = main(["template", "new", "mine", "--from", "evil"])
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err and "Traceback" not in err, err
    assert len(writes) == 2
    assert sorted(p.name for p in (project / "templates").iterdir()) == ["evil"]


def test_template_list_lists_the_good_and_names_the_bad(project: Path) -> None:
    evil = evil_template(project)
    (evil / "template.yaml").unlink()
    (evil / "template.yaml").symlink_to(outside_file(project))
    done = briefgen("template", "list", cwd=project)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert SECRET not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert {"default", "memo"} <= {line.split()[0] for line in lines}
    bad = [line for line in lines if line.startswith("evil")]
    assert len(bad) == 1 and "cannot be used" in bad[0] and "refused" in bad[0], lines


# ----------------------------------------------------------------- chart data


def test_a_chart_csv_that_is_a_pipe_is_refused(project: Path, tmp_path: Path) -> None:
    os.mkfifo(project / "data.csv")
    spec = MINIMAL.replace(
        "    excerpts:\n",
        "    charts:\n      - id: pipe\n        kind: bar\n        title: Pipe\n"
        "        caption: Pipe\n        alt: Pipe\n        data: data.csv\n"
        "    excerpts:\n", 1)
    (project / "brief.yaml").write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    done = briefgen("build", str(project / "brief.yaml"), "-o", str(out))
    assert_refused(done, out, "'data.csv': refused: the chart data file is a named pipe")


def test_a_hard_link_to_an_outside_file_is_not_read(project: Path, tmp_path: Path) -> None:
    # Inside the folder by its path and a regular file, so only the link count gives it away.
    template = evil_template(project)
    os.link(outside_file(project), template / "leak.txt")
    out = tmp_path / "out"
    assert_refused(build_with(project, template, out), out,
                   "leak.txt: refused: the template file has 2 names on disk (a hard link)")
    os.link(outside_file(project), project / "seeds" / "leak.txt")
    with_leak_source(project, "leak.txt")
    assert_refused(briefgen("build", str(project / "brief.yaml"), "-o", str(out)), out,
                   "seeds/leak.txt: refused: the source file has 3 names on disk (a hard link)")
