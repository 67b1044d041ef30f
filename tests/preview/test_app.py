"""`briefgen preview` in a real browser: Playwright driving Debian's chromium against the server
started as the analyst starts it, on a copy of the sample project.

One server and one browser page for the module: the tests run in file order and each leaves
the spec as it found it (saved back), so later tests see a brief that builds. What the page
shows is compared with what the CLI gives for the same files (`briefgen build`, `check`,
`find`), never with values written into the test.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import BRIEFS, REPO, SEEDS

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make test installs it with apt)")

SPEC = "briefs/mali-minusma.yaml"  # the quickest sample to build
WAIT_MS = 90_000  # a rebuild on a loaded machine; a broken preview fails, never hangs
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=project,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("preview-project")
    for folder in (BRIEFS, SEEDS, REPO / "templates"):
        shutil.copytree(folder, root / folder.name)
    return root


@pytest.fixture(scope="module")
def url(project: Path) -> Iterator[str]:
    env = dict(os.environ)
    # The child must import this checkout's briefgen, as the test process does.
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    # Its stderr to a file: a pipe nobody reads until the end could fill and stop it.
    stderr = (project / "preview.stderr").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "preview", SPEC, "--no-open", "--port", "0"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or []],
                     daemon=True).start()
    try:
        printed = lines.get(timeout=60)
        found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", printed)
        assert found, printed
        yield found.group()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            status = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
    stderr.close()
    assert status == 0
    assert "Traceback" not in (project / "preview.stderr").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        # The page's Content-Security-Policy forbids evaluating strings as script, which is
        # how Playwright waits for a condition; the policy itself is checked over HTTP.
        context = browser.new_context(viewport={"width": 1400, "height": 900},
                                      accept_downloads=True, bypass_csp=True)
        tab = context.new_page()
        tab.set_default_timeout(WAIT_MS)
        tab.goto(url)
        _wait_built(tab)
        yield tab
        browser.close()


@pytest.fixture(scope="module")
def built(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same spec built by `briefgen build`, by suffix."""
    out = tmp_path_factory.mktemp("built")
    result = _cli(project, "build", SPEC, "-o", str(out))
    assert result.returncode == 0, result.stderr
    return {("evidence" if p.name.endswith(".evidence.json") else p.suffix.lstrip(".")): p
            for p in out.iterdir()}


def _wait_built(tab: Any) -> None:
    tab.wait_for_function("document.body.dataset.status === 'ok'"
                          " && document.querySelectorAll('[data-testid=page] img[src]').length > 0")


