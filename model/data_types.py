"""What every data set shares, built in or the user's own: the error, the arrays' shape, the built-in
sets' names and class names, where Keras keeps them, and the checksum a model records.

It lives apart from model/data.py because model/data.py hands a user's data set to model/datasets/,
which needs these too: a module that imports nothing else of model/ but its settings keeps that from being an import cycle
(model/download.py needs these too, and model/data.py calls it).
model/data.py re-exports every name here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from model.settings import settings

MNIST_CLASSES = tuple(str(i) for i in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
CLASS_NAMES = {"mnist": MNIST_CLASSES, "fashion-mnist": FASHION_CLASSES}
LABELS = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}  # as people write them

# ((x_train, y_train), (x_test, y_test)): x N x 28 x 28 uint8, y N labels
Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class DataError(RuntimeError):
    """The data set is missing or malformed; the message names the path and the fix."""


def checksum(*arrays: np.ndarray) -> str:
    """sha256 of the arrays' bytes: which data a model was trained on."""
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).reshape(-1).view(np.uint8))  # the bytes tobytes() gives, without a copy
    return h.hexdigest()


def keras_cache_path(name: str = "mnist") -> Path:
    """Where Keras's download keeps a data set: a mnist.npz file, or Fashion-MNIST's folder of .gz idx files."""
    return settings().keras_home / "datasets" / ("fashion-mnist" if name == "fashion-mnist" else "mnist.npz")
