"""model/images/placement.py: the one preprocess -> encode -> nearest -> vote chain, and model/images/pixels.to_uint8."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.images.pixels import to_uint8
from model.images.placement import gaps, ink_check, place, vote
from model.images.preprocess import ImageError, preprocess


class FixedCodec:
    """A stand-in codec that puts every image at one latent point."""

    def __init__(self, z):
        self.z = np.asarray(z, np.float32)

    def encode(self, x):
        return np.tile(self.z, (len(x), 1))

    def decode(self, z):
        return np.zeros((len(z), 784), np.float32)


def grid_latent(n=40):
    """Training encodings on an n x n unit grid, labelled by column band (0-9)."""
    yy, xx = np.mgrid[0:n, 0:n]
    z = np.stack([xx.ravel(), yy.ravel()], 1).astype(np.float32)
    return {"z_train": z, "y_train": (xx.ravel() * 10 // n).astype(np.uint8)}


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def seven() -> bytes:
    img = Image.new("L", (100, 100), 255)
    ImageDraw.Draw(img).line([(20, 15), (80, 15), (40, 90)], fill=0, width=10)
    return png(img)


def test_place_on_a_grid_counts_votes_and_spacing():
    """Among the grid the point's 8 neighbours vote for their band, the spacing is 1 and it is not far."""
    p = place(FixedCodec([2.2, 20.1]), grid_latent(), seven(), k=8)
    assert p.majority == 0 and p.votes == 8 and p.k == 8 and len(p.idx) == 8
    assert np.all(np.diff(p.dist) >= 0) and p.labels.tolist() == [0] * 8
    assert p.spacing == pytest.approx(1.0) and not p.far and p.remoteness < 1
    assert p.image.shape == p.recon.shape == (28, 28) and p.inverted and p.steps and p.digit_like


def test_place_far_from_every_training_digit():
    """An encoding 100 grid steps outside the plane is flagged far, with its remoteness in grid steps."""
    p = place(FixedCodec([140.0, 20.0]), grid_latent(), seven(), k=8)
    assert p.far and p.remoteness == pytest.approx(101.0)


def test_place_accepts_a_preprocessed_result_and_matches_the_chain(shipped):
    """place() on bytes and on preprocess()'s Result give the encoding of the preprocessed image."""
    data = seven()
    a = place(shipped.codec, shipped.latent, data)
    b = place(shipped.codec, shipped.latent, preprocess(data))
    z = shipped.codec.encode(preprocess(data).image.reshape(1, 784))[0]
    assert np.allclose(a.z, z) and np.allclose(b.z, z) and a.idx.tolist() == b.idx.tolist()
    assert np.array_equal(a.prep.image, a.image)


def test_place_raises_image_error_only():
    """Bytes that are no image raise ImageError with a plain line."""
    with pytest.raises(ImageError, match="not an image"):
        place(FixedCodec([0, 0]), grid_latent(), b"hello")


def test_vote_tie_goes_to_the_nearer_group():
    """Two 3s and two 5s: the 5s win when they are nearer in total."""
    labels = np.array([3, 5, 5, 3])
    assert vote(labels, np.array([0.1, 0.2, 0.3, 0.9])) == (5, 2)
    assert vote(labels, np.array([0.1, 0.2, 0.3, 0.35])) == (3, 2)


def test_ink_check_flags_blobs_and_scatter():
    """A digit passes; a frame full of ink, almost no ink, and scattered dots each get a plain reason."""
    img = np.zeros((28, 28), np.float32)
    img[4:24, 12:15] = 1.0
    assert ink_check(img) == []
    assert "Invert" in ink_check(np.ones((28, 28), np.float32))[0]
    assert "little ink" in ink_check(np.pad(np.ones((2, 2), np.float32), 13))[0]
    dots = np.zeros((28, 28), np.float32)
    dots[::4, ::4] = 1.0
    assert "pieces" in ink_check(dots)[0]


def test_gaps_of_the_shipped_model(shipped):
    """Training encodings' typical nearest gap is small against the plane's extent, and the far line above it."""
    median, far = gaps(shipped.latent["z_train"])
    extent = np.ptp(shipped.latent["z_train"], axis=0).max()
    assert 0 < median < far < extent / 10


def test_to_uint8_rounds_and_clips():
    """0 -> 0, 1 -> 255, 0.5 -> 128, out-of-range values clipped, shape kept."""
    out = to_uint8(np.array([[-0.2, 0.0, 0.5, 1.0, 1.7]]))
    assert out.dtype == np.uint8 and out.tolist() == [[0, 0, 128, 255, 255]]
