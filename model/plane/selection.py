"""Box and lasso selections of the latent plane: shapes, checked at the boundary, and their members.

Pure NumPy (no Streamlit, no Plotly). The live plane sends a shape; this module decides which
training encodings lie inside it, so every count the app shows is Python's:

    shape = parse_shape({"kind": "lasso", "x": [...], "y": [...]})   # Box | Lasso | None
    box = parse_box("-1,2,0.5,3")                                    # ?box=x0,x1,y0,y1, or None
    mask = members(z, shapes, labels, by_z2(z))     # (N,) bool: inside any shape; by_z2: once per model
    pack(mask)                                      # the mask as text for the browser: a bit per point

Boundaries: a box holds its edges (x0 <= z1 <= x1, y0 <= z2 <= y1). A lasso uses the even-odd rule
with half-open edges (a point on a left or bottom edge is inside, on a right or top edge outside),
so two lassos that share an edge never both hold a point on it.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

import numpy as np

LIMIT = 1e6  # |coordinate| bound: far beyond any encoding, small enough for exact float arithmetic
MAX_VERTICES = 20_000  # a lasso drawn for minutes; more is refused, not truncated
CHUNK = 1 << 20  # (edge, point) pairs tested at once: bounded memory (~40 MB) for any lasso


@dataclass(frozen=True)
class Box:
    x0: float
    x1: float
    y0: float
    y1: float
    hidden: tuple[int, ...] = ()  # classes hidden on the plane (legend) when it was drawn: never members

    def to_dict(self) -> dict:
        return {"kind": "box", "x": [self.x0, self.x1], "y": [self.y0, self.y1], "hidden": list(self.hidden)}

    def text(self) -> str:
        """The ?box= value: x0,x1,y0,y1 with 6 significant digits (parse_box reads it back)."""
        return ",".join(f"{v:.6g}" for v in (self.x0, self.x1, self.y0, self.y1))


@dataclass(frozen=True)
class Lasso:
    x: tuple[float, ...]  # the polygon's vertices, in order; closed implicitly (last -> first)
    y: tuple[float, ...]
    hidden: tuple[int, ...] = ()

    def to_dict(self) -> dict:
        return {"kind": "lasso", "x": list(self.x), "y": list(self.y), "hidden": list(self.hidden)}


Shape = Box | Lasso


def _finite(values) -> tuple[float, ...] | None:
    """The values as floats if every one is a finite real within LIMIT (no bools, no strings), else None."""
    try:
        out = tuple(float(v) for v in values if not isinstance(v, bool | str))
    except (TypeError, ValueError):
        return None
    if len(out) != len(values) or not all(math.isfinite(v) and abs(v) <= LIMIT for v in out):
        return None
    return out


def make_box(x0, x1, y0, y1, *, ordered: bool = False, hidden=()) -> Box | None:
    """A Box, or None unless all four are finite and bounded; ordered=True also refuses x0 >= x1 or y0 >= y1
    (a URL must say it right), else the ends are sorted (a drag may run either way)."""
    v = _finite([x0, x1, y0, y1])
    if v is None:
        return None
    x0, x1, y0, y1 = v
    if ordered and not (x0 < x1 and y0 < y1):
        return None
    return Box(min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1), tuple(hidden))


def parse_box(text) -> Box | None:
    """?box=x0,x1,y0,y1 -> Box, or None for anything else (missing, not 4 numbers, not finite, unordered, huge)."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        return None
    return make_box(*parts, ordered=True) if len(parts) == 4 else None


def parse_shape(value) -> Shape | None:
    """A shape sent by the plane ({"kind": "box", "x": [x0, x1], "y": [y0, y1]} or {"kind": "lasso",
    "x": [...], "y": [...]}, each with an optional "hidden": [class, ...]), or None for anything malformed."""
    if not isinstance(value, dict):
        return None
    xs, ys, hidden = value.get("x"), value.get("y"), value.get("hidden") or []
    if not all(isinstance(v, list | tuple) for v in (xs, ys, hidden)) or len(xs) != len(ys):
        return None
    if len(hidden) > 1000 or not all(type(k) is int and 0 <= k < 1000 for k in hidden):
        return None
    hidden = tuple(sorted(set(hidden)))
    if value.get("kind") == "box" and len(xs) == 2:
        return make_box(xs[0], xs[1], ys[0], ys[1], hidden=hidden)
    if value.get("kind") == "lasso" and 3 <= len(xs) <= MAX_VERTICES:
        x, y = _finite(xs), _finite(ys)
        return None if x is None or y is None else Lasso(x, y, hidden)
    return None


