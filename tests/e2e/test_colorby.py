"""Colour by on the live plane: the points take the measure's viridis colour, a brushed range dims
exactly the digits outside it with NumPy's count, and a worst digit in the gallery picks it on the plane."""

from __future__ import annotations

import math

import numpy as np
import pytest
from playwright.sync_api import expect

from model.folders import store
from model.folders.check import QUALITY_FILE, load_quality
from tests.e2e.app_utils import wait_for_app
from tests.e2e.plane_view import AREA, V
from ui.plane.quality import scale

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("colorby")]

CH = "explore_plane"
COLOR_BY = f"() => ({V})('{CH}').colorBy"
VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"]
DIM = "rgba(200, 200, 200, 0.25)"
DRAWN = f"() => ({V})('{CH}').drawnColors()"  # [[training digit, colour]] of the points as drawn


def drawn(page) -> tuple[np.ndarray, list[str]]:
    pairs = page.evaluate(DRAWN)
    return np.array([i for i, _ in pairs]), [c for _, c in pairs]


def viridis(v: float, lo: float, hi: float) -> str:
    """The scale's colour, computed here as the plane should: stops mixed linearly in RGB."""
    rgb = [[int(h[k : k + 2], 16) for k in (1, 3, 5)] for h in VIRIDIS]
    t = min(1.0, max(0.0, (v - lo) / (hi - lo))) * (len(rgb) - 1)
    i = min(len(rgb) - 2, math.floor(t))
    f = t - i
    c = [math.floor(a + (b - a) * f + 0.5) for a, b in zip(rgb[i], rgb[i + 1], strict=True)]
    return f"rgb({c[0]}, {c[1]}, {c[2]})"


@pytest.fixture(scope="module")
def shipped_quality():
    b = store.load(store.SHIPPED)
    return b, load_quality(b.path / QUALITY_FILE, b.latent, vae=False)


def open_colored(page, url: str, option: str) -> None:
    page.goto(url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    page.get_by_test_id("lp-colorby").select_option(option)
    page.wait_for_function(f"() => ({COLOR_BY})().loaded", timeout=60_000)


def test_colour_by_error_follows_the_scale_and_a_brush_dims_the_rest(page, live_url, shipped_quality):
    """Coloured by reconstruction error, sampled points have the scale's colour; a typed range dims
    exactly the digits outside it, and the count shown is NumPy's."""
    _, q = shipped_quality
    v = q["error_train"].astype(np.float64)
    open_colored(page, live_url, "error")
    spec = page.evaluate(COLOR_BY)["spec"]
    assert (spec["lo"], spec["hi"]) == pytest.approx(scale("error", q["error_train"]), abs=0)
    idx, color = drawn(page)
    assert len(idx) == len(v)
    for k in np.random.default_rng(0).choice(len(idx), 300, replace=False):
        assert color[k] == viridis(v[idx[k]], spec["lo"], spec["hi"]), f"point {idx[k]}"
    assert page.get_by_test_id("lp-colorbar").is_visible()

    page.get_by_test_id("lp-brush-lo").fill("0.1")
    page.get_by_test_id("lp-brush-hi").fill("0.2")
    page.get_by_test_id("lp-brush-hi").press("Enter")
    inside = (v >= 0.1) & (v <= 0.2)
    expect(page.get_by_test_id("lp-brush-count")).to_have_text(f"{inside.sum():,} of {len(v):,} digits in range")
    assert 0 < inside.sum() < len(v)
    idx, color = drawn(page)
    assert np.array_equal(np.array([c == DIM for c in color]), ~inside[idx])
    page.get_by_test_id("lp-brush-clear").click()
    page.wait_for_function(f"() => ({COLOR_BY})().range === null", timeout=30_000)
    assert DIM not in drawn(page)[1]


def test_a_brush_on_the_histogram_dims_points(page, live_url, shipped_quality):
    """Dragging across the histogram keeps a range: its bounds show in the boxes and the count is NumPy's."""
    _, q = shipped_quality
    v = q["agree_train"].astype(np.float64)
    open_colored(page, live_url, "agree")
    box = page.get_by_test_id("lp-hist").bounding_box()
    page.mouse.move(box["x"] + 1, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    page.wait_for_function(f"() => ({COLOR_BY})().range !== null", timeout=30_000)
    lo, hi = (float(page.get_by_test_id(t).input_value()) for t in ("lp-brush-lo", "lp-brush-hi"))
    assert lo <= v.min() and 0.5 <= hi <= 0.6
    expect = int(((v >= lo) & (v <= hi)).sum())
    assert page.get_by_test_id("lp-brush-count").inner_text().startswith(f"{expect:,} of ")


def test_worst_digit_in_the_gallery_picks_it(page, live_url, shipped_quality):
    """Coloured by neighbour agreement, the gallery lists the lowest-agreement digits in view, and a
    click on the first picks it on the plane, with its original and reconstruction, as a dot's click does."""
    b, q = shipped_quality
    v, z = q["agree_train"].astype(np.float64), b.latent["z_train"]
    open_colored(page, live_url, "agree")
    gallery = page.get_by_test_id("lp-worst")
    gallery.get_by_role("listitem").first.wait_for()
    *_, (x0, x1), (y0, y1) = page.evaluate(AREA, CH)
    seen = np.flatnonzero((z[:, 0] >= x0) & (z[:, 0] <= x1) & (z[:, 1] >= y0) & (z[:, 1] <= y1))
    expect = seen[np.lexsort((seen, v[seen]))][:12]
    shown = page.evaluate(COLOR_BY)["worst"]
    assert shown == expect.tolist()
    assert gallery.get_attribute("data-indices") == ",".join(map(str, shown))
    first = gallery.get_by_role("listitem").first
    assert f"#{shown[0]}" in first.get_attribute("aria-label")
    first.click()
    page.wait_for_function(f"(i) => {{ const c = ({V})('{CH}').chosen; return c && c.index === i; }}", arg=shown[0])
    picked = page.locator(".st-key-explore_picked")
    picked.wait_for(timeout=60_000)
    page.wait_for_function(
        "(i) => document.querySelector('.st-key-explore_picked').innerText.includes('train digit #' + i)",
        arg=shown[0], timeout=60_000,
    )  # fmt: skip
    picked.get_by_test_id("stImageCaption").nth(1).wait_for()
    assert picked.get_by_test_id("stImageCaption").all_inner_texts() == ["original", "reconstruction"]
