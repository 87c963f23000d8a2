"""Shared support for the e2e tests and the benchmarks: start a real server, find things in the page.

Imported by tests/e2e/*.py, tests/e2e/conftest.py (fixtures only) and bench/*.py; it holds no fixtures.

    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": "/tmp/lib"})             # app.py
    proc, url = start_streamlit(script="tests/e2e/apps/live_plane_app.py")          # another app script
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# Explore's decoded digit.
DECODED = '.st-key-explore_decoded [data-testid="stImage"] img'
EXCEPTION = '[data-testid="stException"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(env_extra: dict | None = None, timeout: float = 90.0, script: str = "app.py", root: Path = ROOT):
    """Start `streamlit run <script>` from `root` (this checkout; a benchmark may name another);
    return (process, base_url) once healthy."""
    port = free_port()
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env_extra or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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


def stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def serving(env_extra: dict | None = None, timeout: float = 90.0):
    """A server started for one fixture: yields its URL and stops it afterwards."""
    proc, url = start_streamlit(env_extra, timeout=timeout)
    try:
        yield url
    finally:
        stop(proc)


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished its script run (no 'running' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60_000,
    )


def record_frames(page) -> list:
    """Websocket frames the page sends to the server from now on (rerun requests, widget states), as they happen."""
    frames = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(payload)))
    return frames


def wait_until_quiet(page, frames: list, quiet_ms: int = 1000, timeout_ms: int = 60_000) -> None:
    """Wait until `frames` (from record_frames) has not grown for quiet_ms: the app has nothing more to say.

    Polls through Playwright (page.wait_for_timeout), which is what delivers the frame events.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    count, since = len(frames), time.monotonic()
    while time.monotonic() - since < quiet_ms / 1000:
        assert time.monotonic() < deadline, f"websocket traffic did not stop within {timeout_ms} ms"
        page.wait_for_timeout(50)
        if len(frames) != count:
            count, since = len(frames), time.monotonic()


def assert_no_exception(page, where: str = "") -> None:
    """Fail if the page shows a Streamlit exception box or traceback text."""
    boxes = page.locator(EXCEPTION)
    assert boxes.count() == 0, f"{where}: {boxes.first.inner_text()[:500]}"
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in text and not re.search(r"\b[A-Z]\w*(Error|Exception)\b", text), f"{where}: {text[:500]}"


def isolated_point(z, view, scale: float, px: float = 12, others=None) -> int:
    """Index of the encoding in `view` ((x0, x1), (y0, y1)), away from its edges, whose nearest other
    encoding (in z, or in `others` when given, which must start with z) is farthest away; that gap must
    exceed `px` pixels at `scale` pixels per unit, so a click on it can only mean that digit."""
    import numpy as np
    import pytest

    from model.plane.neighbors import nearest_indices

    (x0, x1), (y0, y1) = view
    mx, my = 0.05 * (x1 - x0), 0.05 * (y1 - y0)  # the modebar and the axes' edges are no place to click
    inside = np.flatnonzero((z[:, 0] > x0 + mx) & (z[:, 0] < x1 - mx) & (z[:, 1] > y0 + my) & (z[:, 1] < y1 - my))
    pool = z if others is None else others
    near = nearest_indices(pool, z[inside], k=2)  # (M, 2): the point itself (or a twin), then its neighbour
    other = np.where(near[:, 0] == inside, near[:, 1], near[:, 0])
    gap = np.sqrt(((pool[other] - z[inside]) ** 2).sum(axis=1))
    best = int(np.argmax(gap))
    if gap[best] * scale <= px:
        pytest.fail(f"no encoding in view is {px} px from every other (best {gap[best] * scale:.1f} px)")
    return int(inside[best])
