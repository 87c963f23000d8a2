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
import zipfile
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


def _umask() -> int:
    """The process umask without changing it (os.umask would race with other threads)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def write_atomic_dir(target: Path, fill) -> Path:
    """Call fill(tmp_dir), then move tmp_dir to `target` in one rename; an old target is replaced.

    If fill or the swap fails, the old target is left (or put back) as it was and no temp
    folder remains. The new folder gets the usual permissions (0777 less the umask), not
    mkdtemp's 0700, so other users and the app's server can read it as before.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    old, swapped = None, False
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        fill(tmp)
        if target.exists() or target.is_symlink():  # swap: old aside, new in, old removed
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "x")
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old / "x", target)  # put the old folder back
                raise
            swapped = True
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        # Never delete the old folder unless the new one is in place or the old is back.
        if old is not None and (swapped or not (old / "x").exists()):
            shutil.rmtree(old, ignore_errors=True)
    return target


def write_file_atomic(target: str | os.PathLike, write) -> Path:
    """Call write(binary file) on a temp file beside `target`, then rename it into place.

    The file gets an existing target's permissions, else 0666 less the umask (not mkstemp's 0600).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def check_target(out_dir: str | os.PathLike) -> Path:
    """`out_dir` if a model folder may be written there: absent, an empty folder, or a model
    folder (which is replaced). Anything else raises ModelError, so a typo such as `--out .`
    or `--out ~/Documents` can never swap a user's folder or file for a model."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink() or out_dir.is_file():
        raise ModelError(f"{out_dir}: exists and is not a model folder; choose another output folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / META_FILE).is_file():
        raise ModelError(
            f"{out_dir}: exists, is not empty and is not a model folder (no {META_FILE}); choose another output folder"
        )
    if not out_dir.name or out_dir.name in (".", ".."):
        raise ModelError(f"{out_dir}: name the model folder itself, e.g. models/mine")
    return out_dir


def save(result, out_dir: str | os.PathLike, name: str | None = None) -> Path:
    """Write a train.Result as a model folder, atomically; refuses to replace anything but a
    model folder or an empty folder (see check_target)."""
    out_dir = check_target(out_dir)
    meta = {
        "name": name or out_dir.name,
        "config": result.config.to_dict(),
        "dataset": result.config.dataset,
        "epochs": result.epochs_done,
        "loss": result.history["loss"],
        "val_loss": result.history["val_loss"],
        "test_bce": round(result.test_bce, 6),
        "knn5": None if getattr(result, "knn5", None) is None else round(result.knn5, 4),
        "params": int(result.models.autoencoder.count_params()),
        "data_checksum": result.data_checksum,
        "train_seconds": round(result.seconds, 1),
        "stopped_early": result.stopped,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "keras": keras.__version__,
    }

    def fill(tmp: Path) -> None:
        # Keras 3 ignores include_optimizer for .keras files: save an uncompiled copy, without Adam's moments.
        ae = result.models.autoencoder
        lean = keras.Model.from_config(ae.get_config())  # same layers and names, fresh and uncompiled
        lean.set_weights(ae.get_weights())
        lean.save(tmp / MODEL_FILE)
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        latent = {k: getattr(result, k) for k in LATENT_KEYS}
        np.savez_compressed(tmp / LATENT_FILE, **latent)

    return write_atomic_dir(out_dir, fill)


def read_meta(path: str | os.PathLike) -> dict:
    path = Path(path)
    if not path.is_dir():
        raise ModelError(f"{path}: no such model folder")
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
    if not zipfile.is_zipfile(path):  # Keras would say "File not found", which misleads
        raise ModelError(f"{path}: not a .keras model file (not a zip archive); retrain or copy the model folder again")
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
        if not np.issubdtype(z.dtype, np.floating) or not np.issubdtype(y.dtype, np.integer) or y.ndim != 1:
            raise ModelError(f"{path}: z_{split_} must be floats and y_{split_} 1-D integer labels")
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
