"""The live plane on the real Explore page (LATENT_EXPLORER_LIVE=1): what a click picks, the neighbours, the URL,
and the still picture that takes the plane's place where it cannot start."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from model.plane.views import core_box
from tests.e2e.app_utils import DECODED, assert_no_exception, wait_for_app
from tests.e2e.plane_view import AREA as PLANE_AREA

pytestmark = pytest.mark.e2e

STATE = "() => window.latentPlane.view('explore_plane')"  # the plane's test view (ui/plane/js/view.js)
PAGE_PX = f"([z1, z2]) => ({STATE})().toPage(z1, z2)"


def test_click_on_a_digit_shows_original_neighbours_and_url_then_jump_to_index_moves_marker(page, live_url):
    """Explore: a click on a data point shows its original, 8 neighbour thumbnails, sets ?z1=&z2=, and its rerun
    brings a few KB (the plane's code is a static file, fetched once); a typed index then moves the marker there."""
    received = []  # the size of every message the server sends this page
    page.on("websocket", lambda ws: ws.on("framereceived", lambda m: received.append(len(m))))
    page.goto(live_url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    assert page.get_by_test_id("stPlotlyChart").count() == 0  # one renderer: the live plane
    code = page.evaluate(
        "() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => /\\/app\\/static\\/lp\\/\\w+\\.js$/.test(n))"
    )
    assert len(code) == 1, code  # the plane's code: one module under app/static/lp/, named by its hash
    z = page.evaluate(f"() => ({STATE})().points().z.slice(0, 2)")
    opened = len(received)
    page.mouse.click(*page.evaluate(PAGE_PX, z))
    picked = page.locator(".st-key-explore_picked")
    picked.wait_for(timeout=60_000)
    wait_for_app(page)
    # The click's rerun: the picked digit, its neighbours, the plane's new state; never the plane's ~190 KB of code.
    assert 0 < sum(received[opened:]) < 40_000, received[opened:]
    assert "Clicked: train digit #" in picked.inner_text()
    picked.get_by_test_id("stImageCaption").nth(1).wait_for()
    assert picked.get_by_test_id("stImageCaption").all_inner_texts() == ["original", "reconstruction"]
    neighbours = page.locator(".st-key-explore_neighbours")
    neighbours.get_by_test_id("stImageCaption").nth(7).wait_for()
    assert neighbours.locator("img").count() == 8
    assert "z1=" in page.url and "z2=" in page.url
    # Then typing a training index in the jump box moves the plane's chosen point to that digit's encoding.
    box = page.get_by_label("Go to training digit")
    box.fill("123")
    box.press("Enter")
    page.wait_for_function(f"() => {{ const c = ({STATE})().chosen; return c && c.index === 123; }}", timeout=60_000)
    assert "training digit #123" in page.get_by_test_id("lp-chosen").inner_text()


RANGES = f"() => {{ const v = ({STATE})(); return [v.range.x, v.range.y]; }}"


def test_plane_opens_on_the_core_and_a_double_click_shows_every_digit(page, live_url):
    """The live plane opens on the dense core (1st-99th percentile box); a double-click widens it to every point."""
    page.goto(live_url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    z = np.asarray(page.evaluate(f"() => ({STATE})().points().z")).reshape(-1, 2)
    (x0, x1), (y0, y1) = page.evaluate(RANGES)
    (cx0, cx1), (cy0, cy1) = core_box(z)
    assert x0 <= cx0 + 1e-3 and x1 >= cx1 - 1e-3 and y0 <= cy0 + 1e-3 and y1 >= cy1 - 1e-3  # the core is in view
    assert (x1 - x0) < np.ptp(z[:, 0]) and (z[:, 0] < x0).any() | (z[:, 0] > x1).any()  # not everything
    box = page.get_by_test_id("lp-plot").bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.wait_for_function(f"(lo) => ({RANGES})()[0][0] < lo", arg=float(z[:, 0].min()) + 1e-6, timeout=30_000)
    (x0, x1), (y0, y1) = page.evaluate(RANGES)
    assert x0 <= z[:, 0].min() and x1 >= z[:, 0].max() and y0 <= z[:, 1].min() and y1 >= z[:, 1].max()


def test_opening_explore_puts_no_point_in_the_history(page, live_url):
    """Opening Explore on a model adds no history entry for its opening digit: a first Back never seems to do nothing."""
    page.add_init_script("""(() => { window.__urls = []; for (const k of ["pushState", "replaceState"]) {
        const f = history[k].bind(history); history[k] = (s, t, u) => { window.__urls.push(String(u)); return f(s, t, u); }; } })();""")
    page.goto(live_url + "/?model=seed")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    wait_for_app(page)
    urls = page.evaluate("window.__urls")
    assert not any("z1=" in u for u in urls), urls
    assert "z1=" not in page.url and "model=seed" in page.url


def test_back_after_a_click_returns_to_the_whole_previous_point(page, live_url):
    """Back after a click on the plane restores the point before it: both z1 and z2, never one old and one new."""
    page.goto(live_url + "/?model=default&z1=10&z2=-5")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    page.wait_for_function("() => location.search.includes('z1=10.0000')", timeout=60_000)
    z = page.evaluate(f"() => ({STATE})().points().z.slice(0, 2)")
    page.mouse.click(*page.evaluate(PAGE_PX, z))
    page.wait_for_function("() => !location.search.includes('z1=10.0000')", timeout=60_000)
    wait_for_app(page)
    page.go_back()
    page.wait_for_function("() => location.search.includes('z2=-5')", timeout=60_000)
    assert "z1=10" in page.url  # the previous point whole, not the clicked z1 with the old z2


# The plot area in page pixels and its ranges: [left, top, width, height, [x0, x1], [y0, y1]].
AREA = f"() => ({PLANE_AREA})('explore_plane')"
COMMITTED = f"() => ({STATE})().chosen"


def open_live(page, url: str):
    """Explore with the plane drawn; returns the training encodings (N, 2) and their page pixels (N, 2)."""
    page.goto(url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    wait_for_app(page)
    return plane_pixels(page)


def plane_pixels(page):
    """The training encodings (N, 2) and their page pixels (N, 2) in the plane's current view."""
    z = np.asarray(page.evaluate(f"() => ({STATE})().points().z"), np.float64).reshape(-1, 2)
    left, top, w, h, (x0, x1), (y0, y1) = page.evaluate(AREA)
    px = np.stack([left + (z[:, 0] - x0) / (x1 - x0) * w, top + (y1 - z[:, 1]) / (y1 - y0) * h], axis=1)
    assert np.allclose(px[0], page.evaluate(PAGE_PX, z[0].tolist()), atol=0.5)  # the view's own map agrees
    return z, px


def inner_box(page) -> tuple[float, float, float, float]:
    """The plot's inner part (its edges hold the legend and the modebar): left, top, right, bottom in page pixels."""
    left, top, w, h, _, _ = page.evaluate(AREA)
    return left + 0.15 * w, top + 0.15 * h, left + 0.85 * w, top + 0.85 * h


def test_a_click_15_to_20_px_from_every_digit_picks_none_and_one_within_3_px_picks_it(page, live_url):
    """A click where the nearest training digit is 15-20 px away chooses that empty point; then one 3 px from a lone digit chooses it."""
    z, px = open_live(page, live_url)
    x0, y0, x1, y1 = inner_box(page)
    spots = np.stack(np.meshgrid(np.arange(x0, x1, 2.0), np.arange(y0, y1, 2.0)), axis=-1).reshape(-1, 2)
    gap = cKDTree(px).query(spots)[0]
    ok = np.flatnonzero((gap >= 15.5) & (gap <= 19.5))
    if not len(ok):
        pytest.fail("no spot in the plot lies 15-20 px from every training digit")
    x, y = spots[ok[np.argmin(gap[ok])]]  # the nearest such spot: the hardest case
    page.mouse.click(float(x), float(y))
    page.wait_for_function(f"() => {{ const c = ({COMMITTED})(); return c && c.index === null; }}", timeout=30_000)
    page.wait_for_function("() => location.search.includes('z1=')", timeout=60_000)
    wait_for_app(page)
    assert page.locator(".st-key-explore_picked").count() == 0  # the server chose no digit either
    assert page.get_by_text("Click a dot, or type a training digit").count() == 1
    # Then a click 3 px from a training digit (none other within 10 px) chooses that digit: its number on the page.
    z, px = plane_pixels(page)  # the view after the empty point's rerun
    x0, y0, x1, y1 = inner_box(page)
    inside = np.flatnonzero((px[:, 0] > x0) & (px[:, 0] < x1) & (px[:, 1] > y0) & (px[:, 1] < y1))
    gap = cKDTree(px).query(px[inside], k=2)[0][:, 1]  # each one's nearest other digit, in px
    lonely = inside[gap > 10]
    if not len(lonely):
        pytest.fail("no training digit in the plot is 10 px from every other")
    i = int(lonely[0])
    page.mouse.click(float(px[i, 0] + 2.1), float(px[i, 1] + 2.1))  # 2.97 px away
    page.wait_for_function(f"() => ({COMMITTED})()?.index === {i}", timeout=30_000)
    page.locator(".st-key-explore_picked").get_by_text(f"train digit #{i},").wait_for(timeout=60_000)
    committed = page.evaluate(COMMITTED)
    assert (committed["z1"], committed["z2"]) == pytest.approx(tuple(z[i]), abs=1e-6)  # the digit's own encoding


def test_explore_shows_the_still_picture_when_the_plane_cannot_start(page, live_url):
    """With plotly.js blocked the plane cannot start: one line says so, the still picture, sliders and digit remain."""
    page.route("**/app/static/plotly-*.js", lambda route: route.abort())
    page.goto(live_url + "/")
    wait_for_app(page)
    page.get_by_text("The live plane could not start in this browser").wait_for(timeout=120_000)
    picture = page.locator(".st-key-explore_picture img")
    picture.wait_for(timeout=120_000)
    wait_for_app(page)
    assert_no_exception(page, "explore fallback")
    before = page.get_attribute(DECODED, "src")
    slider = page.get_by_role("slider", name="z2")
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.getAttribute('src') !== old; }",
        arg=[DECODED, before],
        timeout=60_000,
    )
    assert "z2=" in page.url
