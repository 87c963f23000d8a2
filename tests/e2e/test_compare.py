"""Compare and the model switcher in Chromium: live planes linked in the browser (hover, click, tap, a box that
selects the same digits in both), and the still pictures of the fallback (LATENT_EXPLORER_LIVE=0), where a typed number marks the same digit in both."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from PIL import Image

from model.folders import store
from model.folders.library import SHIPPED_DIR
from model.plane.selection import members, parse_shape
from tests.e2e.app_utils import (
    DECODED,
    assert_no_exception,
    isolated_point,
    record_frames,
    wait_for_app,
    wait_until_quiet,
)
from tests.e2e.plane_view import AT as PLANE_AT

pytestmark = pytest.mark.e2e

PICTURES = '[class*="st-key-compare_picture_"] img'


def latent(name: str) -> dict:
    return store.load_latent(SHIPPED_DIR / name / store.LATENT_FILE)


def test_still_pictures_and_a_typed_number_mark_the_same_digit_in_both(page, app_url):
    """Compare without the live planes: a still picture of each plane; typing #i shows it and crosses it in both."""
    page.goto(app_url + "/compare")
    wait_for_app(page)
    page.wait_for_function(f"() => document.querySelectorAll('{PICTURES}').length === 2", timeout=120_000)
    assert_no_exception(page, "compare")
    before = [page.locator(PICTURES).nth(k).get_attribute("src") for k in range(2)]
    box = page.get_by_label("Training digit #")
    box.fill("123")
    box.press("Enter")
    page.locator(".st-key-compare_digit").get_by_text("Training digit #123").wait_for(timeout=60_000)
    page.locator(".st-key-compare_digit").get_by_test_id("stImageCaption").nth(2).wait_for()
    wait_for_app(page)
    captions = page.locator(".st-key-compare_digit").get_by_test_id("stImageCaption").all_inner_texts()
    assert captions[0] == "original" and captions[1].startswith("A: default") and captions[2].startswith("B: seed")
    after = [page.locator(PICTURES).nth(k).get_attribute("src") for k in range(2)]
    assert after[0] != before[0] and after[1] != before[1]  # each picture now crosses digit #123


def test_sidebar_switcher_changes_model_and_url(page, app_url):
    """One click on a model in the sidebar makes it active: the URL gets ?model= and the sidebar names it."""
    page.goto(app_url + "/")
    page.locator(DECODED).wait_for(timeout=120_000)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="vae", exact=True).click()  # a pill
    page.wait_for_url("**model=vae**", timeout=60_000)
    sidebar.get_by_text("vae · mnist").wait_for(timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page, "after switching to vae")


# ---- live planes (the app as users get it) ------------------------------------------------------

BOTH_DRAWN = '() => document.querySelectorAll(\'[data-testid="lp-plot"][data-drawn="1"]\').length === 2'
# [x, y, pixels per z1 unit, [x0, x1], [y0, y1]] of latent point (z1, z2) in live plane `side` ("a" or "b").
VIEW = "(side) => window.latentPlane.view('compare_plane_' + side)"  # the test view (ui/plane/js/view.js)
LIVE_PX = f"""([side, z1, z2]) => {{
    const v = ({VIEW})(side), [x, y] = v.toPage(z1, z2);
    return [x, y, v.area.w / (v.range.x[1] - v.range.x[0]), v.range.x, v.range.y];
}}"""
HOVER = f"(side) => ({VIEW})(side).hover"
CHOSEN_B = f"({VIEW})('b').chosen"


def open_live(page, url: str) -> None:
    page.goto(url + "/compare")
    wait_for_app(page)
    page.wait_for_function(BOTH_DRAWN, timeout=180_000)
    assert page.get_by_test_id("stPlotlyChart").count() == 0  # one renderer: the live planes
    assert_no_exception(page, "compare (live)")


def live_point(page, side: str, z: np.ndarray) -> tuple[int, float, float]:
    """A training digit shown in live plane `side`, no other within 4 px (the nearest to it), and its page pixel."""
    *_, scale, xr, yr = page.evaluate(LIVE_PX, [side, 0, 0])
    i = isolated_point(z, (xr, yr), scale, px=4)
    x, y, *_ = page.evaluate(LIVE_PX, [side, *map(float, z[i])])
    return i, x, y


