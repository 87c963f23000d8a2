"""End-to-end: train a model on the Train page in headless Chromium, watch it, then explore it.

The e2e server's library is an empty temp folder (tests/e2e/conftest.py), so the new model's name is free.
"""

from __future__ import annotations

import pytest

from tests.e2e.app_utils import wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.long]  # handed out first (tests/conftest.py)

PROGRESS = ".st-key-train_progress"
CURVE = ".st-key-train_curve .js-plotly-plot"
# Records every distinct "progress text|points on the loss curve" the browser renders, so the test
# sees the live updates however fast or slow the training is (no timing assumptions).
RECORD = f"""() => {{
    window.seen = [];
    new MutationObserver(() => {{
        const p = document.querySelector('{PROGRESS}'), gd = document.querySelector('{CURVE}');
        if (!p || !gd || !gd.data) return;
        const rec = p.innerText.trim() + '|' + gd.data[0].x.length;
        if (window.seen[window.seen.length - 1] !== rec) window.seen.push(rec);
    }}).observe(document.body, {{childList: true, subtree: true, characterData: true}});
}}"""
NAME = "e2e-model"


def set_number(page, label: str, value: int) -> None:
    box = page.get_by_role("spinbutton", name=label)
    box.fill(str(value))
    box.press("Enter")
    wait_for_app(page)


def test_train_one_epoch_watch_it_and_explore_it(page, app_url):
    """Progress bar and loss curve go from empty to one epoch; the new model becomes active on every page."""
    # app.py first, to its sidebar: its st.navigation switches Streamlit out of the legacy pages/
    # mode in which a fresh server runs a deep link like /train alone, without app.py.
    page.goto(app_url + "/")
    page.get_by_text("Active model").wait_for(timeout=120_000)
    page.goto(app_url + "/train")
    wait_for_app(page)
    page.get_by_label("Quick demo: train on a subset").check(force=True)
    wait_for_app(page)
    set_number(page, "Digits to train on", 300)
    set_number(page, "Epochs", 1)
    set_number(page, "Batch size", 100)
    page.get_by_role("textbox", name="Model name").fill(NAME)
    page.get_by_role("textbox", name="Model name").press("Enter")
    wait_for_app(page)
    page.evaluate(RECORD)
    page.get_by_role("button", name="Train", exact=True).click()

    page.get_by_text(f"Saved as {NAME}").wait_for(timeout=180_000)
    # A quick demo on a subset does not replace the active model unless asked: ask.
    page.get_by_role("button", name="Make it the active model").click()
    wait_for_app(page)
    # The finished run's page draws the progress text ("Finished") before the loss curve gets its
    # point, so a "Finished|0" record can come first: wait for the settled "Finished ...|1" itself.
    # (Waiting for the last record to start with "Finished" raced that redraw and failed once.)
    settled = "r => r.startsWith('Finished') && r.endsWith('|1')"
    page.wait_for_function(f"() => window.seen.some({settled})")
    seen = page.evaluate("window.seen")
    first, last = seen[0], page.evaluate(f"window.seen.find({settled})")
    # The trainer is a fresh process (it imports TensorFlow): the first view is an empty, unfinished run.
    assert not first.startswith("Finished") and first.endswith("|0"), seen
    assert "epoch 1/1" in last and "batch 3/3" in last and last.endswith("|1"), seen
    # The switch reaches the URL in its own message after the rerun; wait for it (read at once it raced).
    page.wait_for_function("n => location.search.includes('model=' + n)", arg=NAME, timeout=30_000)

    # On the Explore page (its URL is the bare /): the sidebar and the URL still name the new model.
    page.locator('[data-testid="stSidebarNav"] a', has_text="Explore").click()
    page.wait_for_url(lambda url: "/train" not in url and f"model={NAME}" in url)
    wait_for_app(page)
    page.wait_for_selector(
        ".st-key-explore_picture img"
    )  # the explorer's still picture (this server has no live plane)
    # The sidebar names it as the active model (its switcher lists it too, as a pill)
    page.locator('[data-testid="stSidebarUserContent"] strong', has_text=NAME).wait_for()
