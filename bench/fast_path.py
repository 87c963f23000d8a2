"""Benchmark the NumPy fast path against Keras, in one run on the same machine.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.fast_path [--model DIR ...] [--quick]

For the seed network (784-32-2-32-784), the default config's network and each --model folder
(the shipped model by default, when it exists) it times:

  * decode one latent point: fast.Codec.decode_image(z1, z2), what a slider move or a click
    runs, against decoder.predict(z) on one point;
  * encode all 60,000 training digits (float32 N x 784 already in memory): fast.Codec.encode
    against encoder.predict(x, batch_size=1024).

Timings depend only on layer shapes, so the two configs are built untrained. Each figure is
the median of many repeats (the machine is shared; medians shrug off the other processes).
Targets from issue #2: one decode <= 0.1 ms, encoding 60,000 digits <= 0.3 s.
Writes bench/results/fast_path.json and prints a markdown table.
"""

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import keras
import numpy as np

from model.data import DataError, load_dataset, to_float
from model.folders import store
from model.net.autoencoder import build
from model.net.config import DEFAULT, SEED, Config
from model.net.fast import Codec

OUT = Path(__file__).resolve().parent / "results" / "fast_path.json"
TARGET_DECODE_MS, TARGET_ENCODE_S = 0.1, 0.3


def median_seconds(fn, repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def arch(config: Config) -> str:
    return "-".join(str(n) for n in (784, *config.hidden, 2, *reversed(config.hidden), 784))


def bench(name: str, models, config: Config, x: np.ndarray, quick: bool) -> dict:
    codec = Codec(models.encoder, models.decoder)
    z1 = np.array([[1.5, -0.3]], dtype=np.float32)
    # Sanity: the fast path gives Keras's answers (tests/test_fast.py checks this properly).
    assert np.allclose(codec.decode(z1), models.decoder.predict(z1, verbose=0), atol=1e-5)
    n = 3 if quick else 1
    row = {
        "model": name,
        "architecture": arch(config),
        "params": int(models.autoencoder.count_params()),
        "fast_decode_ms": 1e3 * median_seconds(lambda: codec.decode_image(1.5, -0.3), 3000 // n),
        "keras_decode_ms": 1e3 * median_seconds(lambda: models.decoder.predict(z1, verbose=0), 40 // n),
        "fast_encode_s": median_seconds(lambda: codec.encode(x), 9 // n, warmup=1),
        "keras_encode_s": median_seconds(
            lambda: models.encoder.predict(x, batch_size=1024, verbose=0), max(1, 5 // n), warmup=1
        ),
    }
    row["decode_speedup"] = row["keras_decode_ms"] / row["fast_decode_ms"]
    row["encode_speedup"] = row["keras_encode_s"] / row["fast_encode_s"]
    row["meets_targets"] = row["fast_decode_ms"] <= TARGET_DECODE_MS and row["fast_encode_s"] <= TARGET_ENCODE_S
    print(json.dumps({k: round(v, 5) if isinstance(v, float) else v for k, v in row.items()}), flush=True)
    return row


def markdown(rows: list[dict]) -> str:
    lines = [
        "| model | params | fast decode, 1 point | `decoder.predict`, 1 point | ratio "
        "| fast encode, 60,000 | `encoder.predict`, 60,000 | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} ({r['architecture']}) | {r['params']:,} | {1e3 * r['fast_decode_ms']:.1f} µs "
            f"| {r['keras_decode_ms']:.1f} ms | {r['decode_speedup']:,.0f}× | {r['fast_encode_s']:.3f} s "
            f"| {r['keras_encode_s']:.2f} s | {r['encode_speedup']:.1f}× |"
        )
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", action="append", type=Path, help="a model folder to time as well (repeatable)")
    p.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args()

    try:
        (x_u8, _), _ = load_dataset("mnist")
        source = "MNIST training digits"
    except DataError:
        x_u8 = np.random.default_rng(0).integers(0, 256, (60000, 28, 28), dtype=np.uint8)
        source = "random images (MNIST not found)"
    x = to_float(x_u8[:60000])

    rows = []
    for name, config in (("seed", SEED), ("default config", DEFAULT)):
        keras.utils.set_random_seed(0)
        rows.append(bench(name, build(config), config, x, args.quick))
    folders = args.model if args.model else ([store.SHIPPED] if (store.SHIPPED / store.META_FILE).is_file() else [])
    for folder in folders:
        b = store.load(folder)
        rows.append(bench(f"`{folder.name}` folder", b.models, b.config, x, args.quick))

    doc = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
            "processor": platform.processor() or platform.machine(),
            "numpy": np.__version__,
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "unset (one per CPU)"),
            "keras": keras.__version__,
        },
        "inputs": source,
        "targets": {"decode_ms": TARGET_DECODE_MS, "encode_60000_s": TARGET_ENCODE_S},
        "rows": rows,
    }
    store.write_file_atomic(args.out, lambda f: f.write((json.dumps(doc, indent=1) + "\n").encode()))
    print(f"\nwrote {args.out}; load average {doc['machine']['load_average']} on {doc['machine']['cpus']} CPUs\n")
    print(markdown(rows))


if __name__ == "__main__":
    main()
