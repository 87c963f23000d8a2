"""Sweep candidate default configs: test BCE, time, and whether both latent dims are used.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python bench/sweep_default.py [--seeds 0 1 2]

Writes bench/results/sweep_default.json. Used to choose model.config.DEFAULT.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from model.config import DEFAULT, Config  # noqa: E402
from model.data import load_dataset  # noqa: E402
from model.train import fit  # noqa: E402

CANDIDATES = {
    "default": DEFAULT,
    "h128-64_lin_bs128_e20": Config(hidden=(128, 64), latent_activation="linear", batch_size=128, epochs=20),
    "h256-64_lin_bs128_e15": Config(hidden=(256, 64), latent_activation="linear", batch_size=128, epochs=15),
    "h128-64-32_lin_bs64_e15": Config(hidden=(128, 64, 32), latent_activation="linear", batch_size=64, epochs=15),
    "h256-128_lin_bs128_lr2e-3_e25": Config(
        hidden=(256, 128), latent_activation="linear", batch_size=128, learning_rate=2e-3, epochs=25
    ),
    "h256-128-64_lin_bs128_e25": Config(hidden=(256, 128, 64), latent_activation="linear", batch_size=128, epochs=25),
    "h256-128_lin_bs128_lr3e-3cos_e20": Config(
        hidden=(256, 128),
        latent_activation="linear",
        batch_size=128,
        learning_rate=3e-3,
        lr_schedule="cosine",
        epochs=20,
    ),
    "h256-128-64_lin_bs128_lr2e-3cos_e20": Config(
        hidden=(256, 128, 64),
        latent_activation="linear",
        batch_size=128,
        learning_rate=2e-3,
        lr_schedule="cosine",
        epochs=20,
    ),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--only", nargs="*")
    args = p.parse_args()
    data = load_dataset("mnist")
    out = Path(__file__).parent / "results" / "sweep_default.json"
    out.parent.mkdir(exist_ok=True)
    rows = json.loads(out.read_text()) if out.exists() else []
    for name, cfg in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        for seed in args.seeds:
            r = fit(cfg.replace(seed=seed), data=data)
            spread = [float(np.std(r.z_train[:, i])) for i in range(2)]
            row = {"name": name, "seed": seed, "test_bce": round(r.test_bce, 4), "seconds": round(r.seconds, 1),
                   "z_std": [round(s, 3) for s in spread], "val_loss": round(r.history["val_loss"][-1], 4)}  # fmt: skip
            print(json.dumps(row), flush=True)
            rows.append(row)
            out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
