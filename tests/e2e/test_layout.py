"""Plane first: the live plane's plot fills most of the window on Explore (equal units, desktop and phone sizes), Compare's
two plots together do under one toolbar, and the Upload map is the same full-width plane under the same toolbar."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.e2e.app_utils import assert_no_exception, wait_for_app
from tests.e2e.plane_view import view

pytestmark = pytest.mark.e2e

PLOT = '[data-testid="lp-plot"][data-channel="explore_plane"]'

# The plot's bounding box clipped to the window, at scroll 0 (nothing needs scrolling to be seen).
CLIPPED = """(sel) => {
    const r = document.querySelector(sel).getBoundingClientRect(), W = innerWidth, H = innerHeight;
    const w = Math.max(0, Math.min(r.right, W) - Math.max(r.left, 0));
    const h = Math.max(0, Math.min(r.bottom, H) - Math.max(r.top, 0));
    return {w, h, left: r.left, top: r.top, width: r.width, height: r.height, W, H,
            scrollY: document.scrollingElement.scrollTop, scrollW: document.scrollingElement.scrollWidth};
}"""


def settled(pg, plot: str) -> dict:
    """Wait until the plot's box stops changing (it follows the window once Streamlit has laid out the page);
    return it clipped to the window. Each call waits for two equal boxes of its own, so one made after a resize
    is not taken for the box before it."""
    pg.evaluate("() => { delete window.__lpBox; }")
    pg.wait_for_function(
        f"""() => {{ const r = document.querySelector('{plot}').getBoundingClientRect(), k = r.width + 'x' + r.height;
            const same = window.__lpBox === k; window.__lpBox = k; return same; }}""",
        polling=500,
        timeout=30_000,
    )
    return pg.evaluate(CLIPPED, plot)


def open_explore(pg, url: str) -> dict:
    """Open Explore, wait for the plane to be drawn, and return the plot's box clipped to the window."""
    pg.goto(url + "/")
    wait_for_app(pg)
    pg.wait_for_selector(PLOT + '[data-drawn="1"]', timeout=180_000)
    wait_for_app(pg)
    assert_no_exception(pg, "explore")
    pg.evaluate("() => document.scrollingElement.scrollTo(0, 0)")
    return settled(pg, PLOT)


# Whether the plane's plot area (its test view) is at least 0.8 of a plot box `w` pixels wide.
AREA_FILLS = "(w) => window.latentPlane.view('explore_plane').area.w >= 0.8 * w"


def equal_units(pg) -> tuple[float, float]:
    """(data units per pixel along x, along y), read from the plane's test view."""
    v = view(pg, "explore_plane")
    (x0, x1), (y0, y1) = v["range"]["x"], v["range"]["y"]
    return (x1 - x0) / v["area"]["w"], (y1 - y0) / v["area"]["h"]


def check_toolbar(page) -> None:
    """The plane's toolbar on an open Explore: named groups, every control named, and the settings popover opened
    by keyboard (and closed again, so the page is left as it was)."""
    bar = page.get_by_role("toolbar", name="Plane tools")
    groups = bar.get_by_role("group").evaluate_all("gs => gs.map((g) => g.getAttribute('aria-label'))")
    for name in ("What a drag does", "Layers", "Colour by", "Share and export", "View"):
        assert name in groups, groups
    unnamed = bar.evaluate(
        """b => [...b.querySelectorAll('button, input, select')].filter((e) => !(e.getAttribute('aria-label')
            || (e.labels && e.labels[0] && e.labels[0].textContent.trim()))).map((e) => e.outerHTML.slice(0, 80))"""
    )
    assert unnamed == [], unnamed
    layers = bar.get_by_role("group", name="Layers")
    for name in ("Decoded map", "Density", "Labels", "Lens"):
        assert layers.get_by_role("checkbox", name=name).count() == 1, name
    settings = bar.get_by_role("button", name="Settings")
    settings.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Settings")
    panel.wait_for()
    for name in ("Map resolution", "Point size", "Point opacity"):
        assert panel.get_by_role("slider", name=name).is_visible(), name
    assert settings.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")


DESKTOPS = [(1440, 900), (1280, 720), (1920, 1080)]


def test_the_plot_fills_most_of_a_desktop_window_under_one_toolbar(page, live_url):
    """Opened at 1440x900, then the window resized to 1280x720 and 1920x1080: the plot's box in view takes
    >= 55 % of the window, with equal units, and the plot area follows; at 1440x900 the toolbar has named
    groups, every control named, and a settings popover opened by keyboard."""
    for k, (W, H) in enumerate(DESKTOPS):
        page.set_viewport_size({"width": W, "height": H})
        if k == 0:
            box = open_explore(page, live_url)
        else:  # the plane follows the window: the plot area as wide as the plot, not as it opened
            page.evaluate("() => document.scrollingElement.scrollTo(0, 0)")
            box = settled(page, PLOT)
            page.wait_for_function(AREA_FILLS, arg=box["width"], timeout=30_000)
        assert box["w"] * box["h"] >= 0.55 * W * H, (W, H, box)
        assert box["top"] >= 0 and box["top"] + box["height"] <= H, (W, H, box)  # the whole plot, no scrolling needed
        ux, uy = equal_units(page)
        assert abs(ux / uy - 1) <= 0.02, (W, H, ux, uy)
        # the plot area fills the plot: equal units come from the ranges, not from a shrunken box
        a = view(page, "explore_plane")["area"]
        assert a["w"] >= 0.8 * box["width"] and a["h"] >= 0.6 * box["height"], (W, H, a, box)
        if k == 0:
            check_toolbar(page)


