"""The latent scatter as a Plotly figure, and turning a click on it into a latent point.

Pure functions (no streamlit), so pages share them and tests call them directly:

    fig = latent_figure(z_train, y_train, class_names, marker=(0.3, -1.2))
    event = st.plotly_chart(fig, on_select=..., selection_mode="points", key="latent")
    pick = parse_selection(event["selection"], figure_roles(fig))  # Pick(z1, z2, index, split) or None

Figure layout, trace by trace (its roles, in order, are in fig.layout.meta["roles"]):
  * one Scattergl per class of the training encodings (legend clicks hide or show a class),
    each point carrying its global training index in customdata;
  * optionally one per class of the test encodings (open markers, customdata = test index);
  * an invisible click grid (opacity 0, hoverinfo none) so a click on empty space selects
    the nearest grid node; data points are drawn bigger, so under the cursor they win;
  * optionally a marker trace: a big cross on the chosen point, drawn last so it sits on top.

A click needs no figure change to be seen: plotly draws the selected point (a data point
big and black, a grid node as a black cross). with_selection puts such a selection into the
figure itself, for a point chosen before the chart was drawn (a shared link).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

# Tableau 10 (= D3 category10): fixed, so a digit keeps its colour whatever the model.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
GRID_SIZE = 120  # grid nodes per axis: ~5 px apart on a 600 px plot, well inside plotly's 20 px hover radius
MARGIN = 0.05  # fraction of the encodings' span added on each side
PLOT_WIDTH = 520  # px: the plot area's usual width in the explorer's chart column
SELECTED_SIZE = 12  # px: a clicked point, drawn black over the small coloured ones

TRAIN, TEST, GRID, MARKER = "train", "test", "grid", "marker"


@dataclass(frozen=True)
class Pick:
    """A chosen latent point: from a data point (index and split set) or from empty space (index None)."""

    z1: float
    z2: float
    index: int | None = None
    split: str | None = None  # "train" or "test" when index is set


def latent_extent(z: np.ndarray, margin: float = MARGIN) -> tuple[tuple[float, float], tuple[float, float]]:
    """((x0, x1), (y0, y1)): the encodings' bounding box plus `margin` of its span on each side."""
    z = np.asarray(z, dtype=np.float64)
    lo, hi = z.min(axis=0), z.max(axis=0)
    pad = np.maximum(hi - lo, 1e-6) * margin
    lo, hi = lo - pad, hi + pad
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def nice_step(span: float, steps: int = 500) -> float:
    """A 1, 2 or 5 times a power of ten near span / steps: fine enough to slide, round to read."""
    raw = max(span / steps, 1e-6)
    power = 10.0 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


def slider_step(lo: float, hi: float) -> float:
    """The latent sliders' step for a range: about 500 steps, a round number."""
    return nice_step(hi - lo)


def round_out(lo: float, hi: float, step: float) -> tuple[float, float]:
    """(lo, hi) widened to whole multiples of `step`."""
    # round() after floor/ceil drops float noise such as -29.800000000000001
    return round(np.floor(lo / step) * step, 10), round(np.ceil(hi / step) * step, 10)


def click_grid(extent, n: int = GRID_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """x and y (float32, n*n each) of an n x n grid of nodes spanning `extent`."""
    (x0, x1), (y0, y1) = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, n, dtype=np.float32), np.linspace(y0, y1, n, dtype=np.float32))
    return gx.ravel(), gy.ravel()


def _index_dtype(n: int):
    # customdata is shipped as a typed array; uint16 halves it for MNIST's 60,000 points.
    return np.uint16 if n <= np.iinfo(np.uint16).max + 1 else np.int32


def _class_traces(z, y, class_names, split, size, opacity, visible_classes) -> list[dict]:
    z = np.asarray(z, dtype=np.float32)
    y = np.asarray(y)
    dtype = _index_dtype(len(z))
    prefix = "" if split == TRAIN else "test "
    traces = []
    for k, name in enumerate(class_names):
        idx = np.flatnonzero(y == k)
        marker = {"size": size, "color": PALETTE[k % len(PALETTE)], "opacity": opacity}
        if split == TEST:  # open markers set test digits apart from training ones of the same colour
            marker.update(symbol="circle-open", size=size + 2)
        traces.append(
            {
                "type": "scattergl",
                "mode": "markers",
                "name": f"{prefix}{name}",
                "legendgroup": f"{split}-{k}",
                "x": z[idx, 0],
                "y": z[idx, 1],
                "customdata": idx.astype(dtype),
                "marker": marker,
                # A click selects the point: plotly draws it big and black on top (no figure change,
                # no round trip); the others stay as they were instead of plotly's dimming.
                "selected": {"marker": {"opacity": 1.0, "color": "black", "size": SELECTED_SIZE}},
                "unselected": {"marker": {"opacity": opacity}},
                "hovertemplate": f"{prefix}index %{{customdata}}<br>label {name}<extra></extra>",
                "visible": True if visible_classes is None or k in visible_classes else "legendonly",
            }
        )
    return traces


