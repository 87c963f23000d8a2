"""Sweep candidate default configs: test BCE, 5-NN accuracy, time, and whether both latent dims are used.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz nice -n 10 python bench/sweep_default.py [--seeds 0 1 2] [--only NAME...]

Each row also records the 1-minute load average before and after the run (the times are only
comparable on an equally loaded machine).

Writes bench/results/sweep_default.json. Used to choose model.net.config.DEFAULT.
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from model.data import load_dataset  # noqa: E402
from model.net.config import Config  # noqa: E402
from model.net.train import fit  # noqa: E402

# Rows named "default" in results/sweep_default.json before issue 11 are h256-128-64_lin_bs128_lr2e-3cos_e20.
CANDIDATES = {
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

# Issue 11: a better default, 5-NN >= 0.84 and test BCE <= 0.160 within 5 minutes on 2 cores.
_WIDE = dict(hidden=(512, 256, 128), latent_activation="linear", lr_schedule="cosine")
CANDIDATES |= {
    "h512-256-128_lin_bs128_lr2e-3cos_e40": Config(**_WIDE, batch_size=128, learning_rate=2e-3, epochs=40),
    "h512-256-128_lin_bs256_lr3e-3cos_e40": Config(**_WIDE, batch_size=256, learning_rate=3e-3, epochs=40),
    "h512-256-128-64_lin_bs128_lr2e-3cos_e35": Config(
        **(_WIDE | {"hidden": (512, 256, 128, 64)}), batch_size=128, learning_rate=2e-3, epochs=35
    ),
}
# Batch 256 runs an epoch in about 60% of batch 128's time here, so 45 epochs fit in 5 minutes.
CANDIDATES |= {
    f"h512-256-128_lin_bs256_lr{lr}cos_e45": Config(**_WIDE, batch_size=256, learning_rate=float(lr), epochs=45)
    for lr in ("2e-3", "3e-3")
}
# Found with bench/sweep_proxy_jax.py on a lent GPU: silu units and Adam's beta2 0.99 at a higher rate;
# larger batches run more digits per second here (batch 512: about 1.5x batch 128's).
_SILU = dict(_WIDE, activation="silu", adam_beta2=0.99)
CANDIDATES |= {
    "h512-256-128_silu_lin_bs1024_lr8e-3cos_b2-.99_wu2_e60": Config(
        **_SILU, batch_size=1024, learning_rate=8e-3, warmup_epochs=2, epochs=60
    ),
    "h512-256-128_silu_lin_bs512_lr5e-3cos_b2-.99_e50": Config(**_SILU, batch_size=512, learning_rate=5e-3, epochs=50),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--only", nargs="*")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "sweep_default.json")
    args = p.parse_args()
    data = load_dataset("mnist")
    out = args.out
    out.parent.mkdir(exist_ok=True)
    for name, cfg in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        for seed in args.seeds:
            load_before = os.getloadavg()[0]
            r = fit(cfg.replace(seed=seed), data=data)
            spread = [float(np.std(r.z_train[:, i])) for i in range(2)]
            knn5 = r.knn5
            row = {"name": name, "seed": seed, "test_bce": round(r.test_bce, 4), "knn5": round(knn5, 4),
                   "seconds": round(r.seconds, 1), "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                   "z_std": [round(s, 3) for s in spread], "val_loss": round(r.history["val_loss"][-1], 4)}  # fmt: skip
            print(json.dumps(row), flush=True)
            rows = json.loads(out.read_text()) if out.exists() else []  # re-read: runs may share the file
            out.write_text(json.dumps([*rows, row], indent=1))


if __name__ == "__main__":
    main()