def _save(path: Path, text: str) -> None:
    """Save as an editor does: a new file renamed over the old one."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


# ---------------------------------------------------------------- pages and evidence


def test_every_page_of_the_pdf_is_shown(page: Any, built: dict[str, Path]) -> None:
    from pypdf import PdfReader

    pages = page.locator("[data-testid=page]")
    assert pages.count() == len(PdfReader(built["pdf"]).pages)
    # Each is drawn: its picture has loaded and has the page's proportions.
    sizes = page.evaluate("[...document.querySelectorAll('[data-testid=page] img')]"
                          ".map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    first = PdfReader(built["pdf"]).pages[0].mediabox
    for complete, width, height in sizes[:2]:
        assert complete and width > 0
        assert abs(width / height - float(first.width) / float(first.height)) < 0.01


def test_every_quotation_and_number_is_an_evidence_item(page: Any,
                                                        built: dict[str, Path]) -> None:
    record = json.loads(built["evidence"].read_text(encoding="utf-8"))
    items = page.locator("[data-testid=evidence-item]")
    assert items.count() == len(record["quotes"]) + len(record["data"])
    assert set(items.evaluate_all("els => els.map(e => e.dataset.state)")) == {"verified"}
    # A quotation's item shows its source passage with the matched words marked.
    first = record["quotes"][0]
    item = items.first
    item.locator("button.evidence-head").click()
    assert item.locator("mark").inner_text() == first["passage"]
    assert first["source"] in item.inner_text()


def test_an_item_shows_its_spec_line_and_scrolls_the_pages_to_it(page: Any,
                                                                  project: Path) -> None:
    page.evaluate("document.getElementById('pages').scrollTop = 0")
    items = page.locator("[data-testid=evidence-item][data-state=verified]")
    last_quote = items.filter(has=page.locator(".kind", has_text="Quotation")).last
    key = last_quote.get_attribute("data-id")
    last_quote.locator("button.evidence-head").click()
    # The place arrives from the server after the click: wait for it, not for the element.
    place_element = last_quote.locator("[data-testid=spec-place]")
    place_element.wait_for()
    page.wait_for_function("e => /:\\d+$/.test(e.textContent.trim())",
                           arg=place_element.element_handle())
    place = place_element.inner_text().strip()
    file, line = place.rsplit(":", 1)
    assert file == SPEC
    # The line holds the quotation's key: the excerpt's quote: or the text's field.
    field = key.split("#")[0].rsplit(".", 1)[-1]
    field = re.sub(r"\[\d+\]$", "", field)
    spec_line = (project / SPEC).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert re.match(rf"\s*(- )?{re.escape(field)}:", spec_line), spec_line
    page.wait_for_function("document.getElementById('pages').scrollTop > 0")
    note = last_quote.locator(".place-note")
    note.wait_for()
    page.wait_for_function("e => e.textContent.includes('Printed on page')",
                           arg=note.element_handle())


def test_evidence_items_work_from_the_keyboard(page: Any) -> None:
    head = page.locator("[data-testid=evidence-item] button.evidence-head").nth(1)
    head.focus()
    was = head.get_attribute("aria-expanded")
    page.keyboard.press("Enter")
    assert head.get_attribute("aria-expanded") != was
    page.keyboard.press("Space")
    assert head.get_attribute("aria-expanded") == was
    # Tab moves on to the next item's button.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('[data-testid=evidence-item]')"
                            ".dataset.id")
    assert focused == page.locator("[data-testid=evidence-item]").nth(2).get_attribute("data-id")


# ---------------------------------------------------------------- saving


def test_a_saved_edit_updates_the_pages_in_place(page: Any, project: Path) -> None:
    spec = project / SPEC
    original = spec.read_text(encoding="utf-8")
    page.evaluate("window.notReloaded = true;"
                  "document.getElementById('pages').scrollTop = 700")
    page.wait_for_timeout(300)  # an item's jump (smooth scrolling) may still be under way
    scrolled = page.evaluate("document.getElementById('pages').scrollTop")
    first = page.locator("[data-testid=page]").first.get_attribute("data-digest")
    version = page.evaluate("document.getElementById('pages').dataset.version")
    title = re.search(r'^title: "(.*)"$', original, re.MULTILINE)
    assert title
    _save(spec, original.replace(title.group(0), 'title: "Mali, retitled in the preview"', 1))
    try:
        page.wait_for_function(
            f"document.querySelector('[data-testid=page]').dataset.digest !== '{first}'")
        assert page.evaluate("window.notReloaded") is True
        assert page.evaluate("document.getElementById('pages').scrollTop") == scrolled
        assert page.evaluate("document.getElementById('pages').dataset.version") != version
    finally:
        _save(spec, original)
        page.wait_for_function(
            f"document.querySelector('[data-testid=page]').dataset.digest === '{first}'")
    _wait_built(page)


def test_a_broken_quote_is_a_problem_until_fixed(page: Any, project: Path) -> None:
    spec = project / SPEC
    original = spec.read_text(encoding="utf-8")
    broken = original.replace("a 13-2 split of soldiers", "a 12-2 split of soldiers", 1)
    assert broken != original
    _save(spec, broken)
    try:
        page.wait_for_selector("[data-testid=problem]")
        cli = _cli(project, "check", SPEC)
        assert cli.returncode == 1
        shown = page.locator("[data-testid=problem]").all_inner_texts()
        # Exactly the CLI's problems: each is "  <file:line key: message>" on stderr.
        report = cli.stderr.rstrip("\n").split("\n", 1)[1]
        assert "\n".join(f"  {p}" for p in shown) == report
        assert SPEC + ":" in shown[0]
        # The quotation's item turns failed; the last good pages stay, dimmed.
        assert page.locator("[data-testid=evidence-item][data-state=failed]").count() >= 1
        assert page.locator("[data-testid=page]").count() > 0
        assert "stale" in (page.locator("#pages").get_attribute("class") or "")
        _assert_axe_passes(page)  # the problems panel too
    finally:
        _save(spec, original)
    page.wait_for_selector("[data-testid=problem]", state="detached")
    _wait_built(page)
    assert page.locator("[data-testid=evidence-item][data-state=failed]").count() == 0
    assert "stale" not in (page.locator("#pages").get_attribute("class") or "")


def test_a_yaml_error_is_shown_with_its_line(page: Any, project: Path) -> None:
    spec = project / SPEC
    original = spec.read_text(encoding="utf-8")
    _save(spec, original.replace("\ntitle:", "\ntitle: [unclosed\n", 1))
    try:
        page.wait_for_selector("[data-testid=problem]")
        cli = _cli(project, "check", SPEC)
        assert cli.returncode == 1
        # A whole-file error is one message, as the CLI prints it (file:line:column first).
        shown = page.locator("[data-testid=problem]").all_inner_texts()
        assert shown == [cli.stderr.rstrip("\n")]
        assert shown[0].startswith(f"{SPEC}:3:")
    finally:
        _save(spec, original)
    page.wait_for_selector("[data-testid=problem]", state="detached")
    _wait_built(page)


# ---------------------------------------------------------------- find and downloads


def test_find_shows_the_passage_and_the_citation_find_prints(page: Any, project: Path) -> None:
    words = "13-2 split of soldiers and police"
    page.get_by_role("tab", name="Find in sources").click()
    page.get_by_label("Words to find").fill(words)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=find-result]")
    cli = _cli(project, "find", words)
    assert cli.returncode == 0
    printed = [line.strip() for line in cli.stdout.splitlines() if line.startswith("  [@")]
    shown = page.locator("[data-testid=citation]").all_inner_texts()
    assert shown == printed
    assert page.locator("[data-testid=find-result] mark").first.inner_text() == words
    page.get_by_role("tab", name="Evidence").click()


def test_find_shows_the_closest_passages_when_nothing_matches(page: Any,
                                                              project: Path) -> None:
    words = "MINUSMA has a 12-2 split of soldiers"
    page.get_by_role("tab", name="Find in sources").click()
    page.get_by_label("Words to find").fill(words)
    page.get_by_role("button", name="Find", exact=True).click()
    page.wait_for_selector("#find-results .closest")
    cli = _cli(project, "find", words)
    assert cli.returncode == 1
    printed = [line.strip() for line in cli.stdout.splitlines() if "% similar" in line]
    shown = page.locator("#find-results .closest .source-title").all_inner_texts()
    assert [s.split(" (")[0] for s in shown] == [p.split(" (")[0] for p in printed]
    assert page.locator("[data-testid=find-result]").count() == 0
    page.get_by_role("tab", name="Evidence").click()


def test_downloads_are_the_files_a_build_writes(page: Any, built: dict[str, Path]) -> None:
    for kind in ("pdf", "docx", "evidence"):
        with page.expect_download() as download:
            page.locator(f"[data-testid=download-{kind}]").click()
        saved = download.value.path()
        assert Path(saved).read_bytes() == built[kind].read_bytes(), kind
        assert download.value.suggested_filename == built[kind].name


def _assert_axe_passes(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_page_passes_axe(page: Any) -> None:
    page.locator("[data-testid=evidence-item] button.evidence-head").first.click()
    _assert_axe_passes(page)
    page.get_by_role("tab", name="Find in sources").click()  # with the found passages
    _assert_axe_passes(page)
    page.get_by_role("tab", name="Evidence").click()


# ---------------------------------------------------------------- what the server refuses


def _get(url: str, path: str, host: str | None = None,
         cookie: str = "") -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Host": host or parts.netloc}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_the_server_refuses_a_missing_or_wrong_token_and_a_foreign_host(url: str) -> None:
    parts = urlsplit(url)
    token = parts.query.split("=", 1)[1]
    assert _get(url, "/").status == 403
    assert _get(url, "/download/pdf").status == 403
    assert _get(url, "/?token=" + "x" * len(token)).status == 403
    # DNS rebinding: the right token, sent to a name that is not this machine's.
    assert _get(url, f"/?token={token}", host=f"evil.example:{parts.port}").status == 403
    assert _get(url, f"/?token={token}", host="127.0.0.1:1").status == 403
    # The printed address: a cookie for what follows, HttpOnly and SameSite=Strict.
    answer = _get(url, f"/?token={token}")
    assert answer.status == 303
    cookie = answer.getheader("Set-Cookie") or ""
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    pair = cookie.split(";", 1)[0]
    index = _get(url, "/", cookie=pair)
    assert index.status == 200
    policy = index.getheader("Content-Security-Policy") or ""
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert index.getheader("Access-Control-Allow-Origin") is None
    assert _get(url, "/download/pdf", cookie=pair).status == 200
    assert _get(url, "/download/pdf", host=f"localhost:{parts.port}", cookie=pair).status == 200
    assert _get(url, "/download/pdf", host=f"evil.example:{parts.port}", cookie=pair).status == 403
    # Nothing outside the package's own files and the build's outputs.
    assert _get(url, "/static/../../pyproject.toml", cookie=pair).status == 404
    assert _get(url, "/static/session.py", cookie=pair).status == 404
    assert _get(url, "/download/..%2Fsources.yaml", cookie=pair).status == 404
