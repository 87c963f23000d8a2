"""Where the model is wrong, per digit: reconstruction error, neighbour agreement and a VAE's σ.

    q = compute(codec, "bce", data, latent)   # data: ((x_train, y_train), (x_test, y_test)) uint8, or None
    write(folder, q)                          # quality.npz, atomically
    q, note = ensure(path, meta, codec, latent, data)   # read, else compute (and save where it can)

quality.npz (QUALITY_FILE, validated by model/folders/check.py load_quality) holds, for each split
s in (train, test), arrays aligned with latent.npz's z_s, (N,) float16:
    error_s  the digit's own reconstruction loss, a mean over its 784 pixels, BCE or MSE as trained
    agree_s  the share of its K nearest training encodings on the plane (itself excluded) with its label
    sigma_s  a VAE only: the mean of the encoder's two standard deviations
Agreement needs only latent.npz; error and σ need the data set's images.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np

from model.folders.atomic import write_file_atomic
from model.folders.check import QUALITY_FILE, ModelError, load_quality
from model.plane.neighbors import nearest_indices

log = logging.getLogger(__name__)

K = 10
SPLITS = ("train", "test")
QUANTITIES = ("error", "agree", "sigma")
NAMES = {"error": "reconstruction error", "agree": "neighbour agreement", "sigma": "σ (encoder spread)"}
F16_MAX = 6.0e4  # float16's largest finite value is 65,504


def per_digit_loss(x: np.ndarray, y: np.ndarray, loss: str, eps: float = 1e-7) -> np.ndarray:
    """(N,) mean per-pixel loss of reconstructions y against images x, both (N, 784) in [0, 1]; clipped as Keras."""
    if loss == "mse":
        return np.mean(np.square(x - y), axis=1)
    y = np.clip(y, eps, 1 - eps)
    return -np.mean(x * np.log(y) + (1 - x) * np.log1p(-y), axis=1)


def per_image(codec, x_u8: np.ndarray, z: np.ndarray, loss: str, block: int = 4096):
    """(N,) each digit's loss, decoded from its stored encoding z (N, 2), and (N,) a VAE's mean σ (else
    None); in blocks, so the memory stays ~30 MB whatever N."""
    err, sig = np.empty(len(z), np.float32), np.empty(len(z), np.float32) if codec.var else None
    for i in range(0, len(z), block):
        x = x_u8[i : i + block].reshape(-1, 784).astype(np.float32) / 255.0
        err[i : i + block] = per_digit_loss(x, codec.decode(z[i : i + block]), loss)
        if sig is not None:
            sig[i : i + block] = codec.sigma(x).mean(axis=1)
    return err, sig


def agreement(z_train, y_train, z, y, own: bool, k: int = K) -> np.ndarray:
    """(N,) share of each point's k nearest training encodings carrying its label y; own: z is z_train
    itself, and each point's own entry is left out (the (k+1)-th neighbour takes its place)."""
    k = min(k, len(z_train) - int(own))
    if k < 1:
        return np.zeros(len(z), np.float32)
    idx = nearest_indices(z_train, z, k + int(own))  # (N, k[+1]), nearest first
    keep = np.ones(idx.shape, bool)
    if own:
        keep = idx != np.arange(len(z))[:, None]
        keep &= np.cumsum(keep, axis=1) <= k  # a point tied beyond k with duplicates drops the farthest
    same = (np.asarray(y_train)[idx] == np.asarray(y)[:, None]) & keep
    return (same.sum(1) / k).astype(np.float32)


def compute(codec, loss: str, data, latent: dict) -> dict[str, np.ndarray]:
    """Every quantity the inputs allow (see the module doc), as float16 arrays named like quality.npz's."""
    q = {}
    for s in SPLITS:
        q[f"agree_{s}"] = agreement(
            latent["z_train"], latent["y_train"], latent[f"z_{s}"], latent[f"y_{s}"], s == "train"
        )
    if data is not None:
        for s, (x, _) in zip(SPLITS, data, strict=True):
            q[f"error_{s}"], sig = per_image(codec, x[: len(latent[f"z_{s}"])], latent[f"z_{s}"], loss)
            if sig is not None:
                q[f"sigma_{s}"] = sig
    return {k: np.clip(np.nan_to_num(v, nan=F16_MAX), 0, F16_MAX).astype(np.float16) for k, v in q.items()}


def write(folder: Path, q: dict[str, np.ndarray]) -> Path:
    """quality.npz in the model folder's current version, written atomically."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **q)
    return write_file_atomic(Path(folder).resolve() / QUALITY_FILE, lambda f: f.write(buf.getvalue()))


def matches(meta: dict, data, latent: dict) -> bool:
    """Whether `data` are the digits the model was trained on: counts, then the checksum in meta (if any)."""
    (xtr, ytr), (xte, yte) = data
    n = len(latent["z_train"])
    if len(xtr) < n or len(xte) != len(latent["z_test"]):
        return False
    from model.data import checksum  # sha256 of ~55 MB: ~0.1 s, once per model version

    return not meta.get("data_checksum") or checksum(xtr[:n], ytr[:n], xte, yte) == meta["data_checksum"]


def ensure(path: Path, meta: dict, codec, latent: dict, data) -> tuple[dict[str, np.ndarray], str | None]:
    """The folder's quality arrays, or computed now (and saved when complete and the folder can be
    written); with a one-line note of what is missing, or None. data: the data set's arrays or None."""
    try:
        q = load_quality(Path(path).resolve() / QUALITY_FILE, latent, vae=codec.var is not None)
        if q is not None:
            return q, None
        damaged = None
    except ModelError as e:
        damaged = str(e)
    if data is not None and not matches(meta, data, latent):
        data = None
        lacking = "the data set here is not the one this model was trained on"
    else:
        lacking = "the data set's images are not available here"
    q = compute(codec, meta["config"].get("loss", "bce"), data, latent)
    if data is None:
        what = "reconstruction error and σ are" if codec.var is not None else "reconstruction error is"
        return q, f"Colouring by {what} off: {lacking}; neighbour agreement is offered."
    try:
        write(path, q)
    except OSError:
        log.info("%s: quality measures not saved", path, exc_info=True)
        return q, "This model's folder cannot be written, so its quality measures are computed on each start."
    if damaged:
        log.warning("%s: %s; computed again", path, damaged)
    return q, None
