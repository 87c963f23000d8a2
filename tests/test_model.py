"""Model: the tutorial's exact network, shared layers, config options, and a smoke train."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model.folders import store
from model.net.autoencoder import build
from model.net.config import DEFAULT, PRESETS, SEED, Config, ConfigError
from model.net.train import fit

pytestmark = pytest.mark.xdist_group("model")  # its module-scoped fixtures are built once, in one worker


@pytest.fixture(scope="module")
def small(mnist):
    """300 training and 100 test digits of real MNIST."""
    (xtr, ytr), (xte, yte) = mnist
    return (xtr[:300], ytr[:300]), (xte[:100], yte[:100])


def dense_params(model) -> dict[str, int]:
    return {layer.name: layer.count_params() for layer in model.layers if layer.weights}


# --- the tutorial's network ------------------------------------------------------------------


def test_seed_is_the_tutorial_network():
    """SEED is 784-32-2-32-784 with a relu latent, BCE and Adam at 1e-3."""
    assert SEED.hidden == (32,) and SEED.latent_dim == 2 and SEED.latent_activation == "relu"
    assert (SEED.loss, SEED.optimizer, SEED.learning_rate) == ("bce", "adam", 1e-3)
    assert PRESETS["seed"] is SEED and PRESETS["default"] is DEFAULT


def test_seed_param_counts():
    """The summary shows 25,120 / 66 / 96 / 25,872 parameters, 51,154 in all."""
    m = build(SEED)
    assert dense_params(m.autoencoder) == {"enc_0": 25120, "latent": 66, "dec_0": 96, "reconstruction": 25872}
    assert m.autoencoder.count_params() == 51154
    assert m.encoder.count_params() == 25120 + 66 and m.decoder.count_params() == 96 + 25872
    lines = []
    m.autoencoder.summary(print_fn=lambda line, *a, **k: lines.append(line))
    text = "\n".join(lines)
    for shown in ("25,120", "66", "96", "25,872", "51,154"):
        assert shown in text


def test_seed_activations():
    """relu hidden and latent layers, a sigmoid reconstruction, as in the tutorial."""
    ae = build(SEED).autoencoder
    acts = {layer.name: layer.activation.__name__ for layer in ae.layers if layer.weights}
    assert acts == {"enc_0": "relu", "latent": "relu", "dec_0": "relu", "reconstruction": "sigmoid"}


def test_three_named_models():
    """build() returns models named encoder, decoder, autoencoder with 784 -> 2 -> 784 shapes."""
    m = build(SEED)
    assert (m.encoder.name, m.decoder.name, m.autoencoder.name) == ("encoder", "decoder", "autoencoder")
    assert tuple(m.encoder.input_shape) == (None, 784) and tuple(m.encoder.output_shape) == (None, 2)
    assert tuple(m.decoder.input_shape) == (None, 2) and tuple(m.decoder.output_shape) == (None, 784)
    assert tuple(m.autoencoder.output_shape) == (None, 784)


def test_layers_are_shared():
    """Encoder and decoder hold the very layer objects of the autoencoder, so training one trains all."""
    m = build(DEFAULT)
    for half in (m.encoder, m.decoder):
        for layer in half.layers:
            if layer.weights:
                assert layer is m.autoencoder.get_layer(layer.name)
    enc = {layer.name for layer in m.encoder.layers if layer.weights}
    dec = {layer.name for layer in m.decoder.layers if layer.weights}
    assert enc | dec == {layer.name for layer in m.autoencoder.layers if layer.weights} and not enc & dec


def test_autoencoder_is_decoder_of_encoder():
    """autoencoder(x) equals decoder(encoder(x)) and follows a weight change made through either half."""
    m = build(SEED)
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    both = m.decoder.predict(m.encoder.predict(x, verbose=0), verbose=0)
    np.testing.assert_allclose(m.autoencoder.predict(x, verbose=0), both, atol=1e-6)
    layer = m.decoder.get_layer("reconstruction")
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel, bias + 5.0])
    np.testing.assert_allclose(m.autoencoder.predict(x, verbose=0), m.decoder.predict(m.encoder.predict(x, verbose=0), verbose=0), atol=1e-6)  # fmt: skip
    assert not np.allclose(m.autoencoder.predict(x, verbose=0), both)


# --- config options --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, loss, optimizer",
    [
        ({}, "binary_crossentropy", "Adam"),
        ({"loss": "mse"}, "mse", "Adam"),
        ({"optimizer": "adagrad", "learning_rate": 0.01}, "binary_crossentropy", "Adagrad"),
        ({"optimizer": "adadelta", "learning_rate": 1.0}, "binary_crossentropy", "Adadelta"),
    ],
)
def test_loss_and_optimizer_options(changes, loss, optimizer):
    """Config's loss, optimizer and learning rate reach the compiled autoencoder."""
    config = SEED.replace(**changes)
    ae = build(config).autoencoder
    assert ae.loss == loss
    assert type(ae.optimizer).__name__ == optimizer
    assert float(ae.optimizer.learning_rate) == pytest.approx(config.learning_rate)


