"""Figures of merit for a 2-D latent plane, NumPy and SciPy (no Keras).

from model.plane.metrics import knn_accuracy
knn_accuracy(z_train, y_train, z_test, y_test, k=5)   # 0.0 .. 1.0
"""

from __future__ import annotations

import numpy as np

from model.plane.neighbors import nearest_indices


def knn_accuracy(z_train, y_train, z_test, y_test, k=5):
    """Fraction of test encodings whose k nearest training encodings vote for their own label.

    z_train (N, 2), y_train (N,), z_test (M, 2), y_test (M,). A tie between labels goes to the
    tied label that owns the nearest neighbour (neighbours as model.plane.neighbors finds them).
    """
    y_train, y_test = np.asarray(y_train).astype(np.int64), np.asarray(y_test).astype(np.int64)
    if len(z_test) == 0 or len(z_train) == 0 or k < 1:
        raise ValueError("knn_accuracy needs k >= 1 and at least one training and one test encoding")
    k = int(min(k, len(z_train)))
    idx = nearest_indices(z_train, z_test, k)  # (M, k), nearest first
    labels, rows = y_train[idx], np.arange(len(idx))[:, None]
    n_labels = int(max(y_train.max(), y_test.max())) + 1
    counts = np.zeros((len(idx), n_labels), dtype=np.int64)
    np.add.at(counts, (rows, labels), 1)
    first = np.full((len(idx), n_labels), k, dtype=np.int64)  # rank of each label's nearest neighbour
    np.minimum.at(first, (rows, labels), np.arange(k)[None, :])
    pred = (counts * (k + 1) + (k - first)).argmax(1)  # most votes, then the nearest neighbour
    return float((pred == y_test).mean())
