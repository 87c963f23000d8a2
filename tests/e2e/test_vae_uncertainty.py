"""A VAE's uncertainty on the Upload page in Chromium: the 1-sigma and 2-sigma ellipses around the star,
and Resample decoding a fresh strip of z ~ N(mu, sigma^2) each time; a plain autoencoder says it has no sigma."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.e2e.app_utils import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

PLANE = "() => window.latentPlane.view('upload_plane')"  # the plane's test view (ui/plane/js/view.js)
DRAWN = '.st-key-upload_map [data-testid="lp-plot"][data-drawn="1"]'
# The overlay canvas's alpha at the 1-sigma and 2-sigma ellipses' right-hand points, and at the star's
# right at 3.5 sigma (outside both): [a1, a2, a_out].
RING_ALPHA = f"""() => {{
    const v = ({PLANE})(), U = v.uncertainty, c = document.querySelector('.st-key-upload_map .lp-overlay');
    const r = c.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    const px = (z1, z2) => {{ const [x, y] = v.toPage(z1, z2); return [x - r.left, y - r.top]; }};
    const g = c.getContext('2d');
    const alpha = ([x, y]) => Math.max(...[-1, 0, 1].map(d => g.getImageData(Math.round((x + d) * dpr), Math.round(y * dpr), 1, 1).data[3]));
    const [m1, m2] = v.star, [s1, s2] = U.sigma;
    return [alpha(px(m1 + s1, m2)), alpha(px(m1 + 2 * s1, m2)), alpha(px(m1 + 3.5 * s1, m2 + 3.5 * s2))];
}}"""
STRIP = "() => document.querySelector('[data-testid=\"lp-samples\"]').toDataURL()"


@pytest.fixture
def seven_png(mnist, tmp_path):
    """The first MNIST test digit (a 7) as a 28 x 28 PNG."""
    path = tmp_path / "seven.png"
    Image.fromarray(mnist[1][0][0]).save(path)
    return path


def upload(page, url: str, model: str, png) -> None:
    page.goto(f"{url}/?model={model}")  # through the root first: a fresh server's first /upload is a folder listing
    wait_for_app(page)
    page.goto(f"{url}/upload?model={model}")
    page.locator(".st-key-upload_source").wait_for(timeout=60_000)
    page.locator(".st-key-upload_file input[type=file]").set_input_files(str(png))
    page.wait_for_selector(DRAWN, timeout=180_000)
    assert_no_exception(page, f"upload with {model}")


def test_vae_upload_draws_sigma_ellipses(page, live_url, seven_png):
    """With the VAE, the map draws the 1-sigma and 2-sigma ellipses around the star, and the caption explains them."""
    upload(page, live_url, "vae", seven_png)
    plot = page.locator(DRAWN)
    page.wait_for_function(f"() => document.querySelector('{DRAWN}').dataset.ellipses === '2'", timeout=60_000)
    s1, s2 = (float(v) for v in plot.get_attribute("data-sigma").split(","))
    assert 0 < s1 < 1 and 0 < s2 < 1
    a1, a2, outside = page.evaluate(RING_ALPHA)
    assert a1 > 100 and a2 > 100 and outside == 0, (a1, a2, outside)
    assert "reparameterisation" in page.locator(".st-key-upload_map").inner_text()


def test_resample_gives_a_new_strip_each_time(page, live_url, seven_png):
    """Each Resample decodes new samples: the strip's pixels and the sampled points differ from the last strip's."""
    upload(page, live_url, "vae", seven_png)
    strip = page.get_by_test_id("lp-samples")
    page.wait_for_function("() => +document.querySelector('[data-testid=\"lp-samples\"]').dataset.draws >= 1")
    seen = set()
    for _ in range(3):
        n = int(strip.get_attribute("data-draws"))
        seen.add(page.evaluate(STRIP))
        page.get_by_test_id("lp-resample").click()
        page.wait_for_function(f"() => +document.querySelector('[data-testid=\"lp-samples\"]').dataset.draws > {n}")
    seen.add(page.evaluate(STRIP))
    assert len(seen) == 4  # four strips, all different
    samples = page.evaluate(f"() => ({PLANE})().uncertainty.samples")
    assert len(samples) == 8 and len({tuple(s) for s in samples}) == 8


def test_plain_autoencoder_has_no_sigma_to_show(page, live_url, seven_png):
    """With the default (plain) autoencoder the page says there is no sigma, and draws no ellipse or strip."""
    upload(page, live_url, "default", seven_png)
    page.locator(".st-key-upload_map").get_by_text("there is no σ to show").wait_for()
    assert page.locator(DRAWN).get_attribute("data-ellipses") in (None, "0")
    assert page.get_by_test_id("lp-sigma").is_hidden()
