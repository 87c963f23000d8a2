"""knn_accuracy: exact k-nearest-neighbour label accuracy of a 2-D plane."""

from __future__ import annotations

import numpy as np
import pytest

from model.plane.metrics import knn_accuracy


def brute_knn(z_train, y_train, z_test, y_test, k):
    """The definition, one test point at a time (ties to the label of the nearest neighbour)."""
    hits = 0
    for z, y in zip(z_test, y_test, strict=True):
        idx = np.argsort(((z_train - z) ** 2).sum(1), kind="stable")[:k]
        labels = y_train[idx]
        counts = np.bincount(labels, minlength=10)
        tied = np.flatnonzero(counts == counts.max())
        pred = next(lab for lab in labels if lab in tied)
        hits += pred == y
    return hits / len(z_test)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_the_definition_on_clustered_planes(seed):
    """On overlapping clusters (dense strips, many window misses) it equals a brute-force count."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (10, 2))
    y_train, y_test = rng.integers(0, 10, 3000), rng.integers(0, 10, 400)
    z_train = (centres[y_train] + rng.normal(0, 2, (3000, 2))).astype(np.float32)
    z_test = (centres[y_test] + rng.normal(0, 2, (400, 2))).astype(np.float32)
    z_train[:500, 0] = 0.25  # a vertical line: a thousand points share one z1
    for k in (1, 5, 8):
        assert knn_accuracy(z_train, y_train, z_test, y_test, k=k) == pytest.approx(
            brute_knn(z_train, y_train, z_test, y_test, k)
        )


def test_perfect_and_hopeless_planes():
    """Well-separated labels score 1.0; labels shuffled against the plane score near chance."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 200)
    z = np.c_[y * 100.0, np.zeros_like(y)] + rng.normal(0, 1, (2000, 2))
    assert knn_accuracy(z, y, z[::7], y[::7]) == 1.0
    assert knn_accuracy(z, rng.permutation(y), z[::7], y[::7], k=5) < 0.25


def test_small_sets_and_bad_arguments():
    """k larger than the training set uses all of it; an empty set or k < 1 is a ValueError."""
    z = np.array([[0.0, 0], [1, 0], [2, 0]])
    assert knn_accuracy(z, np.array([1, 1, 2]), np.array([[2.0, 0]]), np.array([1]), k=5) == 1.0
    with pytest.raises(ValueError):
        knn_accuracy(z, np.array([1, 1, 2]), np.zeros((0, 2)), np.zeros(0, int))
    with pytest.raises(ValueError):
        knn_accuracy(z, np.array([1, 1, 2]), z, np.array([1, 1, 2]), k=0)
