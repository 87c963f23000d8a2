"""Benchmark Replay training's frame rate in headless Chromium, against baselines from the same page and run:

    python -m bench.replay_fps --reps 5 --seconds 4

Starts `streamlit run app.py` (live plane) on 127.0.0.1, opens Explore with the shipped `default` model
(2,000 sample digits, 54 snapshots) and, in one browser page:
  * idle: frames a second of an empty requestAnimationFrame loop (what the browser offers at all);
  * replay: Play at 1x for `--seconds`, from the plane's own frame times and render costs (its test
    view's replay.frames and replay.ms, ui/plane/js/view.js); the same with Trails on;
  * plotly restyle: the approach the replay does not use, the same 2,000 points (the model's history,
    as the browser widens it from float16) moved each frame by Plotly.restyle of a scattergl trace,
    for the same time.
Frames a second are 1000 / the median frame interval, with the mean rate (frames / time) beside it;
medians over reps (min-max). Writes bench/results/replay_fps.json with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app

ROOT = Path(__file__).resolve().parent.parent

R = "window.latentPlane.view('explore_plane').replay"  # the plane's test view
IDLE = """(ms) => new Promise((done) => { const t = []; const f = (now) => { t.push(now);
  if (now - t[0] < ms) requestAnimationFrame(f); else done(t); }; requestAnimationFrame(f); })"""
# Moves a 2,000-point scattergl trace with Plotly.restyle every frame for `ms`; returns the frame times.
# H = {S snapshots, N points, z: S * N * 2 positions}, from the model's history (history_positions).
RESTYLE = """([ms, H]) => new Promise((done) => {
  const gd = document.querySelector('[data-testid="lp-plot"]'), n = gd.data.length, Plotly = window.Plotly;
  const xs = new Float32Array(H.N), ys = new Float32Array(H.N), t = [];
  Plotly.addTraces(gd, { type: 'scattergl', mode: 'markers', x: [], y: [], marker: { size: 4 } });
  const f = (now) => {
    t.push(now);
    const p = ((now - t[0]) / 500) % (H.S - 1), i = Math.floor(p), w = p - i;
    for (let k = 0; k < H.N; k++) {
      xs[k] = H.z[(i * H.N + k) * 2] * (1 - w) + H.z[((i + 1) * H.N + k) * 2] * w;
      ys[k] = H.z[(i * H.N + k) * 2 + 1] * (1 - w) + H.z[((i + 1) * H.N + k) * 2 + 1] * w;
    }
    Plotly.restyle(gd, { x: [xs.slice()], y: [ys.slice()] }, [n]);
    if (now - t[0] < ms) requestAnimationFrame(f); else { Plotly.deleteTraces(gd, [n]); done(t); }
  };
  requestAnimationFrame(f);
})"""


def rates(times: list[float]) -> dict:
    """Frames a second from frame times (ms): 1000 / median interval, and frames / elapsed."""
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    return {
        "fps_median": 1000 / statistics.median(gaps),
        "fps_mean": 1000 * len(gaps) / (times[-1] - times[0]),
        "frames": len(times),
        "p90_gap_ms": sorted(gaps)[int(0.9 * (len(gaps) - 1))],
    }


def history_positions() -> dict:
    """The shipped default model's history as RESTYLE takes it: {S, N, z} (float16-rounded, as the browser has them)."""
    from model.folders import store

    z = np.asarray(store.load().history["z"], np.float16).astype(np.float64)  # (S, N, 2)
    return {"S": z.shape[0], "N": z.shape[1], "z": z.ravel().tolist()}


def play(page, seconds: float, trails: bool) -> dict:
    page.get_by_test_id("lp-replay-trails").set_checked(trails)
    start = page.evaluate("() => performance.now()")
    page.get_by_test_id("lp-replay-play").click()
    time.sleep(seconds)
    page.get_by_test_id("lp-replay-play").click()  # pause
    # this play's frames (the plane keeps its last 600), and as many of its last render costs
    times, ms = page.evaluate(f"(t0) => {{ const f = {R}.frames.filter((t) => t >= t0); return [f, {R}.ms.slice(-f.length)]; }}", start)  # fmt: skip
    page.get_by_test_id("lp-replay-done").click()
    return {**rates(times), "render_ms_median": statistics.median(ms)}


def summary(runs: list[dict], key: str) -> dict:
    v = [r[key] for r in runs]
    return {"median": statistics.median(v), "min": min(v), "max": max(v)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "replay_fps.json"))
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()
    proc, url = start_streamlit(
        {"LATENT_EXPLORER_MODELS": tempfile.mkdtemp(), "LATENT_EXPLORER_LIVE": "1"}, timeout=180
    )
    results: dict[str, list] = {"idle": [], "replay": [], "replay_trails": [], "plotly_restyle": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "/?model=default")
            wait_for_app(page)
            page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
            page.get_by_test_id("lp-replay-play").wait_for()
            ms, hist = int(a.seconds * 1000), history_positions()
            for _ in range(a.reps):
                results["idle"].append(rates(page.evaluate(IDLE, ms)))
                results["replay"].append(play(page, a.seconds, trails=False))
                results["replay_trails"].append(play(page, a.seconds, trails=True))
                results["plotly_restyle"].append(rates(page.evaluate(RESTYLE, [ms, hist])))
            browser.close()
    finally:
        stop(proc)
    out = {
        "command": "python -m bench.replay_fps " + " ".join(sys.argv[1:]),
        "load_before": load0, "load_after": os.getloadavg(), "cpus": os.cpu_count(),
        "summary": {k: {m: summary(v, m) for m in v[0] if m != "frames"} for k, v in results.items()},
        "runs": results,
    }  # fmt: skip
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    for k, v in out["summary"].items():
        s = v["fps_median"]
        extra = f", render {v['render_ms_median']['median']:.2f} ms" if "render_ms_median" in v else ""
        print(f"{k:15s} {s['median']:6.1f} fps (min {s['min']:.1f}, max {s['max']:.1f}){extra}")
    print(f"load average {load0[0]:.1f} -> {out['load_after'][0]:.1f}; wrote {a.out}")


if __name__ == "__main__":
    main()
