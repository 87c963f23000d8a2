"""The cached digit tiles (ui/digit_tiles.py) show what the pages showed before: right digits, right keys."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from ui import digit_tiles


def pixels(png: bytes, step: int) -> np.ndarray:
    """The 28 x 28 grey levels of a crisply upscaled PNG (`step` screen pixels per digit pixel)."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))[::step, ::step]


def test_neighbours_are_the_originals_with_the_data_and_decoded_digits_without(shipped, mnist, fresh_st_caches):
    """The 8 nearest training digits, nearest first, are the originals; without the data set, decoded stand-ins."""
    idx, dist, pngs = digit_tiles.neighbours(shipped, 0, True, 56)
    assert len(idx) == 8 and 0 not in idx and np.all(np.diff(dist) >= 0)
    assert all(np.array_equal(pixels(p, 2), mnist[0][0][i]) for p, i in zip(pngs, idx, strict=True))
    _, _, decoded = digit_tiles.neighbours(shipped, 0, False, 56)
    assert len(decoded) == 8 and not any(np.array_equal(pixels(p, 2), mnist[0][0][i]) for p, i in zip(decoded, idx, strict=True))  # fmt: skip


def test_picked_digit_and_its_reconstruction_follow_the_choice(shipped, mnist, fresh_st_caches):
    """Two training digits give their own original and reconstruction; without the data set, no original."""
    z = [tuple(map(float, shipped.latent["z_train"][i])) for i in (0, 1)]
    originals, recons = zip(*(digit_tiles.picked(shipped, "train", i, z[i], True, 140) for i in (0, 1)), strict=True)
    for i, uri in enumerate(originals):
        png = base64.b64decode(uri.split(",", 1)[1])
        assert uri.startswith("data:image/png;base64,") and np.array_equal(pixels(png, 5), mnist[0][0][i])
    assert recons[0] != recons[1]
    assert digit_tiles.picked(shipped, "train", 0, z[0], False, 140) == (None, recons[0])
