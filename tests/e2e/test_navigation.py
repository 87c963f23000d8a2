"""The navigation matrix: every page to every other page and back, by sidebar link and by Back.

One server (the app as users get it, with the live plane) and one browser page for the whole walk; any exception box or traceback fails it.
"""

from __future__ import annotations

import itertools

import pytest

from tests.e2e.app_utils import DECODED, assert_no_exception, record_frames, wait_for_app, wait_until_quiet

pytestmark = pytest.mark.e2e

# Sidebar link text -> (URL path, something only that page shows once it has run).
PAGES = {
    "Explore": ("/explore", DECODED),
    "Compare": ("/compare", '[data-testid="stHeading"]:has-text("Compare two models")'),
    "Reconstructions": ("/reconstructions", '[data-testid="stHeading"]:has-text("Reconstructions")'),
    "Upload or draw": ("/upload", ".st-key-upload_source"),
    "Train": ("/train", '[data-testid="stHeading"]:has-text("Train a model")'),
    "Models": ("/models", '[data-testid="stHeading"]:has-text("Model library")'),
}


def arrived(page, name: str, how: str) -> None:
    path, marker = PAGES[name]
    page.locator(marker).first.wait_for(timeout=90_000)
    wait_for_app(page)
    assert_no_exception(page, f"{how} {name}")
    assert page.url.split("?")[0].endswith(path) or (name == "Explore" and page.url.split("?")[0].endswith("/"))


def by_link(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    arrived(page, name, "link to")


def test_every_page_to_every_other_and_back_by_link_and_by_back(page, live_url):
    """From each page to each other page by link, back by the Back button and by link: never an exception."""
    page.goto(live_url + "/")
    arrived(page, "Explore", "open")
    here = "Explore"
    for a, b in itertools.permutations(PAGES, 2):
        if here != a:
            by_link(page, a)
        by_link(page, b)
        page.go_back()
        arrived(page, a, f"Back from {b} to")
        by_link(page, b)
        by_link(page, a)
        here = a


def test_make_active_then_straight_to_another_page_keeps_the_new_model(page, app_url):
    """Models → Make active, then at once a sidebar link: the new model stays active (the old pill cannot switch back)."""
    sent = record_frames(page)
    for attempt in range(3):  # the race needs the link click to land before the sidebar's pill is redrawn
        page.goto(app_url + "/models")
        wait_for_app(page)
        box = page.locator(".st-key-lib_selected")
        box.get_by_role("combobox").click(timeout=120_000)  # a fresh server's first Models run is slow under load
        page.get_by_role("option", name="seed", exact=True).click()
        wait_for_app(page)
        page.get_by_role("button", name="Make active", exact=True).click()
        page.wait_for_url("**model=seed**")  # the switch has run (as the Train page's e2e test saw it)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Reconstructions", exact=True).click()
        arrived(page, "Reconstructions", "straight after Make active, link to")
        wait_until_quiet(page, sent)  # a late switch back is a rerun request: wait until none is sent
        wait_for_app(page)
        sidebar = page.get_by_test_id("stSidebar")
        assert sidebar.get_by_text("seed · mnist").count() == 1, (attempt, page.url, sidebar.inner_text()[-200:])
        assert "model=seed" in page.url, (attempt, page.url)
