"""Small data sets made at test time, each made differently: shared by tests/test_datasets.py and the e2e test.

fashion_folder: a class subset of Fashion-MNIST written as 64 x 64 colour JPEG and PNG files, dark
items on a light background (as product photos are), one subfolder per class. unlabelled_npz: float
images of another size without labels. bomb_png: a tiny PNG whose header declares 10,000 x 10,000.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

from model.data import FASHION_DIR, read_idx

CLASSES = {7: "sneaker", 1: "trouser", 0: "tshirt"}  # Fashion-MNIST label -> folder name


def fashion_test_set() -> tuple[np.ndarray, np.ndarray]:
    x = read_idx(FASHION_DIR / "t10k-images-idx3-ubyte.gz")
    y = read_idx(FASHION_DIR / "t10k-labels-idx1-ubyte.gz")
    return x, y


def fashion_folder(root: Path, per_class: int = 30, size: int = 64) -> Path:
    """root/<class>/<i>.jpg|png: colour, `size` px square, dark on light; a notes.txt that is no image."""
    x, y = fashion_test_set()
    for label, name in CLASSES.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for j, i in enumerate(np.flatnonzero(y == label)[:per_class]):
            a = 255 - x[i].astype(np.float32)  # the item dark on white paper
            rgb = np.stack([a, a * 0.85 + 20, a * 0.6 + 60], axis=-1).clip(0, 255).astype(np.uint8)
            img = Image.fromarray(rgb).resize((size, size), Image.BILINEAR)
            img.save(root / name / f"{j:03d}.{'jpg' if j % 2 else 'png'}")
    (root / CLASSES[0] / "notes.txt").write_text("not an image")
    return root


def zip_folder(folder: Path, top: str | None = "set") -> bytes:
    """The folder as a zip, inside one top folder (as archivers make it) unless top is None."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                rel = f.relative_to(folder).as_posix()
                z.write(f, f"{top}/{rel}" if top else rel)
    return buf.getvalue()


def unlabelled_npz(path: Path, n: int = 60, side: int = 40) -> Path:
    """n float images in [0, 1], side x side, a light blob on dark at varying places; no y."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:side, 0:side]
    x = np.zeros((n, side, side), np.float32)
    for i in range(n):
        cy, cx, r = rng.uniform(12, side - 12, 2).tolist() + [rng.uniform(4, 9)]
        x[i] = np.clip(1.2 - np.hypot(yy - cy, xx - cx) / r, 0, 1)
    np.savez(path, x=x)
    return path


def bomb_png(side: int = 10_000) -> bytes:
    """A 100-byte PNG whose header declares side x side pixels (a decompression bomb's first line)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
