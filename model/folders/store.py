"""Model folders: save atomically, load safely, list the library.

load() runs on NumPy: model/folders/check.py validates the folder and reads the Dense weights
(model/net/graph.py), and the Bundle's Codec runs them. Keras (and TensorFlow) is imported only to
save a trained model, or when a caller asks for Bundle.models (a safe-mode Keras load, for
training further and for tests).

A model folder holds
    model.keras   the autoencoder (encoder and decoder are recovered from it)
    meta.json     config, dataset, per-epoch history, test BCE, params, checksum, date
    latent.npz    z_train (N, 2) float32, y_train uint8, z_test, y_test
    history.npz   optional: a test sample's encodings during training (model/net/history.py)
    quality.npz   optional: each digit's reconstruction error, neighbour agreement, a VAE's σ
                  (model/plane/quality.py; written at the end of training, else on first open)
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.folders.atomic import LEFTOVER, write_dir, write_file_atomic
from model.folders.check import (
    HISTORY_FILE,
    LATENT_FILE,
    LATENT_KEYS,
    META_FILE,
    MODEL_FILE,
    QUALITY_FILE,
    ModelError,
    check_model,
    json_safe,
    load_history,
    load_latent,
    read_meta,
)
from model.net.config import Config
from model.net.fast import Codec
from model.settings import settings

log = logging.getLogger(__name__)

__all__ = [
    "write_file_atomic",
    "LATENT_FILE",
    "LATENT_KEYS",
    "META_FILE",
    "MODEL_FILE",
    "ModelError",
    "read_meta",
    "load_latent",
]

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_DIR = ROOT / "assets" / "models"  # every folder here is a read-only shipped model
SHIPPED = SHIPPED_DIR / "default"


@dataclass
class Bundle:
    """Everything the app needs from one model folder."""

    path: Path
    meta: dict  # checked by model.folders.check.check_meta: known keys only, each of its documented type
    codec: Codec  # the NumPy encoder (a VAE's mean) and decoder
    latent: dict[str, np.ndarray]
    history: dict[str, np.ndarray] | None = None  # history.npz, checked; None for a model without one
    version: str = ""  # saved_version() of the folder it was read from: what caches per model are keyed by

    @functools.cached_property
    def models(self):
        """The Keras encoder, decoder and autoencoder, loaded in safe mode on first use (imports TensorFlow)."""
        return load_models(self.path.resolve() / MODEL_FILE)

    @property
    def name(self) -> str:
        return self.meta.get("name") or self.path.name

    @property
    def config(self) -> Config:
        return Config.from_dict(self.meta["config"])


def saved_version(path: str | os.PathLike) -> str:
    """Which save of the model folder `path` is on disk: the version folder its name points at (every
    save makes a new one, model/folders/atomic.py) and its meta.json's time, for folders that are not
    versioned (shipped models); "" when there is none."""
    version = Path(path).resolve()
    try:
        return f"{version.name}@{(version / META_FILE).stat().st_mtime_ns}"
    except OSError:
        return ""


def default_model_dir() -> Path:
    """$LATENT_EXPLORER_MODEL if set, else the shipped default model."""
    return settings().default_model or SHIPPED


def write_atomic_dir(target: Path, fill) -> Path:
    """Call fill(tmp_dir), then make `target` name it in one atomic rename (see model/folders/atomic.py)."""
    return write_dir(Path(target), fill)


def check_target(out_dir: str | os.PathLike) -> Path:
    """`out_dir` if a model folder may be written there: absent, an empty folder, or a model
    folder (which is replaced). Anything else raises ModelError, so a typo such as `--out .`
    or `--out ~/Documents` can never swap a user's folder or file for a model."""
    out_dir = Path(out_dir)
    if not out_dir.name or out_dir.name in (".", ".."):
        raise ModelError(f"{out_dir}: name the model folder itself, e.g. models/mine")
    ours = out_dir.is_symlink() and LEFTOVER.fullmatch(os.path.basename(os.readlink(out_dir)) or "-")
    if (out_dir.is_symlink() and not ours) or out_dir.is_file():
        raise ModelError(f"{out_dir}: exists and is not a model folder; choose another output folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / META_FILE).is_file():
        raise ModelError(
            f"{out_dir}: exists, is not empty and is not a model folder (no {META_FILE}); choose another output folder"
        )
    return out_dir


def class_names(dataset: str) -> list[str] | None:
    """The data set's class names, kept in meta.json so the plane can name its classes without the data."""
    from model.data import DataError
    from model.datasets import stored  # the stored sets alone: registry.py imports model/folders

    try:
        return list(stored.class_names(dataset))
    except DataError:
        return None


def dataset_checksum(dataset: str) -> str:
    """A user's data set's checksum as stored (the whole set, whatever subset trained), "" for a built-in one."""
    from model.datasets import stored

    return "" if dataset in ("mnist", "fashion-mnist") else stored.checksum(dataset)


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
        "class_names": class_names(result.config.dataset),
        "dataset_checksum": dataset_checksum(result.config.dataset),
        "train_seconds": round(result.seconds, 1),
        "stopped_early": result.stopped,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }

    import keras

    meta["keras"] = keras.__version__

    def fill(tmp: Path) -> None:
        # Keras 3 ignores include_optimizer for .keras files: save an uncompiled copy, without Adam's moments.
        ae = result.models.autoencoder
        lean = keras.Model.from_config(ae.get_config())  # same layers and names, fresh and uncompiled
        lean.set_weights(ae.get_weights())
        lean.save(tmp / MODEL_FILE)
        (tmp / META_FILE).write_text(json.dumps(json_safe(meta), indent=2, allow_nan=False) + "\n")
        latent = {k: getattr(result, k) for k in LATENT_KEYS}
        np.savez_compressed(tmp / LATENT_FILE, **latent)
        if getattr(result, "snapshots", None):
            np.savez_compressed(tmp / HISTORY_FILE, **result.snapshots)
        if getattr(result, "quality", None):
            np.savez_compressed(tmp / QUALITY_FILE, **result.quality)

    return write_atomic_dir(out_dir, fill)


