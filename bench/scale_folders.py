"""bench/scale_browser.py's folders for N points: the first N generated digits stored as a data set (the
registry's stored form, model/datasets/stored.py) and a copy of the shipped model folder trained on them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from model.data import checksum
from model.folders import store


def folders(tmp: Path, n: int, x, y, test, z, quality) -> Path:
    """A stored data set `scale<n>` and a model folder trained on it (the shipped one's weights)."""
    name = f"scale{n}"
    arrays = (x[:n], y[:n], *test)
    digest = checksum(*arrays)
    stored = dict(zip(("x_train", "y_train", "x_test", "y_test"), arrays, strict=True))
    classes = np.array([str(k) for k in range(10)])
    np.savez(tmp / "datasets" / f"{name}.npz", **stored, class_names=classes, name=np.array(name),
             labelled=np.array(True), checksum=np.array(digest))  # fmt: skip
    model = tmp / name
    shutil.copytree(store.SHIPPED, model)
    with np.load(store.SHIPPED / "latent.npz") as f:
        latent = dict(f)
    np.savez(model / "latent.npz", **{**latent, "z_train": z[:n], "y_train": y[:n]})
    tile = np.arange(n) % len(quality["agree_train"])  # the copies inherit their originals' measures
    np.savez_compressed(model / "quality.npz", **{**quality, "agree_train": quality["agree_train"][tile],
                        "error_train": quality["error_train"][tile]})  # fmt: skip
    meta = json.loads((model / "meta.json").read_text())
    meta["config"]["dataset"] = meta["dataset"] = name
    meta.update(data_checksum=digest, dataset_checksum=digest, class_names=classes.tolist())
    (model / "meta.json").write_text(json.dumps(meta, indent=1))
    return model
