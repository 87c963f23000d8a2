"""Training: one function shared by the CLI and the app's Train page.

result = fit(config, on_progress=print)     # trains, returns models + history
store.save(result, "models/mine")            # atomic model folder
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model import data as data_mod
from model.net import history as history_mod
from model.net.autoencoder import Models, build
from model.net.config import Config
from model.net.fast import Codec, bce
from model.net.keras_import import keras
from model.plane.metrics import knn_accuracy

Progress = Callable[[dict], None]


@dataclass
class Result:
    config: Config
    models: Models
    history: dict[str, list[float]]  # "loss", "val_loss": one value per finished epoch
    test_bce: float
    stopped: bool  # True when should_stop() ended training early
    data_checksum: str
    seconds: float
    z_train: np.ndarray = field(repr=False)  # (N_train, 2) float32
    y_train: np.ndarray = field(repr=False)
    z_test: np.ndarray = field(repr=False)  # (N_test, 2) float32
    y_test: np.ndarray = field(repr=False)
    knn5: float | None = None  # 5-NN label accuracy of the test encodings against the training ones
    snapshots: dict | None = field(default=None, repr=False)  # history.npz's arrays (model/net/history.py)

    @property
    def epochs_done(self) -> int:
        return len(self.history["loss"])


class ProgressCallback(keras.callbacks.Callback):
    """Reports batches and epochs to `on_progress`; stops after the batch where `should_stop()`."""

    def __init__(self, config: Config, steps: int, on_progress: Progress | None, should_stop):
        super().__init__()
        self.config, self.steps = config, steps
        self.on_progress, self.should_stop = on_progress, should_stop
        self.start = time.monotonic()
        self.epoch = 0
        self.stopped = False

    def emit(self, **event):
        if self.on_progress:
            done = self.epoch * self.steps + event.get("batch", self.steps)
            total = self.config.epochs * self.steps
            elapsed = time.monotonic() - self.start
            eta = elapsed / done * (total - done) if done else None
            self.on_progress({"epochs": self.config.epochs, "steps": self.steps, "epoch": self.epoch + 1,
                              "elapsed": elapsed, "eta": eta, "fraction": done / total, **event})  # fmt: skip

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self.emit(kind="batch", batch=batch + 1, loss=float((logs or {}).get("loss", np.nan)))
        if self.should_stop and self.should_stop():
            self.stopped = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        # With stop_training set mid-epoch Keras still ends the epoch; report it only if complete.
        self.emit(kind="epoch", loss=float(logs.get("loss", np.nan)), val_loss=float(logs.get("val_loss", np.nan)),
                  model=self.model, partial=self.stopped)  # fmt: skip


def learning_rate(config: Config, epoch: int, batch: int, steps: int) -> float:
    """The rate for batch `batch` (0-based) of epoch `epoch`: the schedule's per-epoch value (cosine:
    the start value at epoch 0, ~0 at the last), times a linear ramp over the first warmup_epochs."""
    lr = config.learning_rate
    if config.lr_schedule == "cosine":
        lr *= 0.5 * (1 + math.cos(math.pi * epoch / config.epochs))
    warm_steps = config.warmup_epochs * steps
    step = epoch * steps + batch
    return lr * min(1.0, (step + 1) / warm_steps) if step < warm_steps else lr


class Schedule(keras.callbacks.Callback):
    """Sets the optimizer's rate from learning_rate(): at each epoch's start, and at every batch of the warm-up."""

    def __init__(self, config: Config, steps: int):
        super().__init__()
        self.config, self.steps, self.epoch = config, steps, 0

    def set(self, batch: int) -> None:
        # Keras's JAX backend keeps the variables outside the model during an epoch: write them back first,
        # so its next step reads the new rate (TensorFlow's trainer has no such method and needs none).
        getattr(self.model, "jax_state_sync", lambda: None)()
        self.model.optimizer.learning_rate.assign(learning_rate(self.config, self.epoch, batch, self.steps))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.set(0)

    def on_train_batch_begin(self, batch, logs=None):
        if batch and (self.epoch * self.steps + batch) < self.config.warmup_epochs * self.steps:
            self.set(batch)


def fit(
    config: Config,
    data: data_mod.Arrays | None = None,
    on_progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Result:
    """Train `config` on its dataset (or on `data`); returns models, history and encodings."""
    start = time.monotonic()
    (xtr_u8, ytr), (xte_u8, yte) = data or data_mod.load_dataset(config.dataset)
    if config.subset:
        xtr_u8, ytr = xtr_u8[: config.subset], ytr[: config.subset]
    checksum = data_mod.checksum(xtr_u8, ytr, xte_u8, yte)
    x_train, x_test = data_mod.to_float(xtr_u8), data_mod.to_float(xte_u8)  # (N, 784) in [0, 1]

    keras.utils.set_random_seed(config.seed)
    models = build(config)
    steps = -(-len(x_train) // config.batch_size)
    callback = ProgressCallback(config, steps, on_progress, should_stop)
    callbacks = [callback]
    if config.lr_schedule != "constant" or config.warmup_epochs:
        callbacks.append(Schedule(config, steps))
    sample = history_mod.sample_indices(len(x_test))
    snaps = history_mod.Snapshots(models.encoder, x_test[sample], steps)  # last: reads weights, draws nothing
    callbacks.append(snaps)
    hist = models.autoencoder.fit(
        x_train, x_train,
        epochs=config.epochs, batch_size=config.batch_size, shuffle=True,
        validation_data=(x_test, x_test), callbacks=callbacks, verbose=0,
    )  # fmt: skip
    history = {k: [float(v) for v in hist.history.get(k, [])] for k in ("loss", "val_loss")}
    if callback.stopped:  # drop the unfinished epoch's numbers
        history = {k: v[: max(0, len(v) - 1)] for k, v in history.items()}

    codec = Codec(models.encoder, models.decoder)
    z_train, z_test = codec.encode(x_train), codec.encode(x_test)
    return Result(
        config=config, models=models, history=history,
        test_bce=bce(x_test, codec.decode(z_test)), stopped=callback.stopped,
        data_checksum=checksum, seconds=time.monotonic() - start,
        z_train=z_train, y_train=ytr.astype(np.uint8),
        z_test=z_test, y_test=yte.astype(np.uint8),
        knn5=knn_accuracy(z_train, ytr, z_test, yte, k=5),
        snapshots=history_mod.arrays(snaps, sample, yte[sample], history),
    )  # fmt: skip
