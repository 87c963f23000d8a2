"""Hostile model folders (issue 12 items 1-4 and more), shared by tests/test_hostile.py and
bench/hostile_models.py. Each case turns a copy of the shipped model folder into something an
attacker or a careless user could hand the app; every one must be refused with a ModelError.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "assets" / "models" / "default"
GiB = 2**30


def copy_shipped(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for f in ("model.keras", "meta.json", "latent.npz"):
        shutil.copyfile(SHIPPED / f, dest / f)
    return dest


def edit_meta(folder: Path, text_or_change) -> None:
    if isinstance(text_or_change, dict):
        meta = json.loads((folder / "meta.json").read_text())
        text_or_change = json.dumps({**meta, **text_or_change}).replace("Infinity", "1e999")
    (folder / "meta.json").write_text(text_or_change)


def edit_config(folder: Path, **changes) -> None:
    meta = json.loads((folder / "meta.json").read_text())
    edit_meta(folder, {"config": {**meta["config"], **changes}})


def edit_latent(folder: Path, **changes) -> None:
    with np.load(folder / "latent.npz") as f:
        latent = {k: f[k] for k in f.files}
    latent.update(changes)
    (folder / "latent.npz").unlink()
    np.savez(folder / "latent.npz", **{k: v for k, v in latent.items() if v is not None})


def zip_bomb_member(path: Path, keep_from: Path | None, name: str, size: int) -> None:
    """A zip holding `keep_from`'s members except `name`, and `name` as `size` zero bytes, deflated."""
    members = {}
    if keep_from is not None:
        with zipfile.ZipFile(keep_from) as z:
            members = {i.filename: z.read(i) for i in z.infolist() if i.filename != name}
    tmp = path.with_suffix(".building")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for n, data in members.items():
            z.writestr(n, data)
        chunk = b"\0" * 2**24
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo's default is STORED
        with z.open(info, "w", force_zip64=True) as f:
            for _ in range(size // len(chunk)):
                f.write(chunk)
    os.replace(tmp, path)


def keras_config_edit(folder: Path, edit) -> None:
    """Rewrite model.keras's config.json through `edit(config_dict)`."""
    path = folder / "model.keras"
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    cfg = json.loads(members["config.json"])
    edit(cfg)
    members["config.json"] = json.dumps(cfg).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)


def keras_weights_edit(folder: Path, edit) -> None:
    """Rewrite model.keras's model.weights.h5 through `edit(h5py.File)`."""
    import io

    import h5py

    path = folder / "model.keras"
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    buf = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buf, "r+") as f:
        edit(f)
    members["model.weights.h5"] = buf.getvalue()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)


def external_weights(f) -> None:
    """The first kernel's bytes come from a file on the server (what /etc/passwd holds), not the model."""
    del f["layers/dense/vars/0"]
    f.create_dataset("layers/dense/vars/0", (784, 512), "f4", external=[("/etc/passwd", 0, 784 * 512 * 4)])


def soft_link_weights(f) -> None:
    import h5py

    del f["layers/dense_7/vars/1"]
    f["layers/dense_7/vars/1"] = h5py.SoftLink("/layers/dense_6/vars/1")


def nan_weights(f) -> None:
    f["layers/dense_4/vars/1"][0] = np.nan


def swapped_weights(f) -> None:
    """Two layers' kernels of the same size swapped in name: shapes no longer chain."""
    f.move("layers/dense_1", "layers/tmp")
    f.move("layers/dense_6", "layers/dense_1")
    f.move("layers/tmp", "layers/dense_6")


def activation(name: str):
    def edit(cfg) -> None:
        next(x for x in cfg["config"]["layers"] if x["class_name"] == "Dense")["config"]["activation"] = name

    return edit


def dangling_dense(cfg) -> None:
    """A Dense layer off the path from image to reconstruction (Keras would keep it, unused)."""
    layers = cfg["config"]["layers"]
    extra = json.loads(json.dumps(next(x for x in layers if x["name"] == "dec_0")))
    extra["name"] = extra["config"]["name"] = "spare"
    layers.append(extra)


def lambda_layer(cfg) -> None:
    layers = cfg["config"]["layers"]
    dense = next(x for x in layers if x["class_name"] == "Dense")
    dense["class_name"] = "Lambda"
    dense["config"] = {"name": dense["config"]["name"], "function": {"class_name": "__lambda__", "config": {"code": "print('pwned')"}}}  # fmt: skip


