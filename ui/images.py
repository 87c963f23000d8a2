"""Digits as images for the page: the one place a [0, 1] float image becomes PNG bytes."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from model.images.pixels import to_uint8


def to_png(img: np.ndarray, size: int = 224) -> bytes:
    """A [0, 1] 28 x 28 float image as PNG bytes, upscaled with crisp (nearest) pixels."""
    pil = Image.fromarray(to_uint8(img))
    if size and size != pil.width:
        pil = pil.resize((size, size * pil.height // pil.width), Image.NEAREST)
    buf = io.BytesIO()
    pil.save(buf, format="PNG", compress_level=1)  # same pixels; zlib's fastest level: ~3x less CPU, ~1 KB a digit
    return buf.getvalue()
