"""Training history: every training stores its test sample's snapshots, they load back checked, and a
damaged history.npz is refused in one plain sentence; the snapshots leave training's results unchanged."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from model.folders import modelzip, store
from model.folders.library import Library, LibraryError
from model.folders.store import ModelError
from model.net import history, train
from model.net.config import SEED

pytestmark = pytest.mark.xdist_group("history")  # its module-scoped fixtures are built once, in one worker


@pytest.fixture(scope="module")
def tiny_data(mnist):
    """1,000 training and 3,000 test digits: the sample is 2,000 of the 3,000."""
    (xtr, ytr), (xte, yte) = mnist
    return (xtr[:1000], ytr[:1000]), (xte[:3000], yte[:3000])


@pytest.fixture(scope="module")
def result(tiny_data):
    """Two epochs of the seed network at batch 32 (32 steps an epoch)."""
    return train.fit(SEED.replace(epochs=2, latent_activation="linear"), data=tiny_data)


@pytest.fixture(scope="module")
def saved(result, tmp_path_factory):
    return store.save(result, tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture
def copy(saved, tmp_path):
    target = tmp_path / "tiny"
    shutil.copytree(saved.resolve(), target)
    return target


def test_sample_is_the_same_for_every_model():
    """The sample is 2,000 distinct sorted test positions, the same on every call."""
    a, b = history.sample_indices(10_000), history.sample_indices(10_000)
    assert np.array_equal(a, b) and len(np.unique(a)) == 2000 and (np.diff(a) > 0).all() and a.max() < 10_000


def test_training_writes_snapshots_at_start_early_and_every_epoch(saved, result):
    """history.npz holds start, 1/8, 1/4, 1/2 of epoch 1 and both epochs, with the epochs' losses."""
    h = store.load(saved).history
    assert h["t"].tolist() == [0.0, 0.125, 0.25, 0.5, 1.0, 2.0]
    assert h["z"].shape == (6, 2000, 2)
    assert np.array_equal(h["index"], history.sample_indices(3000))
    np.testing.assert_allclose(h["loss"], result.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(h["val_loss"], result.history["val_loss"], rtol=1e-6)
    assert np.abs(h["z"][1] - h["z"][0]).max() > 0  # the points moved during the first epoch


def test_last_snapshot_is_the_models_plane(saved):
    """The last snapshot equals the saved test encodings of the sample, within float16's rounding."""
    b = store.load(saved)
    z_final = b.latent["z_test"][b.history["index"]]
    assert np.all(np.abs(b.history["z"][-1] - z_final) <= np.abs(z_final) * 2**-11 + 1e-6)


def test_snapshots_do_not_change_training(tiny_data, result, monkeypatch):
    """The same config trained without taking snapshots ends with identical weights and losses."""
    monkeypatch.setattr(history.Snapshots, "take", lambda self, t: None)
    bare = train.fit(result.config, data=tiny_data)
    assert bare.history == result.history
    for a, b in zip(bare.models.autoencoder.get_weights(), result.models.autoencoder.get_weights(), strict=True):
        assert np.array_equal(a, b)


def test_a_model_without_history_loads(copy):
    """Deleting history.npz leaves a model that loads, with history None."""
    (copy / store.HISTORY_FILE).unlink()
    assert store.load(copy).history is None


def rewrite(folder, **changes):
    with np.load(folder / store.HISTORY_FILE) as f:
        h = {k: f[k] for k in f.files}
    h.update(changes)
    (folder / store.HISTORY_FILE).unlink()
    np.savez(folder / store.HISTORY_FILE, **{k: v for k, v in h.items() if v is not None})


BAD = {
    "missing z": {"z": None},
    "pickled object": {"t": np.array([object()], dtype=object)},
    "non-finite z": {"z": np.full((6, 2000, 2), np.nan, np.float16)},
    "z of the wrong shape": {"z": np.zeros((6, 1999, 2), np.float16)},
    "times going back": {"t": np.array([0, 0.5, 0.25, 0.125, 1, 2], np.float32)},
    "wrong labels": {"y": np.zeros(2000, np.uint8) + 11},
    "index past the test set": {"index": np.arange(5000, 7000, dtype=np.int32)},
    "loss of the wrong length": {"loss": np.zeros(5, np.float32)},
    "infinite val_loss": {"val_loss": np.array([np.inf, 1], np.float32)},
}


@pytest.mark.parametrize("case", BAD)
def test_damaged_history_is_refused_in_plain_words(copy, case):
    """Each kind of damage is one ModelError naming history.npz, not a traceback."""
    rewrite(copy, **BAD[case])
    with pytest.raises(ModelError, match=r"^the model's history\.npz"):
        store.load(copy)


def test_oversized_history_is_refused_before_reading(copy, monkeypatch):
    """A history over the size cap is refused from its declared size."""
    monkeypatch.setattr("model.folders.check.HISTORY_MAX_TOTAL", 1000)
    with pytest.raises(ModelError, match="history.npz"):
        store.load(copy)


def test_zip_carries_the_history_and_import_checks_it(saved, tmp_path):
    """A downloaded zip holds history.npz; importing it keeps it; a zip with a bad one is refused."""
    data = modelzip.to_zip(saved, "tiny")
    lib = Library(tmp_path / "lib")
    installed = modelzip.import_zip(data, lib, "copy")
    assert store.load(installed).history["z"].shape == (6, 2000, 2)
    bad = tmp_path / "bad"
    shutil.copytree(saved.resolve(), bad)
    rewrite(bad, t=np.zeros(6, np.float32))
    with pytest.raises(LibraryError, match="history.npz"):
        modelzip.import_zip(modelzip.to_zip(bad, "bad"), lib, "bad")


def test_info_reports_the_history(saved, copy, capsys):
    """`python -m model info` says how many snapshots of how many digits, or null without one."""
    from model.cli import main

    assert main(["info", "--model", str(saved)]) == 0
    assert json.loads(capsys.readouterr().out)["history"] == {"snapshots": 6, "digits": 2000}
    (copy / store.HISTORY_FILE).unlink()
    assert main(["info", "--model", str(copy)]) == 0
    assert json.loads(capsys.readouterr().out)["history"] is None


def test_diverged_snapshots_are_cut():
    """Snapshots from the first non-finite one on are dropped, with their epochs' losses."""
    snaps = history.Snapshots.__new__(history.Snapshots)
    snaps.t = [0.0, 1.0, 2.0]
    snaps.z = [np.zeros((3, 2), np.float32), np.ones((3, 2), np.float32), np.full((3, 2), np.nan, np.float32)]
    out = history.arrays(snaps, np.arange(3), np.zeros(3), {"loss": [1.0, np.nan], "val_loss": [1.0, np.nan]})
    assert out["t"].tolist() == [0.0, 1.0] and out["z"].shape == (2, 3, 2) and out["loss"].tolist() == [1.0]


def test_plane_payload_carries_the_history(saved):
    """The browser's payload holds the snapshots (float16 bits), times, labels and losses; none without history."""
    from model.net.export_weights import plane_payload, unpack

    b = store.load(saved)
    header, arrays = unpack(plane_payload(b.codec, b.latent, list("0123456789"), history=b.history))
    assert header["history"] == {"snapshots": 6, "digits": 2000}
    z = arrays["h_z"].view(np.float16).astype(np.float32)
    assert np.array_equal(z, b.history["z"]) and np.array_equal(arrays["h_t"], b.history["t"])
    assert np.array_equal(arrays["h_y"], b.history["y"]) and len(arrays["h_loss"]) == 2
    header, arrays = unpack(plane_payload(b.codec, b.latent, list("0123456789")))
    assert "history" not in header and "h_z" not in arrays
