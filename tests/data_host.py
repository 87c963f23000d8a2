"""A stand-in for the data sets' host on 127.0.0.1 (tests of model/download.py, the pages, e2e).

with serve({"mnist.npz": body}) as (url, handler): ...      # handler.files / handler.drop can change
"""

from __future__ import annotations

import contextlib
import http.server
import threading


class Host(http.server.BaseHTTPRequestHandler):
    """Serves `files` (name -> bytes); a name in `drop` sends half its bytes and closes the connection."""

    files: dict[str, bytes] = {}
    drop: set[str] = set()

    def do_GET(self):  # noqa: N802 (http.server's name)
        name = self.path.lstrip("/")
        body = self.files.get(name)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if name in self.drop else body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(files: dict[str, bytes] | None = None):
    """Yield (base URL ending in /, the handler class whose `files` and `drop` the test may change)."""
    handler = type("StandIn", (Host,), {"files": dict(files or {}), "drop": set()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler
    finally:
        server.shutdown()
        server.server_close()
