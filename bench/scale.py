"""The plane at scale, on the server's side: 60,000, 200,000 and 500,000 points in one run.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.scale [--reps 9]

The set is generated from MNIST's 60,000 training digits: the first 60,000 are MNIST itself, the rest
copies shifted by up to 3 px and rotated by up to 15 degrees (seeded), all encoded by the shipped model
(model/net/fast.py). For each size N it reports, as medians of --reps:
  * payload: the live plane's bytes (model/net/export_weights.plane_payload) and the time to build them;
  * selection -> panel ready on the server (bench/selection.py's panel(): membership, histogram, gallery,
    centroid, the two PNGs) for the opening view's core box and for a box around everything;
  * memory: the peak Python allocation (tracemalloc) of building the payload and one selection, and
    the images as stored (N x 784 bytes);
with each figure's ratio to N = 60,000 measured in the same run. The browser's side (points on screen,
pointer decode rate, the round trip of a selection) is bench/scale_browser.py's. Writes bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy import ndimage

from bench.selection import panel, write
from model.data import load_dataset, to_float
from model.folders import store
from model.net.export_weights import plane_payload
from model.plane.selection import Box, by_z2, members
from model.plane.views import core_box

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "scale.json"
SIZES = (60_000, 200_000, 500_000)
ANGLES = np.arange(-15, 16, 5)  # degrees; one rotation per batch of copies


def generate(x: np.ndarray, y: np.ndarray, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """uint8 (n, 28, 28) and labels: MNIST first, then shifted and rotated copies."""
    rng = np.random.default_rng(seed)
    out, labels = [x], [y]
    have = len(x)
    while have < n:
        take = min(len(x), n - have)
        idx = rng.integers(0, len(x), take)
        angle = float(rng.choice(ANGLES))
        batch = ndimage.rotate(x[idx].astype(np.float32), angle, axes=(1, 2), reshape=False, order=1)
        dy, dx = rng.integers(-3, 4, 2)
        batch = np.roll(batch, (int(dy), int(dx)), axis=(1, 2))
        out.append(np.clip(batch, 0, 255).astype(np.uint8))
        labels.append(y[idx])
        have += take
    return np.concatenate(out)[:n], np.concatenate(labels)[:n]


def encode(codec, x: np.ndarray, chunk: int = 20_000) -> np.ndarray:
    return np.concatenate([codec.encode(to_float(x[i : i + chunk])) for i in range(0, len(x), chunk)])


def timed(fn, reps: int) -> float:
    fn()
    t = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t.append(1e3 * (time.perf_counter() - t0))
    return statistics.median(t)


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def measure(bundle, x, z, y, reps: int) -> dict:
    latent = {"z_train": z, "y_train": y}
    view = type("B", (), {"latent": latent, "codec": bundle.codec})()  # what panel() reads of a bundle
    classes = [str(k) for k in range(10)]
    sorted_z = by_z2(z)
    (x0, x1), (y0, y1) = core_box(z)
    lo, hi = z.min(axis=0), z.max(axis=0)
    shapes = {"core box": (Box(x0, x1, y0, y1),), "everything": (Box(lo[0] - 1, hi[0] + 1, lo[1] - 1, hi[1] + 1),)}
    row = {"points": len(z), "payload_bytes": len(plane_payload(bundle.codec, latent, classes))}
    row["payload_ms"] = timed(lambda: plane_payload(bundle.codec, latent, classes), reps)
    for name, s in shapes.items():
        row[f"panel_ms {name}"] = timed(lambda s=s: panel(view, s, x, members, sorted_z), reps)
    row["selected core box"] = int(members(z, shapes["core box"], y, sorted_z).sum())
    row["peak_mb payload"] = peak_mb(lambda: plane_payload(bundle.codec, latent, classes))
    row["peak_mb selection"] = peak_mb(lambda: panel(view, shapes["everything"], x, members, sorted_z))
    row["images_mb"] = x.nbytes / 2**20
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    bundle = store.load(store.SHIPPED)
    (x, y), _ = load_dataset("mnist")
    t0 = time.perf_counter()
    big_x, big_y = generate(x, y, SIZES[-1])
    z = encode(bundle.codec, big_x)
    made_s = time.perf_counter() - t0
    rows = [measure(bundle, big_x[:n], z[:n], big_y[:n], args.reps) for n in SIZES]
    base = rows[0]
    for r in rows:
        r["ratio_to_60k"] = {
            k: r[k] / base[k] for k in r if k != "points" and isinstance(r[k], float | int) and base[k]
        }
        print(
            f"{r['points']:>7,}  payload {r['payload_bytes'] / 2**20:6.1f} MB in {r['payload_ms']:6.0f} ms  "
            f"panel core {r['panel_ms core box']:6.0f} ms, all {r['panel_ms everything']:6.0f} ms  "
            f"peak {r['peak_mb payload']:5.0f} / {r['peak_mb selection']:5.0f} MB",
            flush=True,
        )
    result = {
        "generated_and_encoded_s": made_s,
        "rows": rows,
    }
    write(OUT, result)


if __name__ == "__main__":
    main()