def load_keras(path: Path):
    """Safe-mode Keras load of a model.keras already checked by check.check_keras_archive; 784 -> 2 -> 784."""
    from model.net.autoencoder import CUSTOM_OBJECTS
    from model.net.keras_import import keras

    try:
        ae = keras.saving.load_model(path, custom_objects=CUSTOM_OBJECTS, safe_mode=True, compile=False)
    except Exception:  # bad zip, unknown layers, lambda layers refused by safe mode
        log.warning("Keras could not load %s", path, exc_info=True)
        raise ModelError(f"the model's {MODEL_FILE}: cannot load the model") from None
    if tuple(ae.input_shape) != (None, 784) or tuple(ae.output_shape) != (None, 784):
        raise ModelError(
            f"the model's {MODEL_FILE}: expected input and output 784, got {ae.input_shape} -> {ae.output_shape}"
        )
    return ae


def load_models(path: Path):
    """model.keras as Keras models (encoder, decoder, autoencoder) in safe mode; ModelError."""
    from model.net.autoencoder import split

    ae = load_keras(path)
    try:
        models = split(ae)
    except (ValueError, KeyError):
        raise ModelError("the model's model.keras is not an encoder/decoder pair this app knows") from None
    if tuple(models.encoder.output_shape) != (None, 2):
        raise ModelError(f"the model's model.keras: latent must be 2-D, got {models.encoder.output_shape}")
    return models


def load(path: str | os.PathLike | None = None) -> Bundle:
    """Load a model folder (default: default_model_dir()) through model.folders.check's validator; ModelError."""
    path = Path(path) if path else default_model_dir()
    version = path.resolve()  # one version throughout, even if a save switches `path` meanwhile
    try:
        return _load(path, version)
    except ModelError:
        if path.resolve() == version:
            raise
        return _load(path, path.resolve())  # a save replaced (and removed) that version mid-read: once more


def _frozen(a: np.ndarray) -> np.ndarray:
    """a, read-only and owning its data: shared by every session, and its neighbour-search key is kept
    per array (model/plane/neighbors.content_key)."""
    a = np.array(a) if a.base is not None else a
    a.setflags(write=False)
    return a


def _load(path: Path, version: Path) -> Bundle:
    meta, (encoder, decoder, log_var), latent = check_model(version)
    latent = {k: _frozen(a) for k, a in latent.items()}
    history = load_history(version / HISTORY_FILE, latent)
    codec = Codec(encoder, decoder, log_var=log_var)  # log_var: a VAE's sigma (Codec.sigma)
    return Bundle(path=path, meta=meta, codec=codec, latent=latent, history=history, version=saved_version(version))
