"""The live plane on the real Explore page (LATENT_EXPLORER_LIVE=1): a click on a digit shows it, its neighbours, the URL."""

from __future__ import annotations

from tests.e2e.app_utils import wait_for_app

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
