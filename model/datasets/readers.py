"""Read a user's data set as it arrives, before conversion: an .npz, a folder of class subfolders, or a zip of one.

    raw = read(path)            # or read_zip_bytes(data) for an upload
    raw.train.images            # uint8 N x H x W [x C] array (an .npz), or a list of (name, read bytes) files
    raw.class_names             # None: unlabelled

Sizes are checked from headers before anything is inflated (bounds.py); a zip goes through the
model zip's member check and capped reads (model/folders/modelzip.py). Only DataSetError leaves here.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from model.datasets import bounds
from model.datasets.bounds import DataSetError
from model.folders import modelzip
from model.images.preprocess import MAX_BYTES

log = logging.getLogger(__name__)

File = tuple[str, Callable[[], bytes]]  # (name shown in messages, reads the file's bytes)
KERAS = ("x_train", "y_train", "x_test", "y_test")
JUNK = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")
MAX_RATIO = 200  # inflated / compressed for one zip member: a blank PNG deflates well, a bomb far better


@dataclass
class Part:
    images: np.ndarray | list[File]
    y: np.ndarray | None  # int64 (N,), or None when unlabelled


@dataclass
class Raw:
    train: Part
    test: Part | None  # None: hold out a split
    class_names: tuple[str, ...] | None  # None: unlabelled


def read(path: str | Path) -> Raw:
    path = Path(path).expanduser()
    shown = path.name or str(path)
    if path.is_dir():
        return read_folder(path)
    if not path.is_file():
        raise DataSetError(f"{shown}: no such file or folder.")
    if path.suffix.lower() == ".npz":
        return read_npz(path, shown)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return read_zip(z)
    raise DataSetError(f"{shown} is not an .npz, a .zip or a folder with one subfolder of images per class.")


# --- .npz --------------------------------------------------------------------------------------


def read_npz(path: Path | io.BytesIO, shown: str) -> Raw:
    try:
        with zipfile.ZipFile(path) as z:
            bounds.check_bytes(sum(i.file_size for i in z.infolist()))
        if isinstance(path, io.BytesIO):
            path.seek(0)  # np.load reads the magic number from where the zip check left the stream
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except DataSetError:
        raise
    except ValueError:  # object arrays need pickle, which is never allowed
        raise DataSetError(f"{shown} holds Python objects (pickled arrays), which are never loaded.") from None
    except Exception:  # zip errors, truncated files
        log.info("%s: unreadable .npz", path, exc_info=True)
        raise DataSetError(f"{shown} is not a readable .npz file.") from None
    names = class_names_of(arrays.get("class_names"), shown)
    if "x" in arrays:
        x = images_of(arrays["x"], "x")
        y = labels_of(arrays.get("y"), len(x), "y")
        return Raw(Part(x, y), None, names if y is not None else None)
    if all(k in arrays for k in KERAS):
        train = Part(images_of(arrays["x_train"], "x_train"), None)
        test = Part(images_of(arrays["x_test"], "x_test"), None)
        train.y = labels_of(arrays["y_train"], len(train.images), "y_train")
        test.y = labels_of(arrays["y_test"], len(test.images), "y_test")
        return Raw(train, test, names)
    raise DataSetError(f"{shown} has no array named x (nor Keras's x_train, y_train, x_test and y_test).")


def images_of(x: np.ndarray, key: str) -> np.ndarray:
    """N x H x W or N x H x W x C (C = 1, 3 or 4), uint8 or float in [0, 1] -> uint8 of the same shape."""
    ok = x.ndim == 3 or (x.ndim == 4 and x.shape[3] in (1, 3, 4))
    if not ok or min(x.shape[1:3], default=0) < 1:
        raise DataSetError(f"Array {key} must be N x H x W or N x H x W x C with 1, 3 or 4 channels; it is {x.shape}.")
    bounds.check_count(len(x))
    if x.dtype == np.uint8:
        return x
    if x.dtype.kind != "f":
        raise DataSetError(f"Array {key} must be uint8 or floats in [0, 1]; it is {x.dtype}.")
    if not np.isfinite(x).all() or x.min() < 0 or x.max() > 1:
        raise DataSetError(f"Array {key} holds floats outside [0, 1].")
    return np.rint(x * 255).astype(np.uint8)


def labels_of(y: np.ndarray | None, n: int, key: str) -> np.ndarray | None:
    if y is None:
        return None
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise DataSetError(f"Array {key} must be one whole-number label per image.")
    if len(y) != n:
        raise DataSetError(f"Array {key} has {len(y)} labels for {n} images.")
    return y.astype(np.int64)


def class_names_of(a: np.ndarray | None, shown: str) -> tuple[str, ...] | None:
    if a is None:
        return None
    if a.ndim != 1 or a.dtype.kind not in "US":
        raise DataSetError(f"{shown}: class_names must be a one-dimensional array of strings.")
    return bounds.check_class_names(v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in a.tolist())


# --- a folder, or a zip of one, with one subfolder per class -----------------------------------


def visible(name: str) -> bool:
    return not name.startswith(".") and name not in JUNK


def read_folder(root: Path) -> Raw:
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and visible(p.name))
    files: dict[str, list[Path]] = {
        c.name: sorted(f for f in c.iterdir() if f.is_file() and not f.is_symlink() and visible(f.name))
        for c in classes
    }
    total = sum(len(v) for v in files.values())
    if classes:
        bounds.check_count(total)
    bounds.check_bytes(sum(f.stat().st_size for v in files.values() for f in v))
    return labelled({name: [(f"{name}/{f.name}", reader(f)) for f in fs] for name, fs in files.items()}, root.name)


def reader(path: Path) -> Callable[[], bytes]:
    def read_bytes() -> bytes:
        with open(path, "rb") as f:
            return f.read(MAX_BYTES + 1)  # open_image refuses more, naming the limit

    return read_bytes


def read_zip_bytes(data: bytes) -> Raw:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataSetError("That file is not a zip archive.") from None
    return read_zip(z)


def read_zip(z: zipfile.ZipFile) -> Raw:
    """A zip of class folders, optionally inside one top folder; members checked as a model zip's are."""
    try:
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataSetError("The zip is damaged.") from None
    members = []
    for info in infos:
        problem = modelzip.member_problem(info)
        if problem:
            raise DataSetError(problem)
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if info.is_dir() or not all(visible(p) for p in parts):
            continue
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 2**20:
            raise DataSetError(
                f"The zip member '{info.filename}' inflates {info.file_size // max(info.compress_size, 1)} times; refused as a zip bomb."
            )
        members.append((parts, info))
    bounds.check_bytes(sum(i.file_size for _, i in members))
    top = {p[0] for p, _ in members}
    strip = 1 if len(top) == 1 and all(len(p) >= 3 for p, _ in members) else 0  # one folder around the classes
    classes: dict[str, list[File]] = {}
    for parts, info in members:
        parts = parts[strip:]
        if len(parts) > 2:
            raise DataSetError(f"The zip nests folders too deep ('{info.filename}'); it holds class/image files only.")
        if len(parts) == 2:
            classes.setdefault(parts[0], []).append((f"{parts[0]}/{parts[1]}", zip_reader(z, info)))
    if classes:
        bounds.check_count(sum(len(v) for v in classes.values()))
    return labelled(dict(sorted(classes.items())), "The zip")


def zip_reader(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read_bytes() -> bytes:
        try:
            return modelzip.read_capped(z, info, MAX_BYTES)
        except Exception:  # a lying header (LibraryError), a damaged member: this file fails, the rest go on
            log.info("zip member %s unreadable", info.filename, exc_info=True)
            return b""

    return read_bytes


def labelled(classes: dict[str, list[File]], shown: str) -> Raw:
    if not classes:
        raise DataSetError(f"{shown} has no class subfolders; put each class's images in a subfolder named after it.")
    names = bounds.check_class_names(classes)
    files = [f for fs in classes.values() for f in fs]
    y = np.concatenate([np.full(len(fs), k, np.int64) for k, fs in enumerate(classes.values())])
    return Raw(Part(files, y), None, names)
