"""Export: the plane as a PNG at twice its size on screen with every layer, and as an SVG whose axes,
legend, class labels and colourbar are vector text."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from tests.e2e.app_utils import wait_for_app
from tests.e2e.plane_view import V

pytestmark = pytest.mark.e2e

CH = "explore_plane"


def ready(page, url: str) -> None:
    page.goto(url + "/")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)


def test_png_is_twice_the_plot_with_the_decoded_map(page, live_url, tmp_path):
    """With the decoded map on, Export PNG saves a valid PNG of twice the plot's size, its points drawn at
    that resolution (not enlarged from the screen's), the map's dark digits under the points."""
    ready(page, live_url)
    page.evaluate("""() => { const f = Plotly.toImage; window.exportRatio = [];
        Plotly.toImage = (fig, opts) => { window.exportRatio.push((fig.config || {}).plotGlPixelRatio); return f(fig, opts); }; }""")
    page.get_by_test_id("lp-map-toggle").check()
    page.wait_for_function(f"() => ({V})('{CH}').map !== null", timeout=60_000)
    box = page.get_by_test_id("lp-plot").bounding_box()
    with page.expect_download() as dl:
        page.get_by_test_id("lp-export-png").click()
    path = tmp_path / "plane.png"
    dl.value.save_as(path)
    assert dl.value.suggested_filename == "latent_plane.png"
    img = Image.open(io.BytesIO(path.read_bytes()))
    img.load()
    assert img.format == "PNG" and img.size == (round(box["width"]) * 2, round(box["height"]) * 2)
    assert page.evaluate("window.exportRatio") == [2]  # the points drawn at the PNG's own scale
    a = np.asarray(img.convert("L"), np.float64)
    h, w = a.shape
    core = a[h // 4 : h // 2, w // 3 : 2 * w // 3]
    assert core.mean() < 200  # the decoded map (white ink on black) fills the plot area, not a white page


def test_svg_holds_axes_legend_labels_and_colourbar_as_text(page, live_url, tmp_path):
    """Coloured by reconstruction error, Export SVG saves valid SVG whose <text> holds every legend name,
    the class labels, the axis titles and the colourbar's name; the points come as an embedded image."""
    ready(page, live_url)
    page.get_by_test_id("lp-colorby").select_option("error")
    page.wait_for_function(f"() => ({V})('{CH}').colorBy.loaded", timeout=60_000)
    with page.expect_download() as dl:
        page.get_by_test_id("lp-export-svg").click()
    path = tmp_path / "plane.svg"
    dl.value.save_as(path)
    root = ET.fromstring(path.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    legend = [str(k) for k in range(10)]
    assert all(texts.count(name) >= 2 for name in legend)  # in the legend and as the class's label
    assert {"z1", "z2", "reconstruction error"} <= set(texts)
    assert any(True for _ in root.iter("{http://www.w3.org/2000/svg}image"))
    assert page.evaluate(f"() => ({V})('{CH}').labels.length") == 10  # the labels are back on the plane
