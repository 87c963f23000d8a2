"""The data sets as read-only memory maps of an uncompressed copy, for the server.

    (x_train, y_train), (x_test, y_test) = mapped("mnist")

The first call for a source (the file or folder model.data.load_dataset reads) reads and validates
it as load_dataset does, then writes each array as a plain .npy under CACHE (~/.cache/latent-explorer,
or $XDG_CACHE_HOME/latent-explorer) in a folder named after the source's path, size and mtime,
written whole before an atomic rename. Later calls, in this server, a restarted one or a replica,
map those files: nothing is decompressed (docs/performance.md), and the 55 MB of images per data
set stay in the page cache, shared by every server process, with only the digits a page shows
ever read. Where nothing can be written, the arrays are the ones load_dataset returns.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from model.data import CLASS_NAMES, Arrays, find_source, load_dataset, validate
from model.datasets import stored

KEYS = ("x_train", "y_train", "x_test", "y_test")
KEEP = 3  # copies kept per data-set name: a set added again, or moved, leaves its old copy behind


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "latent-explorer"


def source_of(name: str) -> Path | None:
    """The file or folder load_dataset(name) reads; None when there is none."""
    if name not in CLASS_NAMES:  # a user's data set: its stored .npz
        return stored.path(name)
    source = find_source(name)
    return source.resolve() if source is not None else None


def fingerprint(name: str, source: Path) -> str:
    """Changes when the source's path, or any of its files' size or mtime, changes."""
    files = sorted(source.iterdir()) if source.is_dir() else [source]
    h = hashlib.sha256(f"{name}\0{source}".encode())
    for f in files:
        st = f.stat()
        h.update(f"\0{f.name}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return f"{name}-{h.hexdigest()[:16]}"


def mapped(name: str = "mnist") -> Arrays:
    """load_dataset(name)'s arrays, as memory maps of the cached copy where there is one (see above)."""
    source = source_of(name)
    if source is None or not source.exists():
        return load_dataset(name)
    folder = cache_root() / fingerprint(name, source)
    if not all((folder / f"{k}.npy").is_file() for k in KEYS):
        arrays = load_dataset(name)  # validated; raises DataError
        try:
            _write(folder, dict(zip(KEYS, (a for pair in arrays for a in pair), strict=True)))
        except OSError:
            return arrays  # a read-only home: the arrays in memory, as before
        prune(name)
    try:
        maps = {k: np.load(folder / f"{k}.npy", mmap_mode="r", allow_pickle=False) for k in KEYS}
    except (OSError, ValueError):
        return load_dataset(name)
    return validate(maps, name, classes=len(stored.class_names(name)))


def prune(name: str, keep: int = KEEP) -> None:
    """Remove all but the `keep` newest copies of `name`. A server still mapping a removed copy keeps
    reading it: the files live on until their last map is closed."""
    copies = sorted(cache_root().glob(f"{name}-" + "?" * 16), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in copies[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def _write(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".writing-", dir=folder.parent))
    try:
        for k, a in arrays.items():
            with open(tmp / f"{k}.npy", "wb") as f:
                np.save(f, np.ascontiguousarray(a), allow_pickle=False)
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o755)
        try:
            os.rename(tmp, folder)  # atomic; another process may have won the race, which is fine
        except OSError:
            if not all((folder / f"{k}.npy").is_file() for k in KEYS):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
