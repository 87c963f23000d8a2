"""model.plane.neighbors, the one nearest-neighbour owner: exact, nearest first, ties to the lower index."""

from __future__ import annotations

import numpy as np
import pytest

from model.images import placement
from model.plane import neighbors
from model.plane.neighbors import nearest, nearest_indices


def brute(z_train, z, k):
    """The definition: float64 distances, ordered by (distance, index)."""
    d = np.linalg.norm(np.asarray(z_train, np.float64) - np.asarray(z, np.float64), axis=1)
    idx = np.lexsort((np.arange(len(d)), d))[:k]
    return idx, d[idx]


def test_nearest_matches_brute_force():
    """nearest() returns the k closest training points, closest first, with their distances."""
    rng = np.random.default_rng(0)
    z_train = rng.normal(size=(5000, 2)).astype(np.float32)
    for z in ([0.0, 0.0], [2.5, -1.0], [100.0, 100.0]):
        idx, dist = nearest(z_train, np.array(z, np.float32), k=7)
        want_idx, want_dist = brute(z_train, z, 7)
        np.testing.assert_array_equal(idx, want_idx)
        np.testing.assert_allclose(dist, want_dist, rtol=1e-12)


def test_nearest_small_sets_and_ties():
    """k larger than the set returns every point; equal distances keep index order."""
    z_train = np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [3, 3]], dtype=np.float32)
    idx, dist = nearest(z_train, np.zeros(2, np.float32), k=10)
    assert list(idx) == [0, 1, 2, 3, 4] and np.allclose(dist[:4], 1.0)


def test_a_tie_at_the_kth_place_goes_to_the_lower_index():
    """Of 50 copies of one point, the 3 nearest are always the first 3 copies, as the definition says."""
    rng = np.random.default_rng(1)
    z_train = rng.normal(0, 5, (2000, 2))
    copies = rng.choice(np.arange(100, 2000), 50, replace=False)
    z_train[copies] = [0.5, 0.5]
    idx, dist = nearest(z_train, [0.5, 0.5], k=3)
    assert list(idx) == sorted(copies)[:3] and (dist == 0).all()
    many = nearest_indices(z_train, np.tile([0.5, 0.5], (4, 1)), k=3)
    assert (many == sorted(copies)[:3]).all()


def test_ties_on_a_plane_of_copies_match_the_definition():
    """A plane where most encodings have equal copies (a generated set): every query's k nearest are the
    definition's, ties at the k-th place included, for points on the copies and between them."""
    rng = np.random.default_rng(2)
    z_train = np.round(rng.normal(0, 2, (6000, 2)), 1).astype(np.float32)  # ~1 in 3 points has a copy
    queries = np.vstack([z_train[rng.choice(6000, 40)], rng.normal(0, 2, (20, 2)), [[0.05, 0.05]]])
    for k in (1, 5, 51):
        got = nearest_indices(z_train, queries, k)
        for q, row in zip(queries, got, strict=True):
            np.testing.assert_array_equal(row, brute(z_train, q, k)[0])


def test_content_key_follows_the_bytes():
    """An array changed in place gets a new key; a read-only one keeps its key (held per array) while it lives."""
    z = np.arange(20, dtype=np.float32).reshape(10, 2).copy()  # owns its data
    before = neighbors.content_key(z)
    z[3] = [-1, -1]
    assert neighbors.content_key(z) != before
    z.setflags(write=False)
    assert neighbors.content_key(z) == neighbors.content_key(z.copy())
    assert neighbors._KEYS[id(z)][1] == neighbors.content_key(z)
    gone = id(z)
    del z
    assert gone not in neighbors._KEYS


def test_nearest_is_sorted_for_large_k():
    """k = 1000 of 60,000 points: the 1000 nearest, in ascending distance."""
    rng = np.random.default_rng(0)
    z_train = rng.normal(size=(60_000, 2)).astype(np.float32)
    idx, dist = nearest(z_train, np.zeros(2, np.float32), 1000)
    assert len(idx) == 1000 and (np.diff(dist) >= 0).all()
    np.testing.assert_allclose(dist, brute(z_train, [0, 0], 1000)[1], rtol=1e-12)


def test_nearest_indices_are_the_true_neighbours():
    """The neighbours found are the k nearest, nearest first, for queries inside and far outside the plane."""
    rng = np.random.default_rng(5)
    z_train = rng.normal(0, 1, (5000, 2)) * [10, 0.1]
    queries = np.vstack([rng.normal(0, 1, (300, 2)), [[1e4, 0], [-1e4, 3], [0, 1e4]]])
    got = nearest_indices(z_train, queries, k=5)
    for q, row in zip(queries, got, strict=True):
        np.testing.assert_array_equal(row, brute(z_train, q, 5)[0])


@pytest.mark.parametrize("z", [[1e200, 1e200], [np.nan, 0.0], [np.inf, -np.inf]])
def test_far_or_broken_queries_give_valid_indices(z):
    """Squared distances that overflow, NaN or inf: real training indices back, never a crash or index N."""
    z_train = np.random.default_rng(2).normal(size=(500, 2))
    idx, dist = nearest(z_train, z, k=4)
    assert len(idx) == 4 and ((0 <= idx) & (idx < 500)).all()
    if np.isfinite(z).all():
        np.testing.assert_array_equal(idx, brute(z_train / 1e100, np.divide(z, 1e100), 4)[0])


def test_trees_are_kept_per_content_and_bounded():
    """An equal array reuses its tree; a different one builds another; the cache keeps at most KEEP."""
    rng = np.random.default_rng(3)
    a = rng.normal(size=(300, 2))
    assert neighbors.tree(a) is neighbors.tree(a.copy())
    assert neighbors.tree(a) is not neighbors.tree(a + 1)
    for i in range(neighbors.KEEP + 3):
        neighbors.tree(a + i)
    assert len(neighbors._TREES) <= neighbors.KEEP


class ClearedByAnotherSession(dict):
    """A gaps cache that another session clears the moment this one has stored its entry."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.clear()


def test_gaps_survives_a_clear_between_store_and_return(monkeypatch):
    """gaps() answers even when another thread empties its cache right after the store (no KeyError)."""
    plane = np.random.default_rng(4).normal(size=(50, 2))
    want = placement.gaps(plane)
    monkeypatch.setattr(placement, "_GAPS", ClearedByAnotherSession())
    assert placement.gaps(plane) == want
