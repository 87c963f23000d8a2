"""Issues 19 and 25: a visitor who sees every page with every shipped model, explores, uploads and
compares never makes the server load TensorFlow (its /proc/PID/maps lists no TensorFlow library), and
the pages ask nothing of any host but the server itself (the tab's icon is served locally). Each model
opens once by URL (Explore, ?model=name) and the visitor goes on to every other page by its sidebar link, as
a user does, so the page is not reloaded; each page must keep that model (in the sidebar and the URL).

Two servers: the session's shared one, with the data sets installed, and a newcomer's, with no data variable set and Keras's
cache, Debian's folder and the data-set cache pointed at empty folders, whose data host is a stand-in
on 127.0.0.1. The newcomer sees the planes, one line about the missing data, and downloads Fashion-MNIST.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from PIL import Image

from model import download
from model.settings import DEBIAN_FASHION
from tests.e2e.app_utils import assert_no_exception, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("walk_no_tensorflow")]

DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
PAGES = ("explore", "reconstructions", "compare", "upload", "train", "models")
# URL path -> (its sidebar link, something only that page shows once it has run).
LINKS = {
    "reconstructions": ("Reconstructions", '[data-testid="stHeading"]:has-text("Reconstructions")'),
    "compare": ("Compare", '[data-testid="stHeading"]:has-text("Compare two models")'),
    "upload": ("Upload or draw", ".st-key-upload_source"),
    "train": ("Train", '[data-testid="stHeading"]:has-text("Train a model")'),
    "models": ("Models", '[data-testid="stHeading"]:has-text("Model library")'),
}
MODELS = ("default", "seed", "vae", "fashion")
MISSING = "images are not available here"
FETCH = re.compile(r"^Download (MNIST|Fashion-MNIST) \(\d+ MB\)")  # the missing data set's button


@pytest.fixture(scope="module")
def installed(live_server):
    """The session's live-plane server (tests/e2e/conftest.py), with the data sets as the tests find them:
    whatever the other browser tests made it do, it must not have mapped TensorFlow either."""
    return (*live_server, None)


@pytest.fixture(scope="module")
def newcomer(newcomer_server):
    """A newcomer's server (tests/e2e/conftest.py): no data variable, every data folder empty, a stand-in data host."""
    return newcomer_server


def tensorflow_libraries(pid: int) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted({line.split()[-1] for line in maps.splitlines() if "tensorflow" in line.lower()})


def watch_outside(page, url: str) -> list[str]:
    outside = []
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
    return outside


@pytest.fixture(scope="module")
def walkers(browser, tmp_path_factory):
    """One browser page per server for the whole walk (one visitor, model after model), opened when its
    first walk starts; yields walker(config, url) -> (page, requests to other hosts, a digit PNG)."""
    png = tmp_path_factory.mktemp("walk") / "one.png"
    digit = np.zeros((28, 28), np.uint8)
    digit[4:24, 13:16] = 255  # a "1", white on black
    Image.fromarray(digit).save(png)
    made, contexts = {}, []

    def walker(config: str, url: str):
        if config not in made:
            contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}))
            page = contexts[-1].new_page()
            page.set_default_timeout(30_000)
            made[config] = page, watch_outside(page, url), png
        return made[config]

    yield walker
    for context in contexts:
        context.close()


def by_link(page, path: str, name: str) -> None:
    """Go to `path` by its sidebar link, as a user does (no reload); wait until it has run with model `name`."""
    title, shown = LINKS[path]
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.locator(shown).first.wait_for(timeout=90_000)
    wait_for_app(page)
    assert page.evaluate("() => window.walkNoReload === true"), f"the link to {path} reloaded the page"
    assert page.url.split("?")[0].endswith("/" + path), (path, page.url)
    # The sidebar names the model the page ran with; the URL keeps it (the shipped default needs no ?model=).
    page.get_by_test_id("stSidebar").get_by_text(re.compile(rf"^{name} · ")).first.wait_for()
    if name != "default":
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('model') === '{name}'")
    else:
        assert model_in(page.url) in (None, "default"), page.url


def model_in(url: str) -> str | None:
    """The model a URL names (?model=), or None."""
    return parse_qs(urlsplit(url).query).get("model", [None])[0]


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("config", ("installed", "newcomer"))
def test_every_page_never_loads_tensorflow(walkers, request, config, name):
    """Every page with this model, a click on the plane, an upload, Compare: no TF in the server, no outside request."""
    proc, url, empty = request.getfixturevalue(config)
    page, outside, png = walkers(config, url)
    for path in PAGES:
        if path == "explore":  # the model opens by URL; every other page is reached by its sidebar link
            page.goto(f"{url}/?model={name}")
            wait_for_app(page)
            page.evaluate("() => { window.walkNoReload = true; }")  # gone if a link reloads the page
            page.wait_for_selector(DRAWN, timeout=180_000)  # the plane shows with or without the data set
            box = page.locator(DRAWN).first.bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # picks a digit
            wait_for_app(page)
            if empty is not None:  # the newcomer is told in one line, with a button to fetch the data
                assert page.get_by_text(MISSING).count() == 1
                assert page.get_by_role("button", name=FETCH).count() == 1
        else:
            by_link(page, path, name)
        if path == "compare" and name != "fashion":  # the only Fashion-MNIST model has no partner
            page.wait_for_function(f"() => document.querySelectorAll('{DRAWN}').length >= 2", timeout=180_000)
        elif path == "upload":
            page.locator(".st-key-upload_file input[type=file]").set_input_files(str(png))
            page.locator(".st-key-upload_verdict").wait_for(timeout=60_000)
        assert_no_exception(page, f"{path} with {name} ({config})")
    assert proc.poll() is None
    assert tensorflow_libraries(proc.pid) == []
    assert outside == []


def test_the_newcomer_downloads_fashion_mnist_from_the_data_host_without_tensorflow(page, newcomer):
    """Explore's Download button fetches Fashion-MNIST's four files from the data host into Keras's cache; the page
    then has them; no TF, no outside request."""
    proc, url, empty = newcomer
    if len(download.FILES["fashion-mnist"]) != len(list(DEBIAN_FASHION.glob("*.gz"))):
        pytest.skip("Debian's dataset-fashion-mnist is not installed: nothing with a known SHA-256 to serve")
    outside = watch_outside(page, url)
    page.goto(url + "/?model=fashion")  # Explore
    page.wait_for_selector(DRAWN, timeout=180_000)
    wait_for_app(page)
    page.get_by_role("button", name=FETCH).click()
    page.get_by_text(MISSING).wait_for(state="detached", timeout=60_000)  # the whole page reran with the data
    wait_for_app(page)
    assert_no_exception(page, "explore after the download")
    cache = empty / "keras" / "datasets" / "fashion-mnist"  # verified, renamed, nothing partial beside them
    assert sorted(p.name for p in cache.iterdir()) == sorted(download.FILES["fashion-mnist"])
    page.goto(f"{url}/reconstructions?model=fashion")
    page.get_by_test_id("stImageCaption").nth(19).wait_for()  # ten originals over ten reconstructions
    wait_for_app(page)
    assert page.get_by_text(MISSING).count() == 0
    assert tensorflow_libraries(proc.pid) == []
    assert outside == []
