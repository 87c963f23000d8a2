"""Box and lasso selection on the live plane, in Chromium: the counts are Python's, export, page switch, phone.

Every count is checked against model/plane/selection.py run here on the shape the plane sent
(the test view's selection.sent: window.latentPlane.view("explore_plane")), and against what the page shows (data-selected and
the panel). Plotly's own highlight may differ only for points within a pixel's fraction of the outline.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from model.folders import store
from model.plane.selection import members, parse_box, parse_shape
from tests.e2e.app_utils import assert_no_exception, wait_for_app
from tests.e2e.plane_view import AT as PLANE_AT

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("select_in_browser")]

PLANE = '[data-testid="lp-plot"]'
# The page position of a point at fractions (fx, fy) across the plot area (fy from the top).
VIEW = "window.latentPlane.view('explore_plane')"  # the plane's test view (ui/plane/js/view.js)
AT = "([fx, fy]) => (" + PLANE_AT + ")(['explore_plane', fx, fy])"
ANSWERED = f"""() => {{ const s = {VIEW}.selection;
  return !!s.sent && s.t === String(s.sent.t); }}"""
LIT_COUNT = f"() => {VIEW}.lit().length"  # the digits the plane lights
# The alpha (0-255) of the selection's layer (the veil, or a lit digit) at fractions (fx, fy) of the plot area.
LAYER_ALPHA = f"""([fx, fy]) => {{ const c = document.querySelector('[data-testid="lp-lit"]'), v = {VIEW}, d = devicePixelRatio || 1;
  if (!c.width) return 0;
  return c.getContext('2d').getImageData(Math.round((v.area.left + fx * v.area.w) * d), Math.round((v.area.top + fy * v.area.h) * d), 1, 1).data[3]; }}"""


@pytest.fixture(scope="module")
def z_train():
    return store.load_latent(store.SHIPPED / "latent.npz")["z_train"]


def open_plane(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(f'{PLANE}[data-drawn="1"]', timeout=180_000)
    assert_no_exception(page, "explore")


def drag_mode(page, mode: str, tap: bool = False) -> None:
    button = page.get_by_test_id(f"lp-drag-{mode}")
    button.tap() if tap else button.click()
    page.wait_for_function(f"() => {VIEW}.dragmode === '{mode}'")


def drag(page, fractions, shift: bool = False) -> None:
    """Press at the first point, move through the others, release (mouse; Shift held if asked)."""
    page.locator(PLANE).scroll_into_view_if_needed()
    points = [page.evaluate(AT, list(f)) for f in fractions]
    if shift:
        page.keyboard.down("Shift")
    page.mouse.move(*points[0])
    page.mouse.down()
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        for k in range(1, 6):
            page.mouse.move(x0 + (x1 - x0) * k / 5, y0 + (y1 - y0) * k / 5)
    page.mouse.up()
    if shift:
        page.keyboard.up("Shift")


def answered(page) -> tuple[dict, int]:
    """(the shape the plane sent, the count Python answered with), once the answer is on the plot."""
    page.wait_for_function(ANSWERED, timeout=60_000)
    return page.evaluate(f"() => {VIEW}.selection.sent"), int(page.get_attribute(PLANE, "data-selected"))


def panel_count(page) -> str:
    page.wait_for_selector(".st-key-selection_panel", timeout=60_000)
    return page.locator(".st-key-selection_panel strong").first.inner_text()


def check_count(page, count: int, python: int) -> None:
    assert count == python > 0
    page.wait_for_function(
        "n => (document.querySelector('.st-key-selection_panel strong') || {}).innerText === n",
        arg=f"{python:,} digits selected", timeout=60_000,
    )  # fmt: skip
    assert abs(page.evaluate(LIT_COUNT) - python) <= max(3, python // 200)  # the plane lights what Python counts


def test_box_and_lasso_counts_are_pythons(page, live_url, z_train):
    """A box, a lasso and a Shift-added box: the count shown is Python's count of the points inside."""
    open_plane(page, live_url + "/")
    drag_mode(page, "select")
    drag(page, [(0.3, 0.3), (0.6, 0.7)])
    sent, count = answered(page)
    assert sent["kind"] == "box" and not sent["add"]
    check_count(page, count, int(members(z_train, [parse_shape(sent)]).sum()))
    page.wait_for_function(f"f => ({LAYER_ALPHA})(f) > 0", arg=[0.05, 0.95])  # the unselected are veiled
    drag_mode(page, "lasso")
    drag(page, [(0.2, 0.2), (0.7, 0.25), (0.55, 0.5), (0.75, 0.8), (0.25, 0.7), (0.2, 0.2)])
    lasso, count = answered(page)
    assert lasso["kind"] == "lasso" and len(lasso["x"]) > 5
    check_count(page, count, int(members(z_train, [parse_shape(lasso)]).sum()))
    assert "box=" not in page.url  # only a single box is shared by URL
    drag_mode(page, "select")
    drag(page, [(0.75, 0.1), (0.95, 0.3)], shift=True)
    box, count = answered(page)
    assert box["add"] is True
    check_count(page, count, int(members(z_train, [parse_shape(lasso), parse_shape(box)]).sum()))
    page.get_by_role("button", name="Clear").click()
    page.wait_for_function(f"() => document.querySelector('{PLANE}').getAttribute('data-selected') === '0'")
    page.wait_for_function(f"() => {LIT_COUNT.split('=> ', 1)[1]} === 0")
    page.wait_for_function(f"f => ({LAYER_ALPHA})(f) === 0", arg=[0.05, 0.95])  # and the veil is gone
    assert page.locator(".st-key-selection_panel").count() == 0


