"""Box and lasso membership (model/plane/selection.py): the counts the selection panel shows."""

from __future__ import annotations

import numpy as np
import pytest

from model.plane import selection
from model.plane.selection import (
    MAX_VERTICES,
    Box,
    Lasso,
    in_box,
    in_polygon,
    make_box,
    members,
    parse_box,
    parse_shape,
)


def reference_inside(px: float, py: float, xs, ys) -> bool:
    """The even-odd rule point by point in plain Python, with the same half-open edges."""
    inside, n = False, len(xs)
    for k in range(n):
        x0, y0, x1, y1 = xs[k], ys[k], xs[(k + 1) % n], ys[(k + 1) % n]
        if min(y0, y1) <= py < max(y0, y1) and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def grid(lo: float = -3, hi: float = 3, n: int = 61) -> np.ndarray:
    """(n*n, 2) float32 points on a regular grid: many fall exactly on shape edges and vertices."""
    g = np.linspace(lo, hi, n, dtype=np.float32)
    return np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)


def test_box_holds_its_edges():
    """Points on a box's edges and corners are inside; just outside is outside."""
    z = np.array([[0, 0], [1, 1], [0, 1], [0.5, 0.5], [1.0001, 0.5], [0.5, -0.0001]], np.float32)
    assert in_box(z, Box(0, 1, 0, 1)).tolist() == [True, True, True, True, False, False]


def test_polygon_matches_the_reference_on_random_shapes():
    """Random polygons (often self-intersecting) give exactly the pure-Python even-odd answer."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3000, 2)).astype(np.float32)
    for n in (3, 4, 7, 25, 200):
        xs, ys = rng.normal(size=n) * 1.5, rng.normal(size=n) * 1.5
        want = [reference_inside(float(a), float(b), xs, ys) for a, b in z]
        assert in_polygon(z, xs, ys).tolist() == want, n


def test_chunks_give_the_same_answer(monkeypatch):
    """Testing the (edge, point) pairs a few at a time (a huge lasso) changes nothing; nor does by_z2 passed in."""
    rng = np.random.default_rng(2)
    z = rng.normal(size=(5000, 2))
    xs, ys = rng.normal(size=60), rng.normal(size=60)
    want = in_polygon(z, xs, ys)
    monkeypatch.setattr(selection, "CHUNK", 7)
    assert (in_polygon(z, xs, ys) == want).all()
    assert (members(z, [Lasso(tuple(xs), tuple(ys))], sorted_z=selection.by_z2(z)) == want).all()


def test_polygon_on_grid_points_and_edges():
    """A concave polygon over grid points that lie on its edges and vertices matches the reference."""
    xs, ys = [-2, 2, 2, 1, 1, -1, -1, -2], [-2, -2, 2, 2, 0, 0, 2, 2]  # a U shape
    z = grid()
    want = [reference_inside(float(a), float(b), xs, ys) for a, b in z]
    got = in_polygon(z, xs, ys)
    assert got.tolist() == want
    assert not got[np.all(z == [0, 1], axis=1)].any(), "the U's notch is outside"
    assert got[np.all(np.isclose(z, [-1.5, 1.5]), axis=1)].all(), "its left arm is inside"


def test_square_lasso_equals_box_inside():
    """A square lasso holds the same points as the box, except on its right and top edges (half-open)."""
    z = grid()
    lasso = in_polygon(z, [-1, 1, 1, -1], [-1, -1, 1, 1])
    box = in_box(z, Box(-1, 1, -1, 1))
    on_right_or_top = box & ((z[:, 0] == 1) | (z[:, 1] == 1))
    assert (lasso == (box & ~on_right_or_top)).all()
    assert lasso.sum() == 20 * 20  # grid step 0.1: 20 columns and 20 rows from -1 up to (not on) 1


def test_winding_direction_and_closing_vertex_do_not_matter():
    """Clockwise, counter-clockwise and an explicitly repeated first vertex select the same points."""
    z = np.random.default_rng(1).uniform(-2, 2, (2000, 2))
    xs, ys = [0, 1.5, 0.3, -1.2], [-1.5, 0.2, 1.4, 0.1]
    a = in_polygon(z, xs, ys)
    assert (a == in_polygon(z, xs[::-1], ys[::-1])).all()
    assert (a == in_polygon(z, xs + xs[:1], ys + ys[:1])).all()
    assert 0 < a.sum() < len(z)


def test_star_pentagram_centre_is_outside():
    """Even-odd: the centre of a self-crossing five-pointed star is outside, its points inside."""
    t = np.pi / 2 + np.arange(5) * 4 * np.pi / 5
    xs, ys = np.cos(t), np.sin(t)
    z = np.array([[0, 0], [0, 0.8]])
    assert in_polygon(z, xs, ys).tolist() == [False, True]


def test_degenerate_polygons_select_nothing():
    """Fewer than 3 vertices, a zero-area sliver and an empty set of points give no members."""
    z = grid()
    assert not in_polygon(z, [0, 1], [0, 1]).any()
    assert not in_polygon(z, [0, 1, 2], [0, 1, 2]).any()  # collinear
    assert in_polygon(np.zeros((0, 2), np.float32), [0, 1, 0], [0, 0, 1]).shape == (0,)


def test_members_union_and_hidden_classes():
    """Shapes add up (Shift); a shape leaves out the classes that were hidden on the plane."""
    z = np.array([[0, 0], [5, 5], [10, 10], [0.5, 0.5]], np.float32)
    labels = np.array([0, 1, 2, 3])
    a, b = Box(-1, 1, -1, 1), Lasso((4, 6, 6, 4), (4, 4, 6, 6))
    assert members(z, [a]).tolist() == [True, False, False, True]
    assert members(z, [a, b]).tolist() == [True, True, False, True]
    assert members(z, [Box(-1, 1, -1, 1, hidden=(3,))], labels).tolist() == [True, False, False, False]
    assert not members(z, []).any()


@pytest.mark.parametrize(
    "text",
    [None, "", "1,2,3", "1,2,3,4,5", "a,b,c,d", "nan,1,0,1", "0,inf,0,1", "2,1,0,1", "0,1,1,1", "0,1e300,0,1",
     "0,1,0,1" + " " * 300, [0, 1, 0, 1]],
)  # fmt: skip
def test_parse_box_refuses_bad_urls(text):
    """?box= that is missing, short, long, not numbers, not finite, unordered, empty or huge is ignored."""
    assert parse_box(text) is None


def test_parse_box_round_trips():
    """A box's URL text reads back as the same box (6 significant digits)."""
    box = parse_box("-1.5,2,0.25,3")
    assert box == Box(-1.5, 2.0, 0.25, 3.0)
    assert parse_box(box.text()) == box


