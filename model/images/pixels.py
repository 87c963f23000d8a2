"""Float images in [0, 1] <-> 8-bit pixels: the one conversion every page, command and benchmark uses."""

from __future__ import annotations

import numpy as np


def to_uint8(a: np.ndarray) -> np.ndarray:
    """Any float array, nominally in [0, 1] -> uint8 of the same shape, clipped and rounded (0.5 -> 128)."""
    return np.clip(np.asarray(a, dtype=np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)
