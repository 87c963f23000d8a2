"""Fuzz the upload path with hostile images: does anything but ImageError escape, and what does it cost?

    python -m bench.fuzz_upload [--n 10000] [--workers 2] [--seed 0]

Makes N images (default 10,000) in seven families: valid images with bytes mutated, truncated
files, random bytes behind real signatures and headers, headers claiming huge or absurd sizes,
odd Pillow modes, animated GIF/WebP/PNG, and EXIF blocks with odd or broken orientation tags.
Each goes through model.images.preprocess.preprocess, exactly what an upload meets. It counts outcomes
(read as a digit, each kind of refusal, and anything else: a bug), the worst time for one image,
and the peak memory a worker process grew by (resource.getrusage; each worker runs its images one
at a time, so this bounds the cost of any single image). The hostile files of
tests/fixtures/hostile/ (issue 12) are also each run in a fresh process. Writes
bench/results/fuzz_upload.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import resource
import struct
import subprocess
import sys
import time
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from model.images.preprocess import ImageError, preprocess

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "results" / "fuzz_upload.json"
FAMILIES = {"mutated": 0.3, "truncated": 0.15, "random header": 0.15, "huge dimensions": 0.15,
            "odd modes": 0.15, "animated": 0.05, "EXIF": 0.05}  # fmt: skip
FORMATS = ["PNG", "JPEG", "GIF", "BMP", "WEBP"]
MODES = ["1", "L", "P", "RGB", "RGBA", "LA", "PA", "I;16", "I", "CMYK"]


def save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def digit(rng, size=None, mode="RGB") -> Image.Image:
    """A random polyline 'digit' on random paper."""
    w, h = size or (int(rng.integers(8, 120)), int(rng.integers(8, 120)))
    img = Image.new("RGB", (w, h), tuple(int(v) for v in rng.integers(0, 256, 3)))
    pts = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(int(rng.integers(2, 6)))]
    ImageDraw.Draw(img).line(pts, fill=tuple(int(v) for v in rng.integers(0, 256, 3)), width=int(rng.integers(1, 8)))
    return img if mode == "RGB" else img.convert(mode)


def valid(rng) -> bytes:
    fmt = FORMATS[rng.integers(len(FORMATS))]
    return save(digit(rng, mode="L" if rng.random() < 0.3 else "RGB"), fmt)


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header(rng, w, h) -> bytes:
    depth, ctype = [(8, 0), (16, 0), (8, 2), (8, 3), (1, 0), (8, 6), (16, 6), (4, 3)][rng.integers(8)]
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, int(rng.integers(0, 2)))
    body = zlib.compress(bytes(int(rng.integers(0, 4000))), 9)
    plte = chunk(b"PLTE", bytes(rng.integers(0, 256, 48, dtype=np.uint8))) if ctype == 3 else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + plte + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def make(family: str, rng) -> bytes:
    """One hostile file of the family."""
    if family == "mutated":
        b = bytearray(valid(rng))
        for _ in range(int(rng.integers(1, 9))):
            i = int(rng.integers(0, len(b)))
            if rng.random() < 0.6:
                b[i] = int(rng.integers(0, 256))
            else:
                b[i:i] = bytes(rng.integers(0, 256, int(rng.integers(1, 16)), dtype=np.uint8))
        return bytes(b)
    if family == "truncated":
        b = valid(rng)
        return b[: int(rng.integers(1, len(b)))]
    if family == "random header":
        magic = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"BM", b"RIFF\x00\x00\x00\x00WEBPVP8 "]
        return magic[rng.integers(len(magic))] + bytes(rng.integers(0, 256, int(rng.integers(0, 3000)), dtype=np.uint8))
    if family == "huge dimensions":
        w, h = (int(v) for v in np.exp(rng.uniform(0, np.log(2**31 - 1), 2)))
        kind = rng.integers(3)
        if kind == 0:
            return png_header(rng, max(1, w), max(1, h))
        if kind == 1:
            return b"GIF89a" + struct.pack("<HH", w & 0xFFFF, h & 0xFFFF) + b"\xf7\x00\x00" + bytes(800)
        return (
            b"BM" + struct.pack("<IHHIIiiHHII", 0, 0, 0, 54, 40, w, h, 1, 24, 0, 0) + bytes(int(rng.integers(0, 2000)))
        )
    if family == "odd modes":
        mode = MODES[rng.integers(len(MODES))]
        img = digit(rng, mode="L" if mode in ("I;16", "I") else ("RGBA" if mode == "PA" else mode))
        if mode in ("I;16", "I"):
            img = Image.fromarray(np.asarray(img).astype(np.uint16) * int(rng.integers(1, 258)))
        if mode == "PA":
            img = img.convert("PA")
        for fmt in [FORMATS[rng.integers(len(FORMATS))], "PNG"]:
            try:
                return save(img, fmt)
            except (OSError, ValueError, KeyError):
                continue
    if family == "animated":
        frames = [digit(rng, size=(40, 40)) for _ in range(int(rng.integers(2, 20)))]
        fmt = ["GIF", "WEBP", "PNG"][rng.integers(3)]
        return save(frames[0], fmt, save_all=True, append_images=frames[1:], duration=50)
    exif = Image.Exif()  # "EXIF"
    exif[0x0112] = int(rng.choice([0, 1, 3, 5, 6, 7, 8, 9, 65535]))
    raw = exif.tobytes()
    if rng.random() < 0.3:  # a broken EXIF block
        raw = raw[:8] + bytes(rng.integers(0, 256, int(rng.integers(1, 64)), dtype=np.uint8))
    return save(digit(rng), ["JPEG", "PNG", "WEBP"][rng.integers(3)], exif=raw)


def outcome(data: bytes) -> str:
    try:
        preprocess(data)
        return "read as a digit"
    except ImageError as e:
        msg = str(e)
        for key in ("too large", "too many pixels", "corrupt", "not an image", "blank", "zero size", "unsupported",
                    "could not be processed"):  # fmt: skip
            if key in msg:
                return f"refused: {key}"
        return f"refused: {msg[:40]}"
    except Exception as e:  # a bug: anything but ImageError escaping
        return f"CRASH {type(e).__name__}"


def work(args) -> dict:
    """Run cases [start, stop) of the seeded sequence; counts, worst time, peak RSS growth (MB)."""
    start, stop, seed = args
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counts, worst = Counter(), (0.0, "")
    for i in range(start, stop):
        rng = np.random.default_rng([seed, i])
        family = list(FAMILIES)[int(np.searchsorted(np.cumsum(list(FAMILIES.values())), rng.random()))]
        data = make(family, rng)
        t = time.perf_counter()
        out = outcome(data)
        dt = time.perf_counter() - t
        counts[(family, out)] += 1
        if dt > worst[0]:
            worst = (dt, f"case {i} ({family}, {len(data):,} bytes): {out}")
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    return {"counts": [[f, o, c] for (f, o), c in counts.items()], "worst": worst, "peak_mb": grown}


PROBE = """
import json, resource, sys, time
from model.images.preprocess import ImageError, preprocess
data = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
try:
    preprocess(data); out = "read as a digit"
