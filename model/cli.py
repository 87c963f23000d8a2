"""Command line: train, info, encode, decode, export.

    python -m model train --config seed --epochs 10 --out models/seed0
    python -m model train --data my_images/ --epochs 10 --out models/mine   # add a data set, train on it
    python -m model dataset add my_images/ --name shoes | dataset list
    python -m model info [--model DIR]
    python -m model encode digit.png [--model DIR] [--k 5]
    python -m model decode 1.5 -0.3 [--model DIR] [--scale 8] --out digit.png
    python -m model export [--model DIR] --out encodings.csv|encodings.npz
    python -m model import ae.keras --name mine [--dataset mnist|fashion-mnist] [--overwrite]

A data set is an .npz (x, optional y and class_names, or Keras's four arrays), or a folder or zip
with one subfolder of images per class (model/datasets/). Bad input exits with status 2 and one `error: ...` line on stderr. Only `train` imports TensorFlow;
import, info, encode, decode and export read the model folder with NumPy (model/folders/store.py).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

MAX_K = 1000  # neighbours per image: more is no longer "nearest" and only costs output


class CliError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's usage errors follow the same one-line contract
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def parse_args(argv):
    from model.net.configurator import add_config_flags

    p = Parser(prog="python -m model", description="Latent Explorer's autoencoder from the command line.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    t = sub.add_parser("train", help="train a model and save its folder")
    add_config_flags(t)  # one flag per Config field, derived from model/net/config.py
    t.add_argument("--out", required=True, help="model folder to write (replaced atomically)")
    t.add_argument(
        "--data", help="your own data set (.npz, folder of class subfolders, or zip): added, then trained on"
    )

    ds = sub.add_parser("dataset", help="add or list data sets").add_subparsers(dest="action", required=True)
    add = ds.add_parser("add", help="convert a data set to 28 x 28 and store it by name")
    add.add_argument("path", help=".npz, folder with one subfolder of images per class, or a zip of one")
    add.add_argument("--name", help="the data set's name (default: the file or folder name)")
    add.add_argument("--replace", action="store_true", help="replace a data set of that name")
    ds.add_parser("list", help="every data set: name, classes, images")

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

    x = sub.add_parser("export", help="write every digit's encoding (split, index, label, z1, z2) as CSV or NPZ")
    x.add_argument("--model")
    x.add_argument("--out", required=True, help="a .csv or .npz file")

    m = sub.add_parser("import", help="add your own Keras autoencoder (.keras or .h5) to the model library")
    m.add_argument("file", help="a .keras or .h5 file saved by Keras")
    m.add_argument("--name", required=True, help="the model's name in the library")
    m.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist"), help="the data set to encode")
    m.add_argument("--overwrite", action="store_true", help="replace a library model of that name")
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
    from model.folders import store
    from model.net.configurator import config_from_args
    from model.net.train import fit

    store.check_target(a.out)  # refuse a bad --out now, not after minutes of training
    config = config_from_args(a)
    if a.data:
        name = a.dataset if a.dataset not in (None, "mnist", "fashion-mnist") else default_name(a.data)
        added = add_dataset(a.data, name, replace=True)
        config = config.replace(dataset=added.name)
    result = fit(config, on_progress=progress_printer())
    out = store.save(result, a.out)
    print(f"saved {out} (test BCE {result.test_bce:.4f}, {result.seconds:.0f} s)")


def default_name(path: str) -> str:
    """A data set's name from its path: the file or folder name without suffix, made a valid name."""
    import re

    stem = Path(path.rstrip("/\\")).stem
    return re.sub(r"[^A-Za-z0-9_.-]", "-", stem).lstrip("._-")[:64] or "my-data"


def add_dataset(path: str, name: str, replace: bool = False):
    from model.datasets import registry

    info = registry.add(path, name, overwrite=replace)
    for file, why in info.skipped:
        print(f"skipped {file}: {why}", file=sys.stderr)
    kind = f"{len(info.class_names)} classes" if info.labelled else "unlabelled"
    print(f"data set {info.name}: {info.train} training and {info.test} test images, {kind}")
    return info


