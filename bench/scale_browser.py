"""The plane at scale, in the browser: 60,000, 200,000 and 500,000 points in one run.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.scale_browser [--reps 7] [--loads 3] [--sizes 60000 ...]

The set is bench/scale.py's (MNIST's training digits, then shifted and rotated copies, encoded by the
shipped model). For each size N it stores the first N as a data set (the registry's stored form, in a
temporary $LATENT_EXPLORER_DATASETS) and writes a copy of the shipped model folder whose latent.npz holds
their N encodings, then starts `streamlit run app.py` on that folder ($LATENT_EXPLORER_MODEL, the live
plane) and, in headless Chromium on Explore, reads through the plane's test view:
  * points on screen (data-painted) and interactive (data-drawn), ms from navigation, warm server;
  * pointer: --moves real mouse moves in a circle over the plane: moves received, moves decoded, ms per decode
    (bench/live_plane.py's pointer());
  * click -> Python has the point (bench/live_plane.py) and box -> count shown on the plot and -> panel
    shown (bench/selection_browser.py), with how much of box -> count the page's main thread was busy;
  * the server's resident memory (VmRSS) and its peak (VmHWM) after all of the above.
Medians (min, p90), with each median's ratio to N = 60,000 in the same run. Writes bench/results/scale_browser.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import live_plane as lp
from bench import selection_browser as sb
from bench.scale import SIZES, encode, generate
from bench.scale_folders import folders
from bench.selection import write
from model.data import load_dataset
from model.folders import store
from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "scale_browser.json"
TIMES = f"() => {{ const s = ({lp.LIVE})().stats; return [s.paintedAt, s.drawnAt]; }}"


def cold(browser, url: str, limit_s: float = 420) -> dict:
    """The first page load (the server loads model and set): seconds to the plane drawn, or what stopped it."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url + "/")
    outcome = "timeout"
    while time.perf_counter() - t0 < limit_s:
        got = page.evaluate("""() => { const p = document.querySelector('[data-testid="lp-plot"]'),
            v = window.latentPlane && window.latentPlane.view('explore_plane');
            return v && v.failed ? 'failed: ' + v.failed : p && p.getAttribute('data-drawn') === '1' ? 'drawn' : null; }""")
        if got:
            outcome = got
            break
        time.sleep(0.5)
    out = {"cold_outcome": outcome, "cold_s": time.perf_counter() - t0}
    if outcome != "drawn":
        out["page_text"] = page.inner_text("body")[-600:]
    ctx.close()
    return out


def memory_mb(pid: int) -> dict:
    got = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {k: int(got[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def measure(browser, url: str, args) -> dict:
    painted, drawn = [], []
    for _ in range(args.loads):
        ctx, page, _ = lp.open_explore(browser, url, live=True)
        p, d = page.evaluate(TIMES)
        painted.append(p)
        drawn.append(d)
        ctx.close()
    ctx, page, _ = lp.open_explore(browser, url, live=True)
    page.get_by_test_id("lp-plot").scroll_into_view_if_needed()
    time.sleep(1)
    row = {"painted_ms": lp.summary(painted), "drawn_ms": lp.summary(drawn), "pointer": lp.pointer(page, args.moves)}
    where = lp.spots(page, args.reps + 1)
    row["click_ms"] = lp.summary(lp.timed_clicks(page, args.reps + 1, lambda i: where[i], 0.5, move_first=True)[1:])
    busy = []
    plot, panel = sb.timed_boxes(page, args.reps, 0.5, busy)
    row["box_to_count_ms"], row["box_to_panel_ms"] = lp.summary(plot), lp.summary(panel)
    row["box_page_busy_ms"] = lp.summary(busy)  # of box -> count, the page's main thread busy (Plotly's selection)
    row["count"] = page.evaluate(f"() => ({lp.LIVE})().count")
    ctx.close()
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--loads", type=int, default=3)
    ap.add_argument("--moves", type=int, default=400)
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="point counts, the first the baseline")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    bundle = store.load(store.SHIPPED)
    (x, y), test = load_dataset("mnist")
    big_x, big_y = generate(x, y, max(args.sizes))
    z = encode(bundle.codec, big_x)
    with np.load(store.SHIPPED / "quality.npz") as f:
        quality = dict(f)
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    (tmp / "datasets").mkdir()
    (tmp / "library").mkdir()
    rows, load = [], [os.getloadavg()]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for n in args.sizes:
                model = folders(tmp, n, big_x, big_y, test, z, quality)
                env = {"LATENT_EXPLORER_LIVE": "1", "LATENT_EXPLORER_MODEL": str(model),
                       "LATENT_EXPLORER_DATASETS": str(tmp / "datasets"), "LATENT_EXPLORER_MODELS": str(tmp / "library"),
                       "XDG_CACHE_HOME": str(tmp / "cache")}  # the sets' uncompressed copies go with tmp  # fmt: skip
                proc, url = start_streamlit(env, timeout=180)
                try:
                    row = {"points": n, **cold(browser, url)}
                    if row["cold_outcome"] == "drawn":
                        row.update(measure(browser, url, args))
                    row["server_mb"] = memory_mb(proc.pid)
                finally:
                    stop(proc)
                rows.append(row)
                load.append(os.getloadavg())
                print(line(row) if "pointer" in row else row, flush=True)
                write(OUT, {"args": vars(args), "load_avg_before_and_after_each_size": load, "rows": rows})
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for r in rows:
        if "pointer" in r:
            r["ratio_to_60k"] = ratios(rows[0], r)
    write(OUT, {"args": vars(args), "load_avg_before_and_after_each_size": load, "rows": rows})


def ratios(base: dict, r: dict) -> dict:
    out = {}
    for k, v in r.items():
        if isinstance(v, dict) and v.get("median") and base[k].get("median"):
            out[k] = v["median"] / base[k]["median"]
    out["decode_ms"] = r["pointer"]["decode_ms"]["median"] / base["pointer"]["decode_ms"]["median"]
    out["VmRSS"] = r["server_mb"]["VmRSS"] / base["server_mb"]["VmRSS"]
    return out


def line(r: dict) -> str:
    pt, m = r["pointer"], lambda k: r[k]["median"] or float("nan")  # noqa: E731
    return (
        f"{r['points']:>7,}  painted {m('painted_ms'):6.0f} ms  drawn {m('drawn_ms'):6.0f} ms  "
        f"moves {pt['received']} decoded {pt['decoded']} at {pt['decode_ms']['median']:.2f} ms  "
        f"click {m('click_ms'):5.0f} ms  box->count {m('box_to_count_ms'):5.0f} ms (page busy {m('box_page_busy_ms'):5.0f})  "
        f"->panel {m('box_to_panel_ms'):5.0f} ms  "
        f"RSS {r['server_mb']['VmRSS']:5.0f} MB (peak {r['server_mb']['VmHWM']:5.0f})"
    )


if __name__ == "__main__":
    main()