@pytest.mark.parametrize(
    "value",
    [None, "box", {"kind": "box"}, {"kind": "box", "x": [0, 1], "y": [0]}, {"kind": "box", "x": [0, "1"], "y": [0, 1]},
     {"kind": "box", "x": [True, 1], "y": [0, 1]}, {"kind": "box", "x": [0, float("nan")], "y": [0, 1]},
     {"kind": "lasso", "x": [0, 1], "y": [0, 1]}, {"kind": "lasso", "x": [0] * (MAX_VERTICES + 1), "y": [0] * (MAX_VERTICES + 1)},
     {"kind": "circle", "x": [0, 1, 2], "y": [0, 1, 2]}, {"kind": "box", "x": [0, 1], "y": [0, 1], "hidden": [-1]},
     {"kind": "box", "x": [0, 1], "y": [0, 1], "hidden": "3"}],
)  # fmt: skip
def test_parse_shape_refuses_malformed(value):
    """Anything but a well-formed box or lasso of finite numbers is refused."""
    assert parse_shape(value) is None


def test_parse_shape_accepts_and_orders():
    """A box dragged right to left is ordered; a lasso keeps its vertices; hidden classes are kept sorted."""
    assert parse_shape({"kind": "box", "x": [2, -1], "y": [3, 1], "hidden": [4, 2, 4]}) == Box(-1, 2, 1, 3, (2, 4))
    lasso = parse_shape({"kind": "lasso", "x": [0, 1, 0], "y": [0, 0, 1]})
    assert lasso == Lasso((0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    assert parse_shape(lasso.to_dict()) == lasso
    assert make_box(0, 1, 0, 1, ordered=True) == Box(0, 1, 0, 1)


def test_pack_is_a_bit_per_point():
    """The planes' mask: point i is bit i % 8 of byte i // 8, base64; any length round-trips."""
    import base64

    rng = np.random.default_rng(3)
    for n in (0, 1, 8, 13, 60_000):
        mask = rng.random(n) < 0.3
        raw = np.frombuffer(base64.b64decode(selection.pack(mask)), np.uint8)
        assert len(raw) == -(-n // 8)
        np.testing.assert_array_equal(np.unpackbits(raw, bitorder="little")[:n].astype(bool), mask)
    assert selection.pack(np.array([True, False, False, True])) == base64.b64encode(bytes([0b1001])).decode()
