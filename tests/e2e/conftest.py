"""End-to-end fixtures: a real `streamlit run` on a free 127.0.0.1 port, and Debian's Chromium.

As in Streamlit's own e2e suite, fixtures live here and shared helpers in app_utils.py. Browser tests open
tabs, not browsers: `page` (a 1400 x 1000 desktop) and `phone` (a 390 x 844 touch phone), each a new tab in one
browser context per worker, whose cache carries over from test to test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop


def served_app(tmp_path_factory, live: bool):
    """A `streamlit run app.py` with an empty temp model library; yields (process, base URL), then stops it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    lib = tmp_path_factory.mktemp("library")
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib), "LATENT_EXPLORER_LIVE": "1" if live else "0"})
    yield proc, url
    stop(proc)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of an app on 127.0.0.1 without the live plane (LATENT_EXPLORER_LIVE=0: still pictures), an empty library."""
    for _, url in served_app(tmp_path_factory, live=False):
        yield url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """(process, base URL) of the app as users get it, shared by every test of the session (live_url is its URL);
    a test that reads the process (its memory map, its liveness) sees what every other test made it do."""
    yield from served_app(tmp_path_factory, live=True)


@pytest.fixture(scope="session")
def live_url(live_server):
    """Base URL of the app as users get it: the Explore and Upload maps are the in-browser live plane."""
    return live_server[1]


@pytest.fixture(scope="session")
def newcomer_server(tmp_path_factory):
    """(process, base URL, its empty folder) of a newcomer's app: no data variable set; Keras's cache, Debian's
    folder and the data-set cache empty folders; the data host a stand-in on 127.0.0.1 serving Debian's
    Fashion-MNIST files where installed. MNIST stays missing for the whole session; a test may download
    Fashion-MNIST (tests/e2e/test_walk_no_tensorflow.py does, after its walk)."""
    from model.settings import DEBIAN_FASHION
    from tests.data_host import serve

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    empty = tmp_path_factory.mktemp("newcomer")
    files = {p.name: p.read_bytes() for p in sorted(DEBIAN_FASHION.glob("*.gz"))} if DEBIAN_FASHION.is_dir() else {}
    with serve(files) as (host, _):
        proc, url = start_streamlit({
            "LATENT_EXPLORER_MODELS": str(empty / "library"), "LATENT_EXPLORER_LIVE": "1",
            "LATENT_EXPLORER_DATA": "", "LATENT_EXPLORER_FASHION": "", "KERAS_HOME": "",
            "LATENT_EXPLORER_KERAS_HOME": str(empty / "keras"), "LATENT_EXPLORER_DEBIAN_FASHION": str(empty / "debian"),
            "XDG_CACHE_HOME": str(empty / "cache"), "LATENT_EXPLORER_DATA_HOST": host,
        }, timeout=120.0)  # fmt: skip
        yield proc, url, empty
        stop(proc)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def visitor(browser):
    """One browser context for the session's `page`s: like one person opening tab after tab, its HTTP cache
    (plotly.js, the plane's content-named files) and compiled scripts carry over, which saves each page
    about a third of its CPU. The app keeps no state in the browser. A test that needs an empty cache or a
    new person opens its own context."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


@pytest.fixture
def page(visitor):
    """A new tab, 1400 x 1000, in the session's browser context; it and any tab the test opened close after.
    A test may resize it (page.set_viewport_size): the size goes with the tab."""
    pg = visitor.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    for tab in visitor.pages:
        tab.close()


@pytest.fixture(scope="session")
def phone_visitor(browser):
    """One browser context for the session's `phone`s: a 390 x 844 touch phone (has_touch, is_mobile), one
    person opening tab after tab like `visitor`, so its cache carries over from one phone test to the next.
    Touch and the mobile viewport belong to a context, so the phone cannot be a tab of `visitor`."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    yield context
    context.close()


@pytest.fixture
def phone(phone_visitor):
    """A new tab, 390 x 844 with touch, in the session's phone context; it and any tab the test opened close after."""
    pg = phone_visitor.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    for tab in phone_visitor.pages:
        tab.close()
