"""The live plane as the browser tests and benchmarks see it: its test view and its plot, as JavaScript for
page.evaluate (docs/live-plane-modules.md, "The test view"). Nothing here reads the plane's internals.

    v = page.evaluate(VIEW, "explore_plane")           # the view as plain data (no functions)
    x, y = page.evaluate(TO_PAGE, ["explore_plane", z1, z2])   # page pixels of a latent point
    z = points(page, "explore_plane")                  # (N, 2) training encodings
    page.evaluate(RELAYOUT, ["explore_plane", {"xaxis.range": [0, 1]}])   # Plotly's public relayout
"""

from __future__ import annotations

import numpy as np

# The view of plane `ch` (window.latentPlane.view), without its functions: a plain dict, or None.
VIEW = "(ch) => { const v = window.latentPlane && window.latentPlane.view(ch); return v ? JSON.parse(JSON.stringify(v)) : null; }"
# One JavaScript expression for the view of plane `ch`, for snippets: f"({V})(ch).drawn"
V = "(ch) => window.latentPlane.view(ch)"
# The plot's graph div (Plotly draws into it: window.Plotly's public API takes it).
PLOT = '(ch) => document.querySelector(`[data-testid="lp-plot"][data-channel="${ch}"]`)'
TO_PAGE = f"([ch, z1, z2]) => ({V})(ch).toPage(z1, z2)"
# The plot area in page pixels and its ranges: [left, top, width, height, [x0, x1], [y0, y1]].
AREA = f"""(ch) => {{ const v = ({V})(ch), r = ({PLOT})(ch).getBoundingClientRect();
    return [r.left + v.area.left, r.top + v.area.top, v.area.w, v.area.h, v.range.x, v.range.y]; }}"""
# Page position of fractions (fx, fy) across the plot area (fy from the top).
AT = f"""([ch, fx, fy]) => {{ const v = ({V})(ch), r = ({PLOT})(ch).getBoundingClientRect();
    return [r.left + v.area.left + fx * v.area.w, r.top + v.area.top + fy * v.area.h]; }}"""
RELAYOUT = f"([ch, update]) => window.Plotly.relayout(({PLOT})(ch), update)"


def view(page, channel: str) -> dict | None:
    return page.evaluate(VIEW, channel)


def points(page, channel: str) -> np.ndarray:
    """(N, 2) float64: the plane's training encodings, in index order."""
    return np.asarray(page.evaluate(f"(ch) => ({V})(ch).points().z", channel), np.float64).reshape(-1, 2)


def labels(page, channel: str) -> np.ndarray:
    """(N,) int64: the plane's training labels, in index order."""
    return np.asarray(page.evaluate(f"(ch) => ({V})(ch).points().y", channel), np.int64)
