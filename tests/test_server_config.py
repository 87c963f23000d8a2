"""The server's Streamlit settings that users depend on (.streamlit/config.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())


def test_no_full_garbage_collection_after_every_run():
    """A full gc after each script run took ~3/4 of the server's CPU with 50 sessions (docs/server.md)."""
    assert CONFIG["runner"]["postScriptGC"] is False


def test_server_listens_on_localhost_only_and_shows_no_tracebacks():
    """127.0.0.1 unless a deployment says otherwise; an error shows a plain line, never a stack trace."""
    assert CONFIG["server"]["address"] == "127.0.0.1"
    assert CONFIG["client"]["showErrorDetails"] == "none"


def test_static_serving_is_on_for_plotly_and_the_plane_payload():
    """The live plane loads plotly.js and its data from app/static/ (ui/plane/publish.py, ui/plane/publish.py)."""
    assert CONFIG["server"]["enableStaticServing"] is True