def test_export_has_the_selected_rows(page, live_url, z_train):
    """Download selection (CSV and NPZ) holds exactly the selected digits; a double-click then empties it."""
    open_plane(page, live_url + "/")
    drag_mode(page, "select")
    drag(page, [(0.4, 0.4), (0.55, 0.6)])
    sent, count = answered(page)
    want = np.flatnonzero(members(z_train, [parse_shape(sent)]))
    panel_count(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download selection (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path()).read())))
    assert list(rows[0]) == ["index", "label", "z1", "z2"]
    assert [int(r["index"]) for r in rows] == want.tolist() and len(rows) == count
    np.testing.assert_allclose([[float(r["z1"]), float(r["z2"])] for r in rows], z_train[want], rtol=1e-6)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download selection (NPZ)").click()
    with np.load(dl.value.path(), allow_pickle=False) as f:
        assert f["index"].tolist() == want.tolist()
    page.locator(PLANE).scroll_into_view_if_needed()  # the buttons scrolled the page
    page.mouse.dblclick(*page.evaluate(AT, [0.9, 0.9]))  # in a select mode, a double-click empties the selection
    page.wait_for_function(f"() => document.querySelector('{PLANE}').getAttribute('data-selected') === '0'")
    page.wait_for_function("() => !document.querySelector('.st-key-selection_panel')")


def test_selection_survives_a_page_switch_and_a_link(page, live_url, z_train):
    """A box stays selected after visiting another page, and its ?box= link opens with it selected."""
    open_plane(page, live_url + "/")
    drag_mode(page, "select")
    drag(page, [(0.3, 0.3), (0.5, 0.6)])
    sent, count = answered(page)
    page.wait_for_function("() => location.search.includes('box=')")
    link = page.url
    page.get_by_role("link", name="Reconstructions").click()
    page.wait_for_function("() => location.pathname.endsWith('/reconstructions')")
    wait_for_app(page)
    page.get_by_role("link", name="Explore").click()
    page.wait_for_selector(f'{PLANE}[data-drawn="1"]', timeout=180_000)
    page.wait_for_function(f"() => document.querySelector('{PLANE}').getAttribute('data-selected') === '{count}'")
    assert panel_count(page) == f"{count:,} digits selected"
    page.wait_for_function(f"() => {VIEW}.selection.outlines === 1")
    box = parse_box(link.split("box=")[1].split("&")[0].replace("%2C", ","))
    fresh = page.context.new_page()
    open_plane(fresh, link)
    python = int(members(z_train, [box]).sum())
    fresh.wait_for_function(f"() => document.querySelector('{PLANE}').getAttribute('data-selected') === '{python}'")
    assert panel_count(fresh) == f"{python:,} digits selected"
    assert abs(python - count) <= max(3, count // 500)  # the link's 6 significant digits


def test_phone_selects_with_the_box_button(phone, live_url, z_train):
    """On a 390 x 844 touch phone, the Box button and a finger drag select digits; the count is Python's."""
    open_plane(phone, live_url + "/")
    drag_mode(phone, "select", tap=True)
    phone.locator(PLANE).scroll_into_view_if_needed()
    a, b = phone.evaluate(AT, [0.3, 0.3]), phone.evaluate(AT, [0.7, 0.7])
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": a[0], "y": a[1]}]})
    for k in range(1, 11):
        x, y = a[0] + (b[0] - a[0]) * k / 10, a[1] + (b[1] - a[1]) * k / 10
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    sent, count = answered(phone)
    check_count(phone, count, int(members(z_train, [parse_shape(sent)]).sum()))