def test_the_plot_fills_a_phone_screen(phone, live_url):
    """On a 390x844 touch phone the plot is full width, >= 55 % of the screen's height, with no sideways scroll."""
    box = open_explore(phone, live_url)
    phone.locator(PLOT).scroll_into_view_if_needed()
    r = phone.evaluate(CLIPPED, PLOT)
    assert r["width"] >= 0.9 * 390 and r["left"] >= 0 and r["left"] + r["width"] <= 390, r
    assert r["height"] >= 0.55 * 844 and r["h"] >= 0.55 * 844, r
    assert box["scrollW"] <= 390 and r["scrollW"] <= 390, r
    ux, uy = equal_units(phone)
    assert abs(ux / uy - 1) <= 0.02, (ux, uy)


COMPARE = '[data-testid="lp-plot"][data-channel="compare_plane_{}"]'


def test_compare_plots_together_fill_most_of_a_desktop_window(page, live_url):
    """Compare at 1440x900, 1280x720 and 1920x1080 (one page, resized): both plots, level and side by side under
    one toolbar, take >= 55 % of the window together, with no scrolling."""
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_url + "/compare")
    wait_for_app(page)
    page.wait_for_function(f"() => document.querySelectorAll('{COMPARE.format('a')}[data-drawn=\"1\"], {COMPARE.format('b')}[data-drawn=\"1\"]').length === 2", timeout=180_000)  # fmt: skip
    assert_no_exception(page, "compare")
    for W, H in DESKTOPS:
        page.set_viewport_size({"width": W, "height": H})
        page.evaluate("() => document.scrollingElement.scrollTo(0, 0)")
        a, b = settled(page, COMPARE.format("a")), settled(page, COMPARE.format("b"))
        assert a["w"] * a["h"] + b["w"] * b["h"] >= 0.55 * W * H, (W, H, a, b)
        for r in (a, b):
            assert r["top"] >= 0 and r["top"] + r["height"] <= H and r["scrollW"] <= W, (W, H, r)  # whole, no scrolling
        assert abs(a["top"] - b["top"]) <= 2 and a["left"] + a["width"] <= b["left"], (
            W,
            H,
            a,
            b,
        )  # level, side by side
        bars = page.locator(".lp-toolbar")
        assert [bars.nth(k).is_visible() for k in range(bars.count())] == [True, False]  # one toolbar shown: A's
        assert page.get_by_role("toolbar", name="Plane tools").count() == 1  # the hidden one is out of the a11y tree
        shown = page.locator(".st-key-compare_live_a").get_by_role("toolbar", name="Plane tools").bounding_box()
        assert shown["x"] + shown["width"] >= b["left"] + 0.9 * b["width"], (W, H, shown, b)  # over both planes


def test_the_upload_map_is_the_plane_under_the_same_toolbar(page, live_url, mnist, tmp_path):
    """The Upload page's map at 1440x900: the same toolbar's groups over a full-width plot that, scrolled to, is
    whole in the window and >= 55 % of it."""
    W, H = 1440, 900
    path = tmp_path / "seven.png"
    Image.fromarray(mnist[1][0][0]).save(path)
    page.set_viewport_size({"width": W, "height": H})
    page.goto(live_url + "/")
    page.get_by_test_id("stSidebarNav").get_by_text("Upload or draw").click()
    page.locator(".st-key-upload_file input[type=file]").set_input_files(str(path))
    plot = '.st-key-upload_map [data-testid="lp-plot"]'
    page.wait_for_selector(plot + '[data-drawn="1"]', timeout=180_000)
    wait_for_app(page)
    assert_no_exception(page, "upload")
    bar = page.locator(".st-key-upload_map").get_by_role("toolbar", name="Plane tools")
    groups = bar.get_by_role("group").evaluate_all("gs => gs.map((g) => g.getAttribute('aria-label'))")
    for name in ("What a drag does", "Layers", "Colour by", "Share and export", "View"):
        assert name in groups, groups
    bar.evaluate("e => e.scrollIntoView({block: 'start'})")
    r = settled(page, plot)
    main = page.get_by_test_id("stMainBlockContainer").bounding_box()
    assert r["width"] >= 0.9 * main["width"] - 48, (r, main)  # the main column's width, less its padding
    assert r["top"] >= 0 and r["top"] + r["height"] <= H and r["w"] * r["h"] >= 0.55 * W * H, r
