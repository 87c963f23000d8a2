"""End-to-end checks of the Explore and Reconstructions pages in headless Chromium.

Clicks on the WebGL chart are aimed with plotly's own axis maps (_fullLayout.xaxis.l2p),
never guessed; decoded images are compared by their <img> src (streamlit names media by content).
"""

from __future__ import annotations

import numpy as np
import pytest

from model.folders import store
from tests.e2e.app_utils import DECODED, PLOT, TO_PIXEL, isolated_point, wait_for_app

pytestmark = pytest.mark.e2e

PICKED = ".st-key-explore_picked"
CHART_READY = f"""() => {{
    const gd = document.querySelector('{PLOT}');
    return gd && gd._fullLayout && gd._fullData && gd._fullData.length >= 11
        && gd.querySelector('.gl-container canvas') !== null;
}}"""
SELECTED = f"""() => {{
    const gd = document.querySelector('{PLOT}');
    const roles = gd._fullLayout.meta.roles;
    return gd.data.map((t, i) => [roles[i], t.selectedpoints || []]).filter(([, s]) => s.length > 0);
}}"""


@pytest.fixture(scope="module")
def latent():
    """The shipped model's encodings, as the live app shows them."""
    return store.load_latent(store.default_model_dir() / store.LATENT_FILE)


def open_explorer(page, url: str, query: str = "") -> None:
    page.goto(url + "/" + query)
    wait_for_app(page)
    page.wait_for_function(CHART_READY, timeout=120_000)


def pixel(page, z1: float, z2: float) -> tuple[float, float, float]:
    """(x, y) page pixel of the latent point, and pixels per latent unit."""
    return tuple(page.evaluate(TO_PIXEL, [float(z1), float(z2)]))


def wait_src_change(page, selector: str, old: str) -> str:
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.getAttribute('src') !== old; }",
        arg=[selector, old],
    )
    return page.get_attribute(selector, "src")


def empty_spot(latent, scale: float, extent) -> tuple[float, float]:
    """A latent point inside the axes with no encoding within 18 px (the grid node under it is nearer)."""
    z = np.concatenate([latent["z_train"], latent["z_test"]])
    (x0, x1), (y0, y1) = extent
    spots = [(fx, fy) for fx in np.linspace(0.05, 0.95, 37) for fy in np.linspace(0.05, 0.95, 37)]
    for fx, fy in sorted(spots, key=lambda f: -abs(f[0] - 0.5) - abs(f[1] - 0.5)):  # edges first
        c = np.array([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)])
        if np.sqrt(((z - c) ** 2).sum(axis=1)).min() * scale > 18:  # the plane opens on its dense core
            return float(c[0]), float(c[1])
    pytest.fail("no empty space found on the chart")


def axes_extent(page):
    return page.evaluate(
        f"() => {{ const fl = document.querySelector('{PLOT}')._fullLayout; return [fl.xaxis.range, fl.yaxis.range]; }}"
    )


def test_chart_draws_all_training_digits(page, app_url):
    """The explorer draws one WebGL trace per digit holding all 60,000 training encodings."""
    open_explorer(page, app_url)
    info = page.evaluate(
        f"() => {{ const gd = document.querySelector('{PLOT}'); const roles = gd._fullLayout.meta.roles;"
        " return gd._fullData.filter((t, i) => roles[i] === 'train').map(t => [t.type, t.name, t._length]); }"
    )
    assert [name for _, name, _ in info] == [str(k) for k in range(10)]
    assert {kind for kind, _, _ in info} == {"scattergl"}
    assert sum(n for _, _, n in info) == 60_000
    assert page.get_attribute(DECODED, "src")


def test_click_on_empty_space_decodes_it_and_marks_it(page, app_url, latent):
    """A click where no digit lies decodes that point, moves the sliders and marks it with a cross."""
    open_explorer(page, app_url)
    _, _, scale = pixel(page, 0, 0)
    z1, z2 = empty_spot(latent, scale, axes_extent(page))
    x, y, _ = pixel(page, z1, z2)
    before = page.get_attribute(DECODED, "src")
    page.mouse.click(x, y)
    wait_src_change(page, DECODED, before)
    wait_for_app(page)
    assert page.evaluate(SELECTED) == [["grid", page.evaluate(SELECTED)[0][1]]]
    (_, [node]) = page.evaluate(SELECTED)[0]
    gx, gy = page.evaluate(
        f"(n) => {{ const gd = document.querySelector('{PLOT}'); const g = gd._fullData.find(t => t.name === 'click grid');"
        " return [g.x[n], g.y[n]]; }",
        node,
    )
    assert abs(gx - z1) * scale < 5 and abs(gy - z2) * scale < 5  # the node under the cursor
    z1_shown = float(page.get_by_role("slider", name="z1").get_attribute("aria-valuetext"))
    assert abs(z1_shown - gx) * scale < 5
    assert "z1=" in page.url and "z2=" in page.url


def test_slider_change_changes_the_decoded_digit(page, app_url):
    """Moving the z1 slider with the keyboard shows a new decoded digit and its coordinate."""
    open_explorer(page, app_url, "?z1=0&z2=0")
    before = page.get_attribute(DECODED, "src")
    slider = page.get_by_role("slider", name="z1")
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_src_change(page, DECODED, before)
    wait_for_app(page)
    value = float(slider.get_attribute("aria-valuetext"))
    assert value > 0
    page.wait_for_function(
        "v => document.querySelector('.st-key-explore_decoded').innerText.includes('z1 = ' + v)", arg=f"{value:.3f}"
    )
    assert f"z1={value:.4f}" in page.url


def test_click_on_data_point_shows_original_and_reconstruction(page, app_url, latent):
    """A click on a training digit shows its original beside its reconstruction, with its label."""
    open_explorer(page, app_url)
    _, _, scale = pixel(page, 0, 0)
    i = isolated_point(
        latent["z_train"], axes_extent(page), scale, others=np.concatenate([latent["z_train"], latent["z_test"]])
    )
    x, y, _ = pixel(page, *latent["z_train"][i])
    page.mouse.click(x, y)
    picked = page.locator(PICKED)
    picked.get_by_test_id("stImageCaption").nth(1).wait_for()
    wait_for_app(page)
    label = int(latent["y_train"][i])
    assert f"train digit #{i}, label {label}" in picked.inner_text()
    captions = picked.get_by_test_id("stImageCaption").all_inner_texts()
    assert captions == ["original", "reconstruction"]
    srcs = [img.get_attribute("src") for img in picked.locator("img").all()]
    assert len(set(srcs)) == 2  # two different pictures
    assert [role for role, _ in page.evaluate(SELECTED)] == ["train"]


def test_reconstructions_page_shows_ten_pairs(page, app_url):
    """The Reconstructions page shows ten originals over ten reconstructions, each with a label."""
    page.goto(app_url + "/reconstructions")
    page.get_by_role("heading", name="Reconstructions").wait_for()
    page.get_by_test_id("stImageCaption").nth(19).wait_for()
    wait_for_app(page)
    captions = page.get_by_test_id("stImageCaption").all_inner_texts()
    assert captions.count("original") == 10 and captions.count("reconstruction") == 10
    assert page.get_by_role("spinbutton", name="First training index").input_value() == "110"
