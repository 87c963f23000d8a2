"""The live plane's original digits as static tiles: training digits grouped in blocks by where they lie.

    groups = blocks(z_train)                  # index arrays (each ascending), at most BLOCK digits each
    box = boxes(z_train, groups)              # (B, 4): x0, x1, y0, y1 of each block's points
    key = tileset_key(z_train, x_train)       # names a tile set: changes with the encodings or the digits
    write_tileset(folder, x_train, z_train)   # folder/<k>.bin for each block, then folder/manifest.json

Blocks are the leaves of a k-d tree over the encodings (as float32: the values the browser holds). A
group of more than `size` points is cut into two halves of equal count at the median of its wider side,
until every leaf holds at most `size`; ties (duplicate encodings) are cut by index, so the halves stay
equal. The leaves' cells tile the plane, so a view needs exactly the blocks whose box meets it, and a
view of 400 digits meets about five blocks of 256 (docs/reading-the-plane.md says why 256).

manifest.json: {"v": 1, "n": N, "size": size, "blocks": [[x0, x1, y0, y1], ...]}. It is written last,
so a folder with a manifest is complete. Block k's file is <k>.bin: model/images/atlas.py's
block_file() of its digits. Box bounds are the float32 encodings written exactly (as JSON doubles), so
a point on a box's edge is inside it in the browser too.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from model.folders.atomic import write_file_atomic
from model.images.atlas import block_file

BLOCK = 256  # digits per block at most: a view of 400 meets about 5 (docs/reading-the-plane.md)
FORMAT = 1  # the manifest's "v"; part of the tile set's key, so a new layout never reuses old files
MANIFEST = "manifest.json"


def as_points(z) -> np.ndarray:
    """z as a (N, 2) float32 array of finite encodings; ValueError otherwise."""
    z = np.asarray(z)
    if z.ndim != 2 or z.shape[1] != 2 or not np.issubdtype(z.dtype, np.number):
        raise ValueError("encodings must be an N x 2 array of numbers")
    z = z.astype(np.float32)
    if not np.isfinite(z).all():
        raise ValueError("encodings must be finite")
    return z


def blocks(z, size: int = BLOCK) -> list[np.ndarray]:
    """The k-d tree leaves over z: index arrays (ascending), each of 1 to `size` points, every index once."""
    z = as_points(z)
    if size < 1:
        raise ValueError("a block holds at least one digit")
    out: list[np.ndarray] = []
    todo = [np.arange(len(z))] if len(z) else []
    while todo:
        idx = todo.pop()
        if len(idx) <= size:
            out.append(np.sort(idx))
            continue
        p = z[idx]
        axis = int(np.ptp(p[:, 1]) > np.ptp(p[:, 0]))
        order = np.lexsort((idx, p[:, axis]))  # by the coordinate, ties by index: deterministic halves
        half = len(idx) // 2
        todo.append(idx[order[half:]])
        todo.append(idx[order[:half]])  # popped first: leaves run from low to high along each cut
    return out


def boxes(z, groups) -> np.ndarray:
    """(B, 4) float64: each group's x0, x1, y0, y1 (its points' extent, exact float32 values)."""
    z = as_points(z).astype(np.float64)
    out = np.zeros((len(groups), 4))
    for k, g in enumerate(groups):
        p = z[g]
        out[k] = p[:, 0].min(), p[:, 0].max(), p[:, 1].min(), p[:, 1].max()
    return out


def check_digits(x, z) -> np.ndarray:
    """x as (M, 28, 28) uint8 with a digit for every encoding (M >= len(z)); ValueError otherwise."""
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
        raise ValueError("digits must be an M x 28 x 28 array of bytes")
    if len(x) < len(z):
        raise ValueError("the data set has fewer digits than the model has encodings")
    return x


def tileset_key(z, x, size: int = BLOCK) -> str:
    """16 hex digits naming the tile set of these encodings and digits (a sample of the digits, so it is cheap)."""
    z = as_points(z)
    x = check_digits(x, z)
    h = hashlib.blake2b(f"tiles v{FORMAT} size {size} {z.shape} {x.shape}".encode(), digest_size=8)
    h.update(np.ascontiguousarray(z).tobytes())
    step = max(1, len(x) // 512)
    h.update(np.ascontiguousarray(x[::step]).tobytes())
    if len(x):
        h.update(x[-1].tobytes())
    return h.hexdigest()


def manifest(z, groups, size: int = BLOCK) -> bytes:
    """manifest.json's bytes for these groups (see the module docstring)."""
    body = {"v": FORMAT, "n": len(as_points(z)), "size": size, "blocks": boxes(z, groups).tolist()}
    return json.dumps(body, separators=(",", ":")).encode()


def write_tileset(folder, x, z, size: int = BLOCK) -> Path:
    """Write the tile set of these digits and encodings into folder (each file atomically; the manifest
    last); block files already there (an earlier, interrupted build) are kept. Returns the manifest's path.
    OSError when the folder cannot be written; ValueError for encodings or digits that do not fit."""
    folder = Path(folder)
    z = as_points(z)
    x = check_digits(x, z)
    groups = blocks(z, size)
    for k, g in enumerate(groups):
        target = folder / f"{k}.bin"
        if not target.is_file():
            data = block_file(x, g)
            write_file_atomic(target, lambda f, data=data: f.write(data))
    body = manifest(z, groups, size)
    return write_file_atomic(folder / MANIFEST, lambda f: f.write(body))
