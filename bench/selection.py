"""Benchmark selection -> panel ready for the 60,000 training digits, against a plain-Python baseline, same run:

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.selection [--model DIR] [--reps 30]

"Panel ready" is everything the panel computes after a shape arrives (ui/selection.py): membership
(model/plane/selection.py), the class histogram, the gallery's 100 images (originals, or decoded by the
NumPy fast path when the data set is missing), the digit decoded at the centroid, and the two PNGs
(gallery mosaic, centroid digit) it sends. The z2-sorted encodings a lasso uses are computed once per
model (ui/selection.py caches them), before timing. Shapes, on the model's opening view (its dense core box):
  * box: the core box;        * lasso: a 400-vertex wavy loop inside it;
  * union: box + lasso (Shift); * everything: a box around all 60,000 digits.
Baseline: the same membership and histogram as a point-by-point pure-Python loop (no NumPy), and
the same gallery/centroid work, i.e. what the panel would cost without the vectorised rule.
Medians (and p90) of --reps runs (baseline: fewer, it is slow). Goal: panel ready <= 150 ms median.
bench.selection_browser times the round trip in Chromium. Writes bench/results/selection.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from model.data import DataError, load_dataset
from model.folders import store
from model.plane.selection import Box, Lasso, by_z2, members
from model.plane.selection_summary import mosaic, summarise
from model.plane.views import core_box
from ui.images import to_png
from ui.selection_panel import CENTROID_PX

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "selection.json"
GOAL_MS = 150.0


def panel(bundle, shapes, images, member_fn, sorted_z) -> int:
    """Everything from a shape to the panel's content, as ui/selection.py does it; returns the count."""
    z, y = bundle.latent["z_train"], bundle.latent["y_train"]
    s = summarise(z, y, member_fn(z, shapes, y, sorted_z), bundle.codec, 10, images=images)
    to_png(mosaic(s.gallery), 0), to_png(s.centroid_image, CENTROID_PX)
    return s.count


def python_members(z, shapes, y, _sorted_z):
    """The baseline: each point against each shape in plain Python (box test, even-odd ray casting)."""
    pts, out = z.tolist(), []
    for a, b in pts:
        hit = False
        for s in shapes:
            if isinstance(s, Box):
                hit = s.x0 <= a <= s.x1 and s.y0 <= b <= s.y1
            else:
                n, inside = len(s.x), False
                for k in range(n):
                    x0, y0, x1, y1 = s.x[k], s.y[k], s.x[(k + 1) % n], s.y[(k + 1) % n]
                    if (y0 <= b < y1 or y1 <= b < y0) and a < x0 + (b - y0) * (x1 - x0) / (y1 - y0):
                        inside = not inside
                hit = inside
            if hit:
                break
        out.append(hit)
    return np.array(out)


def timed(fn, reps: int) -> dict:
    fn()  # warm-up
    t = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t.append(1e3 * (time.perf_counter() - t0))
    return {"median_ms": statistics.median(t), "p90_ms": float(np.percentile(t, 90)), "reps": reps}


def shapes_for(bundle) -> dict:
    (x0, x1), (y0, y1) = core_box(bundle.latent["z_train"])
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    t = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    wave = 0.8 + 0.1 * np.sin(9 * t)  # a hand-drawn loop is never a circle
    lasso = Lasso(tuple(cx + rx * wave * np.cos(t)), tuple(cy + ry * wave * np.sin(t)))
    z = bundle.latent["z_train"]
    lo, hi = z.min(axis=0), z.max(axis=0)
    return {
        "box": (Box(x0, x1, y0, y1),),
        "lasso": (lasso,),
        "union": (Box(x0, cx, y0, cy), lasso),
        "everything": (Box(lo[0] - 1, hi[0] + 1, lo[1] - 1, hi[1] + 1),),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(store.SHIPPED))
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--baseline-reps", type=int, default=3)
    args = ap.parse_args()
    bundle = store.load(args.model)
    try:
        images = load_dataset(bundle.meta.get("dataset", "mnist"))[0][0]
    except DataError:
        images = None
    sorted_z = by_z2(bundle.latent["z_train"])  # once per model (ui/selection.py caches it), not per selection
    rows = []
    for name, shapes in shapes_for(bundle).items():
        for gallery, imgs in (("originals", images), ("decoded", None)):
            if gallery == "originals" and imgs is None:
                continue
            count = panel(bundle, shapes, imgs, members, sorted_z)
            assert count == panel(bundle, shapes, imgs, python_members, None), name  # the same answer
            row = {"shape": name, "gallery": gallery, "count": count}
            row["numpy"] = timed(lambda s=shapes, i=imgs: panel(bundle, s, i, members, sorted_z), args.reps)
            row["python_loop"] = timed(lambda s=shapes, i=imgs: panel(bundle, s, i, python_members, None), args.baseline_reps)  # fmt: skip
            row["speedup"] = row["python_loop"]["median_ms"] / row["numpy"]["median_ms"]
            row["meets_goal"] = row["numpy"]["median_ms"] <= GOAL_MS
            rows.append(row)
            print(f"{name:10} {gallery:9} n={count:6,}  panel {row['numpy']['median_ms']:7.1f} ms (p90 {row['numpy']['p90_ms']:.1f})"
                  f"  python loop {row['python_loop']['median_ms']:8.0f} ms  x{row['speedup']:.0f}", flush=True)  # fmt: skip
    result = {
        "model": Path(args.model).name,
        "points": len(bundle.latent["z_train"]),
        "goal_ms": GOAL_MS,
        "rows": rows,
    }
    write(OUT, result)


def write(out: Path, result: dict) -> None:
    """Write a benchmark's result as JSON, with the machine and its load beside it."""
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({**result, "machine": machine, "load_1min": os.getloadavg()[0]}, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