def huge_dense(cfg) -> None:
    for x in cfg["config"]["layers"]:
        if x["class_name"] == "Dense" and x["config"]["name"].startswith("enc_"):
            x["config"]["units"] = 65536


def pickled_latent(folder: Path) -> None:
    with np.load(folder / "latent.npz") as f:
        latent = {k: f[k] for k in f.files}
    latent["z_train"] = np.array([object()] * 3, dtype=object)
    np.savez(folder / "latent.npz", **latent)


def big_factory(size: int):
    """The cases; `size` is how big the bombs inflate (1 GiB in the benchmark, less in tests)."""
    deep = "[" * 100_000 + "]" * 100_000
    return {
        # item 2: meta.json values that broke pages
        "meta: created is a number": lambda d: edit_meta(d, {"created": 12345}),
        "meta: test_bce is a string": lambda d: edit_meta(d, {"test_bce": "x"}),
        "meta: hidden [1e999]": lambda d: edit_config(d, hidden=[float("inf")]),
        "meta: nested 100,000 deep": lambda d: edit_meta(d, deep),
        "meta: a 5,000-digit int": lambda d: edit_meta(d, '{"config": {}, "epochs": ' + "9" * 5000 + "}"),
        # item 4: the CLI on broken folders
        "meta: symlink to /dev/zero": lambda d: ((d / "meta.json").unlink(), (d / "meta.json").symlink_to("/dev/zero")),
        "meta: a FIFO": lambda d: ((d / "meta.json").unlink(), os.mkfifo(d / "meta.json")),
        "meta: 50 MB of spaces": lambda d: edit_meta(d, " " * 50_000_000 + "{}"),
        "meta: beta inf": lambda d: edit_config(d, beta=float("inf")),
        "meta: subset inf": lambda d: edit_config(d, subset=float("inf")),
        "keras: Lambda layer": lambda d: keras_config_edit(d, lambda_layer),
        "keras: symlink to /etc/passwd": lambda d: ((d / "model.keras").unlink(), (d / "model.keras").symlink_to("/etc/passwd")),
        "keras: Dense of 65,536 units": lambda d: keras_config_edit(d, huge_dense),
        # issue 19: what the NumPy reader of model.keras must refuse as strictly as Keras's safe mode
        "keras: weights read from /etc/passwd": lambda d: keras_weights_edit(d, external_weights),
        "keras: weights a soft link": lambda d: keras_weights_edit(d, soft_link_weights),
        "keras: NaN weights": lambda d: keras_weights_edit(d, nan_weights),
        "keras: weights of two layers swapped": lambda d: keras_weights_edit(d, swapped_weights),
        "keras: a selu activation": lambda d: keras_config_edit(d, activation("selu")),
        "keras: a leaky_relu slope that is not a number": lambda d: keras_config_edit(d, activation("leaky_relu:x")),
        "keras: a Dense layer off the graph": lambda d: keras_config_edit(d, dangling_dense),
        # item 3: a zip bomb inside the model
        f"keras: config.json inflates to {size / 2**20:,.0f} MB": lambda d: zip_bomb_member(d / "model.keras", d / "model.keras", "config.json", size),
        f"keras: weights inflate to {size / 2**20:,.0f} MB": lambda d: zip_bomb_member(d / "model.keras", d / "model.keras", "model.weights.h5", size),
        f"latent: z_train inflates to {size / 2**20:,.0f} MB": lambda d: zip_bomb_member(d / "latent.npz", d / "latent.npz", "z_train.npy", size),
        "latent: pickled object array": pickled_latent,
        "latent: missing": lambda d: (d / "latent.npz").unlink(),
        "latent: zero encodings": lambda d: edit_latent(d, z_train=np.zeros((0, 2), np.float32), y_train=np.zeros(0, np.uint8)),
        "latent: labels of 10^12": lambda d: edit_latent(d, y_test=np.full(10000, 10**12, np.int64)),
        "latent: NaN encodings": lambda d: edit_latent(d, z_test=np.full((10000, 2), np.nan, np.float32)),
        "latent: 3-D encodings": lambda d: edit_latent(d, z_train=np.zeros((60000, 3), np.float32)),
        "folder: model.keras is a folder": lambda d: ((d / "model.keras").unlink(), (d / "model.keras").mkdir()),
    }  # fmt: skip


def make(case: str, dest: Path, size: int = GiB) -> Path:
    folder = copy_shipped(dest)
    big_factory(size)[case](folder)
    return folder
