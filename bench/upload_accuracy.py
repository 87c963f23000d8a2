"""How well does an uploaded digit land among its own class? The upload path against the arrays.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.upload_accuracy [--model DIR] [--n 1000] [--k 5]

For the first N MNIST test digits (default 1,000) and a model folder (default: the shipped one)
it measures the share whose k = 5 nearest training encodings have the digit's own label as
their majority (a tie goes to the label whose members are nearer in total), for:

  * the upload path: each digit saved as a 28 x 28 PNG, then preprocess() -> codec.encode
    -> nearest(), exactly what the upload page and `python -m model encode` run;
  * the arrays: the test encodings stored in latent.npz, and codec.encode(x_test / 255);
  * harder uploads of the same digits, to show the preprocessing at work: dark ink on white
    paper (inverted PNG), JPEG quality 75, and a simulated photo (8x upscaled with bilinear
    blur, 30 px off-centre on 300 x 300 grey paper with a lighting gradient, noise, dark ink);
  * the harder photo set (issue 11), modelled on real phone photos: each digit redrawn as a
    thin pen line along its strokes' centre (scipy's distance transform), in coloured ink
    (blue, purple, black, red, green, pale blue ballpoint) on tinted paper (pink, grey, cream,
    blue, yellow, white), lit unevenly with a shadow, shrunk to a 30-60 px crop, blurred,
    with noise, saved as JPEG quality 60-85 with colour subsampling.
  * real photos: the phone-photo crops in tests/fixtures/real_photos (labels from the file
    names, sources in SOURCES.md there); not MNIST digits, so only their own row compares.

It also reports the PNG round trip's mean absolute pixel difference (preprocessed vs the
original digit, target <= 0.05) and the median preprocessing time per image.
Writes bench/results/upload_accuracy.json and prints a markdown table.
"""

import argparse
import io
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

from model.data import DataError, load_dataset
from model.folders import store
from model.images.pixels import to_uint8
from model.images.placement import vote
from model.images.preprocess import ImageError, preprocess
from model.plane.neighbors import nearest

OUT = Path(__file__).resolve().parent / "results" / "upload_accuracy.json"
REAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "real_photos"
REAL_ROW = "real photos"


def knn_accuracy(z: np.ndarray, y: np.ndarray, z_train: np.ndarray, y_train: np.ndarray, k: int) -> float:
    """Share of rows of z (N, 2) whose k nearest training encodings' majority label equals y."""
    hits = 0
    for zi, yi in zip(z, y, strict=True):
        idx, dist = nearest(z_train, zi, k)
        hits += vote(y_train[idx].astype(int), dist)[0] == yi
    return hits / len(z)


