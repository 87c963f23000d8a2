"""Replay training in Chromium: Play moves the test sample's points, the scrubber's last epoch is the
model's plane, the end of a replay shows the real plane again, Compare replays both models in step,
and a model without a history says so where the control would be."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from model.folders import store
from model.folders.library import SHIPPED_DIR
from tests.e2e.app_utils import assert_no_exception, start_streamlit, stop, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("replay")]

DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
PLANE = "(key) => window.latentPlane.view(key)"  # the plane's test view (ui/plane/js/view.js)
# The points the replay drew last, in latent units: [[x...], [y...]].
SHOWN = f"(key) => {{ const s = ({PLANE})(key).replay.shown; return [s.x, s.y]; }}"
STATE = '(key) => document.querySelector(`[data-testid="lp-plot"][data-channel="${key}"]`).dataset.replay'
EPOCH = '(key) => +document.querySelector(`[data-testid="lp-plot"][data-channel="${key}"]`).dataset.replayEpoch'
CLASSES_SHOWN = f"(key) => ({PLANE})(key).shown.every((on) => on)"


def open_explore(page, url: str, model: str = "default") -> None:
    page.goto(f"{url}/?model={model}")
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)
    page.get_by_test_id("lp-replay-play").wait_for()
    assert_no_exception(page, "explore")


def scrub(page, value: float, nth: int = 0) -> None:
    """Move the epoch scrubber as a user's drag does: set its value, fire 'input'."""
    page.get_by_test_id("lp-replay-scrub").nth(nth).evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }", value
    )


def test_play_moves_the_points_and_ends_on_the_real_plane(page, live_url):
    """Play: the plotted sample positions differ between two moments, the epoch advances, and at the end the
    training digits are back and the replay is off."""
    open_explore(page, live_url)
    key = "explore_plane"
    assert page.evaluate(STATE, key) == "off" and page.evaluate(EPOCH, key) == 50
    page.get_by_test_id("lp-replay-speed").select_option("4")
    page.get_by_test_id("lp-replay-play").click()
    page.wait_for_function(f"() => ({STATE})('{key}') === 'playing' && ({EPOCH})('{key}') > 1", timeout=30_000)
    assert not page.evaluate(CLASSES_SHOWN, key)  # the training digits make way for the sample
    e1, (x1, y1) = page.evaluate(EPOCH, key), page.evaluate(SHOWN, key)
    page.wait_for_function(f"(e) => ({EPOCH})('{key}') > e + 2", arg=e1, timeout=30_000)
    e2, (x2, y2) = page.evaluate(EPOCH, key), page.evaluate(SHOWN, key)
    moved = np.hypot(np.subtract(x2, x1), np.subtract(y2, y1))
    assert e2 > e1 and len(moved) == 2000 and np.median(moved) > 0.05, f"median move {np.median(moved)}"
    page.wait_for_function(f"() => ({STATE})('{key}') === 'off'", timeout=60_000)
    assert page.evaluate(EPOCH, key) == 50 and page.evaluate(CLASSES_SHOWN, key)
    assert page.get_by_test_id("lp-replay-canvas").is_hidden()


def test_scrubber_at_the_last_epoch_is_the_models_plane(page, live_url):
    """Scrubbed to the last epoch, the sample sits at the model's own test encodings (float16 rounding)."""
    open_explore(page, live_url)
    key = "explore_plane"
    scrub(page, 0)
    page.wait_for_function(f"() => ({STATE})('{key}') === 'paused' && ({EPOCH})('{key}') === 0")
    x0, y0 = page.evaluate(SHOWN, key)
    scrub(page, 1e9)  # the browser clamps it to the last snapshot
    page.wait_for_function(f"() => ({EPOCH})('{key}') === 50")
    x, y = page.evaluate(SHOWN, key)
    bundle = store.load(SHIPPED_DIR / "default")
    want = bundle.latent["z_test"][bundle.history["index"]]
    got = np.stack([x, y], axis=1)
    assert np.all(np.abs(got - want) <= np.abs(want) * 2**-11 + 1e-6)
    assert np.abs(got - np.stack([x0, y0], axis=1)).max() > 1  # epoch 0 was elsewhere
    label = page.get_by_test_id("lp-replay-label").inner_text()
    assert label == "epoch 50.0 of 50"
    page.get_by_test_id("lp-replay-done").click()
    page.wait_for_function(f"() => ({STATE})('{key}') === 'off' && ({CLASSES_SHOWN})('{key}')")


def test_compare_replays_both_models_in_step(page, live_url):
    """Compare: scrubbing A to epoch 5 shows epoch 5 in B too; Done in A ends B's replay."""
    page.goto(live_url + "/compare")
    wait_for_app(page)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"lp-plot\"][data-drawn=\"1\"]').length === 2", timeout=180_000)  # fmt: skip
    a, b = "compare_plane_a", "compare_plane_b"
    page.get_by_test_id("lp-replay-scrub").nth(1).wait_for()
    pos = page.evaluate(f"() => ({PLANE})('{a}').replay.times.indexOf(5)")
    scrub(page, pos, nth=0)
    page.wait_for_function(f"() => ({STATE})('{b}') === 'paused'", timeout=30_000)
    assert page.evaluate(EPOCH, a) == pytest.approx(5) and page.evaluate(EPOCH, b) == pytest.approx(5, abs=1e-3)
    page.get_by_test_id("lp-replay-done").nth(0).click()
    page.wait_for_function(f"() => ({STATE})('{b}') === 'off'", timeout=30_000)


@pytest.fixture(scope="module")
def no_history_url(tmp_path_factory):
    """The app with its default model replaced by a copy of the shipped one without history.npz."""
    folder = tmp_path_factory.mktemp("old") / "old"
    shutil.copytree(SHIPPED_DIR / "default", folder)
    (folder / store.HISTORY_FILE).unlink()
    lib = tmp_path_factory.mktemp("library")
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib), "LATENT_EXPLORER_MODEL": str(folder),
                                 "LATENT_EXPLORER_LIVE": "1"}, timeout=120.0)  # fmt: skip
    yield url
    stop(proc)


def test_a_model_without_history_says_so(page, no_history_url):
    """Where the replay control would be, a model saved without a history says there is nothing to replay."""
    page.goto(no_history_url + "/")
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)
    note = page.get_by_test_id("lp-replay-none")
    note.wait_for()
    assert "without its training history" in note.inner_text()
    assert page.get_by_test_id("lp-replay-play").count() == 0
