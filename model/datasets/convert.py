"""Convert a data set's images, once, to 28 x 28 greyscale as MNIST's digits are.

Each image is alpha composited over white and made grey; the set's polarity is decided once, by the
upload path's own test (model.images.preprocess.decide_polarity) voted over a sample, and a set on a
light background is inverted so its ink or objects are light on dark; the background level (the
median of the border) is taken out; the content is cropped, fitted so its longest side is 20 px
keeping the aspect ratio, and centred by centre of mass in 28 x 28. An .npz that is already
N x 28 x 28 greyscale is MNIST's format and kept pixel for pixel (inverted only if light).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from model.images.pixels import to_uint8
from model.images.preprocess import CENTRE, CROP_LEVEL, ImageError, centre_of_mass, decide_polarity, open_image

SAMPLE = 200  # images voting on the set's polarity
BLANK = 0.04  # content weaker than this above the background: a blank image, kept black


def grey(img: np.ndarray) -> np.ndarray:
    """uint8 (H, W) or (H, W, C), C in 1, 3, 4 -> float32 (H, W) in [0, 1]; alpha composited over white."""
    a = img.astype(np.float32) / 255.0
    if a.ndim == 2:
        return a
    if a.shape[2] == 4:
        alpha = a[..., 3:4]
        a = a[..., :3] * alpha + (1.0 - alpha)
    return a.mean(axis=2)


def light_background(images) -> bool:
    """True when most of a sample of grey (H, W) images has dark content on light (the upload's test)."""
    votes = [decide_polarity(a) for a in images[:SAMPLE] if min(a.shape) >= 4]
    return bool(votes) and sum(votes) * 2 > len(votes)


def fit(a: np.ndarray) -> np.ndarray:
    """Light-on-dark float (H, W) -> uint8 (28, 28): background out, cropped, longest side 20 px, centred."""
    h, w = a.shape
    ring = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    a = np.clip(a - float(np.median(ring)), 0.0, None)
    peak = float(a.max())
    if peak < BLANK:
        return np.zeros((28, 28), np.uint8)
    a = a / peak
    rows, cols = np.nonzero(a > CROP_LEVEL)
    a = a[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = 20.0 / max(a.shape)
    size = (max(1, round(a.shape[1] * scale)), max(1, round(a.shape[0] * scale)))
    a = np.clip(np.asarray(Image.fromarray(a.astype(np.float32), mode="F").resize(size, Image.LANCZOS)), 0.0, 1.0)
    out = np.zeros((28, 28), np.float32)
    cy, cx = centre_of_mass(a) if a.sum() > 0 else ((a.shape[0] - 1) / 2, (a.shape[1] - 1) / 2)
    top = int(np.clip(round(CENTRE - cy), 0, 28 - a.shape[0]))
    left = int(np.clip(round(CENTRE - cx), 0, 28 - a.shape[1]))
    out[top : top + a.shape[0], left : left + a.shape[1]] = a
    return to_uint8(out)


def convert_array(x: np.ndarray) -> np.ndarray:
    """uint8 N x H x W [x C] -> uint8 N x 28 x 28, light on dark."""
    if x.ndim == 4 and x.shape[3] == 1:
        x = x[..., 0]
    invert = light_background([grey(x[i]) for i in range(min(len(x), SAMPLE))])
    if x.ndim == 3 and x.shape[1:] == (28, 28):
        return (255 - x) if invert else x.copy()
    out = np.empty((len(x), 28, 28), np.uint8)
    for i in range(len(x)):
        a = grey(x[i])
        out[i] = fit(1.0 - a if invert else a)
    return out


def decode(data: bytes) -> np.ndarray:
    """Image bytes -> grey float (H, W), through the upload's bounded decoder (ImageError if unreadable)."""
    img = open_image(data)  # bombs, truncation, alpha on white, EXIF rotation: as for an upload
    return np.asarray(img.convert("L"), dtype=np.float32) / 255.0


def convert_files(files) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """[(name, read)] -> (uint8 M x 28 x 28, bool (N,) which were read, [(name, why)] of those skipped)."""
    failed: list[tuple[str, str]] = []
    sample = []
    for _name, read in files[:SAMPLE]:
        try:
            sample.append(decode(read()))
        except ImageError:
            pass  # counted in the pass below
    invert = light_background(sample)
    out = np.empty((len(files), 28, 28), np.uint8)
    ok = np.zeros(len(files), bool)
    for i, (name, read) in enumerate(files):
        try:
            a = decode(read())
        except ImageError as e:
            failed.append((name, str(e)))
            continue
        out[i], ok[i] = fit(1.0 - a if invert else a), True
    return out[ok], ok, failed
