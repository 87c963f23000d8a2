"""Unit tests for ui/scatter.py: the latent figure and turning a click into a latent point."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ui.scatter import (
    GRID,
    GRID_SIZE,
    MARKER,
    PALETTE,
    TEST,
    TRAIN,
    Pick,
    click_grid,
    figure_roles,
    latent_extent,
    latent_figure,
    parse_selection,
    round_out,
    slider_step,
    with_marker,
    with_selection,
)

NAMES = tuple(str(i) for i in range(10))


@pytest.fixture(scope="module")
def encodings():
    rng = np.random.default_rng(0)
    z = (rng.normal(size=(6000, 2)) * [3, 1]).astype(np.float32)
    y = rng.integers(0, 10, 6000).astype(np.uint8)
    zt = rng.normal(size=(1000, 2)).astype(np.float32)
    yt = rng.integers(0, 10, 1000).astype(np.uint8)
    return z, y, zt, yt


def test_one_webgl_trace_per_label_with_every_point_and_its_global_index(encodings):
    """Every training point is drawn, once, in its label's trace, carrying its own index."""
    z, y, _, _ = encodings
    fig = latent_figure(z, y, NAMES)
    roles = figure_roles(fig)
    train = [t for t, r in zip(fig.data, roles, strict=True) if r == TRAIN]
    assert len(train) == 10
    assert all(t.type == "scattergl" for t in fig.data)
    assert sum(len(t.x) for t in train) == len(z)
    for k, t in enumerate(train):
        idx = np.asarray(t.customdata, dtype=np.int64)
        assert (y[idx] == k).all()
        np.testing.assert_array_equal(np.asarray(t.x), z[idx, 0])
        np.testing.assert_array_equal(np.asarray(t.y), z[idx, 1])
        assert t.marker.color == PALETTE[k]
        assert t.name == NAMES[k]
        assert "%{customdata}" in t.hovertemplate and f"label {k}" in t.hovertemplate
    all_idx = np.sort(np.concatenate([np.asarray(t.customdata, dtype=np.int64) for t in train]))
    np.testing.assert_array_equal(all_idx, np.arange(len(z)))


def test_axes_are_z1_z2_with_equal_scale_and_range_covering_the_data(encodings):
    """Axes are titled z1 and z2, anchored to equal scale, and show every point."""
    z, y, _, _ = encodings
    fig = latent_figure(z, y, NAMES)
    assert fig.layout.xaxis.title.text == "z1" and fig.layout.yaxis.title.text == "z2"
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert x0 < z[:, 0].min() and x1 > z[:, 0].max() and y0 < z[:, 1].min() and y1 > z[:, 1].max()


def test_click_grid_is_invisible_and_covers_the_shown_range(encodings):
    """The click grid has at least 120 x 120 transparent, hover-free nodes spanning the axes."""
    z, y, _, _ = encodings
    fig = latent_figure(z, y, NAMES)
    grid = fig.data[figure_roles(fig).index(GRID)]
    assert len(grid.x) >= 120 * 120
    assert grid.marker.opacity == 0 and grid.hoverinfo == "none" and grid.showlegend is False
    assert np.isclose(min(grid.x), fig.layout.xaxis.range[0]) and np.isclose(max(grid.x), fig.layout.xaxis.range[1])
    assert np.isclose(min(grid.y), fig.layout.yaxis.range[0]) and np.isclose(max(grid.y), fig.layout.yaxis.range[1])


def test_marker_and_test_points_are_optional_extra_traces(encodings):
    """A marker adds one cross on top; show_test adds ten test traces with test indices."""
    z, y, zt, yt = encodings
    plain = latent_figure(z, y, NAMES)
    assert MARKER not in figure_roles(plain) and TEST not in figure_roles(plain)
    fig = latent_figure(z, y, NAMES, marker=(1.5, -0.5), show_test=True, z_test=zt, y_test=yt)
    roles = figure_roles(fig)
    assert roles.count(TEST) == 10 and roles[-1] == MARKER
    m = fig.data[-1]
    assert (m.x[0], m.y[0]) == (1.5, -0.5) and m.marker.symbol == "x" and m.marker.size >= 14
    test = [t for t, r in zip(fig.data, roles, strict=True) if r == TEST]
    assert sum(len(t.x) for t in test) == len(zt)
    assert max(max(t.customdata) for t in test) < len(zt)


