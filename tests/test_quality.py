"""Per-digit quality (model/plane/quality.py): error, neighbour agreement and a VAE's σ are right,
stored in every shipped model, validated on load (a damaged file is one plain line), computed for an
older folder on first open, and written by training (tests/test_vae.py, on its trained VAE)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from model.folders import store
from model.folders.check import QUALITY_FILE, ModelError, load_quality
from model.net.fast import bce
from model.plane import quality

pytestmark = pytest.mark.xdist_group("quality")  # its module-scoped fixtures are built once, in one worker

SHIPPED = ("default", "seed", "vae", "fashion")


@pytest.fixture(scope="module")
def default():
    return store.load(store.SHIPPED_DIR / "default")


@pytest.fixture
def older(default, tmp_path):
    """A copy of the shipped default model as an older folder: without quality.npz."""
    target = tmp_path / "older"
    shutil.copytree(default.path.resolve(), target)
    (target / QUALITY_FILE).unlink()
    return target


def test_bce_per_digit_averages_to_the_models_loss():
    """The per-digit BCE's mean is fast.bce over the same pixels; MSE is the mean squared difference."""
    rng = np.random.default_rng(0)
    x, y = rng.random((5, 784), np.float32), rng.random((5, 784), np.float32)
    assert quality.per_digit_loss(x, y, "bce").mean() == pytest.approx(bce(x, y), rel=1e-5)
    np.testing.assert_allclose(quality.per_digit_loss(x, y, "mse"), ((x - y) ** 2).mean(1), rtol=1e-6)


def test_agreement_counts_neighbours_with_the_same_label_without_itself():
    """A training point's own encoding is left out; a test point counts its k nearest training encodings."""
    z = np.array([[0, 0], [1, 0], [2, 0], [10, 0], [11, 0]], np.float32)
    y = np.array([1, 1, 2, 2, 2])
    np.testing.assert_allclose(quality.agreement(z, y, z, y, own=True, k=2), [0.5, 0.5, 0.0, 1.0, 1.0])
    got = quality.agreement(z, y, np.array([[0.4, 0.0]]), np.array([1]), own=False, k=3)
    np.testing.assert_allclose(got, [2 / 3])


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_model_has_its_quality(name):
    """Each shipped model holds error and agreement for every digit (σ for the VAE), and the test
    digits' mean error is the test loss its meta.json reports."""
    b = store.load(store.SHIPPED_DIR / name)
    q = load_quality(b.path / QUALITY_FILE, b.latent, vae=b.codec.var is not None)
    assert len(q["error_train"]) == len(b.latent["z_train"]) and len(q["agree_test"]) == len(b.latent["z_test"])
    assert ("sigma_train" in q) == (name == "vae")
    assert float(q["error_test"].astype(np.float64).mean()) == pytest.approx(b.meta["test_bce"], rel=2e-3)
    assert 0.3 < float(q["agree_test"].astype(np.float64).mean()) < 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda p, q: p.write_bytes(b"not a zip at all"),
        lambda p, q: np.savez(p, **{**q, "error_train": q["error_train"][:-1]}),
        lambda p, q: np.savez(p, **{**q, "error_test": np.full_like(q["error_test"], np.nan)}),
        lambda p, q: np.savez(p, **{**q, "agree_train": q["agree_train"] + 2}),
        lambda p, q: np.savez(p, **{k: v for k, v in q.items() if k != "agree_test"}),
        lambda p, q: np.savez(p, **{**q, "error_train": q["error_train"].astype(object)}, allow_pickle=True),
    ],
    ids=["garbage", "short", "nan", "share-over-1", "missing", "pickle"],
)
def test_a_damaged_quality_file_is_one_plain_line(default, older, damage):
    """A damaged quality.npz is refused by the validator in one sentence naming the file by its role."""
    q = quality.compute(default.codec, "bce", None, default.latent)
    q = {**q, "error_train": q["agree_train"], "error_test": q["agree_test"]}
    damage(older / QUALITY_FILE, q)
    with pytest.raises(ModelError) as e:
        load_quality(older / QUALITY_FILE, default.latent, vae=False)
    msg = str(e.value)
    assert msg.startswith("the model's quality.npz") and "\n" not in msg and "/" not in msg.split("npz", 1)[1]


def test_an_older_folder_gets_its_file_on_first_open(older, mnist):
    """Opened with its data set, an older folder gets quality.npz, equal to the shipped one."""
    b = store.load(older)
    q, note = quality.ensure(older, b.meta, b.codec, b.latent, mnist)
    assert note is None and (older / QUALITY_FILE).is_file()
    shipped = load_quality(store.SHIPPED_DIR / "default" / QUALITY_FILE, b.latent, vae=False)
    for k, v in shipped.items():
        np.testing.assert_array_equal(q[k], v)
    again, note = quality.ensure(older, b.meta, b.codec, b.latent, None)  # read back: no data needed now
    assert note is None and set(again) == set(shipped)


def test_without_data_agreement_only_and_one_line(older, mnist):
    """Without the data set (or with another one), only agreement is offered, with one line saying why."""
    b = store.load(older)
    q, note = quality.ensure(older, b.meta, b.codec, b.latent, None)
    assert set(q) == {"agree_train", "agree_test"} and not (older / QUALITY_FILE).exists()
    assert "reconstruction error" in note and "not available" in note and "\n" not in note
    (xtr, ytr), test = mnist
    q, note = quality.ensure(older, b.meta, b.codec, b.latent, ((xtr[::-1], ytr[::-1]), test))
    assert set(q) == {"agree_train", "agree_test"} and "not the one this model was trained on" in note


def test_a_read_only_folder_still_gets_every_quantity(older, mnist, monkeypatch):
    """Where the folder cannot be written, everything is computed in memory and one line says so."""

    def refuse(path, data):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(quality, "write_file_atomic", refuse)
    b = store.load(older)
    q, note = quality.ensure(older, b.meta, b.codec, b.latent, mnist)
    assert {"error_train", "agree_test"} <= set(q) and "cannot be written" in note
    assert not (older / QUALITY_FILE).exists()


def test_a_damaged_file_is_computed_again(older, mnist):
    """A damaged quality.npz in a writable folder is replaced on open."""
    (older / QUALITY_FILE).write_bytes(b"garbage")
    b = store.load(older)
    q, note = quality.ensure(older, b.meta, b.codec, b.latent, mnist)
    assert note is None and load_quality(older / QUALITY_FILE, b.latent, vae=False) is not None