def in_box(z: np.ndarray, box: Box) -> np.ndarray:
    """(N,) bool: z (N, 2) inside the box, edges included."""
    z1, z2 = z[:, 0], z[:, 1]
    return (z1 >= box.x0) & (z1 <= box.x1) & (z2 >= box.y0) & (z2 <= box.y1)


def by_z2(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, z1, z2): the points sorted by z2 (float64). Fixed per model: compute it once and pass it
    to in_polygon / members, so a lasso costs no sort."""
    order = np.argsort(z[:, 1], kind="stable")
    return order, z[order, 0].astype(np.float64), z[order, 1].astype(np.float64)


def in_polygon(z: np.ndarray, xs, ys, sorted_z=None) -> np.ndarray:
    """(N,) bool: z (N, 2) inside the polygon (xs, ys) by the even-odd rule (see the module docstring).

    A point toggles for each edge that crosses the horizontal ray to its right. With the points sorted
    by z2 (by_z2), each edge holds a contiguous slice of them (its z2 band [min, max), a searchsorted);
    every (edge, point-in-band) pair is tested at once, in chunks of CHUNK pairs, and a point is inside
    if an odd number of edges cross its ray. The work is about (crossings), not N x edges.
    """
    px, py = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
    inside = np.zeros(len(z), bool)
    if len(px) < 3 or len(z) == 0:
        return inside
    order, zx, zy = by_z2(z) if sorted_z is None else sorted_z
    qx, qy = np.roll(px, -1), np.roll(py, -1)  # each edge runs (px[k], py[k]) -> (qx[k], qy[k])
    lo = np.searchsorted(zy, np.minimum(py, qy), "left")
    lens = np.searchsorted(zy, np.maximum(py, qy), "left") - lo  # horizontal edges: empty bands
    ends = np.cumsum(lens)
    crossings = np.zeros(len(z), np.int64)
    first = 0
    while first < len(lens):  # edges [first, last): about CHUNK pairs, at least one edge
        base = ends[first] - lens[first]  # pairs before this chunk
        last = max(first + 1, int(np.searchsorted(ends, base + CHUNK, "right")))
        e = np.repeat(np.arange(first, last), lens[first:last])  # the edge of each pair
        pos = lo[e] + base + np.arange(len(e)) - (ends[e] - lens[e])  # the sorted point of each pair
        y = zy[pos]
        x_cross = px[e] + (y - py[e]) * (qx[e] - px[e]) / (qy[e] - py[e])
        crossings += np.bincount(order[pos[zx[pos] < x_cross]], minlength=len(z))
        first = last
    return (crossings & 1).astype(bool)


def members(z: np.ndarray, shapes, labels: np.ndarray | None = None, sorted_z=None) -> np.ndarray:
    """(N,) bool: inside any of the shapes (a union: Shift adds a shape to the selection). With labels
    (N,), a shape's hidden classes are left out of it, as the plane leaves them unselected.
    sorted_z: by_z2(z), if it is at hand (it is computed here otherwise, when a lasso needs it)."""
    z = np.asarray(z)
    out = np.zeros(len(z), bool)
    for s in shapes:
        if isinstance(s, Lasso) and sorted_z is None:
            sorted_z = by_z2(z)
        inside = in_box(z, s) if isinstance(s, Box) else in_polygon(z, s.x, s.y, sorted_z)
        if s.hidden and labels is not None:
            inside &= ~np.isin(labels, s.hidden)
        out |= inside
    return out


def pack(mask: np.ndarray) -> str:
    """(N,) bool -> base64 of one bit per point, point i in bit i % 8 of byte i // 8 (the live plane
    reads it: ui/plane/js/selection.js). 60,000 points: 10,000 characters."""
    return base64.b64encode(np.packbits(np.asarray(mask, bool), bitorder="little").tobytes()).decode("ascii")
