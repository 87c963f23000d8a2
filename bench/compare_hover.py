"""Benchmark the Compare page's linked live planes in headless Chromium, same run:

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.compare_hover --moves 400

Starts `streamlit run app.py` on 127.0.0.1 (models default (A) and seed (B) on Compare) and measures:
  * pointer move over plane A, ms of the page's own handlers (decode under the pointer, the nearest
    training digit, both planes' rings), linked vs the same model's plane unlinked (Explore, on a
    second page of the same browser), interleaved in blocks; and how many moves onto a digit in A
    rang the same digit in plane B within the move's own handler (no server call is involved);
  * the nearest-digit search alone (60,000 encodings), from the plane's own stats.
Medians (min-p90). Writes bench/results/compare_hover.json (earlier runs kept).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.live_plane import summary
from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app

ROOT = Path(__file__).resolve().parent.parent

LIVE_DRAWN = '() => document.querySelectorAll(\'[data-testid="lp-plot"][data-drawn="1"]\').length === 2'
EXPLORE_DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
# Page pixels [i, x, y] of training digits [i, z1, z2] in plane `ch`, only those inside its shown ranges
# (the plane's test view, ui/plane/js/view.js).
PIXELS = """([ch, pts]) => {
    const v = window.latentPlane.view(ch), [x0, x1] = v.range.x, [y0, y1] = v.range.y;
    return pts.filter(([, a, b]) => a > Math.min(x0, x1) && a < Math.max(x0, x1) && b > Math.min(y0, y1) && b < Math.max(y0, y1))
      .map(([i, a, b]) => [i, ...v.toPage(a, b)]);
}"""
# Dispatch mousemoves at the given pixels; per move: [handler ms, digit ringed in plane `ch`, in plane `other` (or null)].
MOVES = """([ch, other, pts]) => pts.map(([, x, y]) => {
    const t = performance.now();
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
    const ms = performance.now() - t, view = (c) => (c ? window.latentPlane.view(c) : null);
    const a = view(ch).hover, b = other ? view(other).hover : null;
    return [ms, a ? a.index : null, b ? b.index : null];
})"""


def open_compare(browser, url: str):
    """Compare (models default and seed, linked) and, on a second page of the same browser, Explore (default, unlinked)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page, explore = ctx.new_page(), ctx.new_page()
    page.goto(url + "/compare")
    wait_for_app(page)
    page.wait_for_function(LIVE_DRAWN, timeout=180_000)
    explore.goto(url + "/?model=default")
    wait_for_app(explore)
    explore.wait_for_selector(EXPLORE_DRAWN, timeout=180_000)
    time.sleep(1)
    return ctx, page, explore


def digits(z, n: int, seed: int) -> list[list[float]]:
    """n random training digits [i, z1, z2] of model A."""
    return [[int(i), float(z[i, 0]), float(z[i, 1])] for i in random.Random(seed).sample(range(len(z)), n)]


def moves(page, explore, z, n: int) -> dict:
    """Handler ms per move, linked vs unlinked (alternating blocks of 50); how many moves rang the same digit in B."""
    cand = digits(z, 4 * n, 0)
    mine = {p[0]: p for p in explore.evaluate(PIXELS, ["explore_plane", cand])}
    pts = [p for p in page.evaluate(PIXELS, ["compare_plane_a", cand]) if p[0] in mine][:n]
    linked, plain, same = [], [], 0
    for k in range(0, len(pts), 50):
        block = pts[k : k + 50]
        plain += [ms for ms, *_ in explore.evaluate(MOVES, ["explore_plane", None, [mine[p[0]] for p in block]])]
        for ms, a, b in page.evaluate(MOVES, ["compare_plane_a", "compare_plane_b", block]):
            linked.append(ms)
            same += a is not None and a == b
    search = page.evaluate("() => window.latentPlane.view('compare_plane_a').stats.hoverMs")
    return {"linked_ms": summary(linked), "unlinked_ms": summary(plain), "search_ms": summary(search),
            "moves": len(pts), "same_in_b": same}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=400)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from model.folders import store
    from model.folders.library import SHIPPED_DIR

    z = store.load_latent(SHIPPED_DIR / "default" / store.LATENT_FILE)["z_train"]
    lib = tempfile.mkdtemp(prefix="bench-lib-")
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": lib})
    load_before = os.getloadavg()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            open_compare(browser, url)[0].close()  # warm: models loaded, payloads built
            ctx, page, explore = open_compare(browser, url)
            pt = moves(page, explore, z, args.moves)
            ctx.close()
            browser.close()
    finally:
        stop(proc)
    out = ROOT / "bench" / "results" / "compare_hover.json"
    runs = json.loads(out.read_text()) if out.exists() else []
    when = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "load_avg_before": load_before, "load_avg": os.getloadavg()}
    runs.append({**when, "pointer": pt})
    out.write_text(json.dumps(runs, indent=1) + "\n")
    f = lambda s: f"{s['median']:.2f} ({s['min']:.2f}–{s['p90']:.2f})"  # noqa: E731
    print("| measure | linked (Compare) | unlinked (as Explore) | ratio |\n|---|---|---|---|")
    print(f"| pointer move, page handlers, ms | {f(pt['linked_ms'])} | {f(pt['unlinked_ms'])} | {pt['linked_ms']['median'] / pt['unlinked_ms']['median']:.2f} |")  # fmt: skip
    print(f"| nearest-digit search (60,000), ms | {f(pt['search_ms'])} | – | – |")
    print(f"| moves onto a digit in A that ringed the same digit in B | {pt['same_in_b']} of {pt['moves']} | – | – |")


if __name__ == "__main__":
    main()
