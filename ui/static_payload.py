"""The live plane's payload as a content-addressed file under static/, so a rerun sends a reference.

    ref = publish(body)   # {"url": "app/static/lp/<sha256-16>.bin", "sha": ..., "nbytes": ...} or None

Sending the 0.6-2.8 MB payload as the component's `data` bytes made Streamlit hash and serialise it
on every rerun of every session. Instead each model's bytes are written once per process (atomically:
a browser never fetches half a file) to static/lp/, which Streamlit serves at app/static/lp/; the
plane gets {channel, url, sha, nbytes} and fetches the bytes itself (ui/plane/payload.js), once per
page for every plane showing that model. The name is the bytes' hash, so replicas of the app and
restarts share one file and a browser never gets stale bytes under a known name.

None where the folder is not writable: ui/live_plane.py then sends the bytes inline as before.
At most KEEP files written by this process stay; older ones it wrote are removed (payload files
come and go only when models are trained or changed, never on a rerun).
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from pathlib import Path

from model.folders.atomic import write_file_atomic
from ui.static import static_dir

SUBDIR = "lp"
KEEP = 32
_written: deque[Path] = deque()  # files this process wrote, oldest first
log = logging.getLogger(__name__)


def publish(body: bytes, folder: Path | None = None) -> dict | None:
    """Write body to <static>/lp/<sha>.bin unless it is there already; its reference for the browser."""
    sha = hashlib.sha256(body).hexdigest()[:16]
    target = Path(folder or static_dir()) / SUBDIR / f"{sha}.bin"
    try:
        if not (target.is_file() and target.stat().st_size == len(body)):
            write_file_atomic(target, lambda f: f.write(body))
            _written.append(target)
            _prune()
    except OSError as e:
        log.warning("live plane payload not written to %s: %s", target.parent, e)
        return None
    return {"url": f"app/static/{SUBDIR}/{sha}.bin", "sha": sha, "nbytes": len(body)}


def present(ref: dict, folder: Path | None = None) -> bool:
    """Whether the file a reference names is still there (one stat: cheap enough for every run)."""
    return (Path(folder or static_dir()) / SUBDIR / f"{ref['sha']}.bin").is_file()


def _prune() -> None:
    while len(_written) > KEEP:
        _written.popleft().unlink(missing_ok=True)
