"""Digit tiles that reruns show again unchanged: their PNGs computed once per model version, in st.cache_data.

A slider move reruns Explore's fragment, yet the clicked digit, its reconstruction and its 8 nearest
training digits stay the same; Reconstructions shows the same ten digits to every visitor. Without a
cache each rerun searched all training encodings and encoded every PNG again. Keys: the model version,
the digit (or first index) and whether the data set is here (without it, decoded digits stand in).
"""

from __future__ import annotations

import base64

import numpy as np

from model.data import to_float
from model.plane.neighbors import nearest
from ui import data_status
from ui.images import to_png
from ui.model_cache import per_version


def images(x: np.ndarray) -> np.ndarray:
    """uint8 (n, h, w) digits -> float32 (n, h, w) in [0, 1] (model.data.to_float, keeping the shape)."""
    return to_float(x).reshape(x.shape)


def data_uri(png: bytes) -> str:
    """The PNG inline in the page: no second request for the image while the server is busy."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


@per_version(max_entries=512)
def neighbours(bundle, index: int, has_data: bool, px: int) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """(indices (8,), distances (8,), PNGs) of the 8 training digits nearest to training digit `index`."""
    z = bundle.latent["z_train"]
    idx, dist = nearest(z, z[index], k=9)
    keep = idx != index
    idx, dist = idx[keep][:8], dist[keep][:8]
    data = data_status.active_data(bundle, quiet=True) if has_data else None
    tiles = images(data[0][0][idx]) if data is not None else bundle.codec.decode(z[idx]).reshape(-1, 28, 28)
    return idx, dist, [to_png(im, px) for im in tiles]


@per_version(max_entries=512)
def picked(bundle, split: str, index: int, z: tuple[float, float], has_data: bool, px: int) -> tuple[str | None, str]:
    """(the digit's image, its reconstruction at z) as data URIs; the first is None without the data set."""
    data = data_status.active_data(bundle, quiet=True) if has_data else None
    original = None
    if data is not None:
        (x_train, _), (x_test, _) = data
        original = data_uri(to_png(images((x_train if split == "train" else x_test)[index : index + 1])[0], px))
    return original, data_uri(to_png(bundle.codec.decode_image(*z), px))


@per_version(max_entries=256)
def reconstructions(bundle, start: int, count: int, px: int) -> tuple[list[bytes], list[bytes]]:
    """(originals, reconstructions) of training digits start .. start+count-1 as PNGs, or ([], []) without data."""
    data = data_status.active_data(bundle, quiet=True)
    if data is None:
        return [], []
    originals = images(data[0][0][start : start + count])  # (count, 28, 28) in [0, 1]
    recons = bundle.codec.decode(bundle.codec.encode(originals)).reshape(-1, 28, 28)
    return [to_png(im, px) for im in originals], [to_png(im, px) for im in recons]
