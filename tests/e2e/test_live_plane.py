"""The live plane in Chromium on its bare harness page (tests/e2e/apps/live_plane_app.py): real mouse input."""

from __future__ import annotations

import hashlib
import urllib.request

import numpy as np
import pytest

from model.folders import store
from model.net.export_weights import plane_payload
from tests.e2e.app_utils import record_frames, start_streamlit, stop, wait_for_app, wait_until_quiet
from tests.e2e.plane_view import RELAYOUT, TO_PAGE, VIEW, V, points

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("live_plane")]

HARNESS = "tests/e2e/apps/live_plane_app.py"
PLOT = '[data-testid="lp-plot"]'
DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
CH = "plane"  # the harness's plane key
PREVIEW = """() => Array.from(document.querySelector('[data-testid="lp-preview"]').getContext('2d')
    .getImageData(0, 0, 28, 28).data).join(',')"""
FIRST = f"(n) => ({V})('{CH}').points().z.slice(0, n)"  # the first n / 2 training encodings, flat
# Counts the WebGL draws of more than 1,000 points (the points trace: every other trace is a few marks)
# in window.__bigDraws; run before any page script.
COUNT_DRAWS = """(() => {
  window.__bigDraws = 0;
  for (const P of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
    const draw = P.drawArrays;
    P.drawArrays = function (mode, first, count) { if (count > 1000) window.__bigDraws++; return draw.apply(this, arguments); };
  }
})();"""


def page_px(page, z):
    """Page pixels of latent point z = [z1, z2] in the harness's plane."""
    return page.evaluate(TO_PAGE, [CH, *z])


@pytest.fixture(scope="module")
def harness_url():
    """A bare page with only the live plane (tests/e2e/apps/live_plane_app.py), on its own server."""
    proc, url = start_streamlit(script=HARNESS, timeout=120.0)
    yield url
    stop(proc)


def open_plane(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)


def chosen_text(page) -> str:
    return page.locator(".st-key-harness_chosen").inner_text()


def test_pointer_moves_decode_in_the_browser_without_server_requests(page, harness_url):
    """Each real mouse move over the plot repaints the preview digit, clears no plot-sized layer (the lens is off),
    and no websocket frame goes to the server."""
    sent = record_frames(page)
    open_plane(page, harness_url)
    wait_until_quiet(page, sent)  # the first run's own messages (widget states) have gone out
    z = page.evaluate(FIRST, 40)
    page.mouse.move(*page_px(page, [z[0], z[1]]))  # the first move clears the lens's layer, once
    page.evaluate(COUNT_LAYER_CLEARS)
    before, images = len(sent), []
    for i in range(0, 40, 2):  # 20 training encodings: spread over the plane
        x, y = page_px(page, [z[i], z[i + 1]])
        page.mouse.move(x, y)
        images.append(page.evaluate(PREVIEW))
    changed = sum(a != b for a, b in zip(images, images[1:], strict=False))
    assert changed >= 17, f"the preview changed on only {changed} of 19 moves"
    assert "Pointer: z1 =" in page.get_by_test_id("lp-coords").inner_text()
    assert len(sent) == before, f"{len(sent) - before} websocket frames were sent while the pointer moved"
    # Clearing a layer as big as the plot on every move made the browser composite it anew each time.
    assert page.evaluate("() => window.layerClears") == 0


# Counts, from now on, the clears of canvases at least half the plot's width (the plane's layers, not the preview).
COUNT_LAYER_CLEARS = """() => {
  window.layerClears = 0;
  const clear = CanvasRenderingContext2D.prototype.clearRect, plot = document.querySelector('[data-testid="lp-plot"]');
  CanvasRenderingContext2D.prototype.clearRect = function (...a) {
    if (this.canvas.isConnected && this.canvas.clientWidth >= plot.clientWidth / 2) window.layerClears++;
    return clear.apply(this, a);
  };
}"""