def plot_of(page, side: str):
    return page.locator(".st-key-compare_live_" + side).get_by_test_id("lp-plot")


def mean_grey(locator) -> float:
    """The mean brightness (0 black … 255 white) of an element as the user sees it, from a screenshot."""
    return float(np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("L")).mean())


def preview_shows_hint(page, side: str) -> bool:
    plane = page.locator(".st-key-compare_live_" + side)
    return plane.get_by_test_id("lp-preview-empty").is_visible() and plane.get_by_test_id("lp-preview").is_hidden()


def check_preview_hints(page, width: int) -> None:
    """Each plane's preview, before any digit is pointed at or chosen: a light square within the window's
    `width` saying what to do, not black."""
    for side in "ab":
        hint = page.locator(".st-key-compare_live_" + side).get_by_test_id("lp-preview-empty")
        assert preview_shows_hint(page, side), f"plane {side}: no hint where the preview will be"
        assert hint.inner_text() == "Point at a digit to see it here"
        box = hint.bounding_box()
        assert 60 <= box["width"] <= 100 and 60 <= box["height"] <= 100 and box["x"] + box["width"] <= width
        assert mean_grey(hint) > 180, f"plane {side}: the empty preview is dark"


def test_fresh_compare_same_size_planes_preview_hints_and_hover_rings_in_both(page, live_url):
    """A fresh Compare: the two live planes have the same plot size; each preview is a light hint until a digit is
    pointed at; pointing at digit #i in A rings #i in B (and back), names it, and sends nothing to the server."""
    sent = record_frames(page)
    open_live(page, live_url)
    a, b = (plot_of(page, side).locator(".main-svg").first.bounding_box() for side in "ab")
    assert abs(a["height"] - b["height"]) <= 2 and abs(a["width"] - b["width"]) <= 2, (a, b)
    assert abs(a["y"] - b["y"]) <= 40, "the planes side by side should start at about the same height"
    check_preview_hints(page, 1400)
    wait_until_quiet(page, sent)  # the first run's own messages (widget states) have gone out
    before = len(sent)
    i, x, y = live_point(page, "a", latent("default")["z_train"])
    page.mouse.move(x, y)  # pointing at a digit in A shows B's take on it, in B's preview
    page.wait_for_function(f"() => ({HOVER})('b')?.index === {i}", timeout=10_000)
    assert page.evaluate(HOVER, "a") == {"index": i, "here": True}
    assert page.evaluate(HOVER, "b") == {"index": i, "here": False}
    assert plot_of(page, "b").get_attribute("data-hover") == str(i)
    label = page.locator(".st-key-compare_live_b").get_by_test_id("lp-link").inner_text()
    assert f"Training digit #{i} (label " in label and "other plane" in label
    assert not preview_shows_hint(page, "b") and not preview_shows_hint(page, "a")
    page.mouse.move(5, 5)  # off both planes, nothing chosen: the rings go, the hint comes back in both
    page.wait_for_function(f"() => ({HOVER})('b') === null", timeout=10_000)
    assert plot_of(page, "b").get_attribute("data-hover") == "" and page.evaluate(HOVER, "a") is None
    assert preview_shows_hint(page, "a") and preview_shows_hint(page, "b")
    j, x, y = live_point(page, "b", latent("seed")["z_train"])  # and the other way round
    page.mouse.move(x, y)
    page.wait_for_function(f"() => ({HOVER})('a')?.index === {j}", timeout=10_000)
    assert plot_of(page, "a").get_attribute("data-hover") == str(j)
    assert len(sent) == before, f"{len(sent) - before} websocket frames were sent while the pointer moved"
    assert_no_exception(page, "compare, nothing chosen")


def test_click_on_a_live_plane_marks_the_digit_in_both(page, live_url):
    """A click on digit #i in live plane A shows its original and both reconstructions, and crosses #i in B too."""
    open_live(page, live_url)
    i, x, y = live_point(page, "a", latent("default")["z_train"])
    page.mouse.click(x, y)
    page.locator(".st-key-compare_digit").get_by_text(f"Training digit #{i}").wait_for(timeout=60_000)
    page.wait_for_function(f"() => {CHOSEN_B}?.index === {i}", timeout=30_000)
    b = latent("seed")["z_train"][i]
    committed = page.evaluate(f"() => {CHOSEN_B}")
    assert (committed["z1"], committed["z2"]) == pytest.approx(tuple(map(float, b)), abs=1e-4)
    assert f"training digit #{i}" in page.locator(".st-key-compare_live_b").get_by_test_id("lp-chosen").inner_text()
    page.locator(".st-key-compare_digit").get_by_test_id("stImageCaption").nth(2).wait_for()
    captions = page.locator(".st-key-compare_digit").get_by_test_id("stImageCaption").all_inner_texts()
    assert captions[0] == "original" and captions[1].startswith("A: default") and captions[2].startswith("B: seed")
    assert_no_exception(page, "after the click")


