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
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from model import data_types as data_mod
from model.datasets import bounds
from model.datasets.bounds import BUILTIN, DataSetError
from model.datasets.stored import KEYS, Info, checksum, class_names, folder, info, load, path, preview  # noqa: F401
from model.folders.atomic import write_file_atomic

if TYPE_CHECKING:
    from model.datasets.readers import Raw

log = logging.getLogger(__name__)


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
    from model.datasets import folders, readers  # here: a server that only reads sets never loads the decoders

    target = path(name)
    if target.exists() and not overwrite:
        raise DataSetError(f"A data set named {name} exists already; choose another name.")
    if isinstance(source, bytes):
        raw = readers.read_npz(io.BytesIO(source), "The upload") if npz else folders.read_zip_bytes(source)
    else:
        raw = read(source)
    arrays, class_names, labelled, skipped = build(raw)
    checksum = data_mod.checksum(*arrays)
    stored = dict(zip(KEYS[:4], arrays, strict=True))
    stored.update(class_names=np.array(class_names), name=np.array(name), labelled=np.array(labelled))
    write_file_atomic(target, lambda f: np.savez(f, **stored, checksum=np.array(checksum)))
    return Info(name, class_names, labelled, checksum, len(arrays[0]), len(arrays[2]), skipped)


def read(path: str | Path) -> Raw:
    """A data set at `path`, read but not converted: a folder or zip of class folders, or an .npz."""
    from model.datasets import folders, readers  # here: a server that only reads sets never loads the decoders

    path = Path(path).expanduser()
    shown = path.name or str(path)
    if path.is_dir():
        return folders.read_folder(path)
    if not path.is_file():
        raise DataSetError(f"{shown}: no such file or folder.")
    if path.suffix.lower() == ".npz":
        return readers.read_npz(path, shown)
    if zipfile.is_zipfile(path):
        return folders.read_zip(zipfile.ZipFile(path))  # left open: the files are read as they are converted
    raise DataSetError(f"{shown} is not an .npz, a .zip or a folder with one subfolder of images per class.")


def build(raw: Raw) -> tuple[tuple[np.ndarray, ...], tuple[str, ...], bool, list[tuple[str, str]]]:
    """Converted (x_train, y_train, x_test, y_test), class names, labelled, skipped files."""
    from model.datasets import convert

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


__all__ = ["Info", "add", "checksum", "class_names", "exists", "info", "load", "names", "path", "preview"]