def test_click_commits_point_url_and_index(page, harness_url):
    """A click on empty space sends its coordinate (URL follows); a click on a data point sends its index."""
    open_plane(page, harness_url)
    box = page.locator(PLOT).bounding_box()
    (x0, _), (_, y1) = page.evaluate(VIEW, CH)["range"].values()
    x, y = page_px(page, [x0 + 0.5, y1 - 0.5])
    assert box["x"] < x < box["x"] + box["width"]
    page.mouse.click(x, y)
    page.wait_for_function("() => location.search.includes('z1=')")
    page.wait_for_function("() => document.querySelector('.st-key-harness_chosen').innerText.includes('index None')")
    z = page.evaluate(FIRST, 2)
    page.mouse.click(*page_px(page, z))
    page.wait_for_function(
        "() => /index \\d+/.test(document.querySelector('.st-key-harness_chosen').innerText)", timeout=30_000
    )
    assert "training digit #" in page.get_by_test_id("lp-chosen").inner_text()


def test_points_are_painted_before_plotly_then_the_plot_takes_over(page, harness_url):
    """While plotly.js loads, the points are painted at once and decode under the pointer; Plotly's plot then
    replaces them in place, drawing them once (not again for the size it already has), at the screen's resolution,
    and a click picks a digit."""
    held, release = [], []
    page.add_init_script(COUNT_DRAWS)
    page.route("**/app/static/plotly-*.js", lambda route: route.continue_() if release else held.append(route))
    page.goto(harness_url)
    page.wait_for_selector(f'{PLOT}[data-painted="1"]', timeout=180_000)
    assert page.locator(DRAWN).count() == 0 and page.get_by_test_id("lp-loading").is_visible()
    canvas = page.get_by_test_id("lp-firstpaint")
    inked = canvas.evaluate(
        "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 3 && v).length"
    )
    assert inked > 10_000, f"only {inked} pixels painted"
    painted = page.evaluate(VIEW, CH)
    assert painted["painted"] and not painted["drawn"]
    painted = painted["area"]
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + painted["left"] + painted["w"] / 2, box["y"] + painted["top"] + painted["h"] / 3)
    assert "Pointer: z1 =" in page.get_by_test_id("lp-coords").inner_text()
    release.append(True)
    for route in held:
        route.continue_()
    page.wait_for_selector(DRAWN, timeout=180_000)
    assert canvas.count() == 0 and page.get_by_test_id("lp-loading").count() == 0
    drawn = page.evaluate(VIEW, CH)["area"]
    assert all(abs(drawn[k] - painted[k]) < 0.5 for k in painted), f"the points moved: {painted} -> {drawn}"
    page.mouse.click(*page_px(page, page.evaluate(FIRST, 2)))
    page.wait_for_function("() => /index \\d+/.test(document.querySelector('.st-key-harness_chosen').innerText)")
    assert "training digit #" in page.get_by_test_id("lp-chosen").inner_text()
    assert page.evaluate("window.__bigDraws") == 1  # by now the size follower has reported the size drawn for
    # WebGL at the screen's pixel ratio (1 here), not Plotly's default of 2: a quarter of the pixels to fill each frame.
    gl = page.locator(f"{PLOT} canvas.gl-canvas-context").evaluate("c => [c.width, c.clientWidth, devicePixelRatio]")
    assert gl[0] == round(gl[1] * gl[2]), gl


def test_decoded_map_paints_and_repaints_after_zoom(page, harness_url):
    """The map toggle paints decoded digits behind the points; a wheel zoom repaints them for the new view."""
    open_plane(page, harness_url)
    page.get_by_test_id("lp-map-toggle").check()
    page.wait_for_selector('[data-testid="lp-map"][data-painted="1"]')
    lit = "() => { const c = document.querySelector('[data-testid=\"lp-map\"]'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) n += d[i] > 128; return n; }"  # fmt: skip
    assert page.evaluate(lit) > 1000
    view = f"() => ({V})('{CH}').map.x"
    before = page.evaluate(view)
    box = page.locator(PLOT).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_selector('[data-testid="lp-map"]:not([data-painted="1"])', timeout=30_000)
    after = page.evaluate(view)
    assert after[1] - after[0] < before[1] - before[0]  # the new map covers the zoomed-in view


