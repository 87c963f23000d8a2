"""Explorer latency in headless Chromium against real `streamlit run` servers: ours vs a plain baseline.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.explorer_latency [--reps 15] [--loads 5]

Measures, for the explorer as shipped and for bench/baseline_explorer.py (no fragment, Keras's
decoder.predict, a marker trace that changes the 60,000-point figure on every click, and
Streamlit's post-run gc.collect() over the whole heap):
  * slider -> image: from the key press on the z1 slider to the new decoded <img> loaded;
  * click -> image:  from the mouse press on empty chart space to the new decoded <img> loaded,
                     and until the chart is drawn and the app idle again (ready for the next click);
  * load -> chart:   from navigation start to the WebGL chart drawn (a fresh browser context).
Times are taken in the browser (performance.now()); both servers run side by side and the
measurements alternate between them, so both see the same machine load. Writes
bench/results/explorer_latency.json and prints a markdown table. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from model.folders import store
from tests.e2e.app_utils import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DECODED,
    PLOT,
    TO_PIXEL,
    start_streamlit,
    wait_for_app,
)

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "results" / "explorer_latency.json"
TARGETS_MS = {"click": 400, "slider": 100, "load": 8000}
NAMES = {
    "click": "click on empty space → image",
    "click_settled": "click → chart ready again",
    "slider": "slider → image",
    "load": "page load → chart drawn",
}
CHART_READY = f"""() => {{
    const gd = document.querySelector('{PLOT}');
    return gd && gd._fullLayout && gd._fullData && gd._fullData.length >= 11
        && gd.querySelector('.gl-container canvas') !== null && performance.now();
}}"""
# Arm: remember when the next key or mouse press happens, and resolve when the decoded <img>
# shows a different, loaded picture. window.__done then holds (image time - press time) in ms.
ARM = f"""(old) => {{
    window.__t0 = null;
    document.addEventListener('keydown', () => {{ window.__t0 ??= performance.now(); }}, {{capture: true, once: true}});
    document.addEventListener('mousedown', () => {{ window.__t0 ??= performance.now(); }}, {{capture: true, once: true}});
    window.__done = new Promise(resolve => {{
        setTimeout(() => resolve(null), 30000);  // no new image: reported as a miss
        const check = () => {{
            const img = document.querySelector('{DECODED}');
            if (!img || img.getAttribute('src') === old) return;
            obs.disconnect();
            const fin = () => resolve(performance.now() - window.__t0);
            if (img.complete && img.naturalWidth) fin(); else img.addEventListener('load', fin, {{once: true}});
        }};
        const obs = new MutationObserver(check);
        obs.observe(document.body, {{subtree: true, childList: true, attributes: true, attributeFilter: ['src']}});
    }});
}}"""
# After a click at z1: ms from the press until the app is idle and the chart drawn with the click
# marked (ours: plotly's selection; the baseline: its marker trace, after a full redraw).
SETTLED = f"""async (z1) => {{
    const idle = () => !(document.querySelector('[data-testid="stStatusWidget"]')?.innerText || '').includes('Running');
    const marked = () => {{
        const gd = document.querySelector('{PLOT}');
        if (!gd || !gd._fullData) return false;
        const tol = 0.01 * (gd._fullLayout.xaxis.range[1] - gd._fullLayout.xaxis.range[0]);
        const m = gd._fullData[gd._fullData.length - 1];
        return m.name === 'chosen point' ? Math.abs(m.x[0] - z1) < tol
            : gd._fullData.some(t => t.selectedpoints && t.selectedpoints.length > 0);
    }};
    const deadline = performance.now() + 30000;  // never settled: reported as a miss
    while (!idle() || !({CHART_READY})() || !marked()) {{
        if (performance.now() > deadline) return null;
        await new Promise(r => setTimeout(r, 20));
    }}
    return performance.now() - window.__t0;
}}"""
RANGES = (
    f"() => {{ const fl = document.querySelector('{PLOT}')._fullLayout; return [fl.xaxis.range, fl.yaxis.range]; }}"
)


def load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def open_page(browser, url: str):
    """A fresh context on the explorer; returns (context, page, ms from navigation start to chart drawn)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    page.goto(url + "/")
    ms = page.wait_for_function(CHART_READY, polling=20, timeout=120_000).json_value()
    wait_for_app(page)
    return ctx, page, float(ms)


def timed(page, action) -> float | None:
    """ms from the press `action` makes to the new decoded image, measured in the page (None: no image)."""
    old = page.get_attribute(DECODED, "src")
    page.evaluate(ARM, old)
    action()
    ms = page.evaluate("() => window.__done")
    wait_for_app(page)
    return None if ms is None else float(ms)


def record(samples: dict, misses: dict, key: str, ms: float | None) -> None:
    (samples[key] if ms is not None else misses.setdefault(key, [])).append(ms)
    print(f"  {key}: {'miss' if ms is None else f'{ms:.0f} ms'}", file=sys.stderr, flush=True)


