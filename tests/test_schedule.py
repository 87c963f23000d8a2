"""The default's training recipe: silu units, Adam's beta2, the warm-up and cosine learning-rate schedule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.net.autoencoder import build
from model.net.config import DEFAULT, SEED, Config, ConfigError
from model.net.train import fit, learning_rate

STEPS = 10


def test_constant_schedule_without_warmup_is_the_rate():
    """No schedule and no warm-up: every batch of every epoch gets the configured rate (the tutorial's)."""
    rates = {learning_rate(SEED, e, b, STEPS) for e in range(SEED.epochs) for b in range(STEPS)}
    assert rates == {SEED.learning_rate}


def test_cosine_goes_from_the_rate_to_nearly_zero_per_epoch():
    """Cosine: the full rate in epoch 0, half of it half-way, a small fraction in the last epoch; flat within an epoch."""
    c = Config(learning_rate=0.01, lr_schedule="cosine", epochs=10)
    assert learning_rate(c, 0, 0, STEPS) == 0.01
    assert learning_rate(c, 5, 0, STEPS) == pytest.approx(0.005)
    assert learning_rate(c, 9, 0, STEPS) == pytest.approx(0.01 * 0.5 * (1 + math.cos(math.pi * 0.9)))
    assert learning_rate(c, 9, 7, STEPS) == learning_rate(c, 9, 0, STEPS)
    per_epoch = [learning_rate(c, e, 0, STEPS) for e in range(10)]
    assert all(a > b for a, b in zip(per_epoch[:-1], per_epoch[1:], strict=True))


def test_warmup_ramps_linearly_per_batch_then_follows_the_schedule():
    """Warm-up over 2 epochs: batch k of the ramp gets (k+1)/20 of the rate; from epoch 2 on the cosine value."""
    c = Config(learning_rate=0.008, lr_schedule="cosine", epochs=6, warmup_epochs=2)
    ramp = [learning_rate(c, e, b, STEPS) for e in range(2) for b in range(STEPS)]
    assert ramp[0] == pytest.approx(0.008 / 20)
    assert ramp[9] == pytest.approx(0.008 * 10 / 20)
    assert ramp[19] == pytest.approx(0.008 * 0.5 * (1 + math.cos(math.pi / 6)))  # step 20 of 20: epoch 1's cosine
    assert all(a < b for a, b in zip(ramp[:9], ramp[1:10], strict=True))  # rising through the first epoch
    assert learning_rate(c, 2, 0, STEPS) == pytest.approx(0.008 * 0.5 * (1 + math.cos(math.pi * 2 / 6)))


@pytest.mark.parametrize(
    "bad",
    [
        dict(adam_beta2=1.0),
        dict(adam_beta2=0.0),
        dict(warmup_epochs=-1),
        dict(warmup_epochs=11),
        dict(activation="tanh"),
    ],
)
def test_recipe_values_out_of_range_are_refused(bad):
    """beta2 outside (0, 1), a warm-up longer than training or an activation the browser cannot run: a ConfigError."""
    with pytest.raises(ConfigError):
        Config(epochs=10, **bad)


def test_default_builds_silu_layers_and_adam_with_its_beta2():
    """The default preset's network has silu hidden layers, a linear latent, and Adam with beta2 0.99."""
    m = build(DEFAULT).autoencoder
    acts = {layer.name: layer.activation.__name__ for layer in m.layers if layer.weights}
    assert {acts[n] for n in acts if n.startswith(("enc_", "dec_"))} == {"silu"}
    assert acts["latent"] == "linear" and acts["reconstruction"] == "sigmoid"
    assert float(m.optimizer.beta_2) == pytest.approx(0.99)
    assert float(build(SEED).autoencoder.optimizer.beta_2) == pytest.approx(0.999)  # Keras's own default


def test_training_ends_on_the_scheduled_rate(mnist):
    """fit() applies the schedule: after a warm-up and cosine run the optimizer holds the last epoch's rate."""
    (xtr, ytr), (xte, yte) = mnist
    c = Config(hidden=(16,), activation="silu", latent_activation="linear", batch_size=50, epochs=3,
               learning_rate=0.004, lr_schedule="cosine", warmup_epochs=1, subset=200)  # fmt: skip
    r = fit(c, data=((xtr, ytr), (xte[:100], yte[:100])))
    assert float(r.models.autoencoder.optimizer.learning_rate) == pytest.approx(learning_rate(c, 2, 3, 4), rel=1e-6)
    assert np.isfinite(r.history["loss"]).all() and r.history["loss"][-1] < r.history["loss"][0]
