"""The HTTP server: the standard library's WSGI server, one thread per request, on 127.0.0.1 unless told.

Requests are logged to stderr at debug level (``eventwire -v serve``); errors at error level.
"""

from __future__ import annotations

import logging
import socketserver
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from eventwire.serve.app import App

__all__ = ["make", "serve"]

log = logging.getLogger(__name__)


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def make(db: str | Path, *, host: str = "127.0.0.1", port: int = 8008) -> tuple[WSGIServer, App]:
    """A server (not yet serving) and its application over the store at ``db``; port 0 picks a free one."""
    app = App(db)
    server = make_server(host, port, app, server_class=_Server, handler_class=_Handler)
    return server, app


def serve(db: str | Path, *, host: str = "127.0.0.1", port: int = 8008) -> None:
    """Serve the page and the API until interrupted."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: anyone who can reach this machine can read the store", host)
    server, app = make(db, host=host, port=port)
    try:
        print(f"eventwire: serving {db} on http://{host}:{server.server_port}/ (Ctrl-C to stop)", flush=True)
        server.serve_forever()
    finally:
        server.server_close()
        app.close()
