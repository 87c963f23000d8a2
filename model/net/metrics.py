"""Figures of merit for a 2-D latent plane, pure NumPy (no Keras).

from model.net.metrics import knn_accuracy
knn_accuracy(z_train, y_train, z_test, y_test, k=5)   # 0.0 .. 1.0
"""

from __future__ import annotations

import numpy as np


def nearest_indices(z_train, z_query, k: int = 5, block: int = 2048, window: int = 256) -> np.ndarray:
    """(M, k) indices of the k nearest training encodings (Euclidean) of each query, nearest first.

    Exact. The training points are sorted on the first coordinate; each query first looks at the
    2 x `window` points nearest to it in that order. That is exact when they reach beyond the k-th
    distance r on both sides; otherwise the query looks again at every point whose first coordinate
    is within r of its own (a strip that holds the true k nearest). Memory: block x 2 x window floats.
    """
    z_train = np.asarray(z_train, dtype=np.float64)
    z_query = np.asarray(z_query, dtype=np.float64)
    n = len(z_train)
    order = np.argsort(z_train[:, 0], kind="stable")
    zs, xs = z_train[order], z_train[order, 0]  # sorted copy and its first coordinate
    w = min(window, n // 2 + 1)
    out = np.empty((len(z_query), k), dtype=np.int64)
    for i in range(0, len(z_query), block):
        q = z_query[i : i + block]  # (b, 2)
        lo = np.clip(np.searchsorted(xs, q[:, 0]) - w, 0, max(n - 2 * w, 0))  # (b,)
        cand = lo[:, None] + np.arange(min(2 * w, n))[None, :]  # (b, W) positions in sorted order
        d2 = ((zs[cand] - q[:, None, :]) ** 2).sum(-1)  # (b, W)
        part = np.argpartition(d2, k - 1, axis=1)[:, :k] if k < d2.shape[1] else np.tile(np.arange(k), (len(q), 1))
        part = np.take_along_axis(part, np.argsort(np.take_along_axis(d2, part, 1), 1, kind="stable"), 1)
        r = np.sqrt(np.take_along_axis(d2, part[:, -1:], 1))[:, 0]  # k-th distance within the window
        first, last = xs[cand[:, 0]], xs[cand[:, -1]]
        ok = ((cand[:, 0] == 0) | (first <= q[:, 0] - r)) & ((cand[:, -1] == n - 1) | (last >= q[:, 0] + r))
        best = order[np.take_along_axis(cand, part, 1)]
        for j in np.flatnonzero(~ok):  # the window may miss a nearer point: search the whole strip
            a, b = np.searchsorted(xs, q[j, 0] - r[j], "left"), np.searchsorted(xs, q[j, 0] + r[j], "right")
            d = ((zs[a:b] - q[j]) ** 2).sum(1)
            top = np.argpartition(d, k - 1)[:k] if k < len(d) else np.arange(len(d))
            best[j] = order[a + top[np.argsort(d[top], kind="stable")]]
        out[i : i + block] = best
    return out


def knn_accuracy(z_train, y_train, z_test, y_test, k=5):
    """Fraction of test encodings whose k nearest training encodings vote for their own label.

    z_train (N, 2), y_train (N,), z_test (M, 2), y_test (M,). A tie between labels goes to the
    tied label that owns the nearest neighbour. Vectorised in blocks (see nearest_indices).
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
