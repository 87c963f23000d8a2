"""Two replicas behind Debian's nginx (assets/deploy-nginx-replicas.conf): the app works through the proxy, sessions stick.

Skipped when nginx is not installed (apt-get install nginx-light).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.app_utils import DECODED, ROOT, assert_no_exception, free_port, start_streamlit, stop, wait_for_app
from ui.plane.publish import PLOTLY_NAME

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("proxy")]

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
TEMPLATE = ROOT / "assets" / "deploy-nginx-replicas.conf"


def nginx_conf(folder: Path, listen: int, ports: list[int]) -> Path:
    """The shipped template, filled in for replicas on 127.0.0.1:ports, named r1, r2, ..."""
    addrs = [f"127.0.0.1:{p}" for p in ports]
    share = f"{100 / len(addrs):.2f}%"
    fill = {
        "@DIR@": str(folder),
        "@LISTEN@": f"127.0.0.1:{listen}",
        "@SPLIT@": "\n".join(f"        {share if i < len(addrs) - 1 else '*'} {a};" for i, a in enumerate(addrs)),
        "@ROUTES@": "\n".join(f"        r{i + 1} {a};" for i, a in enumerate(addrs)),
        "@NAMES@": "\n".join(f"        {a} r{i + 1};" for i, a in enumerate(addrs)),
    }
    text = TEMPLATE.read_text()
    for k, v in fill.items():
        text = text.replace(k, v)
    conf = folder / "nginx.conf"
    conf.write_text(text)
    return conf


@pytest.fixture(scope="module")
def proxy_url(tmp_path_factory):
    """nginx on 127.0.0.1 in front of two app replicas that share one model library."""
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light); the proxy test needs Debian's nginx")
    lib, folder = tmp_path_factory.mktemp("library"), tmp_path_factory.mktemp("nginx")
    replicas = []
    try:
        for _ in range(2):
            replicas.append(start_streamlit({"LATENT_EXPLORER_MODELS": str(lib)}))
        listen = free_port()
        conf = nginx_conf(folder, listen, [int(url.rsplit(":", 1)[1]) for _, url in replicas])
        nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=1).close()
                break
            except OSError:
                assert nginx.poll() is None, nginx.stderr.read().decode()[-500:]
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{listen}"
        nginx.terminate()
        nginx.wait(10)
    finally:
        for proc, _ in replicas:
            stop(proc)


def open_explore(browser, url: str, replica: str | None):
    """A new browser (cookie `le_replica` preset or not) on Explore through the proxy; (context, page, X-Replica)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    if replica:
        ctx.add_cookies([{"name": "le_replica", "value": replica, "url": url}])
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    response = page.goto(url + "/")
    page.locator(DECODED).wait_for()
    wait_for_app(page)
    assert_no_exception(page, f"through the proxy ({replica})")
    return ctx, page, response.headers.get("x-replica")


def test_each_replica_serves_the_app_through_the_proxy(proxy_url, browser):
    """Through nginx each replica serves Explore: the digit shows and a slider move decodes a new one (websocket)."""
    for replica in ("r1", "r2"):
        ctx, page, served_by = open_explore(browser, proxy_url, replica)
        try:
            assert served_by == replica
            old = page.get_attribute(DECODED, "src")
            page.get_by_role("slider", name="z1").focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"(old) => document.querySelector('{DECODED}')?.src !== old", arg=old)
        finally:
            ctx.close()


def test_a_new_browser_is_given_a_replica_and_stays_on_it(proxy_url, browser):
    """A browser without the cookie gets one naming a replica, and its next page load goes to that replica."""
    ctx, page, served_by = open_explore(browser, proxy_url, None)
    try:
        cookie = {c["name"]: c["value"] for c in ctx.cookies()}.get("le_replica")
        assert cookie in ("r1", "r2") and served_by == cookie
        for _ in range(3):
            assert page.reload().headers.get("x-replica") == cookie
        page.locator(DECODED).wait_for()
    finally:
        ctx.close()


def test_the_planes_content_named_files_may_be_kept_a_year_and_a_missing_one_never(proxy_url, browser):
    """Through nginx, plotly.js (named by its version) says Cache-Control immutable for a year; a 404 under lp/ says nothing of the kind."""
    ctx, _, _ = open_explore(browser, proxy_url, "r1")
    ctx.close()
    with urllib.request.urlopen(f"{proxy_url}/app/static/{PLOTLY_NAME}", timeout=30) as r:
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert r.read(200).startswith(b"/**")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{proxy_url}/app/static/lp/tiles-0/manifest.json", timeout=30)
    assert missing.value.code == 404 and "immutable" not in (missing.value.headers.get("Cache-Control") or "")
