"""Fair colours, measured on screen: in the densest mixed window of a drawn live plane, each class's share
of the coloured pixels against its share of the points there (bench/plane_reading.py and the e2e tests).

    f = fairness(page, "explore_plane")   # {"tvd", "tvd_window", "pixels", "points", "window", ...}

The window is model/plane/density.py's mixed_window() over the range the plane shows now. Only the plot
itself is read: the plane's canvases above and below it (chosen point, labels, thumbnails, decoded map)
are hidden for the screenshot and shown again after. Each pixel goes to the class whose colour, at one
to four stacked layers of the plane's marker opacity over the page's background, is nearest; pixels
near the background (gridlines too) and far from every class colour (axes, text) are not counted.

"The points there", two ways:
  * tvd: under each coloured pixel, the class mix of the points whose 3 px marker covers it, averaged
    over the coloured pixels. This is what draw order decides: a pixel shows one of the points on it,
    and with fair colours class c is on top as often as c's share of those points.
  * tvd_window: the window's point counts. Also counts area: a class packed into a few pixels holds
    many points but few pixels, whatever the draw order (the default model's knot at the opening zoom).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from model.plane.density import mixed_window, tvd

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
STATE = "(ch) => window.__livePlane[ch]"
# The plot area's page box and its data ranges: [left, top, width, height, [x0, x1], [y0, y1]].
AREA = f"""(ch) => {{
    const S = ({STATE})(ch), fl = S.gd._fullLayout, r = S.d.plot.getBoundingClientRect();
    return [r.left + fl.xaxis._offset, r.top + fl.yaxis._offset, fl.xaxis._length, fl.yaxis._length,
            fl.xaxis.range.slice(), fl.yaxis.range.slice()];
}}"""
NEAR = 30.0  # RGB distance: a pixel this close to a class colour is that class; farther ones (edges where two
# colours or a colour and the background blend, axes, text) are not counted
BACKGROUND = """() => getComputedStyle(document.querySelector('[data-testid="stApp"]') || document.body)
    .backgroundColor.match(/[\\d.]+/g).slice(0, 3).map(Number)"""
HIDE = """([ch, hide]) => { for (const c of window.__livePlane[ch].d.stage.querySelectorAll(':scope > canvas'))
    c.style.visibility = hide ? 'hidden' : ''; }"""


def _rgb(h: str) -> np.ndarray:
    return np.array([int(h[i : i + 2], 16) for i in (1, 3, 5)], np.float64)


def classify(rgb: np.ndarray, background, opacity: float = 0.6, n_classes: int = 10) -> np.ndarray:
    """(H, W) int: each pixel's class by its colour (see above), -1 for none."""
    white = np.asarray(background, np.float64)
    cands, owner = [], []
    for k in range(n_classes):
        for layers in (1, 2, 3, 4):
            a = 1 - (1 - opacity) ** layers
            cands.append(a * _rgb(PALETTE[k % len(PALETTE)]) + (1 - a) * white)
            owner.append(k)
    px = rgb.reshape(-1, 3).astype(np.float64)
    d = ((px[:, None, :] - np.asarray(cands)[None]) ** 2).sum(axis=2)
    best = d.argmin(axis=1)
    keep = (d[np.arange(len(px)), best] < NEAR**2) & (np.abs(px - white).max(axis=1) > 24)
    return np.where(keep, np.asarray(owner)[best], -1).reshape(rgb.shape[:2])


def under_pixels(pts: np.ndarray, labels: np.ndarray, shape, n_classes: int) -> np.ndarray:
    """(H, W, n_classes) counts of the points whose 3 px marker covers each pixel; pts in pixel units."""
    h, w = shape
    out = np.zeros((h, w, n_classes))
    u, v = np.floor(pts[:, 0]).astype(np.int64), np.floor(pts[:, 1]).astype(np.int64)
    for du in (-1, 0, 1):
        for dv in (-1, 0, 1):
            ok = (u + du >= 0) & (u + du < w) & (v + dv >= 0) & (v + dv < h)
            np.add.at(out, (v[ok] + dv, u[ok] + du, labels[ok]), 1)
    return out


# The plane's "points" opacity slider set as a user would (its input event restyles the points).
OPACITY = """async ([ch, v]) => { const S = window.__livePlane[ch], o = S.d.opacity, old = +o.value;
    o.value = String(v); o.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); return old; }"""


def fairness(page, channel: str, opacity: float = 1.0, cells: int = 6) -> dict:
    """The TVDs (see above) between pixel shares and point shares in the densest mixed window, as drawn.

    The points are drawn at `opacity` for the screenshot (the plane's points slider; 1.0: each pixel
    shows exactly the class drawn on top, the strictest test of draw order), then set back.
    """
    left, top, w, h, xr, yr = page.evaluate(AREA, channel)
    z = np.asarray(page.evaluate(f"(ch) => Array.from(({STATE})(ch).P.z)", channel), np.float64).reshape(-1, 2)
    y = np.asarray(page.evaluate(f"(ch) => Array.from(({STATE})(ch).P.y)", channel), np.int64)
    n_classes = len(page.evaluate(f"(ch) => ({STATE})(ch).P.header.classes", channel))
    (wx0, wx1), (wy0, wy1) = box = mixed_window(z, y, (tuple(xr), tuple(yr)), cells=cells)

    def to_px(zz):  # data -> page pixels, (N, 2)
        return np.stack([left + (zz[:, 0] - xr[0]) / (xr[1] - xr[0]) * w, top + (yr[1] - zz[:, 1]) / (yr[1] - yr[0]) * h], axis=1)  # fmt: skip

    (px0, py0), (px1, py1) = np.floor(to_px(np.array([[wx0, wy1]]))[0]), np.ceil(to_px(np.array([[wx1, wy0]]))[0])
    page.evaluate(HIDE, [channel, True])
    old = page.evaluate(OPACITY, [channel, round(opacity * 100)])
    try:
        shot = page.screenshot(
            clip={"x": px0, "y": py0, "width": px1 - px0, "height": py1 - py0}, animations="disabled"
        )
    finally:
        page.evaluate(OPACITY, [channel, old])
        page.evaluate(HIDE, [channel, False])
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"))
    shown = classify(rgb, page.evaluate(BACKGROUND), opacity, n_classes)  # (H, W) class or -1
    under = under_pixels(to_px(z) - (px0, py0), y, shown.shape, n_classes)
    lit = (shown >= 0) & (under.sum(axis=2) > 0)  # coloured pixels with points on them
    pixels = np.bincount(shown[lit], minlength=n_classes)[:n_classes].astype(np.float64)
    local = (under[lit] / under[lit].sum(axis=1, keepdims=True)).sum(axis=0)
    inside = (z[:, 0] >= wx0) & (z[:, 0] < wx1) & (z[:, 1] >= wy0) & (z[:, 1] < wy1)
    points = np.bincount(y[inside], minlength=n_classes)[:n_classes].astype(np.float64)
    return {
        "tvd": tvd(pixels, local), "tvd_window": tvd(pixels, points),
        "pixels": (pixels / pixels.sum()).round(4).tolist(), "under": (local / local.sum()).round(4).tolist(),
        "points": (points / points.sum()).round(4).tolist(), "window": [list(box[0]), list(box[1])],
        "n_points": int(points.sum()), "coloured": int(lit.sum()),
    }  # fmt: skip
