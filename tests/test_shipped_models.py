"""Every model shipped under assets/models/ loads and has the figures its meta.json (and docs/models.md) claims."""

from __future__ import annotations

import numpy as np
import pytest

from model.data import DataError, load_dataset
from model.folders import store
from model.net.fast import bce
from model.plane.metrics import knn_accuracy

pytestmark = pytest.mark.xdist_group("shipped_models")  # its module-scoped fixtures are built once, in one worker

ASSETS = store.ROOT / "assets" / "models"
SHIPPED = ("default", "seed", "vae", "fashion")


@pytest.fixture(scope="module", params=SHIPPED)
def bundle(request):
    """One shipped model, loaded the way the app loads it."""
    return store.load(ASSETS / request.param)


def test_the_zoo_is_complete_and_small():
    """The four shipped models are there, and all assets together stay under 15 MB."""
    assert {p.name for p in ASSETS.iterdir() if (p / "meta.json").is_file()} >= set(SHIPPED)
    total = sum(f.stat().st_size for f in ASSETS.rglob("*") if f.is_file())
    assert total < 15 * 2**20


def test_params_and_config(bundle):
    """The network has the parameter count and the architecture meta.json records."""
    meta = bundle.meta
    assert bundle.models.autoencoder.count_params() == meta["params"]
    dense = [w.shape for w in bundle.models.encoder.weights if len(w.shape) == 2]
    assert [s[1] for s in dense][: len(meta["config"]["hidden"])] == meta["config"]["hidden"]
    assert meta["epochs"] == meta["config"]["epochs"] == len(meta["val_loss"]) and not meta["stopped_early"]


def test_latent_shapes_and_both_dims_used(bundle):
    """latent.npz holds all 60,000 + 10,000 encodings with labels 0-9, spread along both latent dims."""
    lat = bundle.latent
    assert lat["z_train"].shape == (60000, 2) and lat["z_test"].shape == (10000, 2)
    assert set(np.unique(lat["y_train"])) == set(range(10)) == set(np.unique(lat["y_test"]))
    assert (lat["z_train"].std(0) > 1e-3 * np.abs(lat["z_train"]).max()).all()  # no dead (constant) dim


def test_knn5_matches_meta(bundle):
    """The 5-NN accuracy recomputed from latent.npz is the one meta.json records."""
    lat = bundle.latent
    knn5 = knn_accuracy(lat["z_train"], lat["y_train"], lat["z_test"], lat["y_test"], k=5)
    assert knn5 == pytest.approx(bundle.meta["knn5"], abs=1e-4)


def test_test_bce_and_encodings_match_meta(bundle):
    """On the real test set the model reconstructs with meta.json's BCE and encodes as latent.npz says."""
    try:
        (_, _), (x_test, y_test) = load_dataset(bundle.meta["dataset"])
    except DataError as e:
        pytest.skip(f"{bundle.meta['dataset']} not available: {e}")
    x = x_test.reshape(len(x_test), 784).astype(np.float32) / 255.0
    z = bundle.codec.encode(x)
    np.testing.assert_array_equal(bundle.latent["y_test"], y_test)
    np.testing.assert_allclose(z[:2000], bundle.latent["z_test"][:2000], rtol=1e-4, atol=1e-4)
    assert bce(x, bundle.codec.decode(z)) == pytest.approx(bundle.meta["test_bce"], abs=2e-4)


def test_saved_without_optimizer_state(bundle):
    """model.keras holds the weights only (float32, 4 bytes a parameter), not Adam's two extra copies."""
    size = (bundle.path / "model.keras").stat().st_size
    assert size < 4 * bundle.meta["params"] + 100_000
