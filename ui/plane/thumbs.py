"""The live plane's thumbnails, server side: the original digits as static tiles the browser fetches itself.

    thumbs.state(bundle)   # what ui/plane/component.py puts in the plane's state:
    # {"thumbs": "originals", "tiles": "app/static/lp/tiles-<key>/"}   the originals, as static files
    # {"thumbs": "decoded", "tiles": None}    no data set here: the browser decodes the encodings
    # {"thumbs": "unserved", "tiles": None}   the data set is here but the tiles cannot be written

With the model's data set readable, the first plane mounted for a model starts a background thread that
writes its tile set (model/images/tiles.py: one file per block of at most 256 digits, about 45 KB each,
and a manifest last) to static/lp/tiles-<key>/, which Streamlit's static serving sends as plain files.
The browser (ui/plane/js/tiles.js) fetches the manifest, then the blocks in view; nothing reruns for it.
The key is a hash of the encodings and the digits, so replicas and restarts share the folder, and a
known name never holds other digits. While the thread writes, the browser's fetches of the manifest
fail and are tried again. At most KEEP tile sets written by this process stay; older ones are removed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from pathlib import Path

import numpy as np

from model.images.tiles import MANIFEST, tileset_key, write_tileset
from ui import active_model, data_status
from ui.model_cache import per_version
from ui.plane.publish import keep, lp_dir, url

KEEP = 8  # tile sets (about 11 MB each for 60,000 digits) this process keeps
RETRY_S = 60.0  # after a failed write, "unserved" for this long before trying again
NO_DATA = {"thumbs": "decoded", "tiles": None}
UNSERVED = {"thumbs": "unserved", "tiles": None}

_lock = threading.Lock()
_building: dict[Path, threading.Thread] = {}
_failed: dict[Path, float] = {}  # folder -> time.monotonic() of its last failed write
_written: deque[Path] = deque()  # tile sets this process wrote, oldest first
log = logging.getLogger(__name__)


@per_version(max_entries=16)
def _key(bundle, dataset: str) -> str | None:
    """The model's tile set key (a hash of its encodings and a sample of the digits), or None if they do not fit."""
    try:
        # its sample of 512 digits faults in ~32 MB of the shared map
        return tileset_key(bundle.latent["z_train"], _own_map(data_status.load_data(dataset)[0][0]))
    except ValueError:
        return None


def state(bundle, folder: Path | None = None) -> dict:
    """Where the plane's thumbnails come from (see the module docstring); starts writing the tiles if needed."""
    dataset = active_model.dataset_of(bundle)
    if not data_status.data_available(dataset):
        return NO_DATA
    x, z = data_status.load_data(dataset)[0][0], bundle.latent["z_train"]
    key = _key(bundle, dataset)
    if key is None:
        return UNSERVED
    name = f"tiles-{key}"
    if not ensure(lp_dir(folder) / name, x, z):
        return UNSERVED
    return {"thumbs": "originals", "tiles": url(name) + "/"}


def ensure(target: Path, x, z) -> bool:
    """True when target holds the tile set or a thread is writing it (one started if needed); False when
    the folder cannot be written (or failed less than RETRY_S ago)."""
    if (target / MANIFEST).is_file():
        return True
    with _lock:
        running = _building.get(target)
        if running is not None and running.is_alive():
            return True
        if time.monotonic() - _failed.get(target, -RETRY_S) < RETRY_S:
            return False
        try:
            target.mkdir(parents=True, exist_ok=True)
            if not os.access(target, os.W_OK):
                raise PermissionError(target)
        except OSError as e:
            log.warning("thumbnail tiles cannot be written to %s: %s", target.parent, e)
            _failed[target] = time.monotonic()
            return False
        thread = threading.Thread(target=_build, args=(target, x, z), name=f"tiles {target.name}", daemon=True)
        _building[target] = thread
        thread.start()
    return True


def _own_map(x):
    """x through a memory map of its own where x maps a cached file (model/data_cache.py): every digit the
    build reads then leaves the server's resident memory when the build ends, where the shared map would
    keep all 60,000 (47 MB) resident for as long as the server runs."""
    name = getattr(x, "filename", None)
    if not (isinstance(x, np.memmap) and name and str(name).endswith(".npy")):
        return x
    try:
        own = np.load(name, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return x
    return own if own.shape == x.shape and own.dtype == x.dtype else x


def _build(target: Path, x, z) -> None:
    try:
        write_tileset(target, _own_map(x), z)
    except (OSError, ValueError) as e:
        log.warning("thumbnail tiles not written to %s: %s", target, e)
        with _lock:
            _failed[target] = time.monotonic()
            _building.pop(target, None)
        return
    with _lock:
        _failed.pop(target, None)
        _building.pop(target, None)
    keep(target, _written, KEEP)


def wait(timeout: float = 60.0) -> None:
    """Wait for the tile sets being written (for tests and benchmarks)."""
    with _lock:
        threads = list(_building.values())
    for t in threads:
        t.join(timeout)
