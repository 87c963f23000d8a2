"""Mild on-the-fly augmentation for training (Config.augment = "mild"), reproducible with the seed.

Each batch is drawn afresh every epoch: every image is turned by up to ROTATE degrees, scaled by
1 +- SCALE, shifted by up to SHIFT px (one affine map per image, bilinear, in one map_coordinates call
for the batch), and a third of them get thicker strokes, a third thinner (half of a 2 x 2 grey dilation
or erosion). The autoencoder reconstructs the augmented image itself, so the targets are the inputs.
The random numbers come from (seed, epoch, batch): the same config trains on the same images.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from model.net.keras_import import keras

ROTATE = 10.0  # degrees
SCALE = 0.1
SHIFT = 2.0  # px


def augment(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """float32 (B, 784) in [0, 1] -> (B, 784), each image turned, scaled, shifted, its strokes changed."""
    b = len(x)
    imgs = x.reshape(b, 28, 28)
    angle = np.deg2rad(rng.uniform(-ROTATE, ROTATE, b))
    scale = rng.uniform(1 - SCALE, 1 + SCALE, b)
    shift = rng.uniform(-SHIFT, SHIFT, (b, 2))
    stroke = rng.integers(0, 3, b)  # 0 as is, 1 thicker, 2 thinner
    yy, xx = np.mgrid[0:28, 0:28].astype(np.float32) - 13.5  # output pixel centres around the middle
    cos, sin = (np.cos(angle) / scale)[:, None, None], (np.sin(angle) / scale)[:, None, None]
    src_y = cos * yy - sin * xx + 13.5 - shift[:, 0, None, None]  # where each output pixel samples, (B, 28, 28)
    src_x = sin * yy + cos * xx + 13.5 - shift[:, 1, None, None]
    src_b = np.broadcast_to(np.arange(b, dtype=np.float32)[:, None, None], src_y.shape)
    out = ndimage.map_coordinates(imgs, [src_b, src_y, src_x], order=1, mode="constant", cval=0.0)
    for kind, op in ((1, ndimage.grey_dilation), (2, ndimage.grey_erosion)):
        sel = stroke == kind
        if sel.any():
            out[sel] = 0.5 * (out[sel] + op(out[sel], size=(1, 2, 2)))  # about half a pixel wider or narrower
    return np.clip(out, 0.0, 1.0).reshape(b, 784).astype(np.float32)


class Batches(keras.utils.PyDataset):
    """Shuffled, augmented (x, x) batches of `x` (N, 784), drawn afresh each epoch from (seed, epoch, batch)."""

    def __init__(self, x: np.ndarray, batch_size: int, seed: int):
        super().__init__()
        self.x, self.batch_size, self.seed, self.epoch = x, batch_size, seed, 0
        self.order = self._order()

    def _order(self) -> np.ndarray:
        return np.random.default_rng((self.seed, self.epoch)).permutation(len(self.x))

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, i: int):
        idx = self.order[i * self.batch_size : (i + 1) * self.batch_size]
        xa = augment(self.x[idx], np.random.default_rng((self.seed, self.epoch, i)))
        return xa, xa

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self.order = self._order()
