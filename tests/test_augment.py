"""Mild augmentation: reproducible from the seed, mild (the digit stays a digit), and trainable on the fly."""

from __future__ import annotations

import numpy as np
import pytest

from model.data import to_float
from model.net.augment import Batches, augment
from model.net.config import Config, ConfigError


def test_augment_is_reproducible_mild_and_changes_each_image(mnist):
    """The same generator seed gives the same batch; each image changes, keeps its ink mass between half and 1.6 times, and stays in [0, 1]."""
    x = to_float(mnist[0][0][:64])
    a = augment(x, np.random.default_rng(3))
    assert np.array_equal(a, augment(x, np.random.default_rng(3)))
    assert not np.array_equal(a, augment(x, np.random.default_rng(4)))
    assert a.shape == x.shape and a.min() >= 0 and a.max() <= 1
    assert (np.abs(a - x).sum(axis=1) > 0).all()
    ratio = a.sum(axis=1) / x.sum(axis=1)
    assert (ratio > 0.5).all() and (ratio < 1.6).all()  # scale 1 +- 0.1 (area +- 21 %) and half a pixel of stroke
    assert np.corrcoef(a.ravel(), x.ravel())[0, 1] > 0.5  # still the same digits, mostly where they were


def test_batches_differ_per_epoch_and_repeat_with_the_seed(mnist):
    """Epoch 2's first batch differs from epoch 1's; a new sequence with the same seed repeats epoch 1 exactly."""
    x = to_float(mnist[0][0][:200])
    b = Batches(x, 50, seed=7)
    first = b[0][0]
    assert len(b) == 4 and np.array_equal(b[0][0], b[0][1])  # targets are the inputs
    b.on_epoch_end()
    assert not np.array_equal(first, b[0][0])
    assert np.array_equal(first, Batches(x, 50, seed=7)[0][0])


def test_augment_option_trains_and_is_checked(mnist):
    """augment='mild' trains a model; an unknown kind is refused by name."""
    from model.net.train import fit

    (xtr, ytr), (xte, yte) = mnist
    result = fit(
        Config(epochs=1, batch_size=100, augment="mild"), data=((xtr[:300], ytr[:300]), (xte[:100], yte[:100]))
    )
    assert result.epochs_done == 1 and np.isfinite(result.test_bce)
    with pytest.raises(ConfigError, match="augment"):
        Config(augment="strong")
