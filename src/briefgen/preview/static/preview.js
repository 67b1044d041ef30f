// briefgen preview: follows the server's state over server-sent events and renders it.
// No framework: the state arrives whole on every change, and each part of the page is
// redrawn from it. Pages are swapped only when their hash changed, after the new picture
// has decoded, so the view neither flickers nor loses its scroll position.
"use strict";

const $ = (id) => document.getElementById(id);
let current = null;       // the last state rendered
let openItem = null;      // the id of the evidence item shown open
let pageSwap = Promise.resolve();

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The passage of a source with the matched words marked, in its context.
function passage(before, match, after) {
  return el("blockquote", {class: "passage"}, before, el("mark", {}, match), after);
}

// ---------------------------------------------------------------- status and downloads

function renderStatus(state) {
  const status = $("status");
  status.dataset.status = state.status;
  const text = {building: "Building…",
                ok: `Built in ${state.seconds.toFixed(2)} s (pages in ${state.pages_seconds.toFixed(2)} s)`,
                failed: "Does not build: see Problems"}[state.status] || state.status;
  $("status-text").textContent = text;
  $("spec-name").textContent = state.spec;
  document.title = `${state.status === "failed" ? "✗ " : ""}${state.spec} · briefgen preview`;
  for (const kind of ["pdf", "docx", "evidence"]) {
    const link = $(`dl-${kind}`);
    const name = state.downloads[kind];
    link.setAttribute("aria-disabled", name ? "false" : "true");
    if (name) link.setAttribute("download", name);
    link.title = name || "not built yet";
  }
}

// ---------------------------------------------------------------- pages

function renderPages(state) {
  const box = $("pages");
  box.classList.toggle("stale", Boolean(state.stale));
  box.setAttribute("aria-busy", state.status === "building" ? "true" : "false");
  $("pages-empty").hidden = state.pages.length > 0;
  const wanted = state.pages;
  pageSwap = pageSwap.then(() => swapPages(box, wanted, state.version));
}

// Whether a page frame is on screen or within a screen of it.
function nearView(box, frame) {
  const top = frame.offsetTop - box.scrollTop;
  return top < 2 * box.clientHeight && top + frame.offsetHeight > -box.clientHeight;
}

async function swapPages(box, wanted, version) {
  const frames = [...box.querySelectorAll(".page")];
  const loads = wanted.map((page, i) => {
    const frame = frames[i];
    const src = `/pages/${page.number}.svg?v=${page.digest}`;
    if (frame && frame.dataset.digest === page.digest) return null;
    // Pages far from the view are left to the browser's lazy loading (they are fetched
    // and drawn when scrolled near), so they take nothing from the pages in view.
    // (A page not laid out yet is near when it is among the first two.)
    if (!(frame ? nearView(box, frame) : i < 2)) return {src, lazy: true};
    // Pages in or near the view are decoded before the swap: they change without a blank.
    const img = new Image();
    img.src = src;
    return img.decode().then(() => img, () => img);
  });
  if (loads.every((load) => load === null) && frames.length === wanted.length) {
    box.dataset.version = String(version);
    return;  // the same pages (a state change elsewhere): nothing to draw
  }
  const images = await Promise.all(loads);
  // The pages this swap changed, by number (the latency benchmark reports how many).
  window.briefgenLastSwap = wanted.filter((_, i) => images[i]).map((p) => p.number);
  // All changed pages at once, in one frame: the reader sees one new version, not a mix.
  wanted.forEach((page, i) => {
    let frame = frames[i];
    if (!frame) {
      frame = el("div", {class: "page", "data-testid": "page"});
      frame.append(el("img", {alt: "", loading: "lazy", decoding: "async"}),
                   el("span", {class: "marker", "aria-hidden": "true"}));
      box.append(frame);
    }
    frame.style.aspectRatio = `${page.width} / ${page.height}`;
    frame.dataset.number = page.number;
    if (images[i]) {
      const img = frame.querySelector("img");
      img.src = images[i].src;
      img.alt = `Page ${page.number} of ${wanted.length}`;
      frame.dataset.digest = page.digest;
    }
  });
  for (const extra of frames.slice(wanted.length)) extra.remove();
  box.dataset.version = String(version);
  // Stamped in the frame after the one that drew the new pages (the latency benchmark).
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.briefgenPagesShownAt = Date.now();
  }));
}

