"""Benchmark reading the live plane, in headless Chromium, before and after in one run:

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.plane_reading --reps 7
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.plane_reading --only thumbs --reps 7

Starts one `streamlit run app.py` (the live plane, the data set available) on 127.0.0.1 and measures:
  * fair colours, on every shipped model's opening view (the Explore page with ?model=): in the densest
    mixed window, each class's share of the coloured pixels on screen against its share of the points
    under those pixels, as a total variation distance (tests/e2e/plane_pixels.py; points drawn opaque;
    also against the window's point counts, which measures area as well). "after" is
    the plane as shipped; "before" is the same page with the points redrawn as they were before: one
    Plotly trace per class (class 9 drawn last, over the others), built in the page from the same payload;
  * thumbnail latency: from the end of a zoom that brings the view from 2,000 training digits to about
    280 (its last wheel event, or the one-step zoom itself) to the plot's data-thumbnails attribute
    turning positive ("first") and to every digit in view drawn ("all"), timed in the page; also when
    the plane heard of the new view ("redrawn": Plotly's relayout event, after its redraw of the points):
      - "jump": the goal's case. One step (Plotly.relayout, as a box zoom does) into a spot none of whose
        tile blocks the page has fetched: the browser GETs those blocks from the app's static folder
        and decodes their PNGs (no script rerun);
      - "cold": a real wheel zoom (Playwright's mouse wheel, about 1.1x per event) from 2,000 in view;
        the plane fetches the blocks as the zoom passes 1,000 in view, before it ends;
      - "prefetched": the wheel zoom starts from 750 in view, whose blocks are already fetched;
      - "decoded": the browser decodes the digits itself (as without the data set).
Medians (min-p90). Writes bench/results/plane_reading.json (plane_reading_<half>.json with --only).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app  # noqa: E402
from tests.e2e.plane_pixels import fairness  # noqa: E402
from tests.e2e.thumb_utils import DRAWN, LEGACY_TRACES, STATE, zoom_to_thumbnails  # noqa: E402

CH = "explore_plane"
LABELS = {  # the thumbnail rows, in the order run and printed
    "jump": "one-step zoom (box zoom) from 2,000 in view, blocks not fetched yet",
    "cold": "wheel zoom from 2,000 in view (blocks fetched as it passes 1,000)",
    "prefetched": "wheel zoom from 750 in view (blocks already fetched)",
    "decoded": "wheel zoom from 2,000, decoded in the browser (no data set)",
}
MODELS = ("default", "seed", "vae", "fashion")


def stats(xs) -> dict:
    xs = sorted(xs)
    if not xs:
        return {"n": 0}
    p90 = xs[min(len(xs) - 1, math.ceil(0.9 * len(xs)) - 1)]
    return {"median": statistics.median(xs), "min": xs[0], "p90": p90, "n": len(xs)}


def open_model(page, url: str, model: str) -> None:
    page.goto(f"{url}/?model={model}")
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)
    page.wait_for_function(f"() => ({STATE})('{CH}').drawn")


def fair(page, url: str, reps: int) -> dict:
    out = {}
    for model in MODELS:
        open_model(page, url, model)
        after = [fairness(page, CH) for _ in range(reps)]
        page.evaluate(LEGACY_TRACES, CH)  # today's per-class traces, same view
        before = [fairness(page, CH) for _ in range(reps)]
        out[model] = {
            "before": stats([f["tvd"] for f in before]), "after": stats([f["tvd"] for f in after]),
            "window_before": stats([f["tvd_window"] for f in before]), "window_after": stats([f["tvd_window"] for f in after]),
            "window": after[0]["window"], "n_points": after[0]["n_points"],
            "points": after[0]["points"], "pixels_before": before[0]["pixels"], "pixels_after": after[0]["pixels"],
        }  # fmt: skip
        print(f"{model:8s} TVD before {out[model]['before']['median']:.3f}  after {out[model]['after']['median']:.3f}", flush=True)  # fmt: skip
    return out


def latency(page, url: str, reps: int) -> dict:
    open_model(page, url, "default")
    kinds = tuple(LABELS)
    ms = {k: {"first": [], "all": [], "redrawn": []} for k in kinds}
    for rep in range(reps):
        for n, kind in enumerate(kinds):
            a, b, c = zoom_to_thumbnails(page, CH, spot=rep * len(kinds) + n, kind=kind)
            for name, v in (("first", a), ("all", b), ("redrawn", c)):
                ms[kind][name].append(v)
            print(f"  rep {rep} {kind:10s} first {a:7.1f} ms  all {b:7.1f} ms  (Plotly's redraw done at {c:6.1f} ms)", flush=True)  # fmt: skip
    return {kind: {name: stats(v) for name, v in ms[kind].items()} for kind in kinds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--fair-reps", type=int, default=3)
    ap.add_argument("--only", choices=("fair", "thumbs"), help="run one half (the JSON then lacks the other)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    lib = tempfile.mkdtemp(prefix="plane_reading_")
    proc, url = start_streamlit({"LATENT_EXPLORER_LIVE": "1", "LATENT_EXPLORER_MODELS": lib}, timeout=180)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            fairness_rows = fair(page, url, args.fair_reps) if args.only != "thumbs" else None
            thumbs = latency(page, url, args.reps) if args.only != "fair" else None
            browser.close()
    finally:
        stop(proc)
    result = {
        "fairness_tvd": fairness_rows, "thumbnail_ms": thumbs,
        "reps": args.reps, "cpus": os.cpu_count(), "load_avg": os.getloadavg(),
        "chromium": CHROMIUM, "viewport": [1400, 1000],
    }  # fmt: skip
    if thumbs:
        print(f"\nthumbnails after a zoom to about 280 in view, ms: median (min-p90) of {args.reps}, load {result['load_avg'][0]:.1f}")  # fmt: skip
        for kind, v in thumbs.items():
            f, a = v["first"], v["all"]
            print(f"  {LABELS[kind]:70s} first {f['median']:6.1f} ({f['min']:.0f}-{f['p90']:.0f})  all {a['median']:6.1f} ({a['min']:.0f}-{a['p90']:.0f})")  # fmt: skip
        j = thumbs["jump"]
        print(f"one-step zoom into digits not fetched yet: {j['all']['median']:.0f} ms median to every digit drawn (goal: 300 ms), "  # fmt: skip
              f"of which Plotly's redraw of the new view {j['redrawn']['median']:.0f} ms")  # fmt: skip
    out = ROOT / "bench" / "results" / ("plane_reading.json" if not args.only else f"plane_reading_{args.only}.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main()