def marker_trace(z1: float, z2: float, name: str = "chosen point") -> dict:
    """A big black cross with a white rim at (z1, z2), visible over any colour."""
    return {
        "type": "scattergl",
        "mode": "markers",
        "name": name,
        "legendgroup": MARKER,
        "x": [float(z1)],
        "y": [float(z2)],
        "marker": {"symbol": "x", "size": 18, "color": "black", "line": {"width": 2, "color": "white"}},
        "hoverinfo": "skip",  # never catches a click meant for the point or the space under it
    }


def latent_figure(
    z: np.ndarray,
    y: np.ndarray,
    class_names=tuple(str(i) for i in range(10)),
    *,
    marker: tuple[float, float] | None = None,
    marker_name: str = "chosen point",
    show_test: bool = False,
    z_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    point_size: float = 3,
    opacity: float = 0.6,
    grid: bool = True,
    grid_size: int = GRID_SIZE,
    extent=None,
    view=None,
    height: int | None = None,
    visible_classes=None,
) -> go.Figure:
    """All encodings as WebGL points coloured by class, a click grid, and an optional marker.

    z, y: the training encodings (N, 2) and labels (N,); every point is drawn, none dropped.
    marker: (z1, z2) to mark with a cross (e.g. the clicked point or an uploaded digit's encoding).
    show_test with z_test, y_test: the test encodings too, as open circles.
    extent: ((x0, x1), (y0, y1)) the click grid covers; default: the training encodings plus a small margin.
    view: ((x0, x1), (y0, y1)) shown at first (e.g. model.views.core_box); default: the extent. A
    double-click (with CONFIG's doubleClick) shows everything.
    height: in px; default: what suits the view's aspect at equal scale in a ~520 px wide plot.
    visible_classes: class indices drawn at first (others only in the legend); None = all.
    Returns a go.Figure; its roles (see figure_roles) say which trace is what.
    """
    if extent is None:
        extent = latent_extent(z)
    traces = _class_traces(z, y, class_names, TRAIN, point_size, opacity, visible_classes)
    roles = [TRAIN] * len(traces)
    if show_test and z_test is not None and y_test is not None:
        traces += _class_traces(z_test, y_test, class_names, TEST, point_size, opacity, visible_classes)
        roles += [TEST] * len(class_names)
    if grid:
        gx, gy = click_grid(extent, grid_size)
        traces.append(
            {
                "type": "scattergl",
                "mode": "markers",
                "name": "click grid",
                "legendgroup": GRID,
                "x": gx,
                "y": gy,
                # Invisible until selected: then the clicked node shows as a black cross.
                "marker": {"size": 1, "opacity": 0, "color": "black", "symbol": "x"},
                "selected": {"marker": {"opacity": 1.0, "size": SELECTED_SIZE + 4}},
                "unselected": {"marker": {"opacity": 0}},
                "hoverinfo": "none",
                "showlegend": False,
            }
        )
        roles.append(GRID)
    if marker is not None:
        traces.append(marker_trace(*marker, name=marker_name))
        roles.append(MARKER)
    (x0, x1), (y0, y1) = extent if view is None else view
    if height is None:  # equal scale: a wide plane needs a short chart, not empty bands above and below
        height = int(np.clip(PLOT_WIDTH * (y1 - y0) / max(x1 - x0, 1e-9), 280, 720)) + 95
    layout = {
        "height": height,
        "margin": {"l": 50, "r": 36, "t": 40, "b": 45},
        "modebar": {"orientation": "v"},  # down the right margin: never over the legend above the plot
        "meta": {"roles": roles},
        # constrain="domain" keeps the ranges exact under equal scale, so the grid covers the plot.
        "xaxis": {"title": {"text": "z1"}, "range": [x0, x1], "constrain": "domain", "zeroline": False},
        "yaxis": {
            "title": {"text": "z2"},
            "range": [y0, y1],
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
            "zeroline": False,
        },
        # A horizontal legend above the plot leaves the width to the (square-ish) plane.
        "legend": {
            "itemsizing": "constant",
            "orientation": "h",
            "x": 0,
            "y": 1.0,
            "yanchor": "bottom",
            "entrywidth": 34,
            "font": {"size": 11},
        },  # fmt: skip
        "hovermode": "closest",
        "uirevision": "latent",  # keep zoom and legend toggles when the figure is re-sent
    }
    # Built without plotly's per-attribute validation (~0.3 s for 60,000 points); the dicts above are valid.
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


