"""End-to-end: the Upload-or-draw page in headless Chromium against a live `streamlit run`.

Uploads go through the real <input type=file>; drawing uses real mouse events on the
canvas (streamlit-drawable-canvas 0.13 renders Fabric.js canvases inside a shadow root,
which Playwright's CSS locators pierce).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from tests.e2e.app_utils import wait_for_app

pytestmark = pytest.mark.e2e

SENTENCE = re.compile(r"The model places this among the (\d)s: (\d) of its 8 nearest neighbours (?:is|are) \1s\.")


def open_upload_page(page, url: str) -> None:
    """Open the app at its root, then the page from the sidebar, as a visitor would."""
    # A fresh server answers a first direct /upload with streamlit's pages/ folder listing
    # (st.navigation takes over once app.py has run), so enter through the root.
    page.goto(url + "/")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Upload or draw").click()
    page.locator(".st-key-upload_source").wait_for()
    wait_for_app(page)


def verdict(page) -> str:
    box = page.locator(".st-key-upload_verdict")
    box.wait_for(timeout=60_000)
    return box.inner_text()


@pytest.fixture
def seven_png(mnist, tmp_path):
    """The first MNIST test digit (a 7), white on black, saved as a 28 x 28 PNG file."""
    _, (x_test, y_test) = mnist
    assert y_test[0] == 7
    path = tmp_path / "seven.png"
    Image.fromarray(x_test[0]).save(path)
    return path


def test_upload_png_shows_marker_neighbours_and_reconstruction(page, app_url, seven_png, tmp_path):
    """Uploading a PNG shows the sentence, the input beside its reconstruction, 8 neighbours, the star and the URL."""
    open_upload_page(page, app_url)
    page.locator(".st-key-upload_file input[type=file]").set_input_files(str(seven_png))
    m = SENTENCE.search(verdict(page))
    assert m and m.group(1) == "7", verdict(page)

    pair = page.locator(".st-key-upload_pair")
    pair.get_by_text("its reconstruction").wait_for()
    assert pair.locator("img").count() == 2
    expect_images(page, "upload_neighbours", 8)
    captions = page.locator(".st-key-upload_neighbours").locator('[data-testid="stImageCaption"]').all_inner_texts()
    assert len(captions) == 8 and all(re.fullmatch(r"\d · \d+\.\d\d", c.strip()) for c in captions), captions
    expect_images(page, "upload_steps", 7)

    picture = page.locator(".st-key-upload_picture img")  # no live plane on this server: its still picture
    picture.wait_for(timeout=60_000)
    assert page.get_by_test_id("stPlotlyChart").count() == 0
    assert "z1=" in page.url and "z2=" in page.url
    page.screenshot(path=str(tmp_path / "upload.png"))
    picture.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "upload_map.png"))


def test_upload_map_is_the_live_plane_with_the_digits_star(page, live_url, seven_png):
    """With the live plane, the map of where the upload lands is the plane, with a star on the digit's encoding."""
    open_upload_page(page, live_url)
    page.locator(".st-key-upload_file input[type=file]").set_input_files(str(seven_png))
    verdict(page)
    page.locator('.st-key-upload_map [data-testid="lp-plot"][data-drawn="1"]').wait_for(timeout=180_000)
    page.wait_for_function("() => location.search.includes('z1=')", timeout=60_000)
    z = [float(re.search(f"{k}=(-?[0-9.]+)", page.url).group(1)) for k in ("z1", "z2")]
    star = "() => { const v = window.latentPlane.view('upload_plane'); return v && v.star; }"  # the test view
    page.wait_for_function(star, timeout=60_000)
    assert page.evaluate(star) == pytest.approx(z, abs=1e-3)
    assert page.locator(".st-key-upload_picture").count() == 0


def expect_images(page, key: str, n: int) -> None:
    """Wait until the container with `key` holds at least n images that have loaded."""
    page.wait_for_function(
        "([sel, n]) => [...document.querySelectorAll(sel)].filter(i => i.complete && i.naturalWidth).length >= n",
        arg=[f".st-key-{key} img", n],
        timeout=60_000,
    )


def test_bad_upload_shows_one_line_error(page, app_url, tmp_path):
    """A text file named .png gives one plain error and the page keeps working."""
    bad = tmp_path / "notes.png"
    bad.write_text("shopping list: eggs, milk\n")
    open_upload_page(page, app_url)
    page.locator(".st-key-upload_file input[type=file]").set_input_files(str(bad))
    err = page.locator('[data-testid="stAlertContentError"]')
    err.wait_for(timeout=60_000)
    assert "notes.png cannot be used: this is not an image" in err.inner_text()
    assert page.locator(".st-key-upload_source").is_visible()


def test_drawing_a_stroke_encodes_it_and_undo_clears_it(page, app_url):
    """A vertical stroke drawn with the mouse is encoded (among the 1s); undoing it empties the result."""
    open_upload_page(page, app_url)
    page.locator(".st-key-upload_source").get_by_text("Draw", exact=True).click()
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for(timeout=60_000)
    box = canvas.bounding_box()
    x, y0 = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.12
    page.mouse.move(x, y0)
    page.mouse.down()
    for t in np.linspace(0, 1, 25)[1:]:
        page.mouse.move(x - 20 * t, y0 + box["height"] * 0.76 * t)
    page.mouse.up()
    m = SENTENCE.search(verdict(page))
    assert m and m.group(1) == "1", verdict(page)
    page.locator(".st-key-upload_pair img").nth(1).wait_for()

    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Upload a picture, draw, or take a photo").wait_for(timeout=60_000)
    assert page.locator(".st-key-upload_verdict").count() == 0
