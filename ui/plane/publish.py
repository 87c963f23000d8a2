"""Files the live plane's browser code fetches from static/, which Streamlit serves at app/static/:
the one publisher under static/lp/, with pruning, of the payload here and the thumbnail tiles (thumbs.py).

    ref = publish(body)   # {"url": "app/static/lp/<sha256-16>.bin", "sha": ..., "nbytes": ...} or None
    ref = publish(text.encode(), ext="js")   # the plane's code, the same way (ui/plane/component.py)
    keep(path, written, limit)   # note a file or folder this process wrote; the oldest past `limit` go

Sending the 0.6-2.8 MB payload as the component's `data` bytes made Streamlit hash and serialise it
on every rerun of every session. Instead each model's bytes are written once per process (atomically:
a browser never fetches half a file) to static/lp/, which Streamlit serves at app/static/lp/; the
plane gets {channel, url, sha, nbytes} and fetches the bytes itself (ui/plane/js/payload.js), once per
page for every plane showing that model. The name is the bytes' hash, so replicas of the app and
restarts share one file and a browser never gets stale bytes under a known name.

None where the folder is not writable: ui/plane/component.py then shows the still picture (the
bytes never travel in the component's data).
At most KEEP files written by this process stay; older ones it wrote are removed (payload files
come and go only when models are trained or changed, never on a rerun).

plotly.js is the official gl2d partial bundle (scatter, scattergl, splom, parcoords: all the plane
draws, in a third of the full bundle's bytes), vendored and pinned in assets/vendor/plotly/ (fetch.py
there fetches and checks it). ui/router.py calls ensure_plotly_js() on every run (it works once per
process), which copies it into static/ beside the app script under a name that holds its version,
PLOTLY_NAME. `.streamlit/config.toml` turns static serving on (`[server] enableStaticServing = true`).

A returning browser keeps what it fetched: every file here is named by its content (a hash, or the
pinned version), and settle() gives it a fixed modification time in the past. Streamlit's static route
sends no Cache-Control, only Last-Modified and an ETag from the modification time; with a Last-Modified
years old, browsers reuse their copy without asking again (HTTP's heuristic freshness: a tenth of the
file's age), and the ETag is the same on every replica. Its name changes whenever its bytes do, so no
browser keeps stale bytes. Behind nginx, assets/deploy-nginx-replicas.conf says so outright
(Cache-Control: immutable).
"""

from __future__ import annotations

import filecmp
import functools
import hashlib
import json
import logging
import os
import shutil
import threading
from collections import deque
from pathlib import Path

from model.folders.atomic import write_file_atomic

SUBDIR = "lp"
KEEP = 32
_written: deque[Path] = deque()  # payload files this process wrote, oldest first
_lock = threading.Lock()
log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "assets" / "vendor" / "plotly"
PIN = json.loads((VENDOR / "plotly.json").read_text())  # {package, version, file, sha256, ...}
PLOTLY_JS = VENDOR / PIN["file"]
PLOTLY_NAME = f"plotly-gl2d-{PIN['version']}.min.js"  # ui/plane/js/plot.js names the same file
URL = f"app/static/{PLOTLY_NAME}"  # relative to the app's base URL (a test checks plot.js against it)
SETTLED = 946684800.0  # 2000-01-01 UTC: the modification time of every file here (see settle)
_served = {"dir": ROOT / "static"}  # the folder Streamlit serves: the one ensure_plotly_js() last filled


def static_dir() -> Path:
    """The folder served at app/static/ (static/ beside app.py, or the one ensure_plotly_js() was given)."""
    return _served["dir"]


@functools.cache  # once per process: ui/router.py calls it on every run
def ensure_plotly_js(static_dir: str | os.PathLike | None = None) -> Path | None:
    """Copy the vendored plotly.js into static_dir (default: static/ beside app.py) as PLOTLY_NAME, if
    missing or different.

    Returns the copy's path, or None when the vendored file is missing or the folder is not writable
    (the live plane then reports that it cannot load and the page falls back).
    """
    target_dir = Path(static_dir) if static_dir else ROOT / "static"
    _served["dir"] = target_dir
    target = target_dir / PLOTLY_NAME
    if not PLOTLY_JS.is_file():
        return None
    try:
        if not (target.is_file() and filecmp.cmp(PLOTLY_JS, target, shallow=False)):
            with open(PLOTLY_JS, "rb") as src:  # atomic and durable: a browser never gets half a file
                write_file_atomic(target, lambda f: shutil.copyfileobj(src, f))
        settle(target)
    except OSError:
        return None
    return target


def settle(path: Path) -> None:
    """Give a file named by its content the fixed old modification time SETTLED (module docstring)."""
    if path.stat().st_mtime != SETTLED:
        os.utime(path, (SETTLED, SETTLED))


def publish(body: bytes, folder: Path | None = None, ext: str = "bin") -> dict | None:
    """Write body to <static>/lp/<sha>.<ext> unless it is there already; its reference for the browser."""
    sha = hashlib.sha256(body).hexdigest()[:16]
    target = lp_dir(folder) / f"{sha}.{ext}"
    try:
        if not (target.is_file() and target.stat().st_size == len(body)):
            write_file_atomic(target, lambda f: f.write(body))
            keep(target, _written, KEEP)
        settle(target)
    except OSError as e:
        log.warning("live plane payload not written to %s: %s", target.parent, e)
        return None
    return {"url": url(f"{sha}.{ext}"), "sha": sha, "nbytes": len(body)}


def present(ref: dict, folder: Path | None = None) -> bool:
    """Whether the file a reference names is still there (one stat: cheap enough for every run)."""
    return (lp_dir(folder) / ref["url"].rsplit("/", 1)[-1]).is_file()


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
