"""Copy link: a link made on one server, opened on a fresh server in a new browser, shows the same view:
model, zoom, chosen point, selection, layers, colouring and brushed range, replay position."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.app_utils import start_streamlit, stop, wait_for_app
from tests.e2e.plane_view import RELAYOUT, TO_PAGE, V, view

pytestmark = [pytest.mark.e2e, pytest.mark.long]  # handed out first (tests/conftest.py)

CH = "explore_plane"
DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'


def open_plane(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)


@pytest.fixture
def fresh_url(tmp_path):
    """A second, fresh server: nothing of the first one's session or caches."""
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(tmp_path / "lib"), "LATENT_EXPLORER_LIVE": "1"})
    yield url
    stop(proc)


def test_a_copied_link_restores_the_view_on_a_fresh_server(browser, page, live_url, fresh_url):
    """Seed model, a box selection, a clicked digit, a zoom, density and the decoded map on, labels off,
    Colour by agreement with a range, the replay at a position: the link brings all of it back."""
    open_plane(page, live_url + "/?model=seed&box=4,8,4,8")
    page.wait_for_function(f"() => ({V})('{CH}').selection.count > 0", timeout=60_000)
    count = view(page, CH)["selection"]["count"]
    page.evaluate(RELAYOUT, [CH, {"xaxis.range": [2, 12], "yaxis.range": [2, 12]}])
    page.wait_for_function(f"() => Math.abs(({V})('{CH}').range.x[0] - 2) < 1", timeout=30_000)
    i = 0
    z = view(page, CH)
    pts = page.evaluate(f"() => ({V})('{CH}').points().z.slice(0, 2000)")
    for k in range(1000):  # a training digit inside the zoomed view
        x, y = pts[2 * k], pts[2 * k + 1]
        if z["range"]["x"][0] + 1 < x < z["range"]["x"][1] - 1 and z["range"]["y"][0] + 1 < y < z["range"]["y"][1] - 1:
            i = k
            break
    page.mouse.click(*page.evaluate(TO_PAGE, [CH, pts[2 * i], pts[2 * i + 1]]))
    page.wait_for_function("() => location.search.includes('z1=')", timeout=60_000)
    for tid, on in (("lp-contours-toggle", True), ("lp-map-toggle", True), ("lp-labels-toggle", False)):
        page.get_by_test_id(tid).set_checked(on)
    page.get_by_test_id("lp-colorby").select_option("agree")
    page.wait_for_function(f"() => ({V})('{CH}').colorBy.loaded", timeout=60_000)
    page.get_by_test_id("lp-brush-lo").fill("0.2")
    page.get_by_test_id("lp-brush-hi").fill("0.6")
    page.get_by_test_id("lp-brush-hi").press("Enter")
    page.wait_for_function(f"() => ({V})('{CH}').colorBy.range !== null", timeout=30_000)
    page.evaluate(
        "() => { const s = document.querySelector('[data-testid=lp-replay-scrub]'); s.value = '2.5'; s.dispatchEvent(new Event('input')); }"
    )
    before = view(page, CH)
    page.get_by_test_id("lp-copy-link").click()
    link = page.get_by_test_id("lp-share-url").input_value()

    fresh = urlsplit(fresh_url)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = context.new_page()
    try:
        open_plane(other, urlsplit(link)._replace(scheme=fresh.scheme, netloc=fresh.netloc).geturl())
        other.wait_for_function(f"() => ({V})('{CH}').colorBy.range !== null", timeout=60_000)
        other.wait_for_function(f"() => ({V})('{CH}').selection.count > 0", timeout=60_000)
        after = view(other, CH)
        assert after["count"] == before["count"] and "model=seed" in other.url
        for ax in ("x", "y"):
            (a0, a1), (b0, b1) = after["range"][ax], before["range"][ax]
            assert a0 <= b0 + 1e-3 and a1 >= b1 - 1e-3 and (a1 - a0) < 1.2 * (b1 - b0)  # the same zoom
        assert after["chosen"]["index"] == before["chosen"]["index"] == i
        assert after["selection"]["count"] == count
        assert after["colorBy"]["key"] == "agree" and after["colorBy"]["range"] == [0.2, 0.6]
        assert after["colorBy"]["inRange"] == before["colorBy"]["inRange"]
        assert (
            other.get_by_test_id("lp-contours-toggle").is_checked()
            and other.get_by_test_id("lp-map-toggle").is_checked()
        )
        assert not other.get_by_test_id("lp-labels-toggle").is_checked()
        assert after["replay"]["epoch"] == before["replay"]["epoch"]
    finally:
        context.close()


def test_reset_view_returns_to_the_opening_view(page, live_url):
    """After a zoom, Reset view brings back the ranges the plane opened on."""
    open_plane(page, live_url + "/")
    opened = view(page, CH)["range"]
    page.evaluate(RELAYOUT, [CH, {"xaxis.range": [0, 1], "yaxis.range": [0, 1]}])
    page.wait_for_function(f"() => ({V})('{CH}').range.x[1] < 2", timeout=30_000)
    page.get_by_role("button", name="Reset view").click()
    page.wait_for_function(
        f"(x1) => Math.abs(({V})('{CH}').range.x[1] - x1) < 1e-6", arg=opened["x"][1], timeout=30_000
    )
    after = view(page, CH)["range"]
    for ax in ("x", "y"):
        assert after[ax] == pytest.approx(opened[ax], abs=1e-6)
