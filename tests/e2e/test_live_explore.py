"""The live plane on the real Explore page (LATENT_EXPLORER_LIVE=1): a click on a digit shows it, its neighbours, the URL."""

from __future__ import annotations

import numpy as np
import pytest

from model.net.views import core_box
from tests.e2e.app_utils import wait_for_app

pytestmark = pytest.mark.e2e

STATE = "() => window.__livePlane.explore_plane"
PAGE_PX = f"""([z1, z2]) => {{
    const S = ({STATE})(), fl = S.gd._fullLayout, r = S.d.plot.getBoundingClientRect();
    return [r.left + fl.xaxis._offset + fl.xaxis.l2p(z1), r.top + fl.yaxis._offset + fl.yaxis.l2p(z2)];
}}"""


def test_click_on_a_digit_shows_original_neighbours_and_url(page, live_url):
    """Explore: clicking a data point on the live plane shows its original, 8 neighbour thumbnails, and sets ?z1=&z2=."""
    page.goto(live_url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    assert page.get_by_test_id("stPlotlyChart").count() == 0  # the live plane replaced the server chart
    z = page.evaluate(f"() => Array.from(({STATE})().P.z.slice(0, 2))")
    page.mouse.click(*page.evaluate(PAGE_PX, z))
    picked = page.locator(".st-key-explore_picked")
    picked.wait_for(timeout=60_000)
    assert "Clicked: train digit #" in picked.inner_text()
    picked.get_by_test_id("stImageCaption").nth(1).wait_for()
    assert picked.get_by_test_id("stImageCaption").all_inner_texts() == ["original", "reconstruction"]
    neighbours = page.locator(".st-key-explore_neighbours")
    neighbours.get_by_test_id("stImageCaption").nth(7).wait_for()
    assert neighbours.locator("img").count() == 8
    assert "z1=" in page.url and "z2=" in page.url


def test_jump_to_index_moves_marker(page, live_url):
    """Typing a training index in the jump box moves the plane's chosen point to that digit's encoding."""
    page.goto(live_url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    box = page.get_by_label("Go to training digit")
    box.fill("123")
    box.press("Enter")
    page.wait_for_function(f"() => {{ const c = ({STATE})().committed; return c && c.index === 123; }}", timeout=60_000)
    assert "training digit #123" in page.get_by_test_id("lp-chosen").inner_text()


RANGES = f"() => {{ const fl = ({STATE})().gd._fullLayout; return [fl.xaxis.range, fl.yaxis.range]; }}"


def test_plane_opens_on_the_core_and_a_double_click_shows_every_digit(page, live_url):
    """The live plane opens on the dense core (1st-99th percentile box); a double-click widens it to every point."""
    page.goto(live_url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    z = np.asarray(page.evaluate(f"() => Array.from(({STATE})().P.z)")).reshape(-1, 2)
    (x0, x1), (y0, y1) = page.evaluate(RANGES)
    (cx0, cx1), (cy0, cy1) = core_box(z)
    assert x0 <= cx0 + 1e-3 and x1 >= cx1 - 1e-3 and y0 <= cy0 + 1e-3 and y1 >= cy1 - 1e-3  # the core is in view
    assert (x1 - x0) < np.ptp(z[:, 0]) and (z[:, 0] < x0).any() | (z[:, 0] > x1).any()  # not everything
    box = page.get_by_test_id("lp-plot").bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.wait_for_function(f"(lo) => ({RANGES})()[0][0] < lo", arg=float(z[:, 0].min()) + 1e-6, timeout=30_000)
    (x0, x1), (y0, y1) = page.evaluate(RANGES)
    assert x0 <= z[:, 0].min() and x1 >= z[:, 0].max() and y0 <= z[:, 1].min() and y1 >= z[:, 1].max()


def test_back_after_a_click_returns_to_the_whole_previous_point(page, live_url):
    """Back after a click on the plane restores the point before it: both z1 and z2, never one old and one new."""
    page.goto(live_url + "/?model=default&z1=10&z2=-5")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    page.wait_for_function("() => location.search.includes('z1=10.0000')", timeout=60_000)
    z = page.evaluate(f"() => Array.from(({STATE})().P.z.slice(0, 2))")
    page.mouse.click(*page.evaluate(PAGE_PX, z))
    page.wait_for_function("() => !location.search.includes('z1=10.0000')", timeout=60_000)
    wait_for_app(page)
    page.go_back()
    page.wait_for_function("() => location.search.includes('z2=-5')", timeout=60_000)
    assert "z1=10" in page.url  # the previous point whole, not the clicked z1 with the old z2
