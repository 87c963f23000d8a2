"""Explore on a 390 x 844 phone with touch (the `phone` fixture, a tab in the session's phone context): the decoded
digit in view above the still picture, a tap on the live plane picks a point."""

from __future__ import annotations

import pytest

from tests.e2e.app_utils import DECODED, assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


def open_on_phone(phone, app_url) -> None:
    phone.goto(app_url + "/")
    phone.locator(DECODED).wait_for(timeout=120_000)
    phone.locator(".st-key-explore_picture img").wait_for(timeout=120_000)
    wait_for_app(phone)
    assert_no_exception(phone, "phone")
    img = phone.locator(DECODED).bounding_box()
    picture = phone.locator(".st-key-explore_picture img").bounding_box()
    assert img["y"] >= 0 and img["y"] + img["height"] <= 844, img  # the whole digit is in view
    assert picture["y"] > img["y"] and picture["width"] <= 390, picture  # the picture below it, within the screen


def test_phone_shows_the_decoded_digit_above_the_still_picture(phone, app_url):
    """At 390 x 844 (touch), without the live plane, the sliders and the whole decoded digit are in view, the picture below."""
    open_on_phone(phone, app_url)


LIVE = "() => window.latentPlane.view('explore_plane')"  # the plane's test view (ui/plane/js/view.js)
LIVE_PX = f"""([fx, fy]) => {{
    const v = ({LIVE})(), [x0, x1] = v.range.x, [y0, y1] = v.range.y;
    return v.toPage(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0));
}}"""


def test_a_tap_on_the_live_plane_picks_a_point(phone, live_url):
    """On a touch phone, tapping the live plane chooses that point: the decoded digit and the URL follow."""
    phone.goto(live_url + "/")
    wait_for_app(phone)
    phone.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    assert_no_exception(phone, "phone, live plane")
    before = phone.get_attribute(DECODED, "src")
    phone.get_by_test_id("lp-plot").scroll_into_view_if_needed()
    phone.touchscreen.tap(*phone.evaluate(LIVE_PX, [0.8, 0.2]))
    phone.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.getAttribute('src') !== old; }",
        arg=[DECODED, before],
        timeout=60_000,
    )
    wait_for_app(phone)
    assert_no_exception(phone, "after a tap")
    assert "z1=" in phone.url