def test_figure_serialises_to_valid_plotly_json_of_bounded_size():
    """The 60,000-point figure passes plotly's validation and ships as typed arrays (< 1.3 MB)."""
    rng = np.random.default_rng(1)
    z = rng.normal(size=(60000, 2)).astype(np.float32)
    y = rng.integers(0, 10, 60000).astype(np.uint8)
    fig = latent_figure(z, y, NAMES, marker=(0, 0))
    spec = pio.to_json(fig.to_dict(), validate=False)
    assert len(spec) < 1_300_000  # base64 float32; plain JSON numbers would be ~2.5 MB
    assert '"dtype":"f4"' in spec and '"dtype":"u2"' in spec
    go.Figure(json.loads(spec))  # raises if any attribute is invalid


def test_hidden_classes_stay_in_the_legend(encodings):
    """visible_classes leaves the other labels toggled off but still in the legend."""
    z, y, _, _ = encodings
    fig = latent_figure(z, y, NAMES, visible_classes={3})
    vis = [t.visible for t in fig.data[:10]]
    assert vis[3] is True and vis.count("legendonly") == 9


def test_extent_and_grid_helpers():
    """The extent pads the bounding box; the grid spans it corner to corner."""
    z = np.array([[0, 0], [10, 2]], dtype=np.float32)
    (x0, x1), (y0, y1) = latent_extent(z, margin=0.1)
    assert (x0, x1) == pytest.approx((-1, 11)) and (y0, y1) == pytest.approx((-0.2, 2.2))
    gx, gy = click_grid(((0, 1), (0, 2)), n=3)
    assert len(gx) == 9 and gx.min() == 0 and gx.max() == 1 and gy.max() == 2


ROLES = (TRAIN,) * 10 + (GRID, MARKER)


def test_click_on_data_point_gives_its_global_index():
    """A click on a training point returns that point's coordinates and global index."""
    sel = {"points": [{"curve_number": 3, "point_index": 7, "x": 0.25, "y": -1.5, "customdata": 4242}]}
    assert parse_selection(sel, ROLES) == Pick(0.25, -1.5, 4242, TRAIN)


def test_customdata_as_list_and_test_split():
    """customdata may arrive as a one-element list; test traces give split 'test'."""
    roles = (TRAIN,) * 10 + (TEST,) * 10 + (GRID,)
    sel = {"points": [{"curve_number": 12, "x": 1, "y": 2, "customdata": [17]}]}
    assert parse_selection(sel, roles) == Pick(1.0, 2.0, 17, TEST)


def test_click_on_empty_space_gives_grid_coordinate_without_index():
    """A click on the grid returns the grid node's coordinate and no index."""
    sel = {"points": [{"curve_number": 10, "point_index": 99, "x": -2.0, "y": 3.5}]}
    assert parse_selection(sel, ROLES) == Pick(-2.0, 3.5, None, None)


def test_data_point_wins_over_grid_in_a_multi_point_selection():
    """When a selection holds grid nodes and a data point, the data point wins."""
    sel = {
        "points": [
            {"curve_number": 10, "x": 0.0, "y": 0.0},
            {"curve_number": 2, "x": 0.1, "y": 0.1, "customdata": 5},
        ]
    }
    assert parse_selection(sel, ROLES) == Pick(0.1, 0.1, 5, TRAIN)


