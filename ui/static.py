"""plotly.min.js for the live plane, served by Streamlit's static serving at /app/static/.

Not committed: app.py calls ensure_plotly_js() once at start-up, which copies it from the installed
plotly package (so it always matches the pinned version) into static/ beside the app script.
`.streamlit/config.toml` turns static serving on (`[server] enableStaticServing = true`).
"""

from __future__ import annotations

import filecmp
import functools
import os
import shutil
from pathlib import Path

import plotly

from model.folders.atomic import write_file_atomic

ROOT = Path(__file__).resolve().parent.parent
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
URL = "app/static/plotly.min.js"  # relative to the app's base URL
_served = {"dir": ROOT / "static"}  # the folder Streamlit serves: the one ensure_plotly_js() last filled


def static_dir() -> Path:
    """The folder served at app/static/ (static/ beside app.py, or the one ensure_plotly_js() was given)."""
    return _served["dir"]


@functools.cache  # once per process: app.py calls it on every run
def ensure_plotly_js(static_dir: str | os.PathLike | None = None) -> Path | None:
    """Copy plotly.min.js into static_dir (default: static/ beside app.py) if missing or different.

    Returns the copy's path, or None when plotly ships no plotly.min.js or the folder is not
    writable (the live plane then reports that it cannot load and the page falls back).
    """
    target_dir = Path(static_dir) if static_dir else ROOT / "static"
    _served["dir"] = target_dir
    target = target_dir / PLOTLY_JS.name
    if not PLOTLY_JS.is_file():
        return None
    try:
        if target.is_file() and filecmp.cmp(PLOTLY_JS, target, shallow=False):
            return target
        with open(PLOTLY_JS, "rb") as src:  # atomic and durable: a browser never gets half a file
            write_file_atomic(target, lambda f: shutil.copyfileobj(src, f))
    except OSError:
        return None
    return target
