"""The data sets by name: MNIST and Fashion-MNIST, plus each set a user adds, converted once and stored.

    registry.add("photos/", "shoes")       # read, convert to 28 x 28, split, store <folder>/shoes.npz
    registry.names()                        # ["mnist", "fashion-mnist", "shoes", ...]
    registry.load("shoes")                  # ((x_train, y_train), (x_test, y_test)), uint8, validated
    registry.class_names("shoes")

The folder is $LATENT_EXPLORER_DATASETS (model/settings.py). A stored set is one .npz (written
atomically, so a failed add leaves nothing) holding x_train, y_train, x_test, y_test (uint8,
N x 28 x 28 and N), class_names, name, labelled and checksum (model.data.checksum of the four arrays,
which is also what a model trained on all of it records as data_checksum).
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model import data as data_mod
from model.datasets import bounds, convert, readers
from model.datasets.bounds import BUILTIN, DataSetError
from model.folders.atomic import write_file_atomic
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


def names() -> list[str]:
    """The built-in sets, then the user's by name."""
    found = (
        sorted(p.stem for p in folder().glob("*.npz") if bounds.NAME_RE.fullmatch(p.stem)) if folder().is_dir() else []
    )
    return [*BUILTIN, *(n for n in found if n.lower() not in BUILTIN)]


def exists(name: str) -> bool:
    return name in BUILTIN or (bool(bounds.NAME_RE.fullmatch(name)) and path(name).is_file())


def add(source: str | Path | bytes, name: str, overwrite: bool = False, npz: bool = False) -> Info:
    """Read `source` (a path, or an upload's bytes: a zip, or an .npz if `npz`), convert, split and store it
    as `name`; DataSetError if refused, and then nothing is written."""
    target = path(name)
    if target.exists() and not overwrite:
        raise DataSetError(f"A data set named {name} exists already; choose another name.")
    if isinstance(source, bytes):
        raw = readers.read_npz(io.BytesIO(source), "The upload") if npz else readers.read_zip_bytes(source)
    else:
        raw = readers.read(source)
    arrays, class_names, labelled, skipped = build(raw)
    checksum = data_mod.checksum(*arrays)
    stored = dict(zip(KEYS[:4], arrays, strict=True))
    stored.update(class_names=np.array(class_names), name=np.array(name), labelled=np.array(labelled))
    write_file_atomic(target, lambda f: np.savez(f, **stored, checksum=np.array(checksum)))
    return Info(name, class_names, labelled, checksum, len(arrays[0]), len(arrays[2]), skipped)


def build(raw: readers.Raw) -> tuple[tuple[np.ndarray, ...], tuple[str, ...], bool, list[tuple[str, str]]]:
    """Converted (x_train, y_train, x_test, y_test), class names, labelled, skipped files."""
    parts = [raw.train] + ([raw.test] if raw.test else [])
    labelled = raw.train.y is not None
    names = raw.class_names or (
        tuple(str(k) for k in range(int(max(p.y.max() for p in parts)) + 1)) if labelled else (bounds.UNLABELLED,)
    )
    if labelled:
        bounds.check_labels(np.concatenate([p.y for p in parts]), names)  # before minutes of converting
    total = sum(len(p.images) for p in parts)
    bounds.check_count(total)
    xs, ys, skipped = [], [], []
    for p in parts:
        if isinstance(p.images, np.ndarray):
            x, ok = convert.convert_array(p.images), np.ones(len(p.images), bool)
        else:
            x, ok, failed = convert.convert_files(p.images)
            skipped += failed
        xs.append(x)
        ys.append(p.y[ok] if labelled else np.zeros(len(x), np.int64))
    bounds.check_failures(skipped, total)
    if labelled:
        bounds.check_labels(np.concatenate(ys), names)  # again: skipped files may leave a class short
    elif sum(len(x) for x in xs) < bounds.MIN_PER_CLASS:
        raise DataSetError(f"The data set has fewer than {bounds.MIN_PER_CLASS} images.")
    if raw.test is None:
        test = split(ys[0], labelled)
        keep = np.setdiff1d(np.arange(len(ys[0])), test)
        xs, ys = [xs[0][keep], xs[0][test]], [ys[0][keep], ys[0][test]]
    arrays = (xs[0], ys[0].astype(np.uint8), xs[1], ys[1].astype(np.uint8))
    return arrays, names, labelled, skipped


def split(y: np.ndarray, labelled: bool, seed: int = 0) -> np.ndarray:
    """Sorted indices of a TEST_SHARE test split: per class when labelled, so each class keeps its share."""
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == k) for k in np.unique(y)] if labelled else [np.arange(len(y))]
    test = [rng.permutation(g)[: max(1, round(bounds.TEST_SHARE * len(g)))] for g in groups]
    return np.sort(np.concatenate(test))


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


__all__ = ["Info", "add", "class_names", "exists", "info", "load", "names", "path", "preview"]