def empty_spots(page, latent, n: int = 2) -> list[tuple[float, float]]:
    """n latent points on the chart, far apart, with no encoding within 18 px (it opens on the dense core)."""
    (x0, x1), (y0, y1) = page.evaluate(RANGES)
    scale = page.evaluate(TO_PIXEL, [0.0, 0.0])[2]
    z = np.concatenate([latent["z_train"], latent["z_test"]])
    spots = []
    grid = [(fx, fy) for fx in np.linspace(0.05, 0.95, 37) for fy in np.linspace(0.05, 0.95, 37)]
    for fx, fy in sorted(grid, key=lambda f: -abs(f[0] - 0.5) - abs(f[1] - 0.5)):  # edges first
        c = np.array([x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)])
        far_apart = all(np.hypot(c[0] - a, c[1] - b) * scale > 30 for a, b in spots)
        if far_apart and np.sqrt(((z - c) ** 2).sum(axis=1)).min() * scale > 18:
            spots.append((float(c[0]), float(c[1])))
    if len(spots) < n:
        raise SystemExit("not enough empty space on the chart to click")
    return spots[:n]


def click_at(page, spot) -> None:
    x, y, _ = page.evaluate(TO_PIXEL, list(spot))
    page.mouse.click(x, y)


def summary(samples: list[float]) -> dict:
    s = sorted(samples)
    if not s:
        return {"median_ms": float("nan"), "p90_ms": float("nan"), "min_ms": float("nan"), "n": 0, "samples_ms": []}
    return {
        "median_ms": round(statistics.median(s), 1),
        "p90_ms": round(s[min(len(s) - 1, int(0.9 * len(s)))], 1),
        "min_ms": round(s[0], 1),
        "n": len(s),
        "samples_ms": [round(x, 1) for x in samples],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15, help="slider moves and clicks per variant")
    ap.add_argument("--loads", type=int, default=5, help="page loads per variant")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    latent = store.load_latent(store.default_model_dir() / store.LATENT_FILE)
    lib = tempfile.mkdtemp(prefix="latency-library-")  # an empty model library for both servers
    variants = {"explorer": "app.py", "baseline": "bench/baseline_explorer.py"}  # name -> app script
    servers, urls = {}, {}
    load_before = load_avg()
    try:
        for name, script in variants.items():
            servers[name], urls[name] = start_streamlit(
                {"LATENT_EXPLORER_MODELS": str(lib), "LATENT_EXPLORER_LIVE": "0"}, script=script
            )
        samples = {name: {"load": [], "slider": [], "click": [], "click_settled": []} for name in variants}
        misses = {name: {} for name in variants}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            pages = {}
            for name in variants:  # warm-up: imports, model and figure caches, the first session
                ctx, _, _ = open_page(browser, urls[name])
                ctx.close()
                pages[name] = open_page(browser, urls[name])[1]
            spots = empty_spots(pages["explorer"], latent)

            for i in range(args.reps):
                for name, page in pages.items():
                    key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
                    slider = page.get_by_role("slider", name="z1")
                    slider.focus()
                    ms = timed(page, lambda k=key, pg=page: pg.keyboard.press(k))
                    record(samples[name], misses[name], "slider", ms)
            for i in range(args.reps):
                for name, page in pages.items():
                    spot = spots[i % len(spots)]
                    ms = timed(page, lambda s=spot, pg=page: click_at(pg, s))
                    record(samples[name], misses[name], "click", ms)
                    # Until the chart is ready for the next click: the baseline redraws all of it.
                    settled = page.evaluate(SETTLED, spot[0]) if ms is not None else None
                    record(samples[name], misses[name], "click_settled", settled)
            for _ in range(args.loads):
                for name in variants:
                    ctx, _, ms = open_page(browser, urls[name])
                    record(samples[name], misses[name], "load", ms)
                    ctx.close()
            browser.close()
    finally:
        for proc in servers.values():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    results = {
        "what": "median ms from user action to new decoded image displayed (load: to WebGL chart drawn)",
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_before": load_before,
            "load_avg_after": load_avg(),
            "python": platform.python_version(),
            "note": "shared machine: other processes ran during the measurement",
        },
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "targets_ms": TARGETS_MS,
        "variants": {name: {k: summary(v) for k, v in s.items()} for name, s in samples.items()},
        "misses": {name: {k: len(v) for k, v in m.items()} for name, m in misses.items()},
    }
    for k in NAMES:
        ours, base = (results["variants"][v][k]["median_ms"] for v in ("explorer", "baseline"))
        results.setdefault("speedup_vs_baseline", {})[k] = round(base / ours, 2) if ours else None
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwrote {OUT.relative_to(ROOT)}")


def table(results: dict) -> str:
    rows = [
        "| measure | explorer: median (min–p90) | baseline: median (min–p90) | baseline / explorer | target |",
        "|---|---|---|---|---|",
    ]
    for k, label in NAMES.items():
        cells = []
        for v in ("explorer", "baseline"):
            r = results["variants"][v][k]
            cells.append(f"{r['median_ms']:,.0f} ms ({r['min_ms']:,.0f}–{r['p90_ms']:,.0f})")
        target = f"≤ {TARGETS_MS[k]:,} ms" if k in TARGETS_MS else "–"
        rows.append(f"| {label} | {cells[0]} | {cells[1]} | {results['speedup_vs_baseline'][k]}× | {target} |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
