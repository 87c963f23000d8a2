"""Training history: where a fixed sample of test digits sat in the plane as training went on.

Every training (train.fit, from the CLI or the Train page) snapshots the encodings of the same
SAMPLE_SIZE test digits (a fixed-seed choice over the test set, so any two models can be compared
digit for digit): once before the first step, after EARLY fractions of the first epoch's batches
(where most of the movement happens) and after every epoch. store.save writes them as history.npz:

    index     (N,)       int32    the sample's positions in the test set (the same for every model)
    y         (N,)       uint8    their labels
    t         (S,)       float32  when each snapshot was taken, in epochs: 0, 0.125, 0.25, 0.5, 1, 2, ... E
    z         (S, N, 2)  float16  the encodings at each snapshot (float32 if any |z| >= HALF_MAX)
    loss      (E,)       float32  training loss per finished epoch
    val_loss  (E,)       float32  validation loss per finished epoch

float16 keeps 11 significant bits: each stored coordinate is within |z| * 2**-11 of the true one
(0.03 for |z| < 64). 54 snapshots of 2,000 digits (50 epochs) take 0.86 MB. The callback reads
weights and runs the NumPy forward pass only: no random numbers, so training's results are unchanged.
model/folders/check.py's load_history validates the file on load and on zip import.
"""

from __future__ import annotations

import numpy as np

from model.net.fast import dense_stack, forward
from model.net.keras_import import keras

SAMPLE_SIZE = 2000
SAMPLE_SEED = 20
EARLY = (1 / 8, 1 / 4, 1 / 2)  # fractions of the first epoch's batches after which a snapshot is taken
HALF_MAX = 60000.0  # float16's largest finite value is 65504


def sample_indices(n_test: int) -> np.ndarray:
    """The fixed sample: SAMPLE_SIZE (or all, if fewer) test positions, sorted; independent of any global RNG."""
    n = min(SAMPLE_SIZE, n_test)
    return np.sort(np.random.default_rng(SAMPLE_SEED).choice(n_test, size=n, replace=False)).astype(np.int32)


def early_batches(steps: int) -> dict[int, float]:
    """{batch number after which to snapshot (1-based): its fraction of the epoch}, within the first epoch."""
    out = {}
    for f in EARLY:
        b = max(1, round(steps * f))
        if b < steps:
            out.setdefault(b, b / steps)
    return out


class Snapshots(keras.callbacks.Callback):
    """Encodes the sample with the encoder's current weights at the moments named in the module doc."""

    def __init__(self, encoder: keras.Model, x_sample: np.ndarray, steps: int):
        super().__init__()
        self.encoder, self.x, self.early = encoder, x_sample, early_batches(steps)
        self.t: list[float] = []
        self.z: list[np.ndarray] = []  # each (N, 2) float32
        self.epoch = 0

    def take(self, t: float) -> None:
        self.t.append(float(t))
        self.z.append(forward(dense_stack(self.encoder), self.x))

    def on_train_begin(self, logs=None):
        self.take(0.0)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == 0 and batch + 1 in self.early and not self.model.stop_training:
            self.take(self.early[batch + 1])

    def on_epoch_end(self, epoch, logs=None):
        if not self.model.stop_training:  # a stopped epoch is unfinished: no snapshot
            self.take(epoch + 1)


def arrays(snaps: Snapshots, index: np.ndarray, y: np.ndarray, history: dict[str, list[float]]) -> dict:
    """history.npz's arrays (module doc), cut before the first snapshot with a non-finite encoding."""
    z = np.stack(snaps.z) if snaps.z else np.zeros((0, len(index), 2), np.float32)
    t = np.asarray(snaps.t, dtype=np.float32)
    bad = ~np.isfinite(z).all(axis=(1, 2))
    keep = int(np.argmax(bad)) if bad.any() else len(t)
    z, t = z[:keep], t[:keep]
    epochs = int(t.max()) if len(t) else 0  # whole epochs covered; the loss lists may be longer
    big = len(z) and float(np.abs(z).max()) >= HALF_MAX
    return {
        "index": index.astype(np.int32),
        "y": np.asarray(y).astype(np.uint8),
        "t": t,
        "z": z.astype(np.float32 if big else np.float16),
        "loss": np.asarray(history["loss"][:epochs], dtype=np.float32),
        "val_loss": np.asarray(history["val_loss"][:epochs], dtype=np.float32),
    }
