"""Read a user's data set as it arrives, before conversion: an .npz here, a folder of class subfolders or a
zip of one in folders.py.

    raw = registry.read(path)   # or folders.read_zip_bytes(data), read_npz(BytesIO(data), ...) for an upload
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
from pathlib import Path

import numpy as np

from model.datasets import bounds
from model.datasets.bounds import DataSetError

log = logging.getLogger(__name__)

File = tuple[str, Callable[[], bytes]]  # (name shown in messages, reads the file's bytes)
KERAS = ("x_train", "y_train", "x_test", "y_test")


@dataclass
class Part:
    images: np.ndarray | list[File]
    y: np.ndarray | None  # int64 (N,), or None when unlabelled


@dataclass
class Raw:
    train: Part
    test: Part | None  # None: hold out a split
    class_names: tuple[str, ...] | None  # None: unlabelled


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
