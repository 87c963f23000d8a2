"""Benchmark the live plane against today's server-side chart, in headless Chromium, same run:

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.live_plane --reps 15 --loads 4

Starts two `streamlit run app.py` servers on 127.0.0.1: the Explore page with the live plane
(LATENT_EXPLORER_LIVE=1) and with the server-side chart (LATENT_EXPLORER_LIVE=0), and measures:
  * pointer: real Playwright mouse moves over the plane (as fast as Playwright sends them) -> moves
    the page received per second and decodes per second (every received move should decode);
  * JS ms per decode: the plane's own timings of those decodes, and 2,000 decodes in a tight loop;
  * click -> Python has the point: from the press to the URL carrying the server's ?z1= for it
    (the server's callback ran and its answer reached the browser), live vs server chart; the clicks
    land on training digits taken from the chart as drawn (SPOTS), so they hit any model's opening view;
  * decoded map repaint after a wheel zoom, 20 x 20 digits (decode + paint, timed in the page);
  * page load -> chart drawn, on a warm server (a new browser context each time), live vs server.
Medians (min-p90). Writes bench/results/live_plane.json.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, PLOT, start_streamlit, wait_for_app

ROOT = Path(__file__).resolve().parent.parent

LIVE = "() => window.__livePlane.explore_plane"
LIVE_PX = f"""([z1, z2]) => {{
    const S = ({LIVE})(), fl = S.gd._fullLayout, r = S.d.plot.getBoundingClientRect();
    return [r.left + fl.xaxis._offset + fl.xaxis.l2p(z1), r.top + fl.yaxis._offset + fl.yaxis.l2p(z2)];
}}"""
DRAWN_LIVE = '[data-testid="lp-plot"][data-drawn="1"]'
# Arms window.__urlWait: resolves with ms from now until location.search carries a z1= other than `old`.
URL_WAIT = """(old) => { window.__urlWait = new Promise((res) => { const t0 = performance.now();
  const f = () => { const z = new URLSearchParams(location.search).get('z1');
    if (z && z !== old) res(performance.now() - t0); else setTimeout(f, 2); }; f(); }); }"""

# Page pixels of n training points spread over the middle 70 % of the shown ranges of a chart: the live
# plane (sel null) or the server chart (sel = its selector; its traces' roles say which are training
# points). Taken from the figure as drawn, so the clicks land in the opening view of any model.
SPOTS = f"""([sel, n]) => {{
    const gd = sel ? document.querySelector(sel) : ({LIVE})().gd, fl = gd._fullLayout, r = gd.getBoundingClientRect();
    const xa = fl.xaxis, ya = fl.yaxis, roles = fl.meta && fl.meta.roles;
    const inner = (v, [a, b]) => v > a + 0.15 * (b - a) && v < b - 0.15 * (b - a);
    const pts = [];
    gd._fullData.forEach((t, k) => {{
        if (t.visible !== true || (roles ? roles[k] !== 'train' : !t.x)) return;
        for (let i = 0; i < t.x.length; i++) if (inner(t.x[i], xa.range) && inner(t.y[i], ya.range)) pts.push([t.x[i], t.y[i]]);
    }});
    const out = [];
    for (let k = 0; k < Math.min(n, pts.length); k++) {{  // evenly through the list: a different class and place each time
        const [x, y] = pts[Math.floor(((k + 0.5) * pts.length) / n)];
        out.push([r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)]);
    }}
    return out;
}}"""
RACE = "() => Promise.race([window.__urlWait, new Promise((r) => setTimeout(() => r(null), 30000))])"  # lost: None


def summary(xs):
    xs = sorted(xs)
    if not xs:
        return {"median": None, "min": None, "p90": None, "n": 0}
    return {
        "median": statistics.median(xs),
        "min": xs[0],
        "p90": xs[min(len(xs) - 1, int(0.9 * len(xs)))],
        "n": len(xs),
    }


def open_explore(browser, url, live: bool):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(url + "/")
    wait_for_app(page)
    if live:
        page.wait_for_selector(DRAWN_LIVE)
        drawn = page.evaluate(f"() => ({LIVE})().stats.drawnAt")
    else:
        page.wait_for_selector(PLOT + " .gl-canvas-context, " + PLOT + " canvas")
        drawn = page.evaluate("() => performance.now()")
    return ctx, page, drawn


def pointer(page, n: int = 400):
    """Moves received and decodes per second under a stream of real mouse moves across the plane."""
    # The circle stays inside the axes (the run in docs/performance.md used the whole plot div, legend and margins included).
    box = page.evaluate(f"""() => {{ const S = ({LIVE})(), fl = S.gd._fullLayout, r = S.d.plot.getBoundingClientRect();
        return {{x: r.left + fl.xaxis._offset, y: r.top + fl.yaxis._offset, width: fl.xaxis._length, height: fl.yaxis._length}}; }}""")
    s0 = page.evaluate(f"() => {{ const s = ({LIVE})().stats; return [s.moves, s.decodes, s.decodeMs.length]; }}")
    cx, cy, r = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, min(box["width"], box["height"]) / 3
    t0 = time.perf_counter()
    for i in range(n):  # a circle: every move lands on a new point of the plane
        page.mouse.move(cx + r * math.cos(i / 20), cy + r * math.sin(i / 20))
    wall = time.perf_counter() - t0
    s1 = page.evaluate(f"() => {{ const s = ({LIVE})().stats; return [s.moves, s.decodes, s.decodeMs.slice(-{n})]; }}")
    moves, decodes = s1[0] - s0[0], s1[1] - s0[1]
    return {"sent_per_s": n / wall, "received_per_s": moves / wall, "decodes_per_s": decodes / wall,
            "received": moves, "decoded": decodes, "decode_ms": summary(s1[2])}  # fmt: skip


def tight_decode_ms(page, n: int = 2000) -> float:
    return page.evaluate(
        f"""() => {{ const S = ({LIVE})(), out = new Float32Array(784), t = performance.now();
        for (let i = 0; i < {n}; i++) S.dec.decode(Math.sin(i) * 30, Math.cos(i) * 30, out);
        return (performance.now() - t) / {n}; }}"""
    )


def timed_clicks(page, reps: int, point, pause: float, move_first: bool = False):
    """ms from each click at point(i) to the URL's new z1 (timed in the page); None (lost) dropped."""
    times = []
    for i in range(reps):
        old = page.evaluate("() => new URLSearchParams(location.search).get('z1')")
        x, y = point(i)
        if move_first:  # the live plane decodes under the pointer first, as a person's click does
            page.mouse.move(x, y)
        page.evaluate(URL_WAIT, old)
        page.mouse.click(x, y)
        times.append(page.evaluate(RACE))
        time.sleep(pause)
    return [t for t in times if t is not None]