@pytest.mark.parametrize(
    "sel",
    [
        None,
        {},
        {"points": []},
        {"points": [{"curve_number": 99, "x": 1, "y": 1}]},
        {"points": [{"curve_number": 10, "x": "nan", "y": 1}]},
        {"points": [{"curve_number": 10}]},
    ],
)
def test_empty_or_unusable_selection_gives_none(sel):
    """No points, an unknown trace or a non-finite coordinate give None."""
    assert parse_selection(sel, ROLES) is None


def test_with_marker_adds_or_moves_one_cross_and_leaves_the_original_alone(encodings):
    """with_marker returns a new figure with exactly one cross; the cached original keeps none."""
    z, y, _, _ = encodings
    base = latent_figure(z, y, NAMES)
    n = len(base.data)
    one = with_marker(base, (1.0, 2.0))
    two = with_marker(one, (3.0, 4.0))
    assert len(base.data) == n and MARKER not in figure_roles(base)
    assert len(one.data) == len(two.data) == n + 1
    assert figure_roles(two).count(MARKER) == 1 and (two.data[-1].x[0], two.data[-1].y[0]) == (3.0, 4.0)
    assert len(with_marker(two, None).data) == n
    np.testing.assert_array_equal(np.asarray(two.data[0].x), np.asarray(base.data[0].x))


def test_with_selection_preselects_a_data_point_by_its_global_index(encodings):
    """A data-point pick is pre-selected in its label's trace, at that point's position."""
    z, y, _, _ = encodings
    base = latent_figure(z, y, NAMES)
    fig = with_selection(base, Pick(*z[1234], index=1234, split=TRAIN))
    sel = [(i, t.selectedpoints) for i, t in enumerate(fig.data) if t.selectedpoints]
    assert len(sel) == 1
    trace, (pos,) = sel[0]
    assert trace == y[1234] and fig.data[trace].customdata[pos] == 1234
    assert not any(t.selectedpoints for t in base.data)  # the cached figure is untouched


def test_with_selection_marks_empty_space_at_the_nearest_grid_node(encodings):
    """A coordinate pick selects the grid node nearest to it; None selects nothing."""
    z, y, _, _ = encodings
    base = latent_figure(z, y, NAMES)
    fig = with_selection(base, Pick(1.0, -0.5))
    roles = figure_roles(fig)
    grid = fig.data[roles.index(GRID)]
    (node,) = grid.selectedpoints
    step = (fig.layout.xaxis.range[1] - fig.layout.xaxis.range[0]) / (GRID_SIZE - 1)
    assert abs(grid.x[node] - 1.0) <= step / 2 + 1e-6 and abs(grid.y[node] + 0.5) <= step
    assert sum(bool(t.selectedpoints) for t in fig.data) == 1
    assert not any(t.selectedpoints for t in with_selection(fig, None).data)


def test_selected_points_are_drawn_black_and_big(encodings):
    """A clicked point is restyled by plotly: black and big for data, a visible cross for the grid."""
    z, y, _, _ = encodings
    fig = latent_figure(z, y, NAMES)
    roles = figure_roles(fig)
    for t, role in zip(fig.data, roles, strict=True):
        if role == TRAIN:
            assert t.selected.marker.color == "black" and t.selected.marker.size >= 10
            assert t.unselected.marker.opacity == t.marker.opacity  # no dimming of the rest
        if role == GRID:
            assert t.marker.symbol == "x" and t.selected.marker.opacity == 1 and t.selected.marker.size >= 12


@pytest.mark.parametrize("lo, hi", [(-29.8, 82.3), (-85.4, 31.9), (0.0, 1.0), (-0.013, 0.021)])
def test_slider_steps_are_round_and_fine(lo, hi):
    """Slider steps are 1, 2 or 5 times a power of ten, giving a few hundred steps; ends align."""
    step = slider_step(lo, hi)
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    assert 150 <= (hi - lo) / step <= 1500
    a, b = round_out(lo, hi, step)
    assert a <= lo and b >= hi and b - a < hi - lo + 2 * step
    assert abs(a / step - round(a / step)) < 1e-6 and abs(b / step - round(b / step)) < 1e-6