# [r, g, b, a] of the decoded map's canvas at latent point (z1, z2), as drawn on screen.
MAP_RGBA = f"""([z1, z2]) => {{ const c = document.querySelector('[data-testid="lp-map"]'), r = c.getBoundingClientRect();
    const [x, y] = ({V})('{CH}').toPage(z1, z2), k = c.width / r.width;
    return Array.from(c.getContext('2d').getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data); }}"""


def test_map_holes_tint_the_decoded_map_far_from_every_training_digit(page, harness_url):
    """Map holes turns the decoded map on and tints its cells far from every training encoding (magenta), never
    a cell on top of the points."""
    from scipy.spatial import cKDTree

    open_plane(page, harness_url)
    page.get_by_test_id("lp-holes-toggle").check()
    assert page.get_by_test_id("lp-map-toggle").is_checked()
    z = points(page, CH)
    (x0, y0), (x1, y1) = z.min(0), z.max(0)
    wide = {"xaxis.range": [x0 - (x1 - x0), x1 + (x1 - x0)], "yaxis.range": [y0 - (y1 - y0), y1 + (y1 - y0)]}
    page.evaluate(RELAYOUT, [CH, wide])  # out to three times the points' extent: most of the view is far from them
    page.wait_for_function(
        f"(x) => ({V})('{CH}').map?.tint && ({V})('{CH}').map.x[0] === x", arg=wide["xaxis.range"][0]
    )
    m = page.evaluate(f"() => ({V})('{CH}').map")
    n, rows, (vx0, vx1), (vy0, vy1) = m["n"], m["rows"], m["x"], m["y"]
    c, r = np.meshgrid(np.arange(n), np.arange(rows))
    centres = np.stack([vx0 + (c.ravel() + 0.5) / n * (vx1 - vx0), vy1 - (r.ravel() + 0.5) / rows * (vy1 - vy0)], 1)
    dist = cKDTree(z).query(centres)[0]  # each cell's distance to its nearest training encoding
    tint = np.asarray(m["tint"])
    far, near = int(dist.argmax()), int(dist.argmin())
    assert tint[far] == 1 and tint[near] == 0, (dist[far], dist[near])
    assert np.all(tint[dist > 0.1 * max(x1 - x0, y1 - y0)] == 1)  # a tenth of the extent away: a hole
    hole, busy = (page.evaluate(MAP_RGBA, centres[k].tolist()) for k in (far, near))
    assert hole[0] - hole[1] > 60 and abs(busy[0] - busy[1]) <= 8, (hole, busy)  # magenta there, grey here


def test_interpolation_shows_k_digits(page, harness_url):
    """Two clicks in interpolation mode set A and B; the strip holds k decoded digits (k = 12)."""
    open_plane(page, harness_url)
    page.get_by_test_id("lp-interp-toggle").check()
    z = page.evaluate(FIRST, 4)
    page.mouse.click(*page_px(page, z[:2]))
    page.mouse.click(*page_px(page, z[2:]))
    page.get_by_test_id("lp-k").evaluate("e => { e.value = 12; e.dispatchEvent(new Event('input')); }")
    strip = page.get_by_test_id("lp-strip")
    assert strip.get_attribute("data-k") == "12"
    assert strip.evaluate("c => c.width") == 12 * 28
    page.get_by_test_id("lp-play").click()
    assert page.get_by_test_id("lp-play").inner_text() == "Pause"


