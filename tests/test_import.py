"""Issue 27: a user's own Keras autoencoder (.keras or .h5, built and saved by Keras) is read without
Keras and runs in NumPy exactly as Keras runs it; the import writes a model folder the app opens."""

from __future__ import annotations

import numpy as np
import pytest

from model.folders import store
from model.folders.importer import import_file
from model.folders.keras_file import read
from model.net.fast import Codec

ACCEPTED = ("tutorial.keras", "tutorial.h5", "sequential.keras", "tanh-leaky.keras", "tanh-leaky.h5", "vae.keras")


def keras_parts(path):
    """Keras's own (encoder, autoencoder) of a saved file: the encoder ends at the 2-unit layer."""
    import keras

    m = keras.saving.load_model(path, compile=False, safe_mode=False)  # the test's own files
    names = [layer.name for layer in m.layers]
    code = "code" if "code" in names else "z_mean" if "z_mean" in names else m.layers[2].name
    latent = m.get_layer(code).output
    after = names[names.index(code) + 1] if code == "code" else None
    if after and type(m.get_layer(after)).__name__ in ("Activation", "LeakyReLU"):
        latent = m.get_layer(after).output  # the latent's own activation layer belongs to the encoder
    return keras.Model(m.inputs, latent), m


@pytest.mark.parametrize("name", ACCEPTED)
def test_numpy_encodes_and_decodes_as_keras(keras_files, name):
    """Each accepted file's NumPy encodings and reconstructions equal Keras's within 1e-4."""
    imp = read(keras_files[name].read_bytes())
    codec = Codec(imp.encoder, imp.decoder, log_var=imp.log_var)
    encoder, ae = keras_parts(keras_files[name])
    x = np.random.default_rng(0).random((64, 784), dtype=np.float32)
    shaped = x.reshape((64, *ae.input_shape[1:]))
    assert np.abs(codec.encode(x) - np.asarray(encoder.predict(shaped, verbose=0)).reshape(64, 2)).max() < 1e-4
    if imp.log_var is None:  # a VAE's Keras output samples; its mean path is checked by the encoder above
        want = np.asarray(ae.predict(shaped, verbose=0)).reshape(64, 784)
        assert np.abs(codec.decode(codec.encode(x)) - want).max() < 1e-4


def test_vae_sigma_is_its_log_variance_head(keras_files):
    """A Dense VAE is recognised from its config: its spread is exp(z_log_var / 2) as Keras computes it."""
    import keras

    imp = read(keras_files["vae.keras"].read_bytes())
    m = keras.saving.load_model(keras_files["vae.keras"], compile=False, safe_mode=False)
    x = np.random.default_rng(1).random((16, 784), dtype=np.float32)
    want = np.exp(0.5 * keras.Model(m.inputs, m.get_layer("z_log_var").output).predict(x, verbose=0))
    assert np.abs(Codec(imp.encoder, imp.decoder, log_var=imp.log_var).sigma(x) - want).max() < 1e-4
    assert imp.layers[1] == "Dense 2 linear (latent, z_mean)"


@pytest.mark.parametrize("name", ["keras2.h5", "keras2-sequential.h5"])
def test_keras2_h5_reads_like_the_keras3_one(keras_files, name):
    """A Keras 2 style .h5 (batch_input_shape, class "Model" or Sequential, list inbound nodes, ':0'
    weight names) reads as the same network as the Keras 3 one."""
    a, b = read(keras_files[name].read_bytes()), read(keras_files["tutorial.h5"].read_bytes())
    assert a.keras == "2.15.0" and a.layers == b.layers
    for (k1, b1, a1), (k2, b2, a2) in zip(a.encoder + a.decoder, b.encoder + b.decoder, strict=True):
        assert np.array_equal(k1, k2) and np.array_equal(b1, b2) and a1 == a2


def test_chain_names_each_activation(keras_files):
    """The tanh / leaky_relu model keeps its leaky slope; the Sequential one folds BatchNormalization away."""
    assert read(keras_files["tanh-leaky.keras"].read_bytes()).layers == [
        "Dense 33 tanh", "Dense 17 leaky_relu:0.1", "Dense 2 linear (latent)", "Dense 3 softplus", "Dense 31 elu",
        "Dense 784 sigmoid",
    ]  # fmt: skip
    assert read(keras_files["sequential.keras"].read_bytes()).layers == [
        "Dense 64 relu", "Dense 2 linear (latent)", "Dense 48 silu", "Dense 30 gelu", "Dense 784 sigmoid",
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["tanh-leaky.h5", "vae.keras"])
def test_import_writes_a_model_folder_the_app_opens(keras_files, mnist, tmp_path, name):
    """The import encodes MNIST, writes meta.json (imported, BCE, 5-NN, the chain) and latent.npz; the
    folder loads through the app's validator, with no history, and decodes as the file does."""
    steps = []
    path = import_file(
        keras_files[name].read_bytes(), tmp_path / "lib", "mine", on_progress=lambda t, f: steps.append(f)
    )
    assert steps[-1] == 1.0 and steps == sorted(steps)
    b = store.load(path)
    assert b.meta["origin"] == "imported" and b.meta["dataset"] == "mnist" and b.history is None
    assert b.meta["layers"] == read(keras_files[name].read_bytes()).layers
    assert len(b.latent["z_train"]) == 60000 and len(b.latent["z_test"]) == 10000
    assert 0 < b.meta["test_bce"] < 1 and 0 <= b.meta["knn5"] <= 1
    imp = read(keras_files[name].read_bytes())
    z = np.random.default_rng(2).normal(size=(8, 2)).astype(np.float32)
    assert np.abs(b.codec.decode(z) - Codec(imp.encoder, imp.decoder).decode(z)).max() < 1e-6
    x = (mnist[1][0][:100].reshape(100, -1) / 255).astype(np.float32)
    assert np.abs(b.codec.encode(x) - b.latent["z_test"][:100]).max() < 1e-5


def test_quality_call_site_writes_through_the_plane_quality_module(monkeypatch, tmp_path):
    """Once model.plane.quality exists, the import computes (BCE) and writes the per-digit file through it."""
    import sys
    import types

    from model.folders.importer import quality_call_site

    calls = []
    fake = types.SimpleNamespace(compute=lambda *a: calls.append(("compute", a[1])) or {"q": 1},
                                 write=lambda folder, q: calls.append(("write", folder, q)))  # fmt: skip
    monkeypatch.setitem(sys.modules, "model.plane.quality", fake)
    import model.plane

    monkeypatch.setattr(model.plane, "quality", fake, raising=False)
    quality_call_site(tmp_path, None, None, {})
    assert calls == [("compute", "bce"), ("write", tmp_path, {"q": 1})]
