"""End-to-end fixtures: a real `streamlit run` on a free 127.0.0.1 port, and Debian's Chromium.

As in Streamlit's own e2e suite, the server fixture waits for /_stcore/health.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


# The explorer's chart and decoded digit, and a latent point's page pixel from plotly's own axis
# maps (returns [x, y, pixels per z1 unit]); shared by the e2e tests and bench/explorer_latency.py.
PLOT = '[data-testid="stPlotlyChart"] .js-plotly-plot'
DECODED = '.st-key-explore_decoded [data-testid="stImage"] img'
TO_PIXEL = f"""([z1, z2]) => {{
    const gd = document.querySelector('{PLOT}');
    const fl = gd._fullLayout, r = gd.getBoundingClientRect();
    return [r.left + fl.xaxis._offset + fl.xaxis.l2p(z1), r.top + fl.yaxis._offset + fl.yaxis.l2p(z2),
            fl.xaxis._length / (fl.xaxis.range[1] - fl.xaxis.range[0])];
}}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(env_extra: dict | None = None, timeout: float = 90.0):
    """Start `streamlit run app.py`; return (process, base_url) once /_stcore/health says ok."""
    port = free_port()
    # LATENT_EXPLORER_LIVE=0: the server-side charts these tests and benches measure (not the live plane)
    env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "LATENT_EXPLORER_LIVE": "0",
        **(env_extra or {}),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Base URL of a live app on 127.0.0.1, with an empty temp model library."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    lib = tmp_path_factory.mktemp("library")
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib)})
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


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


@pytest.fixture
def page(browser):
    """A fresh browser page, 1400 x 1000, closed after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished its script run (no 'running' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60_000,
    )
