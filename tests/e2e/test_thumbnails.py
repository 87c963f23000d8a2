"""Reading the live plane in Chromium: digits in place of dots when zoomed in, fair colours, labels, the lens."""

from __future__ import annotations

import numpy as np
import pytest

from model.data import DataError, load_dataset
from model.folders import store
from model.plane.density import peaks
from tests.e2e.app_utils import isolated_point, wait_for_app
from tests.e2e.plane_pixels import fairness
from tests.e2e.thumb_utils import (
    DRAWN,
    PLAN,
    PLOT,
    PX,
    STATE,
    VIEW,
    densest_spot,
    last_thumbnail,
    wheel_into,
    zoom_to_thumbnails,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("thumbnails")]
CH = "explore_plane"
THUMBS = f"() => +({PLOT})('{CH}').getAttribute('data-thumbnails')"
CAPTION = '[data-testid="lp-thumbs-caption"]'


def open_explore(page, url: str) -> None:
    page.goto(url + "/")
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)


@pytest.fixture(scope="module")
def opened():
    """The module's one Explore tab that read-only tests share (see opening_view); closed at the module's end."""
    tabs = []
    yield tabs
    for tab in tabs:
        if not tab.is_closed():
            tab.close()


@pytest.fixture
def opening_view(opened, visitor, live_url):
    """Explore as it opens on the app as users get it, in a tab of the session's context shared by the tests
    that only read it or undo what they change (each says so): opened once, again only if it was closed
    (the `page` fixture closes every tab of the context after its test)."""
    if not opened or opened[-1].is_closed():
        tab = visitor.new_page()
        tab.set_default_timeout(30_000)
        open_explore(tab, live_url)
        opened.append(tab)
    return opened[-1]


@pytest.fixture(scope="module")
def x_train():
    try:
        return load_dataset("mnist")[0][0]
    except DataError:
        pytest.skip("MNIST is not available here (set LATENT_EXPLORER_DATA)")


def assert_originals(page, x_train) -> None:
    """Every digit in view is drawn, as the data set's own image at its index, and the caption says so."""
    page.wait_for_function(f"() => {{ const T = ({STATE})('{CH}').thumbnails; return T.want > 0 && T.shown === T.want; }}", timeout=60_000)  # fmt: skip
    index, drawn = last_thumbnail(page, CH)
    inner = (slice(1, 27), slice(1, 27))  # the frame in the class's colour covers the outer ring
    assert np.abs(drawn[inner].astype(int) - x_train[index][inner]).max() <= 1, f"thumbnail of #{index} differs"
    assert "original images" in page.locator(CAPTION).inner_text()


def test_wheel_zoom_over_the_densest_spot_shows_the_original_digits_then_dots_again(page, live_url, x_train):
    """Turning the mouse wheel over the densest spot, from 2,000 digits in view to under 400, draws each as its original image; zooming out brings the dots back."""
    open_explore(page, live_url)
    cx, cy, h0, _, r, _ = page.evaluate(PLAN, [CH, densest_spot(page, CH), 2000, 300])
    page.evaluate(
        VIEW, [CH, cx, cy, h0, r]
    )  # as if zoomed part of the way already (each wheel step redraws 60,000 points)
    wheel_into(page, CH, cx, cy)
    assert_originals(page, x_train)
    page.evaluate(
        f"() => window.Plotly.relayout(({PLOT})('{CH}'), {{'xaxis.autorange': true, 'yaxis.autorange': true}})"
    )
    page.wait_for_function(f"{THUMBS.replace('() =>', '() => 0 ===')}")
    assert not page.locator(CAPTION).is_visible()


def test_one_step_zoom_fetches_only_the_blocks_in_view(page, live_url, x_train):
    """A box zoom (one Plotly.relayout) from the whole plane to under 400 digits shows their originals, fetching only the few tile blocks in view."""
    open_explore(page, live_url)
    page.wait_for_function(f"() => !!({STATE})('{CH}').thumbnails.blocks", timeout=60_000)
    cx, cy, _, h1, r, fresh = page.evaluate(PLAN, [CH, 5, 2000, 300])
    assert fresh and page.evaluate(f"() => ({STATE})('{CH}').thumbnails.fetched.length") == 0
    page.evaluate(VIEW, [CH, cx, cy, h1, r])
    assert_originals(page, x_train)
    blocks = page.evaluate(f"() => ({STATE})('{CH}').thumbnails.blocks.length")
    assert page.evaluate(f"() => ({STATE})('{CH}').thumbnails.fetched.length") <= 16 < blocks


def test_colours_are_fair_in_the_densest_mixed_window(opening_view):
    """In the default model's opening view, each class's share of coloured pixels matches its share of points (TVD <= 0.10); reads the shared view only."""
    f = fairness(opening_view, CH)  # puts the opacity and the canvases back as they were
    assert f["tvd"] <= 0.10, f


