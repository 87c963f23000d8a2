"""The VAE option: training, the KL term, safe-mode save/load/reuse, the fast path on the mean, and its quality.npz."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from model.folders import store
from model.net.config import Config
from model.net.train import fit

pytestmark = pytest.mark.xdist_group("vae")  # its module-scoped fixtures are built once, in one worker


def small(mnist, n_train=300, n_test=200):
    (xtr, ytr), (xte, yte) = mnist
    return (xtr[:n_train], ytr[:n_train]), (xte[:n_test], yte[:n_test])


@pytest.fixture(scope="module")
def vae_result(mnist):
    config = Config(architecture="vae", hidden=(32,), latent_activation="linear", epochs=1, batch_size=100, beta=1.0)
    return fit(config, data=small(mnist))


@pytest.fixture(scope="module")
def saved_vae(vae_result, tmp_path_factory):
    return store.save(vae_result, tmp_path_factory.mktemp("lib") / "vae1")


def test_vae_trains_and_reports_finite_losses(vae_result):
    """One epoch gives finite loss, val_loss and test BCE, and a 2-D mean encoder."""
    assert len(vae_result.history["loss"]) == 1 and np.isfinite(vae_result.history["val_loss"][0])
    assert 0 < vae_result.test_bce < 1
    assert vae_result.z_test.shape == (200, 2)
    names = [layer.name for layer in vae_result.models.autoencoder.layers]
    assert {"z_mean", "z_log_var", "sampling"} <= set(names)


def test_kl_term_is_part_of_the_loss(mnist):
    """A large beta raises val_loss above the reconstruction BCE: the KL term is really added."""
    config = Config(architecture="vae", latent_activation="linear", epochs=1, batch_size=100, beta=500.0)
    result = fit(config, data=small(mnist))
    assert result.history["val_loss"][0] > result.test_bce + 1e-3


def test_saved_vae_has_no_lambda_layer_and_loads_in_safe_mode(saved_vae, vae_result):
    """The .keras file names the registered Sampling layer, and store.load (safe mode) restores it."""
    with zipfile.ZipFile(saved_vae / store.MODEL_FILE) as z:
        cfg = z.read("config.json").decode()
    assert "Lambda" not in cfg and "latent_explorer>Sampling" in cfg
    bundle = store.load(saved_vae)
    assert type(bundle.models.autoencoder.get_layer("sampling")).__name__ == "Sampling"
    assert bundle.models.autoencoder.get_layer("sampling").beta == 1.0
    x = np.random.default_rng(0).random((16, 784), dtype=np.float32)
    before = vae_result.models.autoencoder.predict(x, verbose=0)
    after = bundle.models.autoencoder.predict(x, verbose=0)
    np.testing.assert_allclose(after, before, atol=1e-6)


def test_fast_path_equals_keras_encoder_mean(saved_vae, mnist):
    """The numpy Codec encodes to the Keras encoder's z_mean and decodes like the Keras decoder."""
    bundle = store.load(saved_vae)
    x = mnist[1][0][:64].reshape(64, 784).astype(np.float32) / 255
    z_keras = bundle.models.encoder.predict(x, verbose=0)
    np.testing.assert_allclose(bundle.codec.encode(x), z_keras, atol=1e-5)
    np.testing.assert_allclose(
        bundle.codec.decode(z_keras), bundle.models.decoder.predict(z_keras, verbose=0), atol=1e-5
    )
    # Inference passes the mean through: the full autoencoder equals decode(encode(x)).
    np.testing.assert_allclose(bundle.models.autoencoder.predict(x, verbose=0), bundle.codec.decode(z_keras), atol=1e-5)


def test_training_writes_quality_with_sigma(saved_vae, mnist):
    """A VAE's training stores error, agreement and σ equal to what its saved folder computes, and the
    model zip carries the file."""
    from model.folders import modelzip
    from model.folders.check import QUALITY_FILE, load_quality
    from model.plane import quality

    b = store.load(saved_vae)
    q = load_quality(saved_vae / QUALITY_FILE, b.latent, vae=True)
    again = quality.compute(b.codec, "bce", small(mnist), b.latent)
    assert set(q) == set(again) and len(q["sigma_train"]) == 300
    for k in q:
        np.testing.assert_allclose(q[k].astype(np.float32), again[k].astype(np.float32), rtol=2e-3, atol=1e-4)
    assert QUALITY_FILE in modelzip.read_members(modelzip.to_zip(saved_vae, "vae1"))


def test_loaded_vae_can_be_trained_further(saved_vae, mnist):
    """A loaded VAE compiles and trains again (reuse), changing its weights."""
    from model.net.autoencoder import compile_models

    bundle = store.load(saved_vae)
    ae = bundle.models.autoencoder
    compile_models(ae, bundle.config)
    x = mnist[0][0][:200].reshape(200, 784).astype(np.float32) / 255
    w0 = ae.get_layer("z_mean").get_weights()[0].copy()
    hist = ae.fit(x, x, epochs=1, batch_size=100, verbose=0)
    assert np.isfinite(hist.history["loss"][0])
    assert not np.allclose(ae.get_layer("z_mean").get_weights()[0], w0)


def test_loader_registry_names_every_custom_layer():
    """Every non-Keras layer a built VAE holds is in autoencoder.CUSTOM_OBJECTS, which store.load passes to Keras."""
    import keras

    from model.net.autoencoder import CUSTOM_OBJECTS, build

    models = build(Config(architecture="vae", latent_activation="linear"))
    custom = {type(layer) for layer in models.autoencoder.layers if not type(layer).__module__.startswith("keras")}
    assert custom and custom <= set(CUSTOM_OBJECTS.values())
    assert all(keras.saving.get_registered_name(cls) in CUSTOM_OBJECTS for cls in custom)


def test_model_package_has_no_import_cycle():
    """No module of model/ imports, even inside a function, one that imports it back (autoencoder <-> vae was one)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    graph = {}
    for path in (root / "model").rglob("*.py"):
        name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("model"):
                deps |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        graph[name] = deps
    graph = {m: {d for d in deps if d in graph and d != m and not m.startswith(d + ".")} for m, deps in graph.items()}

    def visit(m, path):
        assert m not in path, " -> ".join([*path, m])
        for d in graph[m]:
            visit(d, (*path, m))

    for m in graph:
        visit(m, ())
