"""Input pipeline: find, read and validate MNIST or Fashion-MNIST.

Both data sets are searched for in the same order:
  1. the `source` argument, else the data set's variable ($LATENT_EXPLORER_DATA for MNIST,
     $LATENT_EXPLORER_FASHION for Fashion-MNIST): a Keras-layout .npz, or a folder holding
     mnist.npz or the four idx files (.gz or not);
  2. Keras's cache (settings().keras_home): datasets/mnist.npz, datasets/fashion-mnist/;
  3. Fashion-MNIST only: Debian's dataset-fashion-mnist package (settings().debian_fashion);
  4. with download=True only (training, the tests): model/download.py fetches Keras's files into
     Keras's cache, without Keras. The server never downloads here: its pages start
     model/fetch_jobs.py in the background instead. Nothing on these paths imports TensorFlow.
"""

from __future__ import annotations

import gzip
import logging
import os
from pathlib import Path

import numpy as np

from model.data_types import (
    CLASS_NAMES,
    FASHION_CLASSES,
    LABELS,
    MNIST_CLASSES,
    Arrays,
    DataError,
    checksum,
    keras_cache_path,
)  # fmt: skip
from model.settings import DEBIAN_FASHION, settings

# re-exported from model/data_types.py
__all__ = [
    "CLASS_NAMES",
    "FASHION_CLASSES",
    "LABELS",
    "MNIST_CLASSES",
    "Arrays",
    "DataError",
    "checksum",
    "keras_cache_path",
]
log = logging.getLogger(__name__)

ENV_VAR = "LATENT_EXPLORER_DATA"
FASHION_ENV_VAR = "LATENT_EXPLORER_FASHION"
FASHION_DIR = DEBIAN_FASHION  # the default of settings().debian_fashion
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
FIX = f"set {ENV_VAR} (MNIST) or {FASHION_ENV_VAR} (Fashion-MNIST) to a .npz in Keras's layout or a folder of idx files"


def validate(arrays: dict[str, np.ndarray], where: str, classes: int = 10) -> Arrays:
    """Check shapes, dtypes, label range (0..classes-1) and counts; return ((x_train, y_train), (x_test, y_test))."""
    for key in IDX_NAMES:
        if key not in arrays:
            raise DataError(f"{where}: missing array '{key}'; {FIX}")
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.dtype != np.uint8 or y.dtype != np.uint8:
            raise DataError(f"{where}: x_{split}/y_{split} must be uint8, got {x.dtype}/{y.dtype}; {FIX}")
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataError(f"{where}: x_{split} must be N x 28 x 28, got {x.shape}; {FIX}")
        if y.ndim != 1:
            raise DataError(f"{where}: y_{split} must be 1-D, got shape {y.shape}; {FIX}")
        if len(x) != len(y):
            raise DataError(f"{where}: x_{split} has {len(x)} images but y_{split} {len(y)} labels; {FIX}")
        if len(x) == 0:
            raise DataError(f"{where}: x_{split} is empty; {FIX}")
        if y.max() >= classes:
            raise DataError(f"{where}: y_{split} has label {int(y.max())}, outside 0-{classes - 1}; {FIX}")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def read_npz(path: Path) -> Arrays:
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; {FIX}") from None
    except Exception:  # zip errors, pickled arrays, truncated files
        log.warning("%s: not a readable .npz", path, exc_info=True)
        raise DataError(f"{path}: not a readable .npz; {FIX}") from None
    return validate(arrays, str(path))


def read_idx(path: Path) -> np.ndarray:
    """One idx file (optionally gzipped): magic 0x00 0x00 0x08 ndim, then big-endian dims."""
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            raw = f.read()
    except Exception:  # OSError, EOFError (truncated gzip), zlib.error (corrupt gzip)
        log.warning("%s: cannot read", path, exc_info=True)
        raise DataError(f"{path}: cannot read it (damaged or truncated); {FIX}") from None
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise DataError(f"{path}: not an idx file of unsigned bytes; {FIX}")
    ndim = raw[3]
    if ndim == 0 or len(raw) < 4 + 4 * ndim:
        raise DataError(f"{path}: idx header is truncated or declares {ndim} dimensions; {FIX}")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise DataError(f"{path}: header says {dims} but holds {body.size} bytes; {FIX}")
    return body.reshape(dims)


def find_idx(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def read_idx_folder(folder: Path) -> Arrays:
    arrays = {}
    for key, stem in IDX_NAMES.items():
        path = find_idx(folder, stem)
        if path is None:
            raise DataError(f"{folder}: no {stem}[.gz] here; {FIX}")
        arrays[key] = read_idx(path)
    return validate(arrays, str(folder))


def read_source(source: str | os.PathLike) -> Arrays:
    """An explicit source: a .npz file or a folder with mnist.npz or idx files."""
    path = Path(source).expanduser()
    if path.is_dir():
        if (path / "mnist.npz").is_file():
            return read_npz(path / "mnist.npz")
        return read_idx_folder(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder; {FIX}")
    return read_npz(path)


def local_sources(name: str) -> list[Path]:
    """Places on disk searched after the variable, in order: Keras's cache, then (Fashion-MNIST) Debian's package."""
    return [keras_cache_path(name)] + ([settings().debian_fashion] if name == "fashion-mnist" else [])


def complete(path: Path) -> bool:
    """A file, or a folder with all four idx files: a half-finished download is passed over, not an error."""
    return path.is_file() or (path.is_dir() and all(find_idx(path, stem) for stem in IDX_NAMES.values()))


def variable_source(name: str) -> str | None:
    """The data set's variable ($LATENT_EXPLORER_DATA or $LATENT_EXPLORER_FASHION), or None."""
    return settings().fashion if name == "fashion-mnist" else settings().data


def find_source(name: str) -> Path | None:
    """The file or folder load_dataset(name) reads without downloading; None when there is none."""
    if variable := variable_source(name):
        return Path(variable).expanduser()
    return next((path for path in local_sources(name) if complete(path)), None)


def missing(name: str) -> DataError:
    env = FASHION_ENV_VAR if name == "fashion-mnist" else ENV_VAR
    places = ", ".join(str(p) for p in local_sources(name))
    hint = "; or apt-get install dataset-fashion-mnist" if name == "fashion-mnist" else ""
    return DataError(f"{LABELS[name]} is not in {env}, nor in {places}; {FIX}, or download it{hint}")


def load_dataset(name: str = "mnist", source: str | os.PathLike | None = None, download: bool = False) -> Arrays:
    """((x_train, y_train), (x_test, y_test)) as uint8, x N x 28 x 28; raises DataError.

    `source` (else the data set's variable) is used alone when given: a wrong path is an error,
    never a silent fall back to another copy. download=True fetches Keras's files when nothing is
    on disk (model/download.py: plain HTTPS, checked, no TensorFlow).
    """
    if name not in CLASS_NAMES:  # a user's data set, as stored (model/datasets/stored.py)
        from model.datasets import stored

        return stored.load(name)
    found = source or find_source(name)
    if found:
        return read_source(found)
    if not download:
        raise missing(name)
    from model import download as fetching  # the network only here

    fetching.fetch(name)
    return read_source(keras_cache_path(name))


def to_float(x: np.ndarray) -> np.ndarray:
    """uint8 N x 28 x 28 -> float32 N x 784 in [0, 1]."""
    return (x.reshape(len(x), -1).astype(np.float32)) / 255.0
