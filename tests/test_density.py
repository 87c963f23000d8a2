"""model/plane/density.py: label spots at each class's own densest place, the mixed window, TVD."""

from __future__ import annotations

import numpy as np

from model.plane.density import mixed_window, peaks, tvd


def knot_and_arms(seed: int = 0):
    """Three classes share a knot at (0, 0); each also has a dense arm of its own far out."""
    rng = np.random.default_rng(seed)
    z, y = [], []
    for c, arm in enumerate([(8.0, 0.0), (-8.0, 0.0), (0.0, 8.0)]):
        z += [rng.normal(0, 0.6, (600, 2)), rng.normal(arm, 0.3, (500, 2))]
        y += [np.full(1100, c)]
    return np.concatenate(z), np.concatenate(y)


def test_labels_sit_at_each_class_own_dense_spot_not_the_centroid_or_the_knot():
    """Each class's spot lies on its own arm, though the class is densest, and its centroid lies, near the knot."""
    z, y = knot_and_arms()
    spots = peaks(z, y, 3)
    for c, arm in enumerate([(8.0, 0.0), (-8.0, 0.0), (0.0, 8.0)]):
        assert np.hypot(*(spots[c] - arm)) < 0.8, (c, spots[c])
        centroid = z[y == c].mean(axis=0)
        assert np.hypot(*(centroid - arm)) > 3  # the centroid is no answer here
    assert len({tuple(np.round(s, 3)) for s in spots}) == 3  # three labels, three places


def test_a_class_with_no_points_has_no_spot():
    """A class absent from the data gets NaN (no label), the others still get theirs."""
    z, y = knot_and_arms()
    spots = peaks(z, y, 5)
    assert np.isnan(spots[3:]).all() and np.isfinite(spots[:3]).all()


def test_mixed_window_is_the_fullest_cell_where_three_classes_mix():
    """The knot's cell is chosen: it holds the most points with all three classes present."""
    z, y = knot_and_arms()
    (x0, x1), (y0, y1) = mixed_window(z, y, ((-10.0, 10.0), (-10.0, 10.0)), cells=4)
    assert x0 <= 0 <= x1 and y0 <= 0 <= y1
    assert (x1 - x0) == 5 and (y1 - y0) == 5


def test_tvd_of_equal_and_disjoint_distributions():
    """Equal shares give 0, disjoint ones 1, and raw counts are normalised."""
    assert tvd([1, 2, 3], [2, 4, 6]) == 0
    assert tvd([1, 0], [0, 5]) == 1
    assert abs(tvd([0.5, 0.5], [0.7, 0.3]) - 0.2) < 1e-12
