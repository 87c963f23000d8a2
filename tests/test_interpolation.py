"""Interpolation downloads: k frames along the straight path (the ends decode A and B), and a looping GIF."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from ui.plane.explore import gif_bytes, interp_frames


def test_interp_frames_run_from_a_to_b(shipped):
    """k = 7 frames; the first and last are the decodes of A and B, the middle one of their midpoint."""
    a, b = (-20.0, 5.0), (10.0, -30.0)
    frames = interp_frames(shipped.codec, a, b, 7)
    assert frames.shape == (7, 28, 28)
    # atol 1e-5: a batch of 7 and a single row take different float32 summation orders in BLAS
    np.testing.assert_allclose(frames[0], shipped.codec.decode_image(*a), atol=1e-5)
    np.testing.assert_allclose(frames[-1], shipped.codec.decode_image(*b), atol=1e-5)
    np.testing.assert_allclose(frames[3], shipped.codec.decode_image(-5.0, -12.5), atol=1e-5)


def test_gif_loops_forth_and_back(shipped):
    """The GIF has the k frames and the way back (2k - 2), scaled 4x, looping forever."""
    frames = interp_frames(shipped.codec, (0, 0), (20, 20), 5)
    im = Image.open(io.BytesIO(gif_bytes(frames)))
    assert im.format == "GIF" and im.size == (112, 112) and im.n_frames == 8 and im.info.get("loop") == 0