def test_labels_sit_at_each_class_densest_spot(opening_view):
    """Each class's name is drawn where model/plane/density.py's peaks() puts it (not at its centroid); off, none; on again as found."""
    page = opening_view
    page.wait_for_function(f"() => ({STATE})('{CH}').labels.length === 10")
    latent = store.load().latent
    spots = peaks(latent["z_train"], latent["y_train"], 10)
    drawn = {k: (x, y) for k, x, y in page.evaluate(f"() => ({STATE})('{CH}').labels")}
    plot = page.locator('[data-testid="lp-plot"]').bounding_box()
    for k in range(10):
        x, y = page.evaluate(PX, [CH, *spots[k]])
        assert abs(drawn[k][0] + plot["x"] - x) < 1.5 and abs(drawn[k][1] + plot["y"] - y) < 1.5, k
    page.get_by_test_id("lp-labels-toggle").uncheck()
    page.wait_for_function(f"() => ({STATE})('{CH}').labels.length === 0")
    page.get_by_test_id("lp-labels-toggle").check()  # the shared view as it was found
    page.wait_for_function(f"() => ({STATE})('{CH}').labels.length === 10")


def test_density_layer_draws_contours_when_switched_on(opening_view):
    """The Density option draws contour lines over the view; off again, none (the shared view as it was found)."""
    page = opening_view
    page.get_by_test_id("lp-contours-toggle").check()
    page.wait_for_function(f"() => ({STATE})('{CH}').contours > 50")
    page.get_by_test_id("lp-contours-toggle").uncheck()
    page.wait_for_function(f"() => ({STATE})('{CH}').contours === 0")


def test_legend_click_hides_a_class_from_the_one_points_trace(opening_view):
    """With every point in one trace, a legend click still hides that class's points (and its label); a second shows them (the shared view as found)."""
    page = opening_view
    count = f"() => ({PLOT})('{CH}').data[10].x.length"  # Plotly's public gd.data: the points trace
    n_all = page.evaluate(count)
    n_ones = page.evaluate(f"() => ({STATE})('{CH}').points().y.filter((c) => c === 1).length")
    page.locator('[data-testid="lp-plot"] .legend .traces').nth(1).locator(".legendtoggle").click()
    page.wait_for_function(f"() => ({count})() === {n_all - n_ones}")
    page.wait_for_function(f"() => !({STATE})('{CH}').labels.some(([k]) => k === 1)")
    page.locator('[data-testid="lp-plot"] .legend .traces').nth(1).locator(".legendtoggle").click()
    page.wait_for_function(f"() => ({count})() === {n_all}")
    page.wait_for_function(f"() => ({STATE})('{CH}').labels.some(([k]) => k === 1)")


def test_lens_spreads_the_crowd_and_a_click_picks_the_true_point(page, live_url):
    """With the lens on, the pointer's digit and a click are the true training digit under it, its (z1, z2) in the URL."""
    open_explore(page, live_url)
    page.get_by_test_id("lp-lens-toggle").check()
    z = np.asarray(page.evaluate(f"() => ({STATE})('{CH}').points().z"), np.float64).reshape(-1, 2)
    xr, yr, scale = page.evaluate(f"() => {{ const v = ({STATE})('{CH}'); return [v.range.x, v.range.y, v.area.w / (v.range.x[1] - v.range.x[0])]; }}")  # fmt: skip
    i = isolated_point(z, (tuple(xr), tuple(yr)), scale)
    x, y = page.evaluate(PX, [CH, *z[i]])
    page.mouse.move(x - 20, y)
    page.mouse.move(x, y)
    page.wait_for_function(f"() => +({PLOT})('{CH}').getAttribute('data-lens') > 0")
    page.mouse.click(x, y)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('z1') === '{z[i][0]:.4f}'", timeout=30_000)
    assert f"training digit #{i}" in page.get_by_test_id("lp-chosen").inner_text()
    assert page.evaluate("() => new URLSearchParams(location.search).get('z2')") == f"{z[i][1]:.4f}"


@pytest.fixture(scope="module")
def nodata_url(newcomer_server):
    """The app with no MNIST reachable (a newcomer's first run, tests/e2e/conftest.py): thumbnails are decoded in the browser."""
    return newcomer_server[1]


def test_without_the_data_set_thumbnails_are_decoded_in_the_browser(page, nodata_url):
    """No data set: zoomed in, each digit is drawn as the decoder's image of its encoding, and the caption says so."""
    open_explore(page, nodata_url)
    assert page.evaluate(f"() => ({STATE})('{CH}').thumbnails.source") == "decoded"
    zoom_to_thumbnails(page, CH, spot=2, kind="cold", timeout=60_000)  # the server's own "decoded", not forced
    index, drawn = last_thumbnail(page, CH)
    bundle = store.load()
    decoded = np.clip(bundle.codec.decode(bundle.latent["z_train"][index : index + 1]).reshape(28, 28) * 255, 0, 255)
    assert np.abs(drawn[1:27, 1:27].astype(float) - decoded[1:27, 1:27]).max() <= 2
    assert "decoded from their encodings" in page.locator(CAPTION).inner_text()