except ImageError as e:
    out = "refused: " + str(e)
mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print(json.dumps({"outcome": out, "seconds": time.perf_counter() - t, "peak_mb": mb}))
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    t0 = time.perf_counter()
    cuts = np.linspace(0, a.n, 8 * a.workers + 1).astype(int)
    with ProcessPoolExecutor(a.workers) as pool:
        parts = list(pool.map(work, [(int(s), int(e), a.seed) for s, e in zip(cuts[:-1], cuts[1:], strict=True)]))
    counts = Counter()
    for part in parts:
        for f, o, c in part["counts"]:
            counts[(f, o)] += c
    worst = max(part["worst"] for part in parts)
    hostile = {}
    for path in sorted((ROOT / "tests" / "fixtures" / "hostile").iterdir()):
        run = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, cwd=ROOT)
        hostile[path.name] = (
            json.loads(run.stdout.strip().splitlines()[-1]) if run.returncode == 0 else run.stderr[-300:]
        )
    by_outcome = Counter()
    for (_, o), c in counts.items():
        by_outcome[o] += c
    result = {
        "n": a.n, "seed": a.seed, "workers": a.workers, "wall_seconds": round(time.perf_counter() - t0, 1),
        "by_outcome": dict(by_outcome.most_common()),
        "by_family": {f: {o: c for (f2, o), c in counts.items() if f2 == f} for f in FAMILIES},
        "worst_seconds": round(worst[0], 3), "worst_case": worst[1],
        "peak_worker_growth_mb": round(max(part["peak_mb"] for part in parts), 1),
        "hostile_fixtures": hostile,
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{a.n:,} hostile images, {a.workers} workers, {result['wall_seconds']} s\n")
    print("| outcome | images |\n|---|---:|")
    for o, c in by_outcome.most_common():
        print(f"| {o} | {c:,} |")
    print(f"\nWorst time for one image: {worst[0]:.2f} s ({worst[1]}).")
    print(f"Peak memory growth of a worker: {result['peak_worker_growth_mb']:.0f} MB.\n")
    print("| hostile fixture | outcome | time | peak memory |\n|---|---|---:|---:|")
    for name, r in hostile.items():
        if isinstance(r, dict):
            print(f"| {name} | {r['outcome']} | {r['seconds']:.1f} s | +{r['peak_mb']:.0f} MB |")
        else:
            print(f"| {name} | CRASH | | |")


if __name__ == "__main__":
    main()