def test_phone_planes_stack_their_previews_are_hints_and_a_tap_marks_the_digit_in_both(phone, live_url):
    """At 390 px (touch) plane B sits below plane A; each preview is a light hint until a digit is chosen; a tap
    on digit #i in A rings and marks #i in B."""
    open_live(phone, live_url)
    check_preview_hints(phone, 390)
    a, b = plot_of(phone, "a").bounding_box(), plot_of(phone, "b").bounding_box()
    assert a["y"] + a["height"] <= b["y"] and b["width"] > 300  # stacked, each the phone's width
    plot_of(phone, "a").scroll_into_view_if_needed()
    i, x, y = live_point(phone, "a", latent("default")["z_train"])
    phone.touchscreen.tap(x, y)
    phone.wait_for_function(f"() => ({HOVER})('b')?.index === {i}", timeout=10_000)  # at once, in the browser
    phone.locator(".st-key-compare_digit").get_by_text(f"Training digit #{i}").wait_for(timeout=60_000)
    phone.wait_for_function(f"() => {CHOSEN_B}?.index === {i}", timeout=30_000)
    assert_no_exception(phone, "compare on a phone")


def test_live_compare_falls_back_to_still_pictures_when_a_plane_cannot_start(page, live_url):
    """With plotly.js blocked the live planes cannot start: the page says so and shows a still picture of each."""
    page.route("**/app/static/plotly-*.js", lambda route: route.abort())
    page.goto(live_url + "/compare")
    wait_for_app(page)
    page.get_by_text("The live plane could not start in this browser").wait_for(timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('{PICTURES}').length === 2", timeout=120_000)
    assert_no_exception(page, "compare fallback")


# Page position of fractions (fx, fy) across live plane `side`'s plot area (fy from the top).
AT = "([side, fx, fy]) => (" + PLANE_AT + ")(['compare_plane_' + side, fx, fy])"
ANSWERED = """(t) => ['a', 'b'].every((s) => document.querySelector('.st-key-compare_live_' + s + ' [data-testid="lp-plot"]')
  .getAttribute('data-selected-t') === String(t))"""
# The training digits plane `side` lights (the test view's lit(), as indices).
LIT = f"(side) => ({VIEW})(side).lit()"


def test_box_on_one_plane_selects_the_same_digits_in_both(page, live_url):
    """A box drawn on plane A: both planes carry Python's count and light exactly those digits; the panel and
    its CSV hold them, with each model's z1, z2."""
    open_live(page, live_url)
    plane = page.locator(".st-key-compare_live_a")
    plane.get_by_test_id("lp-drag-select").click()
    page.wait_for_function(f"() => ({VIEW})('a').dragmode === 'select'")
    plot_of(page, "a").scroll_into_view_if_needed()
    (x0, y0), (x1, y1) = page.evaluate(AT, ["a", 0.3, 0.3]), page.evaluate(AT, ["a", 0.6, 0.7])
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x0 + (x1 - x0) * k / 5, y0 + (y1 - y0) * k / 5)
    page.mouse.up()
    page.wait_for_function(f"() => ({VIEW})('a').selection.sent", timeout=30_000)
    sent = page.evaluate(f"() => ({VIEW})('a').selection.sent")
    page.wait_for_function(ANSWERED, arg=sent["t"], timeout=60_000)
    la, lb = latent("default"), latent("seed")
    want = np.flatnonzero(members(la["z_train"], [parse_shape(sent)]))
    assert sent["kind"] == "box" and len(want) > 0
    assert [plot_of(page, s).get_attribute("data-selected") for s in "ab"] == [str(len(want))] * 2
    page.wait_for_function(f"() => ({LIT})('b').length === {len(want)}", timeout=30_000)
    assert page.evaluate(LIT, "b") == want.tolist() and page.evaluate(LIT, "a") == want.tolist()
    panel = page.locator(".st-key-compare_selection_panel")
    panel.get_by_text(f"{len(want):,} digits selected").wait_for(timeout=60_000)
    with page.expect_download() as dl:
        panel.get_by_role("button", name="Download selection (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path()).read())))
    assert [int(r["index"]) for r in rows] == want.tolist()
    np.testing.assert_allclose([[float(r["b_z1"]), float(r["b_z2"])] for r in rows], lb["z_train"][want], rtol=1e-6)
    assert_no_exception(page, "compare, after a box")


COLOR_BY = f"(side) => ({VIEW})(side).colorBy"


def test_one_toolbar_acts_on_both_planes_with_one_colour_scale(page, live_url):
    """A's toolbar is the only one shown: its decoded map and lasso act on B too; Colour by error uses one scale
    (both models' range) in both planes, one colourbar, and A's typed range dims B's digits outside it (NumPy's count)."""
    from model.folders.check import QUALITY_FILE, load_quality
    from ui.plane.quality import scale

    open_live(page, live_url)
    plane_a, plane_b = (page.locator(".st-key-compare_live_" + s) for s in "ab")
    assert (
        plane_a.get_by_test_id("lp-map-toggle").is_visible()
        and not plane_b.get_by_test_id("lp-map-toggle").is_visible()
    )
    plane_a.get_by_test_id("lp-map-toggle").check()
    page.wait_for_function(f"() => ({VIEW})('b').map !== null", timeout=30_000)  # B's decoded map is drawn
    plane_a.get_by_test_id("lp-drag-lasso").click()
    page.wait_for_function(f"() => ({VIEW})('b').dragmode === 'lasso'", timeout=10_000)
    plane_a.get_by_test_id("lp-colorby").select_option("error")
    both = [store.load(SHIPPED_DIR / n) for n in ("default", "seed")]
    q = [load_quality(m.path / QUALITY_FILE, m.latent, vae=False)["error_train"] for m in both]
    lo, hi = min(scale("error", v)[0] for v in q), max(scale("error", v)[1] for v in q)
    page.wait_for_function(
        f"([lo, hi]) => ['a', 'b'].every((s) => {{ const c = ({COLOR_BY})(s); return c.loaded && c.spec.lo === lo && c.spec.hi === hi; }})",
        arg=[float(lo), float(hi)],
        timeout=60_000,
    )  # one scale: both models' values fit on it
    assert plane_a.get_by_test_id("lp-colorbar").is_visible() and not plane_b.get_by_test_id("lp-colorbar").is_visible()
    plane_a.get_by_test_id("lp-brush-lo").fill("0.1")
    plane_a.get_by_test_id("lp-brush-lo").press("Enter")  # from 0.1 to A's largest error (the empty box)
    top = float(q[0].astype(np.float64).max())
    v = q[1].astype(np.float64)
    inside = int(((v >= 0.1) & (v <= top)).sum())
    page.wait_for_function(f"(n) => ({COLOR_BY})('b').inRange === n", arg=inside, timeout=30_000)
    assert page.evaluate(COLOR_BY, "b")["range"] == [0.1, top] and 0 < inside < len(v)
    assert_no_exception(page, "compare, one toolbar")


def test_a_model_picked_from_the_menu_over_plane_b_replaces_it(page, live_url):
    """Model B picked with the mouse from its menu, which opens over plane B: B becomes that model, following
    A's toolbar (lasso), and the click on the menu picks no digit under it."""
    open_live(page, live_url)
    page.locator(".st-key-compare_live_a").get_by_test_id("lp-drag-lasso").click()
    t0 = page.evaluate("() => performance.now()")
    page.get_by_test_id("stSelectbox").nth(1).click()
    page.get_by_role("option", name="B: vae").click()
    page.locator(".st-key-compare_live_b").get_by_text("B: vae").wait_for(timeout=120_000)
    drawn = f"(t0) => ({VIEW})('b')?.stats.drawnAt > t0 && ({VIEW})('b').dragmode === 'lasso'"  # the new plane, as A's
    page.wait_for_function(drawn, arg=t0, timeout=120_000)
    assert page.evaluate(f"() => ({VIEW})('b').chosen") is None and page.locator(".st-key-compare_digit").count() == 0
    assert_no_exception(page, "compare, model B picked")
