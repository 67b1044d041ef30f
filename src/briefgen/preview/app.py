"""The preview's web server: Starlette routes over a PreviewSession, behind a token and a Host
check (with uvicorn, the only module that imports starlette).

Security model: the server listens on 127.0.0.1 only. Every request must carry the session's
token: the printed URL has it as ``?token=``; the first request with it gets it back as an
HttpOnly, SameSite=Strict cookie and is redirected to the bare address, so the token leaves
the address bar and history, and no other site's page can make the browser send it. A
request whose Host header is not 127.0.0.1:PORT or localhost:PORT is refused before the token
is looked at, so a DNS-rebinding page (evil.example resolving to 127.0.0.1) gets nothing even
by guessing. There is no CORS. What is served: the package's own static files (by a fixed
list of names), the pages, evidence and outputs of the session's builds (held in memory),
and Find over the spec's catalog; never a path a request names.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.responses import StreamingResponse
from starlette.routing import Route

from briefgen.preview.session import CONTEXT_CHARS, PreviewSession

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]

# Served from the package by these names only: a request cannot name another file.
STATIC_FILES = {"preview.css": "text/css; charset=utf-8",
                "preview.js": "text/javascript; charset=utf-8",
                "favicon.svg": "image/svg+xml"}
KEEPALIVE_S = 15.0  # a comment on the event stream this often, so idle proxies keep it
FIND_LIMIT = 50  # passages listed for one search

# The page loads only its own script and style; nothing may frame it.
_PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                "base-uri 'none'")
# A page's SVG is drawn by a template, which is code: opened on its own it runs nothing.
_SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def cookie_name(port: int) -> str:
    """The token cookie's name: cookies ignore ports, so two previews on one machine would
    otherwise overwrite each other's."""
    return f"briefgen_preview_{port}"


class Guard:
    """ASGI middleware: refuse a foreign Host (403) and a missing or wrong token (403); trade
    the ``?token=`` of the printed URL for the cookie."""

    def __init__(self, app: ASGIApp, token: str, port: Callable[[], int]) -> None:
        self.app = app
        self.token = token
        self.port = port

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        port = self.port()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if headers.get("host", "") not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            await _refuse("this address is not the preview's (Host refused)")(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("token") or [""])[0]
        cookie = _cookie(headers.get("cookie", ""), cookie_name(port))
        if given and secrets.compare_digest(given, self.token):
            # The printed URL: set the cookie and show the page without the token in it.
            response = RedirectResponse(scope.get("path", "/") or "/", status_code=303)
            response.set_cookie(cookie_name(port), self.token, httponly=True,
                                samesite="strict", path="/")
            await response(scope, receive, send)
            return
        if not (cookie and secrets.compare_digest(cookie, self.token)):
            await _refuse("open the address briefgen preview printed, with its token")(
                scope, receive, send)
            return
        await self.app(scope, receive, send)


def _refuse(message: str) -> Response:
    return PlainTextResponse(f"403 Forbidden: {message}\n", status_code=403)


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def make_app(session: PreviewSession, token: str, port: Callable[[], int]) -> ASGIApp:
    """The preview's ASGI application; ``port`` gives the port it is served on (known once
    the socket is bound)."""

    async def index(_request: Request) -> Response:
        return Response(_static("index.html"), media_type="text/html; charset=utf-8",
                        headers=_no_store({"Content-Security-Policy": _PAGE_POLICY}))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return PlainTextResponse("404 Not Found\n", status_code=404)
        return Response(_static(name), media_type=STATIC_FILES[name], headers=_no_store())

    async def state(_request: Request) -> Response:
        return JSONResponse(session.snapshot(), headers=_no_store())

    async def events(request: Request) -> Response:
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()
        forget = session.listen(lambda: loop.call_soon_threadsafe(changed.set))

        async def stream() -> Any:
            try:
                sent = -1
                while not await request.is_disconnected():
                    if session.version != sent:
                        changed.clear()
                        snapshot = session.snapshot()
                        sent = snapshot["version"]
                        yield f"data: {json.dumps(snapshot, ensure_ascii=False)}\n\n"
                        continue
                    try:
                        await asyncio.wait_for(changed.wait(), KEEPALIVE_S)
                    except asyncio.TimeoutError:
                        yield ": still here\n\n"
            finally:
                forget()

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers=_no_store({"X-Accel-Buffering": "no"}))

    async def page(request: Request) -> Response:
        found = session.page(int(request.path_params["number"]))
        if found is None:
            return PlainTextResponse("404 Not Found: no such page\n", status_code=404)
        # The address carries the page's hash: the same address is always the same picture.
        cache = ("private, max-age=3600, immutable"
                 if request.query_params.get("v") == found.digest else "no-store")
        return Response(found.svg, media_type="image/svg+xml",
                        headers={"Cache-Control": cache, "Content-Security-Policy": _SVG_POLICY,
                                 "X-Content-Type-Options": "nosniff"})

    async def locate(request: Request) -> Response:
        item = request.query_params.get("item", "")
        place = await asyncio.to_thread(session.locate, item)
        return JSONResponse(place or {}, headers=_no_store())

    async def find(request: Request) -> Response:
        text = request.query_params.get("q", "").strip()
        return JSONResponse(await asyncio.to_thread(find_passages, session, text),
                            headers=_no_store())

    async def download(request: Request) -> Response:
        found = session.download(request.path_params["kind"])
        if found is None:
            return PlainTextResponse("404 Not Found: nothing built yet\n", status_code=404)
        return Response(found.data, media_type=found.media_type, headers=_no_store({
            "Content-Disposition": f'attachment; filename="{found.name}"'}))

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/state", state),
        Route("/events", events),
        Route("/pages/{number:int}.svg", page),
        Route("/locate", locate),
        Route("/find", find),
        Route("/download/{kind}", download),
    ]
    return Guard(Starlette(routes=routes), token, port)


def _static(name: str) -> bytes:
    return resources.files("briefgen.preview").joinpath("static", name).read_bytes()


def _no_store(headers: dict[str, str] | None = None) -> dict[str, str]:
    return {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", **(headers or {})}


def find_passages(session: PreviewSession, text: str) -> dict[str, Any]:
    """`briefgen find` over the spec's catalog: every passage where ``text`` verifies, with
    the match, its context and the citation find prints; else the closest passages."""
    from briefgen.commands.find import found_at
    from briefgen.corpus.index import CorpusIndex

    checked = session.checked()
    if checked is None:
        return {"query": text, "error": "Find works once the spec has built.", "found": [],
                "closest": []}
    if not text:
        return {"query": text, "found": [], "closest": []}
    catalog = checked.catalog
    index = CorpusIndex.open(catalog)
    try:
        found = []
        for match in index.find(text)[:FIND_LIMIT]:
            paragraph = catalog.text(match.source_id).paragraph(match.paragraph).text
            left = max(0, match.start - CONTEXT_CHARS)
            right = min(len(paragraph), match.end + CONTEXT_CHARS)
            where, citation = found_at(catalog, match)
            found.append({
                "source": match.source_id, "title": catalog.get(match.source_id).title,
                "where": where,
                "before": ("…" if left else "") + paragraph[left:match.start],
                "match": paragraph[match.start:match.end],
                "after": paragraph[match.end:right] + ("…" if right < len(paragraph) else ""),
                "citation": citation,
            })
        closest = [] if found else [
            {"source": near.source_id, "where": f"para {near.paragraph}",
             "score": round(near.score), "passage": near.passage}
            for near in index.closest(text)]
        return {"query": text, "found": found, "closest": closest}
    finally:
        index.close()