def test_a_returning_visitor_takes_plotly_and_the_payload_from_the_browser_cache(page, harness_url):
    """Opening the plane again in the same browser fetches neither plotly.js nor the payload: not a byte of them comes over the network."""
    open_plane(page, harness_url)
    again = page.context.new_page()
    open_plane(again, harness_url)
    sizes = again.evaluate(
        "() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/app/static/'))"
        ".map((e) => [e.name.split('/app/static/')[1], e.transferSize])"
    )
    names = [name for name, _ in sizes]
    assert any(n.startswith("plotly-gl2d-") for n in names) and any(n.endswith(".bin") for n in names), names
    assert all(size == 0 for _, size in sizes), f"fetched again: {sizes}"


def test_fallback_when_plotly_cannot_load(page, harness_url):
    """If the plane's JavaScript cannot start (plotly.js blocked), the page says so and shows the still picture."""
    page.route("**/app/static/plotly-*.js", lambda route: route.abort())
    page.goto(harness_url)
    wait_for_app(page)
    page.get_by_text("The live plane could not start in this browser").wait_for(timeout=120_000)
    picture = page.locator('.st-key-fallback_picture [data-testid="stImage"] img')
    picture.wait_for(timeout=120_000)
    assert picture.evaluate("img => img.complete && img.naturalWidth") > 0


def test_payload_file_serves_exactly_the_payload_bytes(page, harness_url):
    """The plane's data is a static file serving exactly the model's payload, fetched once by the page, reruns included."""
    b = store.load()
    body = plane_payload(b.codec, b.latent, tuple(str(i) for i in range(10)), history=getattr(b, "history", None))
    sha = hashlib.sha256(body).hexdigest()
    with urllib.request.urlopen(f"{harness_url}/app/static/lp/{sha[:16]}.bin", timeout=30) as r:
        assert r.read() == body
    fetched = []
    page.on(
        "request", lambda req: "/app/static/lp/" in req.url and req.url.endswith(".bin") and fetched.append(req.url)
    )
    open_plane(page, harness_url)
    z = page.evaluate(FIRST, 2)
    page.mouse.click(*page_px(page, z))  # a rerun: the plane keeps its data, no second fetch
    page.wait_for_function("() => /index \\d+/.test(document.querySelector('.st-key-harness_chosen').innerText)")
    assert fetched == [f"{harness_url}/app/static/lp/{sha[:16]}.bin"]
    digest = page.evaluate(
        """async (sha) => { const u = await window.latentPlane.payloads.get(sha);
        return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", u)), (x) => x.toString(16).padStart(2, "0")).join(""); }""",
        sha[:16],
    )
    assert digest == sha


@pytest.mark.parametrize("what", ["bin", "js"], ids=["data", "code"])
def test_fallback_when_payload_cannot_be_fetched(page, harness_url, what):
    """If the plane's data, or its code, cannot be fetched, the page says so and shows the still picture."""
    page.route(f"**/app/static/lp/*.{what}", lambda route: route.abort())
    page.goto(harness_url)
    wait_for_app(page)
    line = page.get_by_text("The live plane could not start in this browser")
    line.wait_for(timeout=120_000)
    assert what != "js" or "its code could not be fetched" in line.inner_text(), line.inner_text()
    page.locator('.st-key-fallback_picture [data-testid="stImage"] img').wait_for(timeout=120_000)


def test_star_for_an_uploaded_digit(page, harness_url):
    """A star point (the Upload page's digit) reaches the plane and can start an interpolation."""
    open_plane(page, harness_url + "/?star=1.5,-2.5")
    page.wait_for_function(f"() => {{ const v = ({V})('{CH}'); return !!v && v.star !== null; }}")
    assert page.evaluate(VIEW, CH)["star"] == [1.5, -2.5]
    page.get_by_test_id("lp-interp-toggle").check()
    page.get_by_role("button", name="A = your digit").click()
    assert page.evaluate(VIEW, CH)["ends"]["A"] == [1.5, -2.5]
