"""What a selection of training digits holds: count, classes, a gallery and the digit at its centroid.

Pure NumPy (no Streamlit): ui/selection.py draws it, bench/selection.py times it.

    mask = members(z_train, shapes, y_train)                           # model/plane/selection.py
    s = summarise(z_train, y_train, mask, codec, n_classes, images=x_train)   # images: None -> decoded
    mosaic(s.gallery)                                                  # one (H, W) image of the gallery
    place(z_other, mask, other_codec)       # Compare: where the same digits lie in another model's plane
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.plane.neighbors import nearest_indices

GALLERY = 100  # digits shown at most: 10 rows of 10
GAP = 2  # pixels between tiles in the mosaic
NEIGHBOURS = 10  # together(): each selected digit's nearest neighbours looked at
SAMPLE = 1000  # together(): selected digits looked at, at most


@dataclass(frozen=True)
class Summary:
    index: np.ndarray  # (n,) int64: the selected training indices, ascending
    counts: np.ndarray  # (n_classes,) int64: how many of each class
    shown: np.ndarray  # (k,) int64: the indices in the gallery, k <= GALLERY, ascending
    gallery: np.ndarray  # (k, 28, 28) float32 in [0, 1]: originals, or decoded from their encodings
    originals: bool  # True: the data set's images; False: decoded by the fast NumPy codec
    centroid: tuple[float, float]  # the mean (z1, z2) of the selection
    centroid_image: np.ndarray  # (28, 28) float32: the decoder's digit at the centroid

    @property
    def count(self) -> int:
        return len(self.index)


@dataclass(frozen=True)
class Place:
    """Where a selection's digits lie in one model's plane."""

    centroid: tuple[float, float]  # their mean (z1, z2) in this plane
    image: np.ndarray  # (28, 28) float32: this model's decoder at that centroid
    together: float  # how much this model keeps them together (see together())


def together(z, mask, k: int = NEIGHBOURS, sample: int = SAMPLE) -> float:
    """The share of the selected digits' k nearest neighbours in this plane that are selected too (over an
    even sample of them, `spread`). Near 1: the model keeps them together; near mask.mean(), the chance
    level: they lie among the other digits as if placed at random. Unit-free, so two models' planes
    (with their different scales) can be compared. 1,000 digits: a few ms (model/plane/neighbors.py)."""
    mask = np.asarray(mask, bool)
    q = spread(np.flatnonzero(mask), sample)
    if len(q) == 0:
        return 0.0
    nn = nearest_indices(z, z[q], k + 1)  # the digit itself is among them: left out below
    other = nn != q[:, None]
    return float(((mask[nn] & other).sum(axis=1) / other.sum(axis=1)).mean())


def place(z, mask, codec) -> Place:
    """Where the (non-empty) selection `mask` (N,) lies in the plane of encodings z (N, 2), decoded by codec."""
    c = np.asarray(z[mask], np.float64).mean(axis=0)
    centroid = (float(c[0]), float(c[1]))
    return Place(centroid, codec.decode_image(*centroid), together(z, mask))


def spread(index: np.ndarray, k: int = GALLERY) -> np.ndarray:
    """At most k of the (ascending) indices, evenly spaced through them: a fair sample, since the
    training set's order is random, and the same one on every rerun."""
    if len(index) <= k:
        return index
    return index[np.linspace(0, len(index) - 1, k).round().astype(np.int64)]


def summarise(z, labels, mask, codec, n_classes: int, images=None, k: int = GALLERY) -> Summary | None:
    """The summary of the training digits where mask (N,) is True, or None for an empty selection.

    z (N, 2) encodings, labels (N,) classes, images (N, 28, 28) uint8 originals or None (then the
    gallery is decoded from the encodings); codec: model/net/fast.Codec.
    """
    index = np.flatnonzero(mask)
    if len(index) == 0:
        return None
    shown = spread(index, k)
    if images is not None:
        gallery = np.asarray(images[shown], np.float32) / 255.0
    else:
        gallery = codec.decode(z[shown]).reshape(-1, 28, 28)
    c = np.asarray(z[index], np.float64).mean(axis=0)
    centroid = (float(c[0]), float(c[1]))
    return Summary(
        index=index,
        counts=np.bincount(np.asarray(labels)[index], minlength=n_classes),
        shown=shown,
        gallery=gallery,
        originals=images is not None,
        centroid=centroid,
        centroid_image=codec.decode_image(*centroid),
    )


def mosaic(tiles: np.ndarray, cols: int = 10, gap: int = GAP, fill: float = 0.5) -> np.ndarray:
    """(k, 28, 28) tiles in [0, 1] -> one (H, W) image: rows of `cols` tiles, `gap` grey pixels between."""
    k = len(tiles)
    cols = max(1, min(cols, k))
    rows = -(-k // cols)
    out = np.full((rows * (28 + gap) - gap, cols * (28 + gap) - gap), fill, np.float32)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        out[r * (28 + gap) : r * (28 + gap) + 28, c * (28 + gap) : c * (28 + gap) + 28] = tile
    return out