function scrollToPlace(place) {
  const frame = document.querySelector(`.page[data-number="${place.page}"]`);
  if (!frame) return;
  const box = $("pages");
  const top = frame.offsetTop + place.y * frame.offsetHeight - box.clientHeight / 3;
  box.scrollTo({top: Math.max(0, top), behavior: "smooth"});
  const marker = frame.querySelector(".marker");
  marker.style.top = `${place.y * 100}%`;
  marker.classList.remove("flash");
  void marker.offsetWidth;  // restart the animation
  marker.classList.add("flash");
}

// ---------------------------------------------------------------- problems and warnings

function renderProblems(state) {
  const box = $("problems-box");
  box.hidden = state.status !== "failed";
  $("problems-headline").textContent = state.headline;
  $("problems").replaceChildren(...state.problems.map((p) => el("li",
    {class: "problem", "data-testid": "problem"},
    el("code", {class: "cli"}, p.text))));
  const warnings = $("warnings-box");
  warnings.hidden = state.warnings.length === 0;
  $("warnings-count").textContent = state.warnings.length ? `(${state.warnings.length})` : "";
  $("warnings").replaceChildren(...state.warnings.map((w) => el("li",
    {class: "warning", "data-testid": "warning"}, el("code", {class: "cli"}, w))));
}

// ---------------------------------------------------------------- evidence

function renderEvidence(state) {
  const list = $("evidence");
  const failed = state.evidence.filter((e) => e.state === "failed").length;
  $("evidence-count").textContent = `(${state.evidence.length}${failed ? `, ${failed} failed` : ""})`;
  // A rebuild redraws the list: the item that had the keyboard focus keeps it.
  const focused = document.activeElement && document.activeElement.closest(".evidence-item");
  const focusedId = focused ? focused.dataset.id : null;
  list.replaceChildren(...state.evidence.map(evidenceItem));
  if (focusedId) {
    const again = list.querySelector(`.evidence-item[data-id="${focusedId}"] .evidence-head`);
    if (again) again.focus({preventScroll: true});
  }
}

function evidenceItem(item) {
  const open = item.id === openItem;
  const detailId = `ev-${item.id}-detail`;
  const badge = item.state === "verified" ? "Verified" : "Not found";
  const title = item.state === "failed" ? (item.quote || item.key)
              : item.kind === "number" ? `${item.written} — from excerpt ${item.excerpt}` : item.quote;
  const head = el("button", {type: "button", class: "evidence-head", "aria-expanded": String(open),
                              "aria-controls": detailId},
    el("span", {class: `badge ${item.state}`}, badge),
    el("span", {class: "kind"}, item.kind === "number" ? "Number" : "Quotation"),
    el("span", {class: "what"}, title),
    item.state === "verified" ? el("span", {class: "source"}, `${item.source}, ${item.where}`)
      : el("span", {class: "source failed"}, `${item.file}:${item.line} — ${item.kind === "number" ? "not in its excerpt" : "not in its source"}`),
    item.warnings.length ? el("span", {class: "warn-flag"}, `${item.warnings.length} warning${item.warnings.length > 1 ? "s" : ""}`) : null);
  const where = item.file ? `${item.file}${item.line ? `:${item.line}` : ""}` : "";
  const detail = el("div", {id: detailId, class: "evidence-detail", hidden: !open},
    el("p", {class: "spec-place"}, "In the spec: ", el("code", {"data-testid": "spec-place"}, where),
       item.key ? el("code", {class: "key"}, item.key) : null),
    el("p", {class: "place-note", "aria-live": "polite"}),
    item.state === "verified"
      ? el("div", {}, el("p", {class: "source-title"}, `${item.title} — ${item.where}`),
           passage(item.before, item.match, item.after))
      : el("pre", {class: "cli failed-message"}, item.message),
    ...item.warnings.map((w) => el("p", {class: "item-warning", "data-testid": "item-warning"}, w)));
  const li = el("li", {class: `evidence-item ${item.state}`, "data-testid": "evidence-item",
                       "data-state": item.state, "data-id": item.id}, head, detail);
  head.addEventListener("click", () => toggleItem(item, li));
  return li;
}

