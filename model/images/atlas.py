"""Training digits by index as one small PNG atlas, for the live plane's thumbnails (no Streamlit here).

The plane asks for the digits in view (at most MAX_INDICES a time); ui/plane_thumbs.py validates the
request with clean_indices() and sends atlas() back. Layout (little-endian):

    b"LETH" + uint32 n + n bytes JSON {"channel", "req", "indices": [...], "cols"} + zero padding to 4
    + one greyscale PNG: digit k of `indices` at column k % cols, row k // cols, 28 x 28 each

    blob = atlas(x_train, [5, 17, 3], channel="explore_plane", req=7)
    header, tiles = unpack(blob)          # the inverse, for tests: tiles (3, 28, 28) uint8
"""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np
from PIL import Image

MAGIC = b"LETH"
MAX_INDICES = 1024  # about 800 KB of pixels before compression; the plane asks for at most 400 at once


def clean_indices(raw, n: int) -> list[int]:
    """The distinct integer indices in [0, n) from a browser request, in order, at most MAX_INDICES."""
    if not isinstance(raw, list | tuple):
        return []
    out, seen = [], set()
    for v in raw[: 4 * MAX_INDICES]:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v != int(v):
            continue
        i = int(v)
        if 0 <= i < n and i not in seen:
            seen.add(i)
            out.append(i)
            if len(out) == MAX_INDICES:
                break
    return out


def grid_png(x: np.ndarray, indices) -> tuple[bytes, int]:
    """(PNG of the digits x[indices] in a near-square grid, its number of columns); x is (N, 28, 28) uint8."""
    idx = np.asarray(list(indices), dtype=np.int64)
    cols = max(1, math.ceil(math.sqrt(len(idx))))
    rows = max(1, math.ceil(len(idx) / cols))
    grid = np.zeros((rows * 28, cols * 28), np.uint8)
    for k, i in enumerate(idx):
        r, c = divmod(k, cols)
        grid[r * 28 : (r + 1) * 28, c * 28 : (c + 1) * 28] = x[i]
    buf = io.BytesIO()
    Image.fromarray(grid, mode="L").save(buf, format="PNG", compress_level=3)  # fast; digits are mostly zeros
    return buf.getvalue(), cols


def atlas(x: np.ndarray, indices, *, channel: str, req: int, png: tuple[bytes, int] | None = None) -> bytes:
    """The digits x[indices] as the atlas blob described above (`png`: grid_png()'s answer, if cached)."""
    indices = [int(i) for i in indices]
    data, cols = png or grid_png(x, indices)
    head = json.dumps({"channel": channel, "req": int(req), "indices": indices, "cols": cols}).encode()
    out = MAGIC + struct.pack("<I", len(head)) + head
    return out + b"\0" * (-len(out) % 4) + data


def unpack(blob: bytes) -> tuple[dict, np.ndarray]:
    """(header, tiles (N, 28, 28) uint8) of an atlas() blob."""
    if blob[:4] != MAGIC:
        raise ValueError("not a thumbnail atlas")
    (n,) = struct.unpack("<I", blob[4:8])
    header = json.loads(blob[8 : 8 + n])
    start = 8 + n + (-(8 + n) % 4)
    grid = np.asarray(Image.open(io.BytesIO(blob[start:])))
    cols = header["cols"]
    tiles = [grid[(k // cols) * 28 : (k // cols + 1) * 28, (k % cols) * 28 : (k % cols + 1) * 28] for k in range(len(header["indices"]))]  # fmt: skip
    return header, np.asarray(tiles, np.uint8).reshape(-1, 28, 28)
