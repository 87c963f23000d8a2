"""Command line: train, info, encode, decode.

    python -m model train --config seed --epochs 10 --out models/seed0
    python -m model info [--model DIR]
    python -m model encode digit.png [--model DIR] [--k 5]
    python -m model decode 1.5 -0.3 [--model DIR] [--scale 8] --out digit.png

Bad input exits with status 2 and one `error: ...` line on stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path


class CliError(Exception):
    pass


def hidden_sizes(text: str) -> tuple[int, ...]:
    """argparse type for --hidden: '128,64' -> (128, 64)."""
    try:
        sizes = tuple(int(h) for h in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a comma-separated list of layer sizes, e.g. 128,64"
        ) from None
    return sizes


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's usage errors follow the same one-line contract
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def parse_args(argv):
    from model.config import DATASETS, LATENT_ACTIVATIONS, OPTIMIZERS, PRESETS

    p = Parser(prog="python -m model", description="Latent Explorer's autoencoder from the command line.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    t = sub.add_parser("train", help="train a model and save its folder")
    t.add_argument("--config", choices=sorted(PRESETS), default="default")
    t.add_argument("--epochs", type=int)
    t.add_argument("--batch-size", type=int)
    t.add_argument("--loss", choices=["bce", "mse"])
    t.add_argument("--optimizer", choices=OPTIMIZERS)
    t.add_argument("--learning-rate", type=float)
    t.add_argument("--lr-schedule", choices=["constant", "cosine"])
    t.add_argument("--latent-activation", choices=LATENT_ACTIVATIONS)
    t.add_argument("--hidden", type=hidden_sizes, help="comma-separated hidden sizes, e.g. 128,64")
    t.add_argument("--architecture", choices=["ae", "vae"])
    t.add_argument("--beta", type=float, help="weight of the VAE's KL term (default 1)")
    t.add_argument("--seed", type=int)
    t.add_argument("--subset", type=int, help="train on the first N digits only")
    t.add_argument("--dataset", choices=DATASETS)
    t.add_argument("--out", required=True, help="model folder to write (replaced atomically)")

    i = sub.add_parser("info", help="print a model's facts as JSON")
    i.add_argument("--model", help="model folder (default: the shipped model)")

    e = sub.add_parser("encode", help="encode digit images; one JSON line each")
    e.add_argument("images", nargs="+")
    e.add_argument("--model")
    e.add_argument("--k", type=int, default=5)

    d = sub.add_parser("decode", help="decode a latent point to a PNG")
    d.add_argument("z1", type=float)
    d.add_argument("z2", type=float)
    d.add_argument("--model")
    d.add_argument("--scale", type=int, default=1, help="upscale factor, nearest neighbour (1-64)")
    d.add_argument("--out", required=True)
    return p.parse_args(argv)


def progress_printer():
    tty = sys.stderr.isatty()

    def on_progress(ev):
        if ev["kind"] == "batch" and tty:
            n = int(30 * ev["fraction"])
            print(f"\r[{'#' * n}{'.' * (30 - n)}] epoch {ev['epoch']}/{ev['epochs']} "
                  f"batch {ev['batch']}/{ev['steps']} loss {ev['loss']:.4f}", end="", file=sys.stderr, flush=True)  # fmt: skip
        elif ev["kind"] == "epoch" and not ev.get("partial"):
            if tty:
                print("\r" + " " * 80 + "\r", end="", file=sys.stderr)
            print(f"epoch {ev['epoch']}/{ev['epochs']} loss {ev['loss']:.4f} val_loss {ev['val_loss']:.4f}", flush=True)

    return on_progress


def cmd_train(a):
    from model import store
    from model.config import PRESETS
    from model.train import fit

    store.check_target(a.out)  # refuse a bad --out now, not after minutes of training
    config = PRESETS[a.config].replace(
        epochs=a.epochs, batch_size=a.batch_size, loss=a.loss, optimizer=a.optimizer,
        learning_rate=a.learning_rate, lr_schedule=a.lr_schedule, latent_activation=a.latent_activation, hidden=a.hidden,
        architecture=a.architecture, beta=a.beta, seed=a.seed, subset=a.subset, dataset=a.dataset,
    )  # fmt: skip
    result = fit(config, on_progress=progress_printer())
    out = store.save(result, a.out)
    print(f"saved {out} (test BCE {result.test_bce:.4f}, {result.seconds:.0f} s)")


def cmd_info(a):
    from model import store

    path = Path(a.model) if a.model else store.default_model_dir()
    meta = store.read_meta(path)
    keys = ("name", "params", "config", "dataset", "epochs", "val_loss", "test_bce", "created")
    out = {k: meta.get(k) for k in keys}
    val_loss = meta.get("val_loss")
    out["val_loss"] = val_loss[-1] if isinstance(val_loss, list) and val_loss else None
    print(json.dumps(out))


def cmd_encode(a):
    from model import store
    from model.placement import place
    from model.preprocess import ImageError, read_file

    if a.k < 1:
        raise CliError("--k must be at least 1")
    bundle = store.load(a.model)
    failed = False
    for path in a.images:
        try:
            p = place(bundle.codec, bundle.latent, read_file(path), a.k)
        except ImageError as e:
            msg = str(e) if str(e).startswith(f"{path}: ") else f"{path}: {e}"  # read_file names the path already
            print(f"error: {msg}", file=sys.stderr)
            failed = True
            continue
        neighbors = [{"index": int(i), "label": int(lab), "distance": round(float(d), 5)}
                     for i, lab, d in zip(p.idx, p.labels, p.dist, strict=True)]  # fmt: skip
        print(json.dumps({"path": path, "z": [round(float(v), 5) for v in p.z], "neighbors": neighbors}), flush=True)
    if failed:
        sys.exit(2)


def cmd_decode(a):
    from PIL import Image

    from model import store
    from model.images import to_uint8
    from model.store import write_file_atomic

    if not (math.isfinite(a.z1) and math.isfinite(a.z2)):
        raise CliError("z1 and z2 must be finite numbers")
    if not 1 <= a.scale <= 64:
        raise CliError("--scale must be between 1 and 64")
    out = Path(a.out)
    if out.suffix.lower() != ".png":
        raise CliError(f"{out}: the output must be a .png file")
    bundle = store.load(a.model)
    img = bundle.codec.decode_image(a.z1, a.z2)
    pil = Image.fromarray(to_uint8(img)).resize((28 * a.scale,) * 2, Image.NEAREST)
    write_file_atomic(out, lambda f: pil.save(f, format="PNG"))
    print(out)


def main(argv=None) -> int:
    a = parse_args(argv)
    from model.config import ConfigError
    from model.data import DataError
    from model.preprocess import ImageError
    from model.store import ModelError

    try:
        {"train": cmd_train, "info": cmd_info, "encode": cmd_encode, "decode": cmd_decode}[a.command](a)
    except (CliError, ConfigError, DataError, ImageError, ModelError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # e.g. an --out folder that cannot be written
        print(f"error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0
