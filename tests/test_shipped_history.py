"""Every shipped model carries its training history: small, valid, the fixed sample, and ending on its plane."""

from __future__ import annotations

import numpy as np
import pytest

from model.folders import store
from model.net import history

pytestmark = pytest.mark.xdist_group("shipped_history")  # its module-scoped fixtures are built once, in one worker

ASSETS = store.ROOT / "assets" / "models"
SHIPPED = ("default", "seed", "vae", "fashion")


@pytest.fixture(scope="module", params=SHIPPED)
def bundle(request):
    """One shipped model, loaded (and its history.npz checked) the way the app loads it."""
    return store.load(ASSETS / request.param)


def test_history_is_small(bundle):
    """history.npz is at most 1 MB (float16 snapshots, compressed); 50 epochs take about 0.4 MB."""
    assert (bundle.path / store.HISTORY_FILE).stat().st_size <= 2**20


def test_history_covers_the_whole_training(bundle):
    """Snapshots at the start, at 1/8, 1/4, 1/2 of epoch 1 and after every epoch, with the epochs' losses."""
    h, meta = bundle.history, bundle.meta
    epochs = meta["epochs"]
    # the early ones are whole batches: 0.1248 is batch 234 of 1,875
    assert h["t"].tolist() == pytest.approx([0.0, 0.125, 0.25, 0.5, *range(1, epochs + 1)], abs=0.01)
    assert h["z"].shape == (epochs + 4, history.SAMPLE_SIZE, 2)
    np.testing.assert_allclose(h["loss"], meta["loss"], rtol=1e-6)
    np.testing.assert_allclose(h["val_loss"], meta["val_loss"], rtol=1e-6)


def test_history_sample_is_the_shared_one(bundle):
    """Every model's history follows the same 2,000 test digits, with their labels."""
    h = bundle.history
    assert np.array_equal(h["index"], history.sample_indices(10_000))
    assert np.array_equal(h["y"], bundle.latent["y_test"][h["index"]])


def test_history_ends_on_the_models_plane_and_starts_elsewhere(bundle):
    """The last snapshot is the model's own test encodings (float16 rounding); the first is not."""
    h = bundle.history
    final = bundle.latent["z_test"][h["index"]]
    assert np.all(np.abs(h["z"][-1] - final) <= np.abs(final) * 2**-11 + 1e-6)
    spread = np.ptp(final, axis=0).max()
    assert np.abs(h["z"][0] - final).max() > 0.1 * spread  # the plane formed during training