def test_hidden_sizes_and_linear_latent():
    """hidden=(128, 64) mirrors into the decoder; a linear latent is really linear."""
    m = build(Config(hidden=(128, 64), latent_activation="linear"))
    p = dense_params(m.autoencoder)
    assert p == {
        "enc_0": 784 * 128 + 128, "enc_1": 128 * 64 + 64, "latent": 64 * 2 + 2,
        "dec_1": 2 * 64 + 64, "dec_0": 64 * 128 + 128, "reconstruction": 128 * 784 + 784,
    }  # fmt: skip
    assert m.autoencoder.get_layer("latent").activation.__name__ == "linear"


@pytest.mark.parametrize(
    "bad",
    [
        {"latent_dim": 3},
        {"loss": "hinge"},
        {"optimizer": "lbfgs"},
        {"latent_activation": "tanh"},
        {"batch_size": 0},
        {"epochs": 0},
        {"learning_rate": 0},
        {"hidden": ()},
        {"hidden": (0,)},
        {"subset": 5},
        {"dataset": "../cifar10"},
    ],
)
def test_config_rejects_bad_values(bad):
    """Out-of-range settings raise ConfigError with a message naming the setting."""
    with pytest.raises(ConfigError) as e:
        Config(**bad)
    assert next(iter(bad)).split("_")[0] in str(e.value)


def test_config_round_trip_and_replace():
    """to_dict/from_dict round-trips; replace() ignores None (flags not given) and re-validates."""
    c = Config(hidden=(64, 16), loss="mse", optimizer="adagrad", batch_size=64, epochs=3, seed=7)
    assert Config.from_dict(json.loads(json.dumps(c.to_dict()))) == c
    assert SEED.replace(epochs=None, seed=3) == Config(seed=3)
    with pytest.raises(ConfigError):
        SEED.replace(batch_size=-1)
    with pytest.raises(ConfigError, match="unknown config keys"):
        Config.from_dict({**c.to_dict(), "dropout": 0.5})


# --- training --------------------------------------------------------------------------------


def test_smoke_train_and_save(small, tmp_path):
    """Three epochs on 300 digits train, bring the loss down from the untrained value (about 0.69, BCE of 0.5
    guesses), report per-epoch losses and batches, encode every digit and save a loadable folder."""
    events = []
    config = SEED.replace(epochs=3, batch_size=32, latent_activation="linear")
    r = fit(config, data=small, on_progress=events.append)
    assert r.epochs_done == 3 and not r.stopped
    assert len(r.history["loss"]) == len(r.history["val_loss"]) == 3
    assert all(np.isfinite(r.history["loss"] + r.history["val_loss"]))
    assert r.history["loss"][-1] < r.history["loss"][0] < 0.7
    assert r.z_train.shape == (300, 2) and r.z_test.shape == (100, 2) and r.z_train.dtype == np.float32
    np.testing.assert_array_equal(r.y_train, small[0][1])
    assert 0 < r.test_bce < 1
    epoch_events = [e for e in events if e["kind"] == "epoch"]
    assert [e["loss"] for e in epoch_events] == pytest.approx(r.history["loss"])
    assert sum(e["kind"] == "batch" for e in events) == 3 * 10  # ceil(300 / 32) per epoch

    out = store.save(r, tmp_path / "smoke")
    bundle = store.load(out)
    assert bundle.meta["epochs"] == 3 and bundle.config == config
    np.testing.assert_allclose(bundle.latent["z_train"], r.z_train)


def test_same_seed_same_model(small):
    """Training twice with the same seed gives the same losses: runs are reproducible. Config(subset=N) trains
    on the first N training digits only; the test set is untouched."""
    config = SEED.replace(epochs=1, seed=3, subset=50)
    a, b = fit(config, data=small), fit(config, data=small)
    assert a.history == b.history
    np.testing.assert_allclose(a.z_test, b.z_test, atol=1e-6)
    assert a.z_train.shape == (50, 2) and a.z_test.shape == (100, 2)
    np.testing.assert_array_equal(a.y_train, small[0][1][:50])


def test_stop_request_discards_partial_epoch(small):
    """should_stop() ends training after the current batch, and the unfinished epoch is not reported."""
    r = fit(SEED.replace(epochs=3, batch_size=32), data=small, should_stop=lambda: True)
    assert r.stopped and r.epochs_done == 0
    assert r.z_train.shape == (300, 2)  # the models still encode everything
