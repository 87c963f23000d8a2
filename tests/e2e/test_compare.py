"""Compare and the model switcher in Chromium (server-side charts): a click in plane A marks the same digit in B."""

from __future__ import annotations

import numpy as np
import pytest

from model.folders import store
from model.folders.library import SHIPPED_DIR
from tests.e2e.app_utils import DECODED, assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

CHARTS = '[data-testid="stPlotlyChart"] .js-plotly-plot'
READY = f"""() => {{
    const gds = document.querySelectorAll('{CHARTS}');
    return gds.length === 2 && [...gds].every(gd => gd._fullLayout && gd.querySelector('.gl-container canvas'));
}}"""
# [x, y, pixels per z1 unit, [x0, x1], [y0, y1]] of latent point (z1, z2) in chart n.
TO_PIXEL = f"""([n, z1, z2]) => {{
    const gd = document.querySelectorAll('{CHARTS}')[n], fl = gd._fullLayout, r = gd.getBoundingClientRect();
    return [r.left + fl.xaxis._offset + fl.xaxis.l2p(z1), r.top + fl.yaxis._offset + fl.yaxis.l2p(z2),
            fl.xaxis._length / (fl.xaxis.range[1] - fl.xaxis.range[0]), fl.xaxis.range, fl.yaxis.range];
}}"""
MARKED = f"""(n) => {{
    const gd = document.querySelectorAll('{CHARTS}')[n], roles = gd._fullLayout.meta.roles;
    const m = gd.data[roles.indexOf('marker')];
    const sel = gd.data.map((t, i) => [roles[i], (t.selectedpoints || []).map(p => gd._fullData[i].customdata[p])])
        .filter(([, s]) => s.length > 0);
    return m ? [m.x[0], m.y[0], sel] : null;
}}"""


def latent(name: str) -> dict:
    return store.load_latent(SHIPPED_DIR / name / store.LATENT_FILE)


def visible_isolated_point(z: np.ndarray, scale: float, xr, yr) -> int:
    """A training point inside the shown ranges with no other encoding within 12 px."""
    inside = np.flatnonzero((z[:, 0] > xr[0]) & (z[:, 0] < xr[1]) & (z[:, 1] > yr[0]) & (z[:, 1] < yr[1]))
    for i in inside[np.argsort(-np.abs(z[inside] - np.median(z, axis=0)).sum(axis=1))][:400]:
        d = np.sqrt(((z - z[i]) ** 2).sum(axis=1))
        d[i] = np.inf
        if d.min() * scale > 12:
            return int(i)
    pytest.fail("no isolated training point in view")


def test_click_in_plane_a_marks_the_same_digit_in_plane_b(page, app_url):
    """Compare: clicking digit #i in A shows its original and crosses digit #i's encoding in B too."""
    page.goto(app_url + "/compare")
    wait_for_app(page)
    page.wait_for_function(READY, timeout=120_000)
    assert_no_exception(page, "compare")
    a, b = latent("default"), latent("seed")  # the defaults: the active model and the other shipped MNIST one
    *_, scale, xr, yr = page.evaluate(TO_PIXEL, [0, 0, 0])
    i = visible_isolated_point(a["z_train"], scale, xr, yr)
    x, y, *_ = page.evaluate(TO_PIXEL, [0, *map(float, a["z_train"][i])])
    page.mouse.click(x, y)
    page.locator(".st-key-compare_digit").get_by_text(f"Training digit #{i}").wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_function(READY)
    captions = page.locator(".st-key-compare_digit").get_by_test_id("stImageCaption").all_inner_texts()
    assert captions[0] == "original" and captions[1].startswith("A: default") and captions[2].startswith("B: seed")
    bx, by, sel = page.evaluate(MARKED, 1)
    assert (bx, by) == pytest.approx(tuple(map(float, b["z_train"][i])), abs=1e-3)
    assert sel == [["train", [i]]]  # B draws digit #i selected
    assert page.evaluate(MARKED, 0)[2] == [["train", [i]]]  # and so does A


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
