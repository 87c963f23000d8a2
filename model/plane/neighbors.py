"""Nearest training encodings in a 2-D latent plane: the one owner, on scipy's k-d tree.

    from model.plane.neighbors import nearest, nearest_indices
    idx, dist = nearest(z_train, z, k=8)           # one point z (2,): (k,) indices and distances
    idx = nearest_indices(z_train, z_query, k=5)   # (M, k) indices, for M points at once

Exact, Euclidean, nearest first; equal distances go to the lower training index, so the k-NN
figure of merit, Explore's ringed digits and an upload's neighbours all agree. k larger than
the training set gives all of it. A k-d tree costs far more to build than to query, so trees are
kept per array content (hashing the points is cheap; docs/performance.md), and a read-only array's
hash is kept per array, so a query on a loaded model's encodings hashes nothing. A tie at the k-th
place (a plane of many equal encodings) is settled among the points within that distance.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict

import numpy as np
from scipy.spatial import cKDTree

KEEP = 8  # trees kept: one per model's z_train, and a few tests' arrays
_TREES: OrderedDict[bytes, cKDTree] = OrderedDict()
_LOCK = threading.Lock()  # Streamlit serves each session from its own thread
_KEYS: dict[int, tuple[weakref.ref, bytes]] = {}  # id -> (the array, its content_key), frozen arrays only


def content_key(a: np.ndarray) -> bytes:
    """A digest of an array's shape, dtype and bytes: equal arrays share one cache entry. Kept per array
    for one whose bytes cannot change (read-only, owning its data: a loaded model's encodings), so a
    rerun's query does not hash all N points again."""
    a = np.asarray(a)
    frozen = not a.flags.writeable and a.base is None
    if frozen:
        with _LOCK:
            hit = _KEYS.get(id(a))
        if hit is not None and hit[0]() is a:
            return hit[1]
    c = np.ascontiguousarray(a)
    h = hashlib.blake2b(f"{c.shape}{c.dtype}".encode(), digest_size=16)
    h.update(c.view(np.uint8).reshape(-1))
    key = h.digest()
    if frozen:
        with _LOCK:
            _KEYS[id(a)] = (weakref.ref(a, lambda _, i=id(a): _KEYS.pop(i, None)), key)
    return key


def tree(z_train) -> cKDTree:
    """The k-d tree of the (N, 2) training encodings, built once per content (finite values only)."""
    z_train = np.asarray(z_train)
    key = content_key(z_train)
    with _LOCK:
        hit = _TREES.get(key)
        if hit is not None:
            _TREES.move_to_end(key)
            return hit
    built = cKDTree(np.asarray(z_train, dtype=np.float64))  # outside the lock: the build is the slow part
    with _LOCK:
        _TREES[key] = built
        while len(_TREES) > KEEP:
            _TREES.popitem(last=False)
    return built


def _exact_row(
    points: np.ndarray, q: np.ndarray, k: int, cand: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest of one query by (distance, index), distances by hypot (no overflow far out); among
    the indices `cand` (every point within the k-th distance) or, without them, all N points."""
    if cand is None:
        d = np.hypot(points[:, 0] - q[0], points[:, 1] - q[1])
        # Only points within the k-th distance can be among the k: a partition, then a sort of those alone.
        cand = np.flatnonzero(d <= np.partition(d, k - 1)[k - 1]) if k < len(d) else np.arange(len(d))
        if len(cand) < k:  # NaN distances (a query that is not finite): sort them all
            cand = np.arange(len(d))
        d = d[cand]
    else:
        d = np.hypot(points[cand, 0] - q[0], points[cand, 1] - q[1])
    order = np.lexsort((cand, d))[:k]
    return cand[order], d[order]


def _tied(t: cKDTree, q: np.ndarray, r: float, k: int) -> np.ndarray | None:
    """Every training index within distance r of q (r: the tree's k-th distance, a hair wider so no
    rounding drops one), or None where that cannot hold the k (then all N are looked at)."""
    cand = np.asarray(t.query_ball_point(q, r * (1 + 1e-9) + 1e-300), np.int64)
    return cand if len(cand) >= k else None


def neighbors(z_train, z_query, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(M, k) indices and (M, k) distances of each query's k nearest training encodings, nearest first."""
    t = tree(z_train)
    q = np.asarray(z_query, dtype=np.float64).reshape(-1, 2)
    k = max(0, min(int(k), t.n))
    if k == 0 or len(q) == 0:
        return np.zeros((len(q), k), np.int64), np.zeros((len(q), k))
    ok = np.isfinite(q).all(1)
    extra = int(t.n > k)  # one more neighbour shows whether a tie straddles the k-th place
    dist, idx = np.full((len(q), k + extra), np.inf), np.full((len(q), k + extra), t.n, np.int64)
    if ok.any():
        d, i = t.query(q[ok], k=k + extra)
        dist[ok], idx[ok] = d.reshape(-1, k + extra), i.reshape(-1, k + extra)
    # Exact where the tree cannot decide: a tie at the k-th place (the points within that distance, a
    # ball query: a plane with many equal encodings has many ties), or, by brute force over all N, a query
    # that is not finite or so far out that squared distances overflow (the tree answers inf and index N).
    redo = (idx[:, k - 1] == t.n) | ((extra == 1) & (dist[:, -1] == dist[:, k - 1]))
    dist, idx = dist[:, :k], idx[:, :k]
    rows = np.flatnonzero(redo)
    if len(rows):  # queries at one point share an answer (a plane with many equal encodings has many)
        points, which = np.unique(q[rows], axis=0, return_inverse=True)
        for u, point in enumerate(points):
            same = rows[which.reshape(-1) == u]
            r = dist[same[0], k - 1]  # a tie at the k-th place: only the points within it can be among the k
            cand = _tied(t, point, float(r), k) if np.isfinite(r) and np.isfinite(point).all() else None
            idx[same], dist[same] = _exact_row(t.data, point, k, cand)
    order = np.lexsort((idx, dist))  # ties within the k: lower index first
    return np.take_along_axis(idx, order, 1), np.take_along_axis(dist, order, 1)


def nearest_indices(z_train, z_query, k: int = 5) -> np.ndarray:
    """(M, k) indices of the k training encodings nearest to each of the M query points, nearest first."""
    return neighbors(z_train, z_query, k)[0]


def nearest(z_train, z, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(k,) indices and (k,) Euclidean distances of the training encodings nearest to one point z (2,)."""
    idx, dist = neighbors(z_train, np.reshape(z, (1, 2)), k)
    return idx[0], dist[0]
