"""Sweep training configs with the project's own training code (model.net.train.fit), on any machine.

    python -m bench.sweep --try "--config default" --try "--config default --activation relu" --seeds 0 1
    python -m bench.sweep --subset 2000 --epochs 1 --try "--config seed" --try "--config seed --batch-size 256"
    python -m bench.sweep --backend jax --data mnist.npz --out sweep.jsonl --try ...   # Keras on JAX (a GPU)

Each --try is a `python -m model train` flag string (a preset, then any Config flags); --subset and
--epochs, when given, apply to every try. Every (try, seed) trains once through fit(), exactly as the
CLI and the Train page do, and prints one JSON line: test BCE, 5-NN accuracy, final val_loss, the
spread of the two latent dims, seconds and the 1-minute load average before and after (times compare
only on an equally loaded machine). --out appends the same lines to a file.

--backend picks Keras's backend (KERAS_BACKEND) before Keras is imported: tensorflow (the app's) or
jax, for a machine with JAX and a GPU. The backends' random streams differ, so compare configs
within one backend, then confirm the best with `python -m model train` on the app's backend.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.sweep", description=__doc__.split("\n")[0])
    p.add_argument("--try", dest="tries", action="append", required=True, metavar="FLAGS",
                   help='`python -m model train` flags for one config, e.g. "--config default --epochs 30"')  # fmt: skip
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--subset", type=int, help="train on the first N training digits (every try)")
    p.add_argument("--epochs", type=int, help="epochs (every try)")
    p.add_argument("--backend", choices=("tensorflow", "jax"), default=os.environ.get("KERAS_BACKEND", "tensorflow"))
    p.add_argument("--data", help="the data set's file or folder (default: found as the app finds it)")
    p.add_argument("--out", type=Path, help="also append each row, one JSON line, to this file")
    return p.parse_args(argv)


def configs(tries: list[str], subset: int | None, epochs: int | None) -> list[tuple[str, object]]:
    """(label, Config) per --try, parsed by the CLI's own flags (model.net.configurator)."""
    from model.net.configurator import add_config_flags, config_from_args

    flags = argparse.ArgumentParser(prog="--try", exit_on_error=False)
    add_config_flags(flags)
    out = []
    for text in tries:
        config = config_from_args(flags.parse_args(shlex.split(text)))
        given = {k: v for k, v in (("subset", subset), ("epochs", epochs)) if v is not None}
        out.append((text, config.replace(**given)))
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ["KERAS_BACKEND"] = args.backend  # before the first Keras import (model.net.train's)
    import keras
    import numpy as np

    from model.data import load_dataset
    from model.net.train import fit

    if keras.backend.backend() != args.backend:
        sys.exit(f"error: Keras was already imported with the {keras.backend.backend()} backend")
    tries = configs(args.tries, args.subset, args.epochs)
    datasets = {c.dataset: load_dataset(c.dataset, args.data) for _, c in tries}
    for label, config in tries:
        for seed in args.seeds:
            load_before, start = os.getloadavg()[0], time.perf_counter()
            r = fit(config.replace(seed=seed), data=datasets[config.dataset])
            row = {
                "try": label, "seed": seed, "backend": args.backend, "host": platform.node(),
                "test_bce": round(r.test_bce, 5), "knn5": round(r.knn5, 4),
                "val_loss": round(r.history["val_loss"][-1], 5),
                "z_std": [round(float(np.std(r.z_train[:, i])), 3) for i in range(2)],
                "seconds": round(time.perf_counter() - start, 1),
                "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "config": config.replace(seed=seed).to_dict(),
            }  # fmt: skip
            line = json.dumps(row)
            print(line, flush=True)
            if args.out:
                with args.out.open("a") as f:
                    f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
