"""Benchmark the live plane in headless Chromium, each measure against a baseline taken in the same run:

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.live_plane --reps 15 --loads 4

Starts two `streamlit run app.py` servers on 127.0.0.1: Explore with the live plane (LATENT_EXPLORER_LIVE=1)
and with its still picture (LATENT_EXPLORER_LIVE=0: what a browser without the plane gets), and measures:
  * pointer: real Playwright mouse moves over the plane (as fast as Playwright sends them) -> moves
    the page received per second and decodes per second (every received move should decode);
  * ms per decode: the plane's own timings of those decodes, and 2,000 decodes in a tight loop with the
    WebAssembly SIMD decoder the plane runs against its plain JavaScript fallback (same page, same weights);
  * click -> Python has the point: from the press to the URL carrying the server's ?z1= for it
    (the server's callback ran and its answer reached the browser); the clicks land on training digits
    taken from the plane as drawn (SPOTS), so they hit any model's opening view;
  * decoded map repaint after a wheel zoom, 20 x 20 digits (decode + paint, timed in the page), against
    the same 400 decodes with the JavaScript fallback (decode only);
  * page load -> plane drawn, on a warm server (a new browser context each time), against page load ->
    still picture shown (LIVE=0), alternating.
Medians (min-p90). Writes bench/results/live_plane.json (earlier runs kept).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app
from ui.plane.bundle import bundle

ROOT = Path(__file__).resolve().parent.parent

LIVE = "() => window.__livePlane.explore_plane"
LIVE_PX = f"""([z1, z2]) => {{
    const S = ({LIVE})(), fl = S.gd._fullLayout, r = S.d.plot.getBoundingClientRect();
    return [r.left + fl.xaxis._offset + fl.xaxis.l2p(z1), r.top + fl.yaxis._offset + fl.yaxis.l2p(z2)];
}}"""
DRAWN_LIVE = '[data-testid="lp-plot"][data-drawn="1"]'
# performance.now() once Explore's still picture (LIVE=0) has loaded, else false.
PICTURE_SHOWN = """() => { const img = document.querySelector('.st-key-explore_picture img');
    return !!img && img.complete && img.naturalWidth > 0 && performance.now(); }"""
# Arms window.__urlWait: resolves with ms from now until location.search carries a z1= other than `old`.
URL_WAIT = """(old) => { window.__urlWait = new Promise((res) => { const t0 = performance.now();
  const f = () => { const z = new URLSearchParams(location.search).get('z1');
    if (z && z !== old) res(performance.now() - t0); else setTimeout(f, 2); }; f(); }); }"""

# Page pixels of n training points spread over the middle 70 % of the live plane's shown ranges (the
# legend's traces hold no points). Taken from the figure as drawn, so the clicks land in the opening view
# of any model.
SPOTS = f"""(n) => {{
    const gd = ({LIVE})().gd, fl = gd._fullLayout, r = gd.getBoundingClientRect();
    const xa = fl.xaxis, ya = fl.yaxis;
    const inner = (v, [a, b]) => v > a + 0.15 * (b - a) && v < b - 0.15 * (b - a);
    const pts = [];
    gd._fullData.forEach((t) => {{
        if (t.visible !== true || !t.x) return;
        for (let i = 0; i < t.x.length; i++) if (inner(t.x[i], xa.range) && inner(t.y[i], ya.range)) pts.push([t.x[i], t.y[i]]);
    }});
    const out = [];
    for (let k = 0; k < Math.min(n, pts.length); k++) {{  // evenly through the list: a different class and place each time
        const [x, y] = pts[Math.floor(((k + 0.5) * pts.length) / n)];
        out.push([r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)]);
    }}
    return out;
}}"""
# ms per decode of n points in a tight loop, with the WebAssembly decoder (wasm true) or the JavaScript one,
# both made by the plane's own makeDecoder (its module imported again from a blob) from the plane's weights.
TIGHT = f"""async ([src, n, wasm]) => {{
    const m = await import(URL.createObjectURL(new Blob([src], {{type: 'text/javascript'}})));
    const dec = m.makeDecoder(({LIVE})().P.layers, {{wasm}}), out = new Float32Array(784);
    if (dec.kind !== (wasm ? 'wasm' : 'js')) return null;
    for (let i = 0; i < 50; i++) dec.decode(i, -i, out);  // warm: JIT, WebAssembly tiers
    const t = performance.now();
    for (let i = 0; i < n; i++) dec.decode(Math.sin(i) * 30, Math.cos(i) * 30, out);
    return (performance.now() - t) / n;
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
    """A new context on Explore; returns (context, page, ms from navigation start to the plane drawn or the picture shown)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(url + "/")
    if live:
        page.wait_for_selector(DRAWN_LIVE)
        drawn = page.evaluate(f"() => ({LIVE})().stats.drawnAt")
    else:
        drawn = page.wait_for_function(PICTURE_SHOWN, polling=20, timeout=180_000).json_value()
    wait_for_app(page)
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


def tight_decode_ms(page, reps: int, n: int = 2000) -> dict:
    """ms per decode, WebAssembly vs JavaScript, `reps` alternating loops of n decodes each."""
    src, out = bundle(), {"wasm": [], "js": []}
    for _ in range(reps):
        for kind in out:
            out[kind].append(page.evaluate(TIGHT, [src, n, kind == "wasm"]))
    return {kind: summary([ms for ms in v if ms is not None]) for kind, v in out.items()}


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


def spots(page, reps: int) -> list[list[float]]:
    """`reps` page pixels of training digits in the plane's opening view (SPOTS); fails loudly if there are none."""
    found = page.evaluate(SPOTS, reps)
    if not found:
        raise SystemExit("no training digit in the middle of the chart's view to click")
    return found


def click_live(page, reps: int):
    """The live plane: the pointer moves onto a training digit, then clicks it; the click's callback sets the URL."""
    at = spots(page, reps)
    return timed_clicks(page, reps, lambda i: at[i % len(at)], pause=0.5, move_first=True)


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
    servers = {name: start_streamlit({"LATENT_EXPLORER_MODELS": lib, "LATENT_EXPLORER_LIVE": v}) for name, v in (("live", "1"), ("picture", "0"))}  # fmt: skip
    res = {}
    say = lambda *a: print(*a, file=sys.stderr, flush=True)  # noqa: E731
    load_before = os.getloadavg()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for name, (_, url) in servers.items():  # warm: the first page load loads the model
                ctx, _, _ = open_explore(browser, url, name == "live")
                ctx.close()
            ctx, page, _ = open_explore(browser, servers["live"][1], True)
            time.sleep(1)
            say("warm; pointer")
            res["pointer"] = pointer(page)
            say("decoders")
            res["tight_decode_ms"] = tight_decode_ms(page, args.reps)
            say("clicks")
            res["click_live_ms"] = summary(click_live(page, args.reps))
            say("map")
            res["map_20x20_ms"] = summary(map_repaint(page, args.reps))
            ctx.close()
            say("loads")
            loads = {"live": [], "picture": []}
            for _ in range(args.loads):  # alternate, so both see the same machine load
                for name, (_, url) in servers.items():
                    ctx, _, drawn = open_explore(browser, url, name == "live")
                    loads[name].append(drawn)
                    ctx.close()
            res["load_live_ms"], res["load_picture_ms"] = summary(loads["live"]), summary(loads["picture"])
            browser.close()
    finally:
        for proc, _ in servers.values():
            stop(proc)
    out = ROOT / "bench" / "results" / "live_plane.json"
    runs = json.loads(out.read_text()) if out.exists() else []
    when = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "load_avg_before": load_before, "load_avg": os.getloadavg()}
    runs.append({**when, **res})
    out.write_text(json.dumps(runs, indent=1) + "\n")
    print(table(res, args.reps))


def table(res: dict, reps: int) -> str:
    pt, dec = res["pointer"], res["tight_decode_ms"]
    f = lambda s, d=1: f"{s['median']:,.{d}f} ({s['min']:,.{d}f}–{s['p90']:,.{d}f})" if s["median"] is not None else "–"  # noqa: E731
    ratio = lambda a, b: f"{b['median'] / a['median']:.1f}×" if a["median"] and b["median"] else "–"  # noqa: E731
    js_map = {k: v * 400 if v is not None else None for k, v in dec["js"].items()}  # 400 decodes, paint not included
    clicks = res["click_live_ms"]
    return "\n".join([
        "| measure | live plane | baseline | baseline / live | target |",
        "|---|---|---|---|---|",
        f"| mouse moves sent / received by the page / decoded, per s | {pt['sent_per_s']:.0f} / {pt['received_per_s']:.0f} / {pt['decodes_per_s']:.0f} | – | – | every move, ≥ 50/s |",
        f"| decode under the pointer, ms | {f(pt['decode_ms'])} | – | – | – |",
        f"| decode in a tight loop of 2,000, ms: WebAssembly vs JavaScript fallback | {f(dec['wasm'], 3)} | {f(dec['js'], 3)} | {ratio(dec['wasm'], dec['js'])} | ≤ 0.2 |",
        f"| map after a wheel zoom, 20 × 20 digits, ms: repaint vs 400 JavaScript decodes | {f(res['map_20x20_ms'])} | {f(js_map)} | {ratio(res['map_20x20_ms'], js_map)} | ≤ 100 |",
        f"| click → Python has the point, ms ({clicks['n']} of {reps} clicks) | {f(clicks)} | – | – | ≤ 150 |",
        f"| page load → plane drawn vs still picture shown (LIVE=0), ms | {f(res['load_live_ms'], 0)} | {f(res['load_picture_ms'], 0)} | {ratio(res['load_live_ms'], res['load_picture_ms'])} | ≤ 4,000 |",
    ])  # fmt: skip


if __name__ == "__main__":
    main()