def spots(page, sel: str | None, reps: int) -> list[list[float]]:
    """`reps` page pixels of training digits in the chart's opening view (SPOTS); fails loudly if there are none."""
    found = page.evaluate(SPOTS, [sel, reps])
    if not found:
        raise SystemExit("no training digit in the middle of the chart's view to click")
    return found


def click_live(page, reps: int):
    """The live plane: the pointer moves onto a training digit, then clicks it; the click's callback sets the URL."""
    at = spots(page, None, reps)
    return timed_clicks(page, reps, lambda i: at[i % len(at)], pause=0.5, move_first=True)


def click_server(page, reps: int):
    """The server chart: a click on a training digit selects it; the server's on_select sets the URL."""
    at = spots(page, PLOT, reps)
    return timed_clicks(page, reps, lambda i: at[i % len(at)], pause=1.0)


def map_repaint(page, reps: int):
    """ms to decode and paint a 20 x 20 map after each wheel zoom (timed in the page)."""
    page.get_by_test_id("lp-density").evaluate("e => { e.value = 20; }")
    page.get_by_test_id("lp-map-toggle").check()
    box = page.locator('[data-testid="lp-plot"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    n0 = page.evaluate(f"() => ({LIVE})().stats.mapMs.length")
    for i in range(reps):
        page.mouse.wheel(0, -120 if i % 2 == 0 else 120)
        page.wait_for_function(f"() => ({LIVE})().stats.mapMs.length > {n0 + i}", timeout=30_000)
        time.sleep(0.2)
    return page.evaluate(f"() => ({LIVE})().stats.mapMs.slice({n0})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--loads", type=int, default=4)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    lib = tempfile.mkdtemp(prefix="bench-lib-")
    servers = {name: start_streamlit({"LATENT_EXPLORER_MODELS": lib, "LATENT_EXPLORER_LIVE": v}) for name, v in (("live", "1"), ("server", "0"))}  # fmt: skip
    res = {}
    say = lambda *a: print(*a, file=sys.stderr, flush=True)  # noqa: E731
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for name, (_, url) in servers.items():  # warm: the first page load imports TF and loads the model
                ctx, _, _ = open_explore(browser, url, name == "live")
                ctx.close()
            ctx, page, _ = open_explore(browser, servers["live"][1], True)
            time.sleep(1)
            say("warm; pointer")
            res["pointer"] = pointer(page)
            res["tight_decode_ms"] = tight_decode_ms(page)
            say("clicks, live")
            res["click_live_ms"] = summary(click_live(page, args.reps))
            say("map")
            res["map_20x20_ms"] = summary(map_repaint(page, args.reps))
            ctx.close()
            ctx, page, _ = open_explore(browser, servers["server"][1], False)
            time.sleep(1)
            say("clicks, server chart")
            res["click_server_ms"] = summary(click_server(page, args.reps))
            say("loads")
            ctx.close()
            loads = {"live": [], "server": []}
            for _ in range(args.loads):  # alternate, so both see the same machine load
                for name, (_, url) in servers.items():
                    ctx, _, drawn = open_explore(browser, url, name == "live")
                    loads[name].append(drawn)
                    ctx.close()
            res["load_live_ms"], res["load_server_ms"] = summary(loads["live"]), summary(loads["server"])
            browser.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    out = ROOT / "bench" / "results" / "live_plane.json"
    runs = json.loads(out.read_text()) if out.exists() else []
    runs.append({"when": time.strftime("%Y-%m-%d %H:%M:%S"), "load_avg": list(__import__("os").getloadavg()), **res})
    out.write_text(json.dumps(runs, indent=1) + "\n")
    pt = res["pointer"]
    f = lambda s: f"{s['median']:.1f} ({s['min']:.1f}–{s['p90']:.1f})" if s["median"] is not None else "–"  # noqa: E731
    print("| measure | live plane | server chart | target |\n|---|---|---|---|")
    print(f"| mouse moves sent / received by the page / decoded, per s | {pt['sent_per_s']:.0f} / {pt['received_per_s']:.0f} / {pt['decodes_per_s']:.0f} | – | every move, ≥ 50/s |")  # fmt: skip
    print(
        f"| JS decode, ms (under the pointer; tight loop) | {f(pt['decode_ms'])}; {res['tight_decode_ms']:.3f} | – | ≤ 0.2 |"
    )
    n = lambda s: f" ({s['n']} of {args.reps} clicks)"  # noqa: E731  # a click that never reached Python is dropped
    print(
        f"| click → Python has the point, ms | {f(res['click_live_ms'])}{n(res['click_live_ms'])} | "
        f"{f(res['click_server_ms'])}{n(res['click_server_ms'])} | ≤ 150 |"
    )
    print(f"| map repaint after zoom, 20 × 20, ms | {f(res['map_20x20_ms'])} | – | ≤ 100 |")
    print(f"| page load → chart drawn, ms | {f(res['load_live_ms'])} | {f(res['load_server_ms'])} | ≤ 4,000 |")


if __name__ == "__main__":
    main()
