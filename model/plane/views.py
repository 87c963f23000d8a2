"""Where the latent plane opens: the dense core, a clear opening digit, an uploaded digit's neighbourhood.

Pure NumPy (no Streamlit, no Plotly); the live plane, its static picture and Explore's sliders use these:

    core_box(z_train)                 # ((x0, x1), (y0, y1)): 1st-99th percentile box, padded
    slider_box(z)                     # every encoding plus a margin, ends on whole slider steps
    typical_index(z_train, y_train)   # a training digit deep inside its class: decodes to a clear digit
    around(z_train, (z1, z2))         # a box around a point and its nearest training encodings
"""

from __future__ import annotations

import numpy as np

from model.plane.neighbors import nearest, nearest_indices

Box = tuple[tuple[float, float], tuple[float, float]]


def _box(lo, hi, pad: float, min_span: float = 1e-6) -> Box:
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    half = np.maximum((hi - lo) / 2 * (1 + 2 * pad), min_span / 2)
    mid = (lo + hi) / 2
    return (float(mid[0] - half[0]), float(mid[0] + half[0])), (float(mid[1] - half[1]), float(mid[1] + half[1]))


def core_box(z: np.ndarray, lo: float = 1.0, hi: float = 99.0, pad: float = 0.08) -> Box:
    """The lo-th to hi-th percentile box of the encodings (N, 2), widened by `pad` of its span each side."""
    z = np.asarray(z, dtype=np.float64)
    p = np.percentile(z, [lo, hi], axis=0)  # (2, 2): rows lo, hi; columns z1, z2
    return _box(p[0], p[1], pad)


def nice_step(span: float, steps: int = 500) -> float:
    """A 1, 2 or 5 times a power of ten near span / steps: fine enough to slide, round to read."""
    raw = max(span / steps, 1e-6)
    power = 10.0 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


def slider_box(z: np.ndarray, margin: float = 0.05) -> Box:
    """The encodings' (N, 2) bounding box plus `margin` of its span each side, ends rounded out to
    whole steps of nice_step(span), so a slider over it shows round numbers."""
    z = np.asarray(z, dtype=np.float64)
    lo, hi = z.min(axis=0), z.max(axis=0)
    pad = np.maximum(hi - lo, 1e-6) * margin
    box = []
    for a, b in zip(lo - pad, hi + pad, strict=True):
        step = nice_step(b - a)
        # round() after floor/ceil drops float noise such as -29.800000000000001
        box.append((round(float(np.floor(a / step) * step), 10), round(float(np.ceil(b / step) * step), 10)))
    return box[0], box[1]


def union(a: Box, point) -> Box:
    """Box `a` grown just enough to hold `point` (z1, z2), with 5% of the new span beyond it."""
    (x0, x1), (y0, y1) = a
    z1, z2 = float(point[0]), float(point[1])
    if x0 <= z1 <= x1 and y0 <= z2 <= y1:
        return a
    nx0, nx1, ny0, ny1 = min(x0, z1), max(x1, z1), min(y0, z2), max(y1, z2)
    px, py = 0.05 * (nx1 - nx0), 0.05 * (ny1 - ny0)
    return (nx0 - px * (z1 < x0), nx1 + px * (z1 > x1)), (ny0 - py * (z2 < y0), ny1 + py * (z2 > y1))


def typical_index(z: np.ndarray, y: np.ndarray, k: int = 50, tries: int = 2000) -> int:
    """A training digit whose k nearest encodings all share its label, nearest its class's median encoding.

    Classes are tried largest first (Fashion-MNIST's are all equal, and T-shirts mix with shirts), each
    member nearest the class median first. Such a point sits deep inside its class, so it decodes to a
    clear digit (the plane's median often decodes to a blob between classes). Falls back to the largest
    class's member nearest its median when no member tried qualifies.
    """
    given, y = np.asarray(z), np.asarray(y)  # neighbours from the array as given: one k-d tree per array
    z = given.astype(np.float64)
    k = min(k, len(z) - 1)
    counts = np.bincount(y)
    fallback = None
    for c in np.argsort(-counts, kind="stable"):
        members = np.flatnonzero(y == c)
        if not len(members):
            continue
        order = members[np.argsort(((z[members] - np.median(z[members], axis=0)) ** 2).sum(axis=1))]
        fallback = int(order[0]) if fallback is None else fallback
        tried = order[:tries]  # one batched query per class: a plane where none qualifies stays quick
        for i, row in zip(tried, nearest_indices(given, given[tried], k + 1), strict=True):
            if (y[row[row != i][:k]] == c).all():  # its k nearest, itself left out, share its label
                return int(i)
    return fallback


def around(z: np.ndarray, point, k: int = 300, pad: float = 0.6) -> Box:
    """A square box centred on `point` holding its k nearest encodings (N, 2), plus `pad` of its size.

    At least 3% of the core's larger span, so a point in a dense knot still shows its surroundings.
    """
    z = np.asarray(z)
    p = np.asarray(point, dtype=np.float64)
    r = float(nearest(z, p, min(k, len(z) - 1) + 1)[1][-1])  # the (k+1)-th nearest distance
    (x0, x1), (y0, y1) = core_box(z)
    r = max(r * (1 + pad), 0.03 * max(x1 - x0, y1 - y0))
    return (float(p[0] - r), float(p[0] + r)), (float(p[1] - r), float(p[1] + r))