def cmd_dataset(a):
    from model.datasets import registry

    if a.action == "add":
        add_dataset(a.path, a.name or default_name(a.path), replace=a.replace)
        return
    for name in registry.names():
        try:
            i = registry.info(name) if name not in ("mnist", "fashion-mnist") else None
        except Exception:  # a damaged stored set is listed, not fatal
            print(f"{name}\tdamaged: add it again")
            continue
        line = (
            "built in"
            if i is None
            else f"{i.train + i.test} images, " + (f"{len(i.class_names)} classes" if i.labelled else "unlabelled")
        )
        print(f"{name}\t{line}")


def cmd_info(a):
    """The model's facts as strict JSON, after validating the whole folder (store.load: meta.json,
    latent.npz, model.keras's graph and weights), so exit 0 means the app can open it."""
    from model.folders import store
    from model.folders.check import json_safe

    bundle = store.load(a.model)
    meta = bundle.meta
    keys = ("name", "params", "config", "dataset", "epochs", "val_loss", "test_bce", "created")
    out = {k: meta.get(k) for k in keys}
    out["name"] = bundle.name
    out["val_loss"] = meta["val_loss"][-1] if meta["val_loss"] else None
    h = bundle.history  # history.npz: how many snapshots of how many test digits, or null
    out["history"] = {"snapshots": len(h["t"]), "digits": len(h["index"])} if h is not None else None
    print(json.dumps(json_safe(out), allow_nan=False))


def cmd_encode(a):
    from model.folders import store
    from model.images.placement import place
    from model.images.preprocess import ImageError, read_file

    if not 1 <= a.k <= MAX_K:
        raise CliError(f"--k must be between 1 and {MAX_K}")
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

    from model.folders import store
    from model.folders.store import write_file_atomic
    from model.images.pixels import to_uint8

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


def cmd_export(a):
    from model.folders import store
    from model.folders.check import check_folder
    from model.folders.export import FORMATS, export

    if Path(a.out).suffix.lower() not in FORMATS:
        raise CliError(f"{a.out}: the output must be a .csv or .npz file")
    path = Path(a.model) if a.model else store.default_model_dir()
    _, latent = check_folder(path)  # the one validator: meta.json, then latent.npz
    print(export(latent, a.out))


def cmd_import(a):
    from model.folders.importer import import_file
    from model.folders.keras_file import MAX_FILE

    path = Path(a.file)
    if not path.is_file():
        raise CliError(f"{a.file}: no such file")
    if path.stat().st_size > MAX_FILE:
        raise CliError(f"{a.file}: {path.stat().st_size / 2**20:.0f} MB; the limit is {MAX_FILE // 2**20} MB")
    out = import_file(path.read_bytes(), None, a.name, a.dataset, a.overwrite,
                      on_progress=lambda text, fraction: print(f"{text}…", file=sys.stderr, flush=True))  # fmt: skip
    print(f"imported {a.name} into {out.parent}")


def main(argv=None) -> int:
    a = parse_args(argv)
    from model.data import DataError
    from model.folders.keras_file import ImportRefused
    from model.folders.library import LibraryError
    from model.folders.store import ModelError
    from model.images.preprocess import ImageError
    from model.net.config import ConfigError

    try:
        commands = {
            "train": cmd_train,
            "info": cmd_info,
            "encode": cmd_encode,
            "decode": cmd_decode,
            "export": cmd_export,
            "dataset": cmd_dataset,
            "import": cmd_import,
        }
        commands[a.command](a)
    except ModelError as e:  # its messages name the file by role; say which model folder was meant
        where = getattr(a, "model", None) or ("the default model" if a.command not in ("train", "import") else "")
        print(f"error: {where}: {e}" if where else f"error: {e}", file=sys.stderr)
        return 2
    except (CliError, ConfigError, DataError, ImageError, ImportRefused, LibraryError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # e.g. an --out folder that cannot be written
        print(f"error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0
