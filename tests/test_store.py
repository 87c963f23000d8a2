"""Artefacts: model folders are written atomically, load back safely, and corruption is a ModelError."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

from model.folders import atomic, store
from model.folders.store import ModelError
from model.net.config import SEED
from model.net.train import fit

pytestmark = pytest.mark.xdist_group("store")  # its module-scoped fixtures are built once, in one worker

META_KEYS = {"config", "dataset", "epochs", "loss", "val_loss", "test_bce", "params", "data_checksum", "created"}


@pytest.fixture(scope="module")
def result(mnist):
    """A model trained 2 epochs on 300 real digits (100 test digits)."""
    (xtr, ytr), (xte, yte) = mnist
    return fit(SEED.replace(epochs=2, batch_size=32), data=((xtr[:300], ytr[:300]), (xte[:100], yte[:100])))


@pytest.fixture(scope="module")
def saved(result, tmp_path_factory):
    """That model saved once; tests copy it before damaging it."""
    return store.save(result, tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture
def copy(saved, tmp_path):
    """A private copy of the saved folder."""
    target = tmp_path / "models" / "tiny"
    target.mkdir(parents=True)
    for f in saved.iterdir():
        (target / f.name).write_bytes(f.read_bytes())
    return target


def leftovers(folder: Path) -> list[str]:
    """Hidden temp folders or files that an atomic write left behind (not the lock, not live versions)."""
    live = atomic.referenced(folder) | {atomic.LOCK_NAME}
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in live)


# --- what a save writes ------------------------------------------------------------------------


def test_folder_layout(saved, result):
    """A model folder holds model.keras, meta.json, latent.npz, history.npz and quality.npz, nothing else."""
    names = sorted(p.name for p in saved.iterdir())
    assert names == ["history.npz", "latent.npz", "meta.json", "model.keras", "quality.npz"]
    assert leftovers(saved.parent) == []


def test_meta_contents(saved, result):
    """meta.json records config, dataset, per-epoch losses, test BCE, params, data checksum and date."""
    meta = json.loads((saved / "meta.json").read_text())
    assert META_KEYS <= set(meta)
    assert meta["config"] == result.config.to_dict() and meta["dataset"] == "mnist"
    assert meta["epochs"] == 2 and meta["loss"] == result.history["loss"] and len(meta["val_loss"]) == 2
    assert meta["params"] == 51154 and meta["test_bce"] == pytest.approx(result.test_bce, abs=1e-6)
    assert meta["data_checksum"] == result.data_checksum and len(meta["data_checksum"]) == 64
    assert meta["created"][:4].isdigit() and "T" in meta["created"]


def test_latent_contents(saved, result):
    """latent.npz holds float32 encodings of every train and test digit with their labels."""
    with np.load(saved / "latent.npz", allow_pickle=False) as f:
        assert f["z_train"].shape == (300, 2) and f["z_train"].dtype == np.float32
        assert f["z_test"].shape == (100, 2) and f["z_test"].dtype == np.float32
        np.testing.assert_array_equal(f["y_train"], result.y_train)
        np.testing.assert_array_equal(f["z_test"], result.z_test)


def test_folder_is_readable_by_others(saved):
    """The folder and files get the umask's permissions, not mkdtemp's owner-only 0700."""
    umask = atomic.umask()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o777 & ~umask
    assert stat.S_IMODE((saved / "meta.json").stat().st_mode) == 0o666 & ~umask


# --- load and reuse -----------------------------------------------------------------------------


def test_load_and_reuse(saved, result):
    """A loaded folder gives back the same encoder/decoder, encodings and config, ready to use."""
    b = store.load(saved)
    assert b.path == saved and b.name == "tiny" and b.config == result.config
    x = np.random.default_rng(0).random((20, 784), dtype=np.float32)
    np.testing.assert_allclose(b.models.encoder.predict(x, verbose=0), result.models.encoder.predict(x, verbose=0), atol=1e-6)  # fmt: skip
    z = np.array([[0.0, 0.0], [1.5, -0.3], [10.0, 4.0]], dtype=np.float32)
    np.testing.assert_allclose(b.codec.decode(z), result.models.decoder.predict(z, verbose=0), atol=1e-5)
    np.testing.assert_array_equal(b.latent["z_train"], result.z_train)
    # The loaded halves still share layers with the loaded autoencoder.
    assert b.models.decoder.get_layer("reconstruction") is b.models.autoencoder.get_layer("reconstruction")


def test_loaded_model_saves_over_its_folder(copy, result):
    """A model loaded from a folder can be saved back over that same folder and loads again."""
    b = store.load(copy)
    store.save(type(result)(**{**result.__dict__, "models": b.models}), copy, name="resaved")
    again = store.load(copy)
    assert again.name == "resaved" and again.meta["params"] == 51154
    np.testing.assert_allclose(again.codec.decode(np.zeros((1, 2))), b.codec.decode(np.zeros((1, 2))), atol=1e-6)


def test_default_model_dir_env(monkeypatch, tmp_path):
    """LATENT_EXPLORER_MODEL chooses the model folder that load() opens by default."""
    monkeypatch.setenv("LATENT_EXPLORER_MODEL", str(tmp_path / "elsewhere"))
    assert store.default_model_dir() == tmp_path / "elsewhere"
    with pytest.raises(ModelError, match="no such model folder"):
        store.load()


# --- atomic saves --------------------------------------------------------------------------------


def test_failure_mid_save_keeps_old_folder(copy, result, monkeypatch):
    """If saving dies after model.keras is written, the old folder is untouched and no temp folder is left."""
    before = {p.name: p.read_bytes() for p in copy.iterdir()}

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", crash)  # meta.json and model.keras are already written
    with pytest.raises(OSError, match="disk full"):
        store.save(result, copy)
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before
    assert leftovers(copy.parent) == []
    monkeypatch.undo()
    assert store.load(copy).meta["epochs"] == 2


@pytest.mark.parametrize("step", ["versioned", "linked", "swapped"])
def test_failure_during_swap_restores_old_folder(copy, result, monkeypatch, step):
    """An error at a step of the switch leaves the old model loadable; nothing is left behind once cleaned."""
    before = {p.name: p.read_bytes() for p in copy.iterdir()}

    def fail(at):
        if at == step:
            raise OSError("rename failed")

    monkeypatch.setattr(atomic, "FAULT_HOOK", fail)
    with pytest.raises(OSError, match="rename failed"):
        store.save(result, copy)
    monkeypatch.undo()
    if step != "swapped":  # before the switch: the old folder, untouched
        assert {p.name: p.read_bytes() for p in copy.iterdir()} == before and leftovers(copy.parent) == []
    else:  # the switch happened: the new model is in place
        assert store.load(copy).meta["epochs"] == 2


def test_overwrite_replaces_model_folder(copy, result):
    """Saving over an existing model folder replaces it whole and leaves no old copy behind."""
    (copy / "meta.json").write_text(json.dumps({**json.loads((copy / "meta.json").read_text()), "name": "old"}))
    store.save(result, copy, name="new")
    assert store.load(copy).name == "new"
    assert leftovers(copy.parent) == []


def test_save_into_empty_folder(result, tmp_path):
    """An existing empty folder is a fine place for a new model."""
    (tmp_path / "empty").mkdir()
    store.save(result, tmp_path / "empty")
    assert store.load(tmp_path / "empty").meta["epochs"] == 2


@pytest.mark.parametrize("kind", ["folder", "file", "dot"])
def test_save_refuses_to_replace_other_things(result, tmp_path, kind, monkeypatch):
    """A non-empty folder without meta.json, a file, or '.' is never swapped for a model."""
    monkeypatch.chdir(tmp_path)
    if kind == "folder":
        target = tmp_path / "photos"
        target.mkdir()
        (target / "holiday.jpg").write_bytes(b"precious")
    elif kind == "file":
        target = tmp_path / "notes.txt"
        target.write_text("precious")
    else:
        target = Path(".")
        (tmp_path / "precious.txt").write_text("precious")
    with pytest.raises(ModelError, match="model folder"):
        store.save(result, target)
    assert "precious" in "".join(p.read_text(errors="ignore") for p in tmp_path.rglob("*") if p.is_file())
    assert leftovers(tmp_path) == []


def test_write_file_atomic_failure_keeps_old_file(tmp_path):
    """A write that fails half-way leaves the old file as it was and no temp file."""
    target = tmp_path / "out.png"
    target.write_bytes(b"old")

    def half(f):
        f.write(b"new, half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.write_file_atomic(target, half)
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []
    store.write_file_atomic(target, lambda f: f.write(b"new"))
    assert target.read_bytes() == b"new"


# --- corrupt folders -----------------------------------------------------------------------------


def damage_model(folder: Path, how: str) -> None:
    path = folder / "model.keras"
    if how == "random bytes":
        path.write_bytes(os.urandom(2000))
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "missing":
        path.unlink()
    elif how == "zip of junk":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("config.json", "{not json")
    elif how == "wrong shape":  # a valid Keras model, but 10 -> 10
        inp = keras.Input(shape=(10,))
        keras.Model(inp, keras.layers.Dense(10)(inp)).save(path)
    elif how == "no latent layer":  # 784 -> 784, but not our encoder/decoder
        inp = keras.Input(shape=(784,))
        keras.Model(inp, keras.layers.Dense(784, name="reconstruction")(keras.layers.Dense(8)(inp))).save(path)


@pytest.mark.parametrize(
    "how", ["random bytes", "truncated", "empty", "missing", "zip of junk", "wrong shape", "no latent layer"]
)
def test_corrupt_model_file(copy, how):
    """A damaged or foreign model.keras raises ModelError naming the folder, never a Keras traceback."""
    damage_model(copy, how)
    with pytest.raises(ModelError) as e:
        store.load(copy)
    assert "model.keras" in str(e.value) and str(copy.parent) not in str(e.value) and "\n" not in str(e.value)


def test_lambda_layer_refused_by_safe_mode(copy):
    """A model.keras with a Lambda layer (arbitrary code) is refused, not executed."""
    inp = keras.Input(shape=(784,))
    out = keras.layers.Lambda(lambda t: t * 1.0, name="latent")(inp)
    keras.Model(inp, out).save(copy / "model.keras")
    with pytest.raises(ModelError, match="cannot load the model"):
        store.load(copy)


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "has no config"),
        ('{"name": "x"}', "has no config"),
        ('{"config": {"latent_dim": 3}}', "bad config"),
        ('{"config": {"hidden": "abc"}}', "bad config"),
        ('{"config": {"dropout": 0.1}}', "bad config"),
        ('{"config": 7}', "bad config"),
    ],
)
def test_corrupt_meta(copy, content, expected):
    """A broken meta.json raises ModelError saying what is wrong with it."""
    (copy / "meta.json").write_text(content)
    with pytest.raises(ModelError, match=expected):
        store.load(copy)


def test_missing_meta(copy):
    """A folder without meta.json is not taken for a model folder."""
    (copy / "meta.json").unlink()
    with pytest.raises(ModelError, match="no meta.json"):
        store.load(copy)


def latent_arrays(saved: Path) -> dict:
    with np.load(saved / "latent.npz", allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


LATENT_DAMAGE = {
    "random bytes": None,
    "missing key": lambda a: {k: v for k, v in a.items() if k != "y_test"},
    "3-D latent": lambda a: {**a, "z_train": np.zeros((300, 3), np.float32)},
    "count mismatch": lambda a: {**a, "y_train": a["y_train"][:-1]},
    "NaN": lambda a: {**a, "z_test": np.full_like(a["z_test"], np.nan)},
    "string labels": lambda a: {**a, "y_train": a["y_train"].astype(str)},
    "text encodings": lambda a: {**a, "z_train": a["z_train"].astype(str)},
    "pickled": lambda a: {**a, "z_train": np.array([object()] * 300, dtype=object)},
}


@pytest.mark.parametrize("how", sorted(LATENT_DAMAGE))
def test_corrupt_latent(copy, saved, how):
    """A broken latent.npz raises ModelError naming the file; pickles are never loaded."""
    path = copy / "latent.npz"
    if LATENT_DAMAGE[how] is None:
        path.write_bytes(os.urandom(500))
    else:
        np.savez(path, **LATENT_DAMAGE[how](latent_arrays(saved)))
    with pytest.raises(ModelError) as e:
        store.load(copy)
    assert "latent.npz" in str(e.value) and str(copy.parent) not in str(e.value)


def test_missing_folder(tmp_path):
    """Loading a folder that does not exist says so."""
    with pytest.raises(ModelError, match="no such model folder"):
        store.load(tmp_path / "absent")
    with pytest.raises(ModelError, match="no such model folder"):
        store.read_meta(tmp_path / "absent")
