"""Explore on a 390 x 844 phone with touch: the decoded digit and part of the chart in view, a tap picks a point."""

from __future__ import annotations

import pytest

from tests.e2e.app_utils import DECODED, PLOT, TO_PIXEL, assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(browser):
    """A touch-emulating phone-sized page (has_touch, is_mobile)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def open_on_phone(phone, app_url) -> None:
    phone.goto(app_url + "/")
    phone.locator(DECODED).wait_for(timeout=120_000)
    phone.wait_for_function(f"() => document.querySelector('{PLOT}')?._fullLayout")
    wait_for_app(phone)
    assert_no_exception(phone, "phone")
    img = phone.locator(DECODED).bounding_box()
    chart = phone.locator(PLOT).bounding_box()
    assert img["y"] >= 0 and img["y"] + img["height"] <= 844, img  # the whole digit is in view
    assert chart["y"] < 844 - 40, chart  # and at least the top of the chart


def test_phone_shows_the_decoded_digit_and_part_of_the_chart(phone, app_url):
    """At 390 x 844 (touch) the sliders and the whole decoded digit are in view, with the top of the chart below."""
    open_on_phone(phone, app_url)


@pytest.mark.xfail(
    strict=True,
    reason="known gap: Plotly's scattergl picks a point from its hover data, which an emulated tap never sets "
    "(a mouse click at the same spot works); left for the live latent plane component",
)
def test_a_tap_on_the_chart_picks_a_point(phone, app_url):
    """Tapping the chart on a touch phone decodes the tapped point and writes it to the URL."""
    open_on_phone(phone, app_url)
    phone.locator(PLOT).scroll_into_view_if_needed()
    before = phone.get_attribute(DECODED, "src")
    ranges = phone.evaluate(
        f"() => {{ const fl = document.querySelector('{PLOT}')._fullLayout; return [fl.xaxis.range, fl.yaxis.range]; }}"
    )
    (x0, x1), (y0, y1) = ranges
    x, y, _ = phone.evaluate(TO_PIXEL, [x0 + 0.8 * (x1 - x0), y0 + 0.2 * (y1 - y0)])
    phone.touchscreen.tap(x, y)
    phone.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.getAttribute('src') !== old; }",
        arg=[DECODED, before],
        timeout=20_000,
    )
    wait_for_app(phone)
    assert_no_exception(phone, "after a tap")
    assert "z1=" in phone.url
