"""Benchmark Replay training's frame rate in headless Chromium, against baselines from the same page and run:

    python -m bench.replay_fps --reps 5 --seconds 4

Starts `streamlit run app.py` (live plane) on 127.0.0.1, opens Explore with the shipped `default` model
(2,000 sample digits, 54 snapshots) and, in one browser page:
  * idle: frames a second of an empty requestAnimationFrame loop (what the browser offers at all);
  * replay: Play at 1x for `--seconds`, from the plane's own frame times (S.replay.frames) and render
    costs (S.replay.ms); the same with Trails on;
  * plotly restyle: the approach the replay does not use, the same 2,000 points moved each frame by
    Plotly.restyle of a scattergl trace, for the same time.
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

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app

ROOT = Path(__file__).resolve().parent.parent

R = "window.__livePlane.explore_plane.replay"
IDLE = """(ms) => new Promise((done) => { const t = []; const f = (now) => { t.push(now);
  if (now - t[0] < ms) requestAnimationFrame(f); else done(t); }; requestAnimationFrame(f); })"""
# Moves a 2,000-point scattergl trace with Plotly.restyle every frame for `ms`; returns the frame times.
RESTYLE = """(ms) => new Promise((done) => {
  const S = window.__livePlane.explore_plane, gd = S.gd, H = S.replay.H, n = gd.data.length;
  const xs = new Float32Array(H.N), ys = new Float32Array(H.N), t = [];
  S.Plotly.addTraces(gd, { type: 'scattergl', mode: 'markers', x: [], y: [], marker: { size: 4 } });
  const f = (now) => {
    t.push(now);
    const p = ((now - t[0]) / 500) % (H.S - 1), i = Math.floor(p), w = p - i;
    for (let k = 0; k < H.N; k++) {
      xs[k] = H.z[(i * H.N + k) * 2] * (1 - w) + H.z[((i + 1) * H.N + k) * 2] * w;
      ys[k] = H.z[(i * H.N + k) * 2 + 1] * (1 - w) + H.z[((i + 1) * H.N + k) * 2 + 1] * w;
    }
    S.Plotly.restyle(gd, { x: [xs.slice()], y: [ys.slice()] }, [n]);
    if (now - t[0] < ms) requestAnimationFrame(f); else { S.Plotly.deleteTraces(gd, [n]); done(t); }
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


def play(page, seconds: float, trails: bool) -> dict:
    page.get_by_test_id("lp-replay-trails").set_checked(trails)
    page.evaluate(f"() => {{ {R}.frames.length = 0; {R}.ms.length = 0; }}")
    page.get_by_test_id("lp-replay-play").click()
    time.sleep(seconds)
    page.get_by_test_id("lp-replay-play").click()  # pause
    times, ms = page.evaluate(f"() => [{R}.frames.slice(), {R}.ms.slice()]")
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
            ms = int(a.seconds * 1000)
            for _ in range(a.reps):
                results["idle"].append(rates(page.evaluate(IDLE, ms)))
                results["replay"].append(play(page, a.seconds, trails=False))
                results["replay_trails"].append(play(page, a.seconds, trails=True))
                results["plotly_restyle"].append(rates(page.evaluate(RESTYLE, ms)))
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
