"""The limits a user's data set must keep, and the one-sentence error that says which it broke.

Every check raises DataSetError (a model.data.DataError, so the CLI and the pages already catch it)
with one plain sentence: no path beyond the name the user gave, no exception name.
"""

from __future__ import annotations

import numpy as np

from model.data_types import DataError
from model.net.config import DATASET_NAME as NAME_RE

MAX_IMAGES = 500_000
MAX_UNPACKED = 2 * 10**9  # bytes: the images as stored (files, zip members or .npz arrays)
MIN_CLASSES, MAX_CLASSES = 2, 64  # the plane's palette has MAX_CLASSES colours
MIN_PER_CLASS = 10
MAX_FAILED = 0.05  # share of files that may be undecodable before the whole set is refused
MAX_NAME = 64  # characters of a class name
TEST_SHARE = 0.1  # held out when the set gives no test split
UNLABELLED = "unlabelled"  # the one class of a set without labels
BUILTIN = ("mnist", "fashion-mnist")


class DataSetError(DataError):
    """A user's data set is refused; the message is one plain sentence."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise DataSetError(
            "A data set's name is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit."
        )
    if name.lower() in BUILTIN:
        raise DataSetError(f"The name {name} is taken by a built-in data set; choose another.")
    return name


def check_count(n: int) -> None:
    if n > MAX_IMAGES:
        raise DataSetError(f"The data set has {n:,} images; the limit is {MAX_IMAGES:,}.")
    if n == 0:
        raise DataSetError("The data set holds no images.")


def check_bytes(n: int) -> None:
    if n > MAX_UNPACKED:
        raise DataSetError(f"The data set unpacks to {n / 1e9:.1f} GB; the limit is {MAX_UNPACKED // 10**9} GB.")


def check_labels(y: np.ndarray, class_names: tuple[str, ...]) -> None:
    """Labels 0..K-1 with K = len(class_names) in 2..64, at least MIN_PER_CLASS images each."""
    k = len(class_names)
    if k < MIN_CLASSES:
        raise DataSetError(
            "The data set has one class only; a labelled set needs 2 to 64 classes (leave the labels out for an unlabelled set)."
        )
    if k > MAX_CLASSES:
        raise DataSetError(f"The data set has {k} classes; the limit is {MAX_CLASSES}.")
    if len(y) and (int(y.min()) < 0 or int(y.max()) >= k):
        bad = int(y.min()) if int(y.min()) < 0 else int(y.max())
        raise DataSetError(f"The data set has label {bad}, outside 0 to {k - 1} for its {k} classes.")
    counts = np.bincount(y.astype(np.int64), minlength=k)
    if counts.min() < MIN_PER_CLASS:
        c = int(np.argmin(counts))
        raise DataSetError(
            f"Class {class_names[c]} has {int(counts[c])} images; each class needs at least {MIN_PER_CLASS}."
        )


def check_class_names(names) -> tuple[str, ...]:
    out = tuple(str(n).strip() for n in names)
    if any(not n or len(n) > MAX_NAME or not n.isprintable() for n in out):
        raise DataSetError(f"Each class name must be 1 to {MAX_NAME} printable characters.")
    if len(set(out)) != len(out):
        raise DataSetError("Two classes have the same name.")
    return out


def check_failures(failed: list[tuple[str, str]], total: int) -> None:
    """Refuse the set when more than MAX_FAILED of its files could not be read as images."""
    if total and len(failed) > MAX_FAILED * total:
        shown = "; ".join(f"{name} ({why})" for name, why in failed[:3])
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
        raise DataSetError(
            f"{len(failed)} of {total} files could not be read as images, more than {MAX_FAILED:.0%} "
            f"allows: {shown}{more}."
        )
