"""End-to-end checks of Explore's still picture (LATENT_EXPLORER_LIVE=0: where the live plane cannot run) and of
the Reconstructions page in headless Chromium. The live plane's own checks are in test_live_explore.py.

Images are compared by their src (streamlit names media by content; the decoded digit is inlined).
"""

from __future__ import annotations

import pytest

from tests.e2e.app_utils import DECODED, assert_no_exception, wait_for_app
from tests.e2e.stclient import Session, run_async

pytestmark = pytest.mark.e2e

PICTURE = ".st-key-explore_picture img"


def wait_src_change(page, selector: str, old: str) -> str:
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.getAttribute('src') !== old; }",
        arg=[selector, old],
        timeout=60_000,
    )
    return page.get_attribute(selector, "src")


def test_still_picture_sliders_and_digit_where_the_plane_is_off(page, app_url):
    """Without the live plane: a still picture of the plane, the sliders and the decoded digit; no chart."""
    page.goto(app_url + "/")
    page.locator(PICTURE).wait_for(timeout=120_000)
    wait_for_app(page)
    assert_no_exception(page, "explore, still picture")
    assert page.locator(PICTURE).evaluate("i => i.complete && i.naturalWidth") >= 400
    assert "A still picture of the plane" in page.locator(".st-key-explore_picture").inner_text()
    assert page.get_by_test_id("stPlotlyChart").count() == 0 and page.get_by_test_id("lp-plot").count() == 0
    assert page.get_by_role("slider", name="z1").is_visible() and page.locator(DECODED).is_visible()


def test_slider_change_changes_the_decoded_digit_and_the_picture(page, app_url):
    """Moving the z1 slider with the keyboard shows a new decoded digit, moves the picture's cross, updates the URL."""
    page.goto(app_url + "/?z1=0&z2=0")
    page.locator(PICTURE).wait_for(timeout=120_000)
    wait_for_app(page)
    before, picture = page.get_attribute(DECODED, "src"), page.get_attribute(PICTURE, "src")
    slider = page.get_by_role("slider", name="z1")
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_src_change(page, DECODED, before)
    wait_src_change(page, PICTURE, picture)
    # The slider and the decoded digit's caption agree, read together: under load a late key press can move
    # the slider after a first rerun has finished, and the caption then follows it in the next one.
    page.wait_for_function(
        """(s) => {
            const v = Number(s.getAttribute("aria-valuetext"));
            return v > 0 && document.querySelector('.st-key-explore_decoded').innerText.includes('z1 = ' + v.toFixed(3));
        }""",
        arg=slider.element_handle(),
    )
    wait_for_app(page)
    value = float(slider.get_attribute("aria-valuetext"))
    assert value > 0 and f"z1 = {value:.3f}" in page.locator(".st-key-explore_decoded").inner_text()
    page.wait_for_url(f"**z1={value:.4f}**")


def test_a_slider_moves_run_sends_no_value_back_to_the_slider(app_url):
    """A slider move's run leaves the slider to the user (a run ending late would move it back); a jump moves it."""

    async def go():
        async with Session(app_url) as s:
            await s.open("explore")
            old = s.widgets["explore_z1"].proto
            run = await s.set_widget("explore_z1", old.min + 40 * old.step)
            moved = s.widgets["explore_z1"].proto
            await s.set_widget("explore_jump", 7)
            return run, old, moved, s.widgets["explore_z1"].proto

    run, old, moved, jumped = run_async(go())
    assert run.status.startswith("FINISHED") and not run.exceptions, run
    assert moved is not old and not moved.set_value  # redrawn, and the browser keeps the value the user gave it
    assert jumped.set_value and list(jumped.value) != list(moved.value)  # a chosen digit moves the slider


def test_jump_box_chooses_a_training_digit(page, app_url):
    """Typing a training digit's number shows it beside its reconstruction, with its 8 nearest neighbours."""
    page.goto(app_url + "/")
    page.locator(PICTURE).wait_for(timeout=120_000)
    wait_for_app(page)
    box = page.get_by_label("Go to training digit")
    box.fill("123")
    box.press("Enter")
    picked = page.locator(".st-key-explore_picked")
    picked.get_by_text("train digit #123,").wait_for(timeout=60_000)
    picked.get_by_test_id("stImageCaption").nth(1).wait_for()
    assert picked.get_by_test_id("stImageCaption").all_inner_texts() == ["original", "reconstruction"]
    page.locator(".st-key-explore_neighbours").get_by_test_id("stImageCaption").nth(7).wait_for()


def test_reconstructions_page_shows_ten_pairs(page, app_url):
    """The Reconstructions page shows ten originals over ten reconstructions, each with a label."""
    page.goto(app_url + "/reconstructions")
    page.get_by_role("heading", name="Reconstructions").wait_for()
    page.get_by_test_id("stImageCaption").nth(19).wait_for()
    wait_for_app(page)
    captions = page.get_by_test_id("stImageCaption").all_inner_texts()
    assert captions.count("original") == 10 and captions.count("reconstruction") == 10
    assert page.get_by_role("spinbutton", name="First training index").input_value() == "110"
