"""The PDF compile runs in a child under limits: a looping or memory-hungry template, or
Ctrl-C, ends the build in seconds with a message, leaving no output and no temporaries."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.robustness.specs import MINIMAL, Project, make_project

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process limits are POSIX here")

# Typst stops a `while` after 10,000 rounds, but not nested `for`s: 10^12 rounds here.
LOOP = ("\n#let spin() = { let n = 0; for i in range(1000000) { for j in range(1000000) "
        "{ n += 1 } }; n }\n#spin()\n")
# A few billion array elements: far past the child's address-space limit.
HOG = "\n#let hog = range(400000000).map(x => (x, x))\n#hog.len()\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return make_project(tmp_path_factory.mktemp("limits"))


def _template(project: Project, name: str, extra: str) -> Path:
    folder = project.folder(name) / "template"
    shutil.copytree(REPO / "templates" / "default", folder)
    with (folder / "brief.typ").open("a", encoding="utf-8") as typ:
        typ.write(extra)
    return folder


def _typst_temporaries(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("briefgen-typst-*")}


def _build(spec: Path, template: Path, out: Path, *extra: str,
           tmpdir: Path | None = None) -> subprocess.Popen[str]:
    # A temporary folder of the build's own, so other processes' builds cannot show in it.
    env = {**os.environ, "TMPDIR": str(tmpdir)} if tmpdir else None
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", str(spec), "-o", str(out),
         "--template", str(template), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_a_looping_template_stops_at_the_timeout(project: Project) -> None:
    template = _template(project, "loop", LOOP)
    spec = project.spec("loop", MINIMAL)
    out = spec.parent / "out"
    tmpdir = spec.parent / "tmp"
    tmpdir.mkdir()
    started = time.monotonic()
    proc = _build(spec, template, out, "--timeout", "3", tmpdir=tmpdir)
    seen = False  # the build folder is there while Typst compiles, so the check below means it
    while proc.poll() is None and not seen and time.monotonic() - started < 30:
        seen = bool(_typst_temporaries(tmpdir))
        time.sleep(0.05)
    _, err = proc.communicate(timeout=60)
    assert seen
    assert proc.returncode == 1, err
    assert time.monotonic() - started < 30
    assert "took longer than 3 s" in err and str(template / "brief.typ") in err
    assert "Traceback" not in err and "tmp" not in err.split("brief.typ")[-1]
    assert not out.exists() or not any(out.iterdir())
    assert not _typst_temporaries(tmpdir)


def test_a_template_that_exhausts_memory_is_a_message(project: Project) -> None:
    template = _template(project, "hog", HOG)
    spec = project.spec("hog", MINIMAL)
    out = spec.parent / "out"
    proc = _build(spec, template, out)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "ran out of memory" in err and "template" in err
    assert "Traceback" not in err and "panicked" not in err and "backtrace" not in err
    assert not out.exists() or not any(out.iterdir())


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines()
                          if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def test_ctrl_c_stops_a_build_at_once(project: Project) -> None:
    template = _template(project, "interrupt", LOOP)
    spec = project.spec("interrupt", MINIMAL)
    out = spec.parent / "out"
    # Its own process group, as a shell gives a foreground job: Ctrl-C signals the group.
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", str(spec), "-o", str(out),
         "--template", str(template)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(4)  # inside the compile by now (the loop never ends)
    assert proc.poll() is None
    children = _children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)
    started = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - started < 5
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not out.exists() or not [p for p in out.iterdir()]
    time.sleep(0.5)
    assert all(not Path(f"/proc/{c}").exists() for c in children)


def test_the_compiler_child_dies_with_a_killed_build(project: Project) -> None:
    template = _template(project, "killed", LOOP)
    spec = project.spec("killed", MINIMAL)
    proc = _build(spec, template, spec.parent / "out")
    time.sleep(4)
    children = _children(proc.pid)
    assert children, "the compile runs in a child process"
    proc.kill()
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{c}").exists() for c in children)


PACKAGE_SECRET = "SECRET-PACKAGE-TEXT-5d1e"


def _package(root: Path, namespace: str) -> None:
    folder = root / "typst" / "packages" / namespace / "leak" / "0.1.0"
    folder.mkdir(parents=True)
    (folder / "typst.toml").write_text(
        '[package]\nname = "leak"\nversion = "0.1.0"\nentrypoint = "lib.typ"\n',
        encoding="utf-8")
    (folder / "lib.typ").write_text(f'#let leak = "{PACKAGE_SECRET}"\n', encoding="utf-8")


@pytest.mark.parametrize("package", ["local/leak", "preview/leak", "preview/not-cached"])
def test_a_template_loads_no_typst_package_from_the_machine_or_the_network(
    project: Project, tmp_path: Path, package: str
) -> None:
    # A package is code and text from outside the template: from the user's data folder
    # (@local), the download cache, or packages.typst.org (@preview). A proxy that records
    # connections stands in for the network.
    import socket
    import threading

    _package(tmp_path / "data", "local")
    _package(tmp_path / "cache", "preview")
    name = package.replace("/", "-")
    template = _template(project, name, f'\n#import "@{package}:0.1.0": leak\n#leak\n')
    spec = project.spec(name, MINIMAL)
    out = spec.parent / "out"
    proxy = socket.create_server(("127.0.0.1", 0))
    proxy.settimeout(0.2)
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(proxy.accept())
            except TimeoutError:
                continue

    listener = threading.Thread(target=accept, daemon=True)
    listener.start()
    address = f"http://127.0.0.1:{proxy.getsockname()[1]}"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "HTTPS_PROXY": address,
           "https_proxy": address, "HTTP_PROXY": address, "ALL_PROXY": address}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "briefgen", "build", str(spec), "-o", str(out),
             "--template", str(template), "--format", "pdf", "--timeout", "20"],
            capture_output=True, text=True, timeout=60, env=env)
    finally:
        stop.set()
        listener.join()
        proxy.close()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and PACKAGE_SECRET not in done.stdout + done.stderr
    assert str(template / "brief.typ") in done.stderr
    assert connections == []
    assert not out.exists() or not any(out.iterdir())


def test_a_child_grown_past_its_resident_limit_is_replaced_after_answering(
        tmp_path: Path) -> None:
    from briefgen.writers.typst.compiler import CompilerProcess, CompileRequest

    (tmp_path / "main.typ").write_text("Hello\n", encoding="utf-8")
    child = CompilerProcess(resident_limit=1)  # every child is past 1 byte
    try:
        pids = []
        for name in ("a.pdf", "b.pdf"):
            child.start()
            assert child._child._proc is not None
            pids.append(child._child._proc.pid)
            answer = child.compile(CompileRequest(tmp_path, tmp_path / name, (), 0, ()), 60)
            assert answer.ok, answer
            assert (tmp_path / name).read_bytes().startswith(b"%PDF")
            # Replaced at once, once it answered.
            assert child._child._proc is not None and child._child._proc.pid != pids[-1]
        assert pids[0] != pids[1]
    finally:
        child.close()
