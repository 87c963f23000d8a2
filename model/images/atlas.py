"""Training digits as one small greyscale PNG atlas, and the live plane's thumbnail block files (no Streamlit).

grid_png() lays digits out in a near-square grid; block_file() wraps one such atlas with the indices it
holds, as one file of model/images/tiles.py's tile sets. Layout (little-endian):

    b"LETB" + uint32 n + n bytes JSON {"indices": [...], "cols": c} + zero padding to 4
    + one greyscale PNG: digit k of `indices` at column k % cols, row k // cols, 28 x 28 each

    data = block_file(x_train, [5, 17, 3])
    indices, tiles = unpack_block(data)          # the inverse, for tests: tiles (3, 28, 28) uint8
"""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np
from PIL import Image

MAGIC = b"LETB"
SIDE = 28


def grid_png(x: np.ndarray, indices) -> tuple[bytes, int]:
    """(PNG of the digits x[indices] in a near-square grid, its number of columns); x is (N, 28, 28) uint8."""
    idx = np.asarray(list(indices), dtype=np.int64)
    cols = max(1, math.ceil(math.sqrt(len(idx))))
    rows = max(1, math.ceil(len(idx) / cols))
    grid = np.zeros((rows, SIDE, cols, SIDE), np.uint8)
    if len(idx):
        tiles = np.zeros((rows * cols, SIDE, SIDE), np.uint8)
        tiles[: len(idx)] = x[idx]
        grid = tiles.reshape(rows, cols, SIDE, SIDE).transpose(0, 2, 1, 3)
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(grid).reshape(rows * SIDE, cols * SIDE), mode="L").save(
        buf, format="PNG", compress_level=3
    )  # fast; digits are mostly zeros
    return buf.getvalue(), cols


def block_file(x: np.ndarray, indices) -> bytes:
    """The digits x[indices] as one block file, laid out as above."""
    indices = [int(i) for i in indices]
    data, cols = grid_png(x, indices)
    head = json.dumps({"indices": indices, "cols": cols}, separators=(",", ":")).encode()
    out = MAGIC + struct.pack("<I", len(head)) + head
    return out + b"\0" * (-len(out) % 4) + data


def unpack_block(blob: bytes) -> tuple[list[int], np.ndarray]:
    """(indices, tiles (N, 28, 28) uint8) of a block_file(); ValueError for anything else."""
    if blob[:4] != MAGIC or len(blob) < 8:
        raise ValueError("not a thumbnail block")
    (n,) = struct.unpack("<I", blob[4:8])
    header = json.loads(blob[8 : 8 + n])
    start = 8 + n + (-(8 + n) % 4)
    grid = np.asarray(Image.open(io.BytesIO(blob[start:])))
    cols, indices = header["cols"], header["indices"]
    tiles = [grid[(k // cols) * SIDE : (k // cols + 1) * SIDE, (k % cols) * SIDE : (k % cols + 1) * SIDE] for k in range(len(indices))]  # fmt: skip
    return indices, np.asarray(tiles, np.uint8).reshape(-1, SIDE, SIDE)