def save(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def as_png(x: np.ndarray, rng) -> bytes:
    return save(Image.fromarray(x))


def as_inverted_png(x: np.ndarray, rng) -> bytes:
    return save(Image.fromarray(255 - x))


def as_jpeg(x: np.ndarray, rng) -> bytes:
    return save(Image.fromarray(x), "JPEG", quality=75)


def as_photo(x: np.ndarray, rng) -> bytes:
    """Dark ink on 300 x 300 grey, unevenly lit, grainy paper, the digit 8x upscaled and off-centre."""
    ink = np.asarray(Image.fromarray(x).resize((224, 224), Image.BILINEAR), np.float32) / 255
    yy, xx = np.mgrid[0:300, 0:300]
    paper = 0.85 - 0.35 * xx / 300 - 0.15 * yy / 300
    top, left = rng.integers(0, 300 - 224, size=2)
    region = paper[top : top + 224, left : left + 224]
    region[:] = region * (1 - ink) + 0.12 * ink
    paper += rng.normal(0, 0.03, paper.shape)
    return save(Image.fromarray(to_uint8(paper)))


INKS = [(35, 55, 165), (95, 50, 150), (30, 30, 40), (170, 40, 50), (40, 110, 70), (110, 140, 230)]  # ballpoints
PAPERS = [(245, 205, 215), (170, 170, 165), (240, 230, 200), (200, 220, 240), (250, 245, 170), (250, 250, 250)]


def pen_line(x: np.ndarray, pen: float) -> np.ndarray:
    """The digit's strokes redrawn as a pen line `pen` px wide along their centres: (224, 224) coverage in [0, 1]."""
    big = np.asarray(Image.fromarray(x).resize((224, 224), Image.BILINEAR), np.float32) / 255
    mask = big > 0.5
    edt = ndimage.distance_transform_edt(mask)
    ridge = mask & (edt >= ndimage.maximum_filter(edt, size=5) - 0.8)  # the strokes' centre lines
    cover = ndimage.distance_transform_edt(~ridge) <= pen / 2
    return ndimage.gaussian_filter(cover.astype(np.float32), 0.8)


def as_pen_photo(x: np.ndarray, rng) -> bytes:
    """A 30-60 px JPEG crop of the digit as a thin coloured pen line on tinted, unevenly lit paper."""
    side = int(rng.integers(30, 61))
    big = int(224 * rng.uniform(1.1, 1.35))  # paper around the digit, at the 224 px drawing's scale
    pen = rng.uniform(0.7, 1.4) * big / side  # the pen's width in final pixels, at the drawing's scale
    cover = np.zeros((big, big), np.float32)
    top, left = rng.integers(0, big - 224 + 1, size=2)
    cover[top : top + 224, left : left + 224] = pen_line(x, pen) * rng.uniform(0.75, 1.0)
    ink, paper = np.array(INKS[rng.integers(len(INKS))]) / 255, np.array(PAPERS[rng.integers(len(PAPERS))]) / 255
    yy, xx = np.mgrid[0:big, 0:big] / big
    angle = rng.uniform(0, 2 * np.pi)
    light = 1 - rng.uniform(0.1, 0.35) * (np.cos(angle) * xx + np.sin(angle) * yy)  # a lighting gradient
    edge = rng.uniform(0.2, 0.8)
    light *= 1 - rng.uniform(0.1, 0.3) / (1 + np.exp(-(xx - edge) / 0.05))  # a soft shadow from one side
    rgb = (paper * (1 - cover[..., None]) + ink * cover[..., None]) * light[..., None]
    img = Image.fromarray(to_uint8(rgb)).resize((side, side), Image.BOX)  # the camera's small crop
    a = ndimage.gaussian_filter(np.asarray(img, np.float32) / 255, (rng.uniform(0.3, 0.8),) * 2 + (0,))
    a += rng.normal(0, 0.012, a.shape)
    return save(Image.fromarray(to_uint8(a)), "JPEG", quality=int(rng.integers(60, 86)))


UPLOADS = {
    "PNG (the upload path)": as_png,
    "PNG, dark ink on white": as_inverted_png,
    "JPEG quality 75": as_jpeg,
    "simulated photo": as_photo,
    "harder photo set: thin coloured pen, tinted paper, 30-60 px, shadow, blur, JPEG": as_pen_photo,
}


def run_uploads(make, x, seed: int = 0):
    """Preprocess every upload `make` makes of each item of x: (images (N, 28, 28), failures, per-image seconds)."""
    rng = np.random.default_rng(seed)
    images, failed, seconds = [], 0, []
    for xi in x:
        data = make(xi, rng)
        t = time.perf_counter()
        try:
            images.append(preprocess(data).image)
        except ImageError:
            failed += 1
            images.append(np.zeros((28, 28), np.float32))  # counts as a miss unless it lands right by chance
        seconds.append(time.perf_counter() - t)
    return np.stack(images), failed, seconds


def real_photos() -> tuple[list[bytes], np.ndarray]:
    """The real photo fixtures' bytes and true labels (the digit after "digit" in each file name)."""
    files = sorted(REAL.glob("digit*.jpg"))
    return [f.read_bytes() for f in files], np.array([int(f.name[5]) for f in files])


def run_real(bundle, z_train, y_train, k: int) -> dict:
    """The real photos through the upload path: share whose k nearest training digits vote their label."""
    data, labels = real_photos()
    images, failed, seconds = run_uploads(lambda d, rng: d, data)
    z = bundle.codec.encode(images.reshape(len(images), 784))
    return {"input": f"{REAL_ROW} ({len(data)} phone-photo crops, tests/fixtures/real_photos)", "n": len(data),
            "accuracy": knn_accuracy(z, labels, z_train, y_train, k), "failed": failed,
            "preprocess_ms_median": round(1000 * statistics.median(seconds), 2)}  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--n", type=int, default=1000, help="first N test digits")
    p.add_argument("--k", type=int, default=5, help="neighbours that vote")
    p.add_argument("--sets", default="", help="only the upload sets whose names contain one of these words (a,b)")
    a = p.parse_args()

    bundle = store.load(a.model)
    try:
        _, (x_test, y_test) = load_dataset(bundle.meta.get("dataset", "mnist"))
    except DataError as e:
        sys.exit(f"error: {e}")
    x, y = x_test[: a.n], y_test[: a.n].astype(int)
    lat = bundle.latent
    z_train, y_train = lat["z_train"], lat["y_train"].astype(int)

    rows = [
        {
            "input": "arrays: z_test from latent.npz",
            "accuracy": knn_accuracy(lat["z_test"][: a.n], y, z_train, y_train, a.k),
        },
        {
            "input": "arrays: codec.encode(x_test / 255)",
            "accuracy": knn_accuracy(bundle.codec.encode(x / 255.0), y, z_train, y_train, a.k),
        },
    ]
    round_trip_mad, png_ms = None, None
    words = [w for w in a.sets.split(",") if w]
    for name, make in UPLOADS.items():
        if words and not any(w in name for w in words):
            continue
        images, failed, seconds = run_uploads(make, x)
        z = bundle.codec.encode(images.reshape(len(images), 784))
        rows.append({"input": name, "accuracy": knn_accuracy(z, y, z_train, y_train, a.k), "failed": failed})
        if make is as_png:
            round_trip_mad = float(np.abs(images - x / 255.0).mean())
            png_ms = 1000 * statistics.median(seconds)
        rows[-1]["preprocess_ms_median"] = round(1000 * statistics.median(seconds), 2)
        print(f"{name}: {rows[-1]['accuracy']:.3f}", file=sys.stderr, flush=True)

    if not words or any(w in REAL_ROW for w in words):
        rows.append(run_real(bundle, z_train, y_train, a.k))
        print(f"{REAL_ROW}: {rows[-1]['accuracy']:.3f}", file=sys.stderr, flush=True)

    result = {
        "model": bundle.name,
        "model_config": bundle.config.summary(),
        "n": int(len(x)),
        "k": a.k,
        "rows": [{**r, "accuracy": round(r["accuracy"], 4)} for r in rows],
        "png_round_trip_mean_abs_diff": None if round_trip_mad is None else round(round_trip_mad, 5),
        "png_preprocess_ms_median": None if png_ms is None else round(png_ms, 2),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")

    print(f"Model `{result['model']}` ({result['model_config']}), first {result['n']:,} MNIST test digits, "
          f"k = {a.k} nearest training encodings, majority label correct:\n")  # fmt: skip
    print("| input | accuracy | preprocess (median ms) |")
    print("|---|---:|---:|")
    for r in result["rows"]:
        ms = f"{r['preprocess_ms_median']:.1f}" if "preprocess_ms_median" in r else "–"
        print(f"| {r['input']} | {100 * r['accuracy']:.1f}% | {ms} |")
    if round_trip_mad is not None:
        print(f"\nPNG round trip: mean absolute pixel difference {round_trip_mad:.4f} (target <= 0.05).")


if __name__ == "__main__":
    main()
