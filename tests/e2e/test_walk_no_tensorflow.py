"""Issue 19: a visitor who sees every page with every shipped model, explores, uploads and compares
never makes the server load TensorFlow (its /proc/PID/maps lists no TensorFlow library), and the
pages ask nothing of any host but the server itself (the tab's icon is served locally)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.e2e.app_utils import CHROMIUM, assert_no_exception, start_streamlit, stop, wait_for_app

pytestmark = pytest.mark.e2e

DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
PAGES = ("explore", "reconstructions", "compare", "upload", "train", "models")
MODELS = ("default", "seed", "vae", "fashion")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own live-plane server, so the test knows its process id."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    lib = tmp_path_factory.mktemp("library")
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib), "LATENT_EXPLORER_LIVE": "1"})
    yield proc, url
    stop(proc)


def tensorflow_libraries(pid: int) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted({line.split()[-1] for line in maps.splitlines() if "tensorflow" in line.lower()})


def test_every_page_with_every_model_never_loads_tensorflow(page, server, tmp_path):
    """Every page x every shipped model, a click on the plane, an upload, Compare: no TF in the server, no outside request."""
    proc, url = server
    outside = []
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
    digit = np.zeros((28, 28), np.uint8)
    digit[4:24, 13:16] = 255  # a "1", white on black
    Image.fromarray(digit).save(tmp_path / "one.png")
    page.goto(url + "/")  # a fresh server: enter through the root once (see ui/router.py)
    wait_for_app(page)
    for name in MODELS:
        for path in PAGES:
            page.goto(f"{url}/{path}?model={name}")
            wait_for_app(page)
            if path == "explore":
                page.wait_for_selector(DRAWN, timeout=180_000)
                box = page.locator(DRAWN).first.bounding_box()
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # picks a digit
                wait_for_app(page)
            elif path == "compare" and name != "fashion":  # the only Fashion-MNIST model has no partner
                page.wait_for_function(f"() => document.querySelectorAll('{DRAWN}').length >= 2", timeout=180_000)
            elif path == "upload":
                page.locator(".st-key-upload_file input[type=file]").set_input_files(str(tmp_path / "one.png"))
                page.locator(".st-key-upload_verdict").wait_for(timeout=60_000)
            assert_no_exception(page, f"{path} with {name}")
    assert proc.poll() is None
    assert tensorflow_libraries(proc.pid) == []
    assert outside == []
