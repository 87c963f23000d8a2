"""Model folders: save atomically, load safely, list the library.

A model folder holds
    model.keras   the autoencoder (encoder and decoder are recovered from it)
    meta.json     config, dataset, per-epoch history, test BCE, params, checksum, date
    latent.npz    z_train (N, 2) float32, y_train uint8, z_test, y_test
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from model import vae  # noqa: F401  registers the VAE's Sampling layer before any safe-mode load
from model.autoencoder import Models, split
from model.config import Config
from model.fast import Codec

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "assets" / "models" / "default"
MODEL_FILE, META_FILE, LATENT_FILE = "model.keras", "meta.json", "latent.npz"
LATENT_KEYS = ("z_train", "y_train", "z_test", "y_test")


class ModelError(RuntimeError):
    """A model folder is missing, corrupt or not a 784-2-784 autoencoder."""


@dataclass
class Bundle:
    """Everything the app needs from one model folder."""

    path: Path
    meta: dict
    models: Models
    codec: Codec
    latent: dict[str, np.ndarray]

    @property
    def name(self) -> str:
        return self.meta.get("name") or self.path.name

    @property
    def config(self) -> Config:
        return Config.from_dict(self.meta["config"])


def default_model_dir() -> Path:
    """$LATENT_EXPLORER_MODEL if set, else the shipped default model."""
    return Path(os.environ.get("LATENT_EXPLORER_MODEL") or SHIPPED)


def write_atomic_dir(target: Path, fill) -> Path:
    """Call fill(tmp_dir), then move tmp_dir to `target` in one rename; an old target is replaced."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        fill(tmp)
        if target.exists():  # swap: old aside, new in, old removed
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "x")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def write_file_atomic(target: str | os.PathLike, write) -> Path:
    """Call write(binary file) on a temp file beside `target`, then rename it into place."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def save(result, out_dir: str | os.PathLike, name: str | None = None) -> Path:
    """Write a train.Result as a model folder, atomically."""
    out_dir = Path(out_dir)
    meta = {
        "name": name or out_dir.name,
        "config": result.config.to_dict(),
        "dataset": result.config.dataset,
        "epochs": result.epochs_done,
        "loss": result.history["loss"],
        "val_loss": result.history["val_loss"],
        "test_bce": round(result.test_bce, 6),
        "params": int(result.models.autoencoder.count_params()),
        "data_checksum": result.data_checksum,
        "train_seconds": round(result.seconds, 1),
        "stopped_early": result.stopped,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "keras": keras.__version__,
    }

    def fill(tmp: Path) -> None:
        result.models.autoencoder.save(tmp / MODEL_FILE)
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        latent = {k: getattr(result, k) for k in LATENT_KEYS}
        np.savez_compressed(tmp / LATENT_FILE, **latent)

    return write_atomic_dir(out_dir, fill)


def read_meta(path: str | os.PathLike) -> dict:
    path = Path(path)
    try:
        meta = json.loads((path / META_FILE).read_text())
    except FileNotFoundError:
        raise ModelError(f"{path}: no {META_FILE}; is this a Latent Explorer model folder?") from None
    except (OSError, ValueError) as e:
        raise ModelError(f"{path / META_FILE}: unreadable ({e})") from None
    if not isinstance(meta, dict) or "config" not in meta:
        raise ModelError(f"{path / META_FILE}: has no config")
    try:
        Config.from_dict(meta["config"])
    except (TypeError, ValueError) as e:
        raise ModelError(f"{path / META_FILE}: bad config ({e})") from None
    return meta


def load_keras(path: Path) -> keras.Model:
    """Safe-mode load of model.keras, checked to be 784 -> 2 -> 784."""
    if not path.is_file():
        raise ModelError(f"{path}: no such file")
    try:
        ae = keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as e:  # bad zip, unknown layers, lambda layers refused by safe mode
        raise ModelError(f"{path}: cannot load the model ({type(e).__name__}: {str(e)[:200]})") from None
    if tuple(ae.input_shape) != (None, 784) or tuple(ae.output_shape) != (None, 784):
        raise ModelError(f"{path}: expected input and output 784, got {ae.input_shape} -> {ae.output_shape}")
    return ae


def load_latent(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as f:
            latent = {k: f[k] for k in LATENT_KEYS}
    except Exception as e:
        raise ModelError(f"{path}: unreadable latent encodings ({type(e).__name__}: {e})") from None
    for split_ in ("train", "test"):
        z, y = latent[f"z_{split_}"], latent[f"y_{split_}"]
        if z.ndim != 2 or z.shape[1] != 2 or len(z) != len(y) or not np.isfinite(z).all():
            raise ModelError(f"{path}: z_{split_} must be finite N x 2 matching y_{split_}")
    return latent


def load(path: str | os.PathLike | None = None) -> Bundle:
    """Load a model folder (default: default_model_dir()); raises ModelError."""
    path = Path(path) if path else default_model_dir()
    if not path.is_dir():
        raise ModelError(f"{path}: no such model folder")
    meta = read_meta(path)
    ae = load_keras(path / MODEL_FILE)
    for layer in ae.layers:  # say "latent must be 2-D" before split() trips over the decoder's input
        if layer.name in ("latent", "z_mean") and tuple(layer.output.shape) != (None, 2):
            raise ModelError(f"{path}: latent must be 2-D, got {tuple(layer.output.shape)}")
    try:
        models = split(ae)
    except (ValueError, KeyError) as e:
        raise ModelError(f"{path}: not an encoder/decoder pair this app knows ({e})") from None
    if tuple(models.encoder.output_shape) != (None, 2):
        raise ModelError(f"{path}: latent must be 2-D, got {models.encoder.output_shape}")
    latent = load_latent(path / LATENT_FILE)
    return Bundle(path=path, meta=meta, models=models, codec=Codec(models.encoder, models.decoder), latent=latent)
