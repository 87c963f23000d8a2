"""Reproduce the tutorial's table: the seed config (784-32-2-32-784, relu latent, BCE + Adam,
batch 256), 10 epochs, for several seeds, exactly as `python -m model train --config seed
--epochs 10 --seed S` trains it (same `train.fit`, same data).

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python bench/seed_table.py [--seeds 0 1 2] [--epochs 10]
        [--batch-size B] [--out bench/results/seed_table.json]

Records per-epoch loss / val_loss, the test BCE, how many latent dims are alive (std of
z_train per dim > 1e-6; a dead ReLU unit outputs exactly 0 for every digit) and, per epoch,
the fraction of digits each latent dim is non-zero for, to bench/results/seed_table.json,
and prints a markdown table next to the tutorial's figures.
Takes a few minutes per seed on two busy CPU cores.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from model.data import load_dataset, to_float
from model.folders.store import write_file_atomic
from model.net.autoencoder import split
from model.net.config import PRESETS
from model.net.fast import Codec
from model.net.train import fit

OUT = Path(__file__).resolve().parent / "results" / "seed_table.json"
# The tutorial's printed log: epoch -> (loss, val_loss).
TUTORIAL = {1: (0.2133, 0.2098), 10: (0.1983, 0.1985)}
ALIVE_STD = 1e-6


def alive_dims(z: np.ndarray) -> list[bool]:
    """One flag per latent dim: does it vary at all over the training digits?"""
    return [bool(s > ALIVE_STD) for s in np.std(z, axis=0)]


def active_fraction(z: np.ndarray) -> list[float]:
    """Per latent dim, the fraction of digits it is non-zero for (a relu dim near 0.0 is dying)."""
    return [round(float(f), 4) for f in np.mean(z > 0, axis=0)]


def run_seed(seed: int, epochs: int, data, batch_size: int | None = None) -> dict:
    config = PRESETS["seed"].replace(epochs=epochs, seed=seed, batch_size=batch_size)
    probe = to_float(data[0][0][:10000])  # the first 10,000 training digits, for per-epoch latent stats
    per_epoch = []

    def on_progress(ev):
        if ev["kind"] == "epoch" and not ev.get("partial"):
            models = split(ev["model"])
            z = Codec(models.encoder, models.decoder).encode(probe)
            per_epoch.append({"z_std": [round(float(s), 4) for s in np.std(z, axis=0)], "active": active_fraction(z)})
            print(f"seed {seed} epoch {ev['epoch']}/{ev['epochs']} loss {ev['loss']:.4f} val_loss {ev['val_loss']:.4f} "
                  f"active {per_epoch[-1]['active']}", flush=True)  # fmt: skip

    r = fit(config, data=data, on_progress=on_progress)
    alive = alive_dims(r.z_train)
    return {
        "seed": seed,
        "config": config.to_dict(),
        "loss": [round(v, 5) for v in r.history["loss"]],
        "val_loss": [round(v, 5) for v in r.history["val_loss"]],
        "test_bce": round(r.test_bce, 5),
        "z_std": [round(float(s), 4) for s in np.std(r.z_train, axis=0)],
        "active": active_fraction(r.z_train),
        "alive_dims": int(sum(alive)),
        "per_epoch": per_epoch,
        "seconds": round(r.seconds, 1),
    }


def markdown(rows: list[dict]) -> str:
    lines = [
        "| run | loss, epoch 1 | val_loss, epoch 1 | loss, epoch 10 | val_loss, epoch 10 | live latent dims |",
        "|---|---|---|---|---|---|",
        f"| tutorial | {TUTORIAL[1][0]:.4f} | {TUTORIAL[1][1]:.4f} | {TUTORIAL[10][0]:.4f} | {TUTORIAL[10][1]:.4f} | ? |",
    ]
    for r in rows:
        last = len(r["loss"])
        bs = r["config"]["batch_size"]
        lines.append(
            f"| seed {r['seed']}, batch {bs} | {r['loss'][0]:.4f} | {r['val_loss'][0]:.4f} | {r['loss'][-1]:.4f} "
            f"(epoch {last}) | {r['val_loss'][-1]:.4f} | {r['alive_dims']} of 2 |"
        )
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, help="override the seed config's batch size (32)")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args()
    data = load_dataset("mnist")
    rows = []
    start = time.monotonic()
    for seed in args.seeds:
        rows.append(run_seed(seed, args.epochs, data, args.batch_size))
        doc = {"tutorial": {str(k): v for k, v in TUTORIAL.items()}, "alive_std_threshold": ALIVE_STD, "runs": rows}
        write_file_atomic(args.out, lambda f, doc=doc: f.write((json.dumps(doc, indent=1) + "\n").encode()))
    print(f"\n{len(rows)} seeds in {time.monotonic() - start:.0f} s; wrote {args.out}\n")
    print(markdown(rows))


if __name__ == "__main__":
    main()
