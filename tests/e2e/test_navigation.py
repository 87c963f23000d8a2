"""The navigation matrix: every page to every other page by sidebar link, and back by the Back button.

One server (the app as users get it, with the live plane) and one browser page for the whole route: it
starts at each page in turn (two legs per page, each its own test) and from there goes to every other
page by link and comes back with Back, so every ordered pair of pages is crossed by link and by Back once. The
legs share the page, so each one starts where the last ended. Any exception box or traceback fails it.
"""

from __future__ import annotations

import pytest

from tests.e2e.app_utils import DECODED, assert_no_exception, record_frames, wait_for_app, wait_until_quiet

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("navigation")]

# Sidebar link text -> (URL path, something only that page shows once it has run).
PAGES = {
    "Explore": ("/explore", DECODED),
    "Compare": ("/compare", '[data-testid="stHeading"]:has-text("Compare two models")'),
    "Reconstructions": ("/reconstructions", '[data-testid="stHeading"]:has-text("Reconstructions")'),
    "Upload or draw": ("/upload", ".st-key-upload_source"),
    "Train": ("/train", '[data-testid="stHeading"]:has-text("Train a model")'),
    "Models": ("/models", '[data-testid="stHeading"]:has-text("Model library")'),
}


def on(page, name: str) -> bool:
    """Whether the page's URL is `name`'s (Explore is also the root)."""
    path = page.url.split("?")[0]
    return path.endswith(PAGES[name][0]) or (name == "Explore" and path.endswith("/"))


def arrived(page, name: str, how: str) -> None:
    page.locator(PAGES[name][1]).first.wait_for(timeout=90_000)
    wait_for_app(page)
    assert_no_exception(page, f"{how} {name}")
    assert on(page, name), (how, name, page.url)


def by_link(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    arrived(page, name, "link to")


@pytest.fixture(scope="module")
def route(visitor, live_url):
    """One tab for the whole route, in the session's browser context (its warm cache: nothing here needs a
    cold one), opened on the app's root; the legs walk it in turn."""
    pg = visitor.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(live_url + "/")
    arrived(pg, "Explore", "open")
    yield pg
    if not pg.is_closed():  # the `page` fixture of a later test closes every tab of the context
        pg.close()


# Each leg: a start page and some of the others (two legs per start page keep each test short).
LEGS = [
    (start, others)
    for start in PAGES
    for others in ([p for p in PAGES if p != start][:3], [p for p in PAGES if p != start][3:])
]


@pytest.mark.parametrize(("start", "others"), LEGS, ids=[f"{s}-{o[0]}" for s, o in LEGS])
def test_from_each_page_to_every_other_by_link_and_back_by_back(route, start, others):
    """From `start` to each of `others` by sidebar link, then Back to `start`: never an exception, always the right page."""
    page = route
    if not on(page, start):
        by_link(page, start)  # the leg before ended on its own start page
    for other in others:
        by_link(page, other)
        page.go_back()
        arrived(page, start, f"Back from {other} to")


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
