"""Direct links: every page goes through app.py's router, even on a freshly started server."""

from __future__ import annotations

import pytest

from tests.e2e.app_utils import assert_no_exception, start_streamlit, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture
def fresh_url(tmp_path):
    """A server no browser has visited yet (Streamlit's old folder navigation is still armed)."""
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(tmp_path)})
    yield url
    proc.terminate()
    proc.wait(10)


def test_direct_link_to_a_page_on_a_fresh_server_uses_the_router(fresh_url, page):
    """Opening /upload first shows the Upload page inside the app: its heading, router nav, no helper modules."""
    page.goto(fresh_url + "/upload")
    wait_for_app(page)
    page.get_by_test_id("stHeading").get_by_text("Upload or draw a digit").wait_for(timeout=120_000)
    assert_no_exception(page, "/upload on a fresh server")
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_text("Models", exact=True).wait_for(timeout=120_000)
    links = nav.get_by_role("link").all_inner_texts()
    assert not any(name.strip() in ("common", "scatter", "router", "explore", "upload") for name in links), links
    assert "/upload" in page.url
    page.get_by_text("Upload a file").first.wait_for()


def test_first_visit_to_the_root_on_a_fresh_server_shows_the_router_pages(fresh_url, page):
    """The very first session sees the app's own page list (Explore … Models), not pages/*.py file names."""
    page.goto(fresh_url + "/")
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_text("Models", exact=True).wait_for(timeout=120_000)
    links = [t.strip() for t in nav.get_by_role("link").all_inner_texts()]
    assert not any(name in ("common", "scatter", "app", "train form", "train view") for name in links), links
    page.locator('[data-testid="lp-plot"][data-drawn="1"]').first.wait_for(timeout=120_000)  # the live plane
