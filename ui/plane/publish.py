"""Files the live plane's browser code fetches from static/, which Streamlit serves at app/static/:
the one publisher under static/lp/, with pruning, of the payload here and the thumbnail tiles (thumbs.py).

    ref = publish(body)   # {"url": "app/static/lp/<sha256-16>.bin", "sha": ..., "nbytes": ...} or None
    keep(path, written, limit)   # note a file or folder this process wrote; the oldest past `limit` go

Sending the 0.6-2.8 MB payload as the component's `data` bytes made Streamlit hash and serialise it
on every rerun of every session. Instead each model's bytes are written once per process (atomically:
a browser never fetches half a file) to static/lp/, which Streamlit serves at app/static/lp/; the
plane gets {channel, url, sha, nbytes} and fetches the bytes itself (ui/plane/js/payload.js), once per
page for every plane showing that model. The name is the bytes' hash, so replicas of the app and
restarts share one file and a browser never gets stale bytes under a known name.

None where the folder is not writable: ui/plane/component.py then sends the bytes inline as before.
At most KEEP files written by this process stay; older ones it wrote are removed (payload files
come and go only when models are trained or changed, never on a rerun).

plotly.min.js is not committed: ui/router.py calls ensure_plotly_js() on every run (it works once per
process), which copies it from the installed plotly package (so it always matches the pinned version)
into static/ beside the app script. `.streamlit/config.toml` turns static serving on (`[server] enableStaticServing = true`).
"""

from __future__ import annotations

import filecmp
import functools
import hashlib
import logging
import os
import shutil
import threading
from collections import deque
from pathlib import Path

import plotly

from model.folders.atomic import write_file_atomic

SUBDIR = "lp"
KEEP = 32
_written: deque[Path] = deque()  # payload files this process wrote, oldest first
_lock = threading.Lock()
log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_served = {"dir": ROOT / "static"}  # the folder Streamlit serves: the one ensure_plotly_js() last filled


def static_dir() -> Path:
    """The folder served at app/static/ (static/ beside app.py, or the one ensure_plotly_js() was given)."""
    return _served["dir"]


@functools.cache  # once per process: ui/router.py calls it on every run
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


def publish(body: bytes, folder: Path | None = None) -> dict | None:
    """Write body to <static>/lp/<sha>.bin unless it is there already; its reference for the browser."""
    sha = hashlib.sha256(body).hexdigest()[:16]
    target = lp_dir(folder) / f"{sha}.bin"
    try:
        if not (target.is_file() and target.stat().st_size == len(body)):
            write_file_atomic(target, lambda f: f.write(body))
            keep(target, _written, KEEP)
    except OSError as e:
        log.warning("live plane payload not written to %s: %s", target.parent, e)
        return None
    return {"url": url(f"{sha}.bin"), "sha": sha, "nbytes": len(body)}


def present(ref: dict, folder: Path | None = None) -> bool:
    """Whether the file a reference names is still there (one stat: cheap enough for every run)."""
    return (lp_dir(folder) / f"{ref['sha']}.bin").is_file()


def lp_dir(folder: Path | None = None) -> Path:
    """<static>/lp/: where the plane's published files live (folder: another static folder, for tests)."""
    return Path(folder or static_dir()) / SUBDIR


def url(name: str) -> str:
    """The URL, relative to the app's base URL, of the file or folder `name` in lp_dir()."""
    return f"app/static/{SUBDIR}/{name}"


def keep(path: Path, written: deque[Path], limit: int) -> None:
    """Note that this process wrote `path` (a file or a folder in lp_dir()) in `written`, newest last, and
    remove the oldest it wrote past `limit`: published files come and go only when models are trained or
    changed, never on a rerun, and files written by other processes are never touched."""
    with _lock:
        if path in written:
            written.remove(path)
        written.append(path)
        while len(written) > limit:
            old = written.popleft()
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
