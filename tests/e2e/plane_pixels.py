"""Fair colours, measured on screen: each class's share of the coloured pixels in the densest mixed window
of a drawn live plane against its share of the points there (bench/plane_reading.py and the e2e tests).

    f = fairness(page, "explore_plane")   # {"tvd", "pixels", "points", "window", "coloured"}

The window is model/net/density.py's mixed_window() over the range the plane shows now. Only the plot
itself is read: the plane's canvases above and below it (chosen point, labels, thumbnails, decoded map)
are hidden for the screenshot and shown again after. Each pixel goes to the class whose colour, at one
to four stacked layers of the plane's marker opacity over the page's background, is nearest; pixels
near the background (gridlines too) and far from every class colour (axes, text) are not counted.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from model.net.density import mixed_window, tvd

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
STATE = "(ch) => window.__livePlane[ch]"
# The plot area's page box and its data ranges: [left, top, width, height, [x0, x1], [y0, y1]].
AREA = f"""(ch) => {{
    const S = ({STATE})(ch), fl = S.gd._fullLayout, r = S.d.plot.getBoundingClientRect();
    return [r.left + fl.xaxis._offset, r.top + fl.yaxis._offset, fl.xaxis._length, fl.yaxis._length,
            fl.xaxis.range.slice(), fl.yaxis.range.slice()];
}}"""
BACKGROUND = """() => getComputedStyle(document.querySelector('[data-testid="stApp"]') || document.body)
    .backgroundColor.match(/[\\d.]+/g).slice(0, 3).map(Number)"""
HIDE = """([ch, hide]) => { for (const c of window.__livePlane[ch].d.stage.querySelectorAll(':scope > canvas'))
    c.style.visibility = hide ? 'hidden' : ''; }"""


def _rgb(h: str) -> np.ndarray:
    return np.array([int(h[i : i + 2], 16) for i in (1, 3, 5)], np.float64)


def classify(rgb: np.ndarray, background, opacity: float = 0.6, n_classes: int = 10) -> np.ndarray:
    """(n_classes,) counts of the pixels of an (H, W, 3) image nearest each class's colour (see above)."""
    white = np.asarray(background, np.float64)
    cands, owner = [], []
    for k in range(n_classes):
        for layers in (1, 2, 3, 4):
            a = 1 - (1 - opacity) ** layers
            cands.append(a * _rgb(PALETTE[k % len(PALETTE)]) + (1 - a) * white)
            owner.append(k)
    px = rgb.reshape(-1, 3).astype(np.float64)
    px = px[np.abs(px - white).max(axis=1) > 24]  # the background and the gridlines
    d = ((px[:, None, :] - np.asarray(cands)[None]) ** 2).sum(axis=2)
    best = d.argmin(axis=1)
    keep = d[np.arange(len(px)), best] < 60.0**2  # black or grey axes, text: no class
    return np.bincount(np.asarray(owner)[best[keep]], minlength=n_classes)[:n_classes].astype(np.float64)


# The plane's "points" opacity slider set as a user would (its input event restyles the points).
OPACITY = """async ([ch, v]) => { const S = window.__livePlane[ch], o = S.d.opacity, old = +o.value;
    o.value = String(v); o.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); return old; }"""


def fairness(page, channel: str, opacity: float = 1.0) -> dict:
    """The TVD between pixel shares and point shares in the densest mixed window of the plane as drawn.

    The points are drawn at `opacity` for the screenshot (the plane's points slider; 1.0: each pixel
    shows exactly the class drawn on top, the strictest test of draw order), then set back.
    """
    left, top, w, h, xr, yr = page.evaluate(AREA, channel)
    z = np.asarray(page.evaluate(f"(ch) => Array.from(({STATE})(ch).P.z)", channel), np.float64).reshape(-1, 2)
    y = np.asarray(page.evaluate(f"(ch) => Array.from(({STATE})(ch).P.y)", channel), np.int64)
    n_classes = len(page.evaluate(f"(ch) => ({STATE})(ch).P.header.classes", channel))
    (wx0, wx1), (wy0, wy1) = box = mixed_window(z, y, (tuple(xr), tuple(yr)))
    px0, px1 = left + (wx0 - xr[0]) / (xr[1] - xr[0]) * w, left + (wx1 - xr[0]) / (xr[1] - xr[0]) * w
    py0, py1 = top + (yr[1] - wy1) / (yr[1] - yr[0]) * h, top + (yr[1] - wy0) / (yr[1] - yr[0]) * h
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
    pixels = classify(rgb, page.evaluate(BACKGROUND), opacity, n_classes)
    inside = (z[:, 0] >= wx0) & (z[:, 0] < wx1) & (z[:, 1] >= wy0) & (z[:, 1] < wy1)
    points = np.bincount(y[inside], minlength=n_classes)[:n_classes].astype(np.float64)
    return {
        "tvd": tvd(pixels, points), "pixels": (pixels / pixels.sum()).round(4).tolist(),
        "points": (points / points.sum()).round(4).tolist(), "window": [list(box[0]), list(box[1])],
        "n_points": int(points.sum()), "coloured": int(pixels.sum()),
    }  # fmt: skip