# st.plotly_chart's config for a latent figure: a double-click autoscales to every point (plotly's
# "reset" would go back to the opening view), and the modebar's Autoscale does the same.
CONFIG = {
    "displaylogo": False,
    "doubleClick": "autosize",
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "resetScale2d"],
}


def with_view(fig: go.Figure, view, revision: str | None = None) -> go.Figure:
    """`fig` (changed in place and returned) opening on `view` ((x0, x1), (y0, y1)); a new `revision`
    makes plotly drop the user's zoom (e.g. another model), the same one keeps it across reruns."""
    (x0, x1), (y0, y1) = view
    fig.layout.xaxis.range = [x0, x1]
    fig.layout.yaxis.range = [y0, y1]
    if revision is not None:
        fig.layout.uirevision = revision
    return fig


def figure_roles(fig) -> tuple[str, ...]:
    """The role ("train", "test", "grid", "marker") of each trace of a latent_figure, in order."""
    layout = fig["layout"] if isinstance(fig, dict) else fig.layout
    meta = layout["meta"] if isinstance(layout, dict) else layout.meta
    return tuple(meta["roles"])


def parse_selection(selection, roles) -> Pick | None:
    """The clicked point of a plotly_chart selection as a Pick, or None for no usable click.

    selection: event["selection"] (or a dict with "points"); roles: figure_roles(fig).
    A data point gives its index (customdata) and split; a grid node gives only its coordinate.
    With several points (box or lasso), the first data point wins over grid nodes.
    """
    points = (selection or {}).get("points") or []
    best = None
    for p in points:
        curve = p.get("curve_number")
        role = roles[curve] if isinstance(curve, int) and 0 <= curve < len(roles) else None
        try:
            z1, z2 = float(p["x"]), float(p["y"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (np.isfinite(z1) and np.isfinite(z2)):
            continue
        if role in (TRAIN, TEST):
            cd = p.get("customdata")
            if isinstance(cd, list | tuple):
                cd = cd[0] if cd else None
            if cd is not None:
                return Pick(z1, z2, int(cd), role)
        if role in (GRID, MARKER) and best is None:
            best = Pick(z1, z2)
    return best


def with_marker(fig: go.Figure, marker: tuple[float, float] | None, name: str = "chosen point") -> go.Figure:
    """A new figure: `fig`'s traces plus a marker cross at `marker`; `fig` itself is left unchanged.

    Lets a page cache the heavy 60,000-point figure once and add the tiny marker per run.
    """
    roles = list(figure_roles(fig))
    data = [t.to_plotly_json() for t in fig.data]  # copies that keep the NumPy arrays
    if MARKER in roles:  # replace, never stack, markers
        i = roles.index(MARKER)
        del data[i], roles[i]
    if marker is not None:
        data.append(marker_trace(*marker, name=name))
        roles.append(MARKER)
    layout = {**fig.layout.to_plotly_json(), "meta": {"roles": roles}}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def with_selection(fig: go.Figure, pick: Pick | None) -> go.Figure:
    """A new figure with `pick` pre-selected (drawn as a clicked point); `fig` itself is left unchanged.

    A data point (index and split set) is selected in its class's trace; any other point
    selects the nearest click-grid node. With pick None, or nothing to select, no selection.
    """
    roles = figure_roles(fig)
    data = [t.to_plotly_json() for t in fig.data]
    for t in data:
        t.pop("selectedpoints", None)
    target = _find_selection(data, roles, pick) if pick is not None else None
    if target is not None:
        trace, pos = target
        data[trace]["selectedpoints"] = [pos]
    return go.Figure({"data": data, "layout": fig.layout.to_plotly_json()}, _validate=False)


def _find_selection(data, roles, pick: Pick) -> tuple[int, int] | None:
    if pick.index is not None:
        for i, (t, role) in enumerate(zip(data, roles, strict=True)):
            if role != pick.split:
                continue
            cd = np.asarray(t["customdata"])  # sorted: built with flatnonzero
            pos = int(np.searchsorted(cd, pick.index))
            if pos < len(cd) and cd[pos] == pick.index:
                return i, pos
    if GRID in roles:
        i = roles.index(GRID)
        gx, gy = np.asarray(data[i]["x"]), np.asarray(data[i]["y"])
        return i, int(np.argmin((gx - pick.z1) ** 2 + (gy - pick.z2) ** 2))
    return None