async function toggleItem(item, li) {
  const head = li.querySelector(".evidence-head");
  const detail = li.querySelector(".evidence-detail");
  const opening = head.getAttribute("aria-expanded") !== "true";
  for (const other of document.querySelectorAll(".evidence-head[aria-expanded=true]")) {
    other.setAttribute("aria-expanded", "false");
    other.parentElement.querySelector(".evidence-detail").hidden = true;
  }
  head.setAttribute("aria-expanded", String(opening));
  detail.hidden = !opening;
  openItem = opening ? item.id : null;
  if (!opening || item.state !== "verified") return;
  const response = await fetch(`/locate?item=${encodeURIComponent(item.id)}`);
  const place = response.ok ? await response.json() : {};
  if (openItem !== item.id) return;  // closed, or another chosen, while the answer came
  const note = li.querySelector(".place-note");
  if (place.page) {
    scrollToPlace(place);
    note.textContent = `Printed on page ${place.page}.`;
  } else {
    note.textContent = "Not printed in the pages: the brief keeps it as evidence only.";
  }
}

// ---------------------------------------------------------------- find

async function find(event) {
  event.preventDefault();
  const text = $("find-input").value.trim();
  const status = $("find-status");
  const results = $("find-results");
  if (!text) { status.textContent = "Type the words to find."; results.replaceChildren(); return; }
  status.textContent = "Searching…";
  const response = await fetch(`/find?q=${encodeURIComponent(text)}`);
  const answer = await response.json();
  if (answer.error) { status.textContent = answer.error; results.replaceChildren(); return; }
  if (answer.found.length) {
    status.textContent = `Found in ${answer.found.length} passage${answer.found.length > 1 ? "s" : ""}.`;
    results.replaceChildren(...answer.found.map((m) => el("li", {class: "found", "data-testid": "find-result"},
      el("p", {class: "source-title"}, el("strong", {}, m.source), `, ${m.where} — ${m.title}`),
      passage(m.before, m.match, m.after),
      el("div", {class: "citation-row"},
        el("code", {class: "citation", "data-testid": "citation"}, m.citation),
        el("button", {type: "button", class: "copy", "aria-label": `Copy citation ${m.citation}`,
                      onclick: (e) => copy(m.citation, e.currentTarget)}, "Copy")))));
  } else {
    status.textContent = "Not found in any source. The closest passages:";
    results.replaceChildren(...answer.closest.map((n) => el("li", {class: "closest"},
      el("p", {class: "source-title"}, el("strong", {}, n.source), `, ${n.where} (${n.score}% similar)`),
      el("blockquote", {class: "passage"}, n.passage))));
  }
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch (_) {
    const range = document.createRange();
    range.selectNodeContents(button.previousElementSibling);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    button.textContent = "Selected: press Ctrl+C";
  }
  setTimeout(() => { button.textContent = "Copy"; }, 2000);
}

// ---------------------------------------------------------------- tabs

function selectTab(tab) {
  for (const other of document.querySelectorAll("[role=tab]")) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (e) => {
      const step = {ArrowRight: 1, ArrowLeft: -1}[e.key];
      if (step) { e.preventDefault(); selectTab(tabs[(i + step + tabs.length) % tabs.length]); }
      if (e.key === "Home") { e.preventDefault(); selectTab(tabs[0]); }
      if (e.key === "End") { e.preventDefault(); selectTab(tabs[tabs.length - 1]); }
    });
  });
}

// ---------------------------------------------------------------- the event stream

function render(state) {
  current = state;
  renderStatus(state);
  renderProblems(state);
  renderEvidence(state);
  renderPages(state);
  document.body.dataset.version = String(state.version);
  document.body.dataset.status = state.status;
}

function connect() {
  const events = new EventSource("/events");
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    const pages = state.pages.map((p) => p.digest).join();
    if (!current || pages !== current.pages.map((p) => p.digest).join()) {
      window.briefgenStateAt = Date.now();  // new pages arrived (the latency benchmark)
    }
    render(state);
  };
  events.onerror = () => {
    $("status").dataset.status = "offline";
    $("status-text").textContent = "Not connected: is briefgen preview still running?";
  };
}

document.addEventListener("DOMContentLoaded", () => {
  setUpTabs();
  $("find-form").addEventListener("submit", find);
  for (const link of document.querySelectorAll(".downloads a")) {
    link.addEventListener("click", (e) => {
      if (link.getAttribute("aria-disabled") === "true") e.preventDefault();
    });
  }
  connect();
});
