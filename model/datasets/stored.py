"""A user's data set as stored: one .npz per name in $LATENT_EXPLORER_DATASETS, read back bounded and checked.

Keys: x_train, y_train, x_test, y_test (uint8, N x 28 x 28 and N), class_names, name, labelled and
checksum (model.data.checksum of the four arrays). registry.py writes them; this module reads them.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model import data_types as data_mod
from model.datasets import bounds
from model.datasets.bounds import BUILTIN, DataSetError
from model.settings import settings

log = logging.getLogger(__name__)

KEYS = ("x_train", "y_train", "x_test", "y_test", "class_names", "name", "labelled", "checksum")
STORED_MAX = 28 * 28 * bounds.MAX_IMAGES + 2**24  # bytes a stored set may unpack to


@dataclass
class Info:
    name: str
    class_names: tuple[str, ...]
    labelled: bool
    checksum: str
    train: int
    test: int
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why) left out when it was added


def folder() -> Path:
    return settings().datasets


def path(name: str) -> Path:
    return folder() / f"{bounds.check_name(name)}.npz"


def read_stored(name: str) -> dict[str, np.ndarray]:
    """The stored .npz's arrays, bounded and checked; DataSetError naming what is wrong."""
    if name in BUILTIN:
        raise DataSetError(f"{name} is a built-in data set.")
    p = path(name)
    if not p.is_file():
        raise DataSetError(
            f"The data set {name} is not on this machine; add it with `python -m model dataset add PATH --name {name}`."
        )
    damaged = f"The stored data set {name} is damaged; add it again."
    try:
        with zipfile.ZipFile(p) as z:
            if sum(i.file_size for i in z.infolist()) > STORED_MAX:
                raise DataSetError(damaged)
        with np.load(p, allow_pickle=False) as f:
            a = {k: f[k] for k in KEYS}
    except DataSetError:
        raise
    except Exception:  # a missing key, a truncated file, a pickled array
        log.info("%s: unreadable", p, exc_info=True)
        raise DataSetError(damaged) from None
    ok = (
        a["class_names"].ndim == 1
        and a["class_names"].dtype.kind == "U"
        and 1 <= len(a["class_names"]) <= bounds.MAX_CLASSES
    )
    for s in ("train", "test"):
        x, y = a[f"x_{s}"], a[f"y_{s}"]
        ok = ok and x.dtype == np.uint8 and x.ndim == 3 and x.shape[1:] == (28, 28) and y.dtype == np.uint8
        ok = ok and y.shape == (len(x),) and len(x) > 0 and int(y.max()) < len(a["class_names"])
    if not ok or str(a["checksum"]) != data_mod.checksum(*(a[k] for k in KEYS[:4])):
        raise DataSetError(damaged)
    return a


def load(name: str) -> data_mod.Arrays:
    a = read_stored(name)
    return (a["x_train"], a["y_train"]), (a["x_test"], a["y_test"])


def info(name: str) -> Info:
    if name in BUILTIN:
        return Info(name, data_mod.CLASS_NAMES[name], True, "", 60000, 10000)
    a = read_stored(name)
    return Info(name, class_names(name), bool(a["labelled"]), str(a["checksum"]), len(a["y_train"]), len(a["y_test"]))


def class_names(name: str) -> tuple[str, ...]:
    """A set's class names; reads only that array of a stored set (no checksum: cheap for every page)."""
    if name in BUILTIN:
        return data_mod.CLASS_NAMES[name]
    try:
        with np.load(path(name), allow_pickle=False) as f:
            return tuple(str(v) for v in f["class_names"].tolist())
    except Exception:
        log.info("class names of %s unreadable", name, exc_info=True)
        raise DataSetError(f"The data set {name} is not on this machine or is damaged.") from None


def checksum(name: str) -> str:
    """The stored set's recorded checksum, read alone ("" when it is missing or unreadable)."""
    try:
        with np.load(path(name), allow_pickle=False) as f:
            return str(f["checksum"])
    except Exception:
        return ""


def preview(name: str, n: int = 64) -> np.ndarray:
    """Up to n converted training images, uint8 (n, 28, 28), spread over the set (the Train page's grid)."""
    x = load(name)[0][0]
    return x[np.linspace(0, len(x) - 1, min(n, len(x))).astype(int)]
