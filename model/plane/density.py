"""Reading the plane: where each class is densest, and the most crowded mixed window.

Pure NumPy and SciPy (no Streamlit, no Plotly). The live plane gets peaks() in its
payload (model/net/export_weights.py); bench/plane_reading.py and the e2e tests use mixed_window() and tvd().

    peaks(z, y, 10)                 # (10, 2): each class's densest spot (smoothed 2-D histogram mode)
    mixed_window(z, y, view)        # ((x0, x1), (y0, y1)): the fullest window where three classes mix
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

from model.plane.views import Box, core_box


def peaks(z: np.ndarray, y: np.ndarray, n_classes: int, bins: int = 64, sigma: float = 1.5) -> np.ndarray:
    """(n_classes, 2) float: each class's densest spot of its own; NaN for a class with no points.

    Over the plane's core box, each class's 2-D histogram (bins x bins) is smoothed by a Gaussian of
    `sigma` bins (a lone clump of a few points cannot win); the spot is the bin centre maximising the
    class's density times its share of all points there. Plain density would put several classes'
    labels on one spot of a shared knot, and the centroid falls in that knot too; weighting by the
    share moves each label to where its class is both dense and in the majority.
    """
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y)
    (x0, x1), (y0, y1) = core_box(z)
    out = np.full((n_classes, 2), np.nan)
    edges = np.linspace(x0, x1, bins + 1), np.linspace(y0, y1, bins + 1)
    dens = np.zeros((n_classes, bins, bins))  # per class, smoothed counts; axis 1 is z1, axis 2 is z2
    for c in range(n_classes):
        pts = z[y == c]
        dens[c] = gaussian_filter(np.histogram2d(pts[:, 0], pts[:, 1], bins=edges)[0], sigma, mode="constant")
    total = dens.sum(axis=0) + 1e-9
    mid = (edges[0][:-1] + edges[0][1:]) / 2, (edges[1][:-1] + edges[1][1:]) / 2
    for c in range(n_classes):
        pts = z[y == c]
        if not len(pts):
            continue
        if dens[c].max() <= 0:  # the whole class lies outside the core box: its median is as good as any
            out[c] = np.median(pts, axis=0)
            continue
        i, j = np.unravel_index(np.argmax(dens[c] * dens[c] / total), total.shape)
        out[c] = (mid[0][i], mid[1][j])
    return out


def mixed_window(
    z: np.ndarray, y: np.ndarray, view: Box, cells: int = 6, min_classes: int = 3, share: float = 0.1
) -> Box:
    """The window of a cells x cells grid over `view` holding the most points among those where at
    least `min_classes` classes each have `share` of the window's points (else the fullest window)."""
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    (x0, x1), (y0, y1) = view
    cx = np.floor((z[:, 0] - x0) / (x1 - x0) * cells).astype(np.int64)
    cy = np.floor((z[:, 1] - y0) / (y1 - y0) * cells).astype(np.int64)
    ok = (cx >= 0) & (cx < cells) & (cy >= 0) & (cy < cells)
    cell = cx[ok] * cells + cy[ok]
    counts = np.zeros((cells * cells, int(y.max()) + 1))
    np.add.at(counts, (cell, y[ok]), 1)
    total = counts.sum(axis=1)
    mixed = (counts >= share * np.maximum(total, 1)[:, None]).sum(axis=1) >= min_classes
    best = int(np.argmax(np.where(mixed, total, -1) if mixed.any() else total))
    i, j = divmod(best, cells)
    wx, wy = (x1 - x0) / cells, (y1 - y0) / cells
    return (x0 + i * wx, x0 + (i + 1) * wx), (y0 + j * wy, y0 + (j + 1) * wy)


def tvd(p, q) -> float:
    """Total variation distance between two distributions (any non-negative weights, normalised here)."""
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    return float(0.5 * np.abs(p / p.sum() - q / q.sum()).sum())
