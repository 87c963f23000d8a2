"""A selection's summary (model/plane/selection_summary.py) and its export rows (model/folders/export.py),
and Compare's view of it in a second model (place, together, selected_pair)."""

from __future__ import annotations

import csv
import io

import numpy as np

from model.folders.export import selected, selected_pair, table_csv, table_npz
from model.plane.selection import Box, members
from model.plane.selection_summary import GALLERY, mosaic, place, spread, summarise, together


class LinearCodec:
    """A stand-in decoder: the image is z1 everywhere except its first pixel, which is z2."""

    def decode(self, z):
        z = np.atleast_2d(np.asarray(z, np.float32))
        out = np.repeat(z[:, :1], 784, axis=1)
        out[:, 0] = z[:, 1]
        return out

    def decode_image(self, z1, z2):
        return self.decode([[z1, z2]])[0].reshape(28, 28)


def data(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.uniform(0, 1, (n, 2)).astype(np.float32)
    labels = rng.integers(0, 10, n)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    return z, labels, images


def test_counts_and_centroid():
    """The histogram counts each class of the selected digits; the centroid is their mean and its decoded digit."""
    z, labels, images = data()
    mask = members(z, [Box(0, 0.5, 0, 0.5)])
    s = summarise(z, labels, mask, LinearCodec(), 10, images=images)
    assert s.count == mask.sum() == s.counts.sum()
    np.testing.assert_array_equal(s.counts, np.bincount(labels[mask], minlength=10))
    np.testing.assert_allclose(s.centroid, z[mask].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(s.centroid_image[0, 1], s.centroid[0], rtol=1e-6)


def test_gallery_originals_or_decoded():
    """With the data set the gallery holds the selected originals; without it, their decoded encodings."""
    z, labels, images = data()
    mask = members(z, [Box(0, 0.5, 0, 0.5)])
    s = summarise(z, labels, mask, LinearCodec(), 10, images=images)
    assert s.originals and len(s.shown) == GALLERY and set(s.shown) <= set(np.flatnonzero(mask))
    np.testing.assert_array_equal(s.gallery, images[s.shown] / np.float32(255))
    d = summarise(z, labels, mask, LinearCodec(), 10, images=None)
    assert not d.originals
    np.testing.assert_allclose(d.gallery[:, 0, 1], z[d.shown, 0])


def test_small_and_empty_selections():
    """A selection under the gallery's size shows every digit; an empty one has no summary."""
    z, labels, _ = data(50)
    assert summarise(z, labels, np.zeros(50, bool), LinearCodec(), 10) is None
    mask = np.zeros(50, bool)
    mask[[3, 7]] = True
    s = summarise(z, labels, mask, LinearCodec(), 10)
    assert s.shown.tolist() == [3, 7] and s.gallery.shape == (2, 28, 28)


def test_spread_is_even_and_stable():
    """The gallery sample runs from the first selected digit to the last, evenly, the same each time."""
    idx = np.arange(0, 10_000, 3)
    a = spread(idx, 100)
    assert len(a) == 100 and a[0] == 0 and a[-1] == idx[-1] and (np.diff(a) > 0).all()
    assert (a == spread(idx, 100)).all()


def test_mosaic_places_tiles():
    """Tile i sits at row i // 10, column i % 10, with grey gaps between."""
    tiles = np.stack([np.full((28, 28), i / 20, np.float32) for i in range(13)])
    m = mosaic(tiles)
    assert m.shape == (2 * 30 - 2, 10 * 30 - 2)
    assert m[30 + 5, 2 * 30 + 5] == np.float32(12 / 20)
    assert m[28, 0] == 0.5 and m[30:, 3 * 30 :].max() == 0.5  # a gap, and the empty end of row 2


def test_export_rows_are_the_selection():
    """Download selection: one CSV/NPZ row per selected digit with its index, label, z1 and z2."""
    z, labels, _ = data()
    latent = {"z_train": z, "y_train": labels.astype(np.uint8)}
    idx = np.flatnonzero(members(z, [Box(0.2, 0.3, 0, 1)]))
    rows = list(csv.DictReader(io.StringIO(table_csv(selected(latent, idx)).decode())))
    assert list(rows[0]) == ["index", "label", "z1", "z2"] and len(rows) == len(idx)
    assert [int(r["index"]) for r in rows] == idx.tolist()
    assert [int(r["label"]) for r in rows] == labels[idx].tolist()
    np.testing.assert_allclose([[float(r["z1"]), float(r["z2"])] for r in rows], z[idx], rtol=1e-6)
    with np.load(io.BytesIO(table_npz(selected(latent, idx))), allow_pickle=False) as f:
        assert sorted(f.files) == ["index", "label", "z1", "z2"]
        assert f["index"].tolist() == idx.tolist()
        np.testing.assert_array_equal(np.c_[f["z1"], f["z2"]], z[idx])


def test_together_is_one_for_a_cluster_and_chance_when_shuffled():
    """A selection that is a region of the plane keeps its neighbours (near 1); the same digits placed at
    random in another plane have about the chance share of selected neighbours."""
    z, labels, _ = data(4000)
    mask = members(z, [Box(0, 0.3, 0, 0.3)])
    assert together(z, mask) > 0.85
    shuffled = z[np.random.default_rng(1).permutation(len(z))]  # another "model": the same digits, anywhere
    assert abs(together(shuffled, mask) - mask.mean()) < 0.03
    p = place(shuffled, mask, LinearCodec())
    np.testing.assert_allclose(p.centroid, shuffled[mask].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(p.image[0, 1], p.centroid[0], rtol=1e-6)


def test_pair_rows_hold_both_models_encodings():
    """Compare's download: one row per selected digit with its index, label and its z1, z2 in each model."""
    z, labels, _ = data()
    a = {"z_train": z, "y_train": labels.astype(np.uint8)}
    b = {"z_train": z[::-1].copy() * 3, "y_train": labels.astype(np.uint8)}
    idx = np.flatnonzero(members(z, [Box(0.2, 0.3, 0, 1)]))
    rows = list(csv.DictReader(io.StringIO(table_csv(selected_pair(a, b, idx)).decode())))
    assert list(rows[0]) == ["index", "label", "a_z1", "a_z2", "b_z1", "b_z2"] and len(rows) == len(idx)
    assert [int(r["index"]) for r in rows] == idx.tolist()
    assert [int(r["label"]) for r in rows] == labels[idx].tolist()
    np.testing.assert_allclose([[float(r["a_z1"]), float(r["a_z2"])] for r in rows], a["z_train"][idx], rtol=1e-6)
    np.testing.assert_allclose([[float(r["b_z1"]), float(r["b_z2"])] for r in rows], b["z_train"][idx], rtol=1e-6)
