"""model/images/tiles.py: the plane's original digits in spatial blocks, each written once as a PNG atlas."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model.images.atlas import unpack_block
from model.images.tiles import MANIFEST, blocks, boxes, tileset_key, write_tileset


def check_partition(z, groups, size):
    """Every index in exactly one block, each block 1..size digits, each block's box holding its points."""
    flat = np.concatenate(groups) if groups else np.zeros(0, int)
    assert sorted(flat.tolist()) == list(range(len(z)))
    assert all(1 <= len(g) <= size for g in groups)
    z32 = np.asarray(z, np.float32)
    for g, (x0, x1, y0, y1) in zip(groups, boxes(z, groups), strict=True):
        p = z32[g]
        assert (p[:, 0] >= x0).all() and (p[:, 0] <= x1).all() and (p[:, 1] >= y0).all() and (p[:, 1] <= y1).all()


@pytest.mark.parametrize("n", [1, 2, 255, 256, 257, 1000, 5000])
def test_every_digit_in_exactly_one_block_inside_its_box(n):
    """Random encodings of any count: a partition into blocks of at most 256 whose boxes hold their points."""
    z = np.random.default_rng(n).normal(size=(n, 2)) * [3, 1]
    groups = blocks(z)
    check_partition(z, groups, 256)
    assert len(groups) == max(1, 2 ** int(np.ceil(np.log2(n / 256))) if n > 256 else 1)  # halves of equal count


def test_blocks_are_spatial_a_view_meets_few_of_them():
    """A small square of a dense cloud meets few blocks (not all of them, as a random grouping would)."""
    z = np.random.default_rng(1).normal(size=(60_000, 2))
    groups = blocks(z)
    box = boxes(z, groups)
    meets = (box[:, 0] <= 0.1) & (box[:, 1] >= -0.1) & (box[:, 2] <= 0.1) & (box[:, 3] >= -0.1)
    assert len(groups) == 256 and meets.sum() <= 8


def test_duplicates_and_empty_input():
    """All points at one spot still split into full blocks; no points give no blocks; junk is refused."""
    z = np.zeros((1000, 2))
    groups = blocks(z, 100)
    check_partition(z, groups, 100)
    assert [len(g) for g in groups] == [62, 63] * 8  # halves by index when every coordinate ties
    assert blocks(np.zeros((0, 2))) == []
    assert boxes(np.zeros((0, 2)), []).shape == (0, 4)
    for bad in (np.zeros((3, 3)), np.array([[0.0, np.nan]]), np.array([[np.inf, 0.0]]), np.zeros(4), [["a", "b"]]):
        with pytest.raises(ValueError):
            blocks(bad)
    with pytest.raises(ValueError):
        blocks(np.zeros((3, 2)), 0)


def test_boxes_hold_their_float32_points_exactly():
    """Box edges are the float32 encodings as exact doubles: the point on an edge compares inside it after JSON."""
    z = np.random.default_rng(2).normal(size=(600, 2)) / 3  # float64 values that float32 rounds
    groups = blocks(z)
    for g, b in zip(groups, json.loads(json.dumps(boxes(z, groups).tolist())), strict=True):
        p = np.asarray(z, np.float32)[g].astype(np.float64)
        assert p[:, 0].min() == b[0] and p[:, 0].max() == b[1] and p[:, 1].min() == b[2] and p[:, 1].max() == b[3]


def test_written_tile_set_holds_every_digit_pixel_for_pixel(tmp_path):
    """The files on disk: a manifest of boxes, and blocks whose PNG pixels are the data set's digits at their indices."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (700, 28, 28), dtype=np.uint8)
    z = rng.normal(size=(600, 2))  # a model of the first 600 digits
    path = write_tileset(tmp_path / "t", x, z, size=100)
    m = json.loads(path.read_bytes())
    assert path.name == MANIFEST and m["v"] == 1 and m["n"] == 600 and m["size"] == 100 and len(m["blocks"]) == 8
    seen = []
    for k, (x0, x1, y0, y1) in enumerate(m["blocks"]):
        indices, tiles = unpack_block((tmp_path / "t" / f"{k}.bin").read_bytes())
        assert (tiles == x[indices]).all()
        p = np.asarray(z, np.float32)[indices]
        assert (p[:, 0] >= x0).all() and (p[:, 0] <= x1).all() and (p[:, 1] >= y0).all() and (p[:, 1] <= y1).all()
        seen += indices
    assert sorted(seen) == list(range(600))
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted([MANIFEST] + [f"{k}.bin" for k in range(8)])


def test_one_point_and_no_points_write_a_valid_set(tmp_path):
    """A single encoding gives one block of one digit; none gives a manifest with no blocks."""
    x = np.full((3, 28, 28), 9, np.uint8)
    m = json.loads(write_tileset(tmp_path / "one", x, [[0.5, -2.0]]).read_bytes())
    assert m["blocks"] == [[0.5, 0.5, -2.0, -2.0]]
    indices, tiles = unpack_block((tmp_path / "one" / "0.bin").read_bytes())
    assert indices == [0] and (tiles == 9).all()
    assert json.loads(write_tileset(tmp_path / "none", x, np.zeros((0, 2))).read_bytes())["blocks"] == []


def test_digits_that_do_not_fit_are_refused(tmp_path):
    """Fewer digits than encodings, or digits not 28 x 28 bytes: a ValueError, and nothing is written."""
    z = np.zeros((5, 2))
    for x in (np.zeros((4, 28, 28), np.uint8), np.zeros((5, 28, 27), np.uint8), np.zeros((5, 28, 28), np.float32)):
        with pytest.raises(ValueError):
            write_tileset(tmp_path / "t", x, z)
        with pytest.raises(ValueError):
            tileset_key(z, x)
    assert not (tmp_path / "t").exists()


def test_key_follows_the_encodings_and_the_digits():
    """The tile set's name changes when an encoding, a sampled digit or the block size changes."""
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, (2000, 28, 28), dtype=np.uint8)
    z = rng.normal(size=(2000, 2))
    key = tileset_key(z, x)
    assert tileset_key(z.copy(), x.copy()) == key and len(key) == 16
    z2 = z.copy()
    z2[1234, 0] += 1
    x2 = x.copy()
    x2[0, 5, 5] ^= 1
    assert tileset_key(z2, x) != key and tileset_key(z, x2) != key
    assert tileset_key(z, x, size=128) != key
