"""Run the preview: bind 127.0.0.1, print the address with its token, serve until Ctrl-C."""

from __future__ import annotations

import secrets
import socket
import sys
import webbrowser
from pathlib import Path

import uvicorn

from briefgen.errors import BriefgenError
from briefgen.preview.app import make_app
from briefgen.preview.session import PreviewSession
from briefgen.writers import DEFAULT_COMPILE_TIMEOUT_S

HOST = "127.0.0.1"  # never another interface: the preview is for the person at this machine


def serve(spec: Path, port: int = 0, open_browser: bool = True, template: Path | None = None,
          style: str = "", timeout: float = DEFAULT_COMPILE_TIMEOUT_S) -> None:
    """Serve the preview of ``spec`` on ``port`` (0: a free one) until interrupted."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((HOST, port))
    except OSError as exc:
        listener.close()
        raise BriefgenError(f"--port {port}: cannot listen on {HOST}:{port}: "
                            f"{exc.strerror or exc}") from None
    listener.listen(64)
    bound = listener.getsockname()[1]
    token = secrets.token_urlsafe(24)
    session = PreviewSession(spec, template=template, style=style, timeout=timeout)
    app = make_app(session, token, lambda: bound)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    url = f"http://{HOST}:{bound}/?token={token}"
    session.start()
    print(f"briefgen preview of {spec}: {url}", flush=True)
    print("Ctrl-C to stop", file=sys.stderr, flush=True)
    if open_browser:
        webbrowser.open(url)
    try:
        server.run(sockets=[listener])
    finally:
        session.close()
        listener.close()
