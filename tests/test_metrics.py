"""model/metrics.py: the k-NN label accuracy in the latent plane."""

from __future__ import annotations

import numpy as np

from model.metrics import knn_accuracy


def brute(z_train, y_train, z_test, y_test, k):
    right = 0
    for z, y in zip(z_test, y_test, strict=True):
        nn = np.argsort(((z_train - z) ** 2).sum(1), kind="stable")[:k]
        right += np.bincount(y_train[nn], minlength=10).argmax() == y
    return right / len(z_test)


def test_separated_classes_score_one_and_shuffled_labels_score_near_chance():
    """Well-separated clusters give 1.0; labels unrelated to position give about 1 / classes."""
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 100, (10, 2))
    y = rng.integers(0, 10, 3000)
    z = centres[y] + rng.normal(0, 1, (3000, 2))
    assert knn_accuracy(z[:2000], y[:2000], z[2000:], y[2000:], k=5) == 1.0
    shuffled = rng.permutation(y)
    assert 0.03 < knn_accuracy(z[:2000], shuffled[:2000], z[2000:], shuffled[2000:], k=5) < 0.2


def test_matches_a_brute_force_vote_across_blocks():
    """Equals a plain per-point sort and vote, with more test points than one block."""
    rng = np.random.default_rng(1)
    z_train, y_train = rng.normal(0, 1, (3000, 2)).astype(np.float32), rng.integers(0, 10, 3000)
    z_test, y_test = rng.normal(0, 1, (1100, 2)).astype(np.float32), rng.integers(0, 10, 1100)
    z_test[:, 0] += y_test * 0.3  # some signal
    z_train[:, 0] += y_train * 0.3
    assert knn_accuracy(z_train, y_train, z_test, y_test, k=5) == brute(z_train, y_train, z_test, y_test, 5)


def test_shipped_model_plane_accuracy(shipped):
    """The shipped model's 5-NN accuracy on its test encodings is in the measured range (about 0.76)."""
    lat = shipped.latent
    assert 0.7 < knn_accuracy(lat["z_train"], lat["y_train"], lat["z_test"], lat["y_test"], k=5) < 0.85
