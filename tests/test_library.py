"""Model library logic: listing, names, rename/delete, zip download and validated upload (library, modelzip)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import keras
import numpy as np
import pytest

from model.folders import atomic, library, modelzip, store
from model.folders.library import LibraryError
from model.net.config import Config
from model.net.train import fit

pytestmark = pytest.mark.xdist_group("library")  # its module-scoped fixtures are built once, in one worker


@pytest.fixture(scope="module")
def model_dir(mnist, tmp_path_factory):
    """A real (tiny) model folder, trained for one epoch on 300 digits."""
    (xtr, ytr), (xte, yte) = mnist
    result = fit(Config(epochs=1, batch_size=100), data=((xtr[:300], ytr[:300]), (xte[:200], yte[:200])))
    return store.save(result, tmp_path_factory.mktemp("src") / "tiny")


@pytest.fixture
def lib(tmp_path):
    path = tmp_path / "library"
    path.mkdir()
    return path


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def files_of(folder) -> dict[str, bytes]:
    return {f: (folder / f).read_bytes() for f in modelzip.FILES}


def listing(lib) -> list[str]:
    """The library's visible names plus any hidden leftover (not the lock file, not live versions)."""
    live = atomic.referenced(lib) | {atomic.LOCK_NAME}
    return sorted(p.name for p in lib.iterdir() if p.name not in live)


@pytest.mark.parametrize("bad", ["", "  ", "a/b", "..\\x", ".hidden", "x" * 65, "default", "has space", "-dash", "é"])
def test_bad_names_are_refused(bad):
    """Slashes, leading dots, over-long names, odd characters and the reserved 'default' are refused."""
    with pytest.raises(LibraryError):
        library.validate_name(bad)


def test_good_name_is_stripped():
    """A plain name passes, surrounding spaces removed."""
    assert library.validate_name("  my-model_1.2 ") == "my-model_1.2"


def test_list_shows_shipped_first_then_models_skipping_temp_folders(model_dir, lib, tmp_path, monkeypatch):
    """The listing has the shipped default first, user models by name, a broken folder with its error, no dot folders."""
    shutil.copytree(model_dir, lib / "zeta")
    shutil.copytree(model_dir, lib / "alpha")
    (lib / "broken").mkdir()
    (lib / ".alpha.tmp-123").mkdir()
    monkeypatch.setenv("LATENT_EXPLORER_MODEL", str(model_dir))
    (tmp_path / "shipped").mkdir()
    entries = library.Library(lib, shipped_dir=tmp_path / "shipped").list()
    assert [e.name for e in entries] == ["default", "alpha", "broken", "zeta"]
    assert entries[0].shipped and not entries[1].shipped
    assert entries[1].meta["epochs"] == 1 and entries[1].size > 1000 and "AE 784-32-2" in entries[1].summary
    assert entries[2].meta is None and "meta.json" in entries[2].error


def test_a_model_deleted_while_the_list_is_read_is_left_out(model_dir, lib, monkeypatch):
    """A folder listed, then renamed or deleted by another server before its meta.json is read, is not shown as unreadable."""
    shutil.copytree(model_dir, lib / "kept")
    shutil.copytree(model_dir, lib / "going")
    real = library.Library.folders

    def folders_then_delete(self):
        out = real(self)
        shutil.rmtree(lib / "going")  # gone between the folder listing and the meta.json read
        return out

    monkeypatch.setattr(library.Library, "folders", folders_then_delete)
    entries = library.Library(lib).list()
    assert "going" not in [e.name for e in entries] and "kept" in [e.name for e in entries]
    assert all(e.meta is not None for e in entries if e.name == "kept")


def test_zip_round_trip_installs_under_the_new_name(model_dir, lib):
    """Export then import gives a loadable model whose meta carries the new name."""
    path = modelzip.import_zip(modelzip.to_zip(model_dir, "tiny"), lib, "copy")
    assert path == lib / "copy" and listing(lib) == ["copy"]
    bundle = store.load(path)
    assert bundle.name == "copy" and bundle.codec.encode(np.zeros((1, 784), np.float32)).shape == (1, 2)


def test_garbage_upload_is_refused_and_nothing_changes(lib):
    """Bytes that are not a zip give a clear message and leave the library empty."""
    with pytest.raises(LibraryError, match="not a zip"):
        modelzip.import_zip(b"this is not a zip file" * 10, lib, "junk")
    assert listing(lib) == []


def test_zip_slip_is_refused(model_dir, lib, tmp_path):
    """A member path with '..' is refused before anything is written, inside or outside the library."""
    members = {f"x/../../{f}": data for f, data in files_of(model_dir).items()}
    with pytest.raises(LibraryError, match="unsafe path"):
        modelzip.import_zip(zip_of(members), lib, "slip")
    assert listing(lib) == [] and not any((tmp_path / f).exists() for f in modelzip.FILES)


def test_absolute_paths_and_links_are_refused(model_dir, lib):
    """Absolute member paths and symlink members are refused."""
    with pytest.raises(LibraryError, match="unsafe path"):
        modelzip.import_zip(zip_of({"/etc/meta.json": b"{}"}), lib, "abs")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        link = zipfile.ZipInfo("m/model.keras")
        link.external_attr = 0o120777 << 16  # a symlink's mode bits
        z.writestr(link, "/etc/passwd")
    with pytest.raises(LibraryError, match="link"):
        modelzip.import_zip(buf.getvalue(), lib, "link")
    assert listing(lib) == []


def test_missing_and_unexpected_files_are_refused(model_dir, lib):
    """A zip without latent.npz, or with an extra file, is refused and names the file."""
    files = files_of(model_dir)
    with pytest.raises(LibraryError, match="missing latent.npz"):
        modelzip.import_zip(zip_of({k: v for k, v in files.items() if k != "latent.npz"}), lib, "m")
    with pytest.raises(LibraryError, match="evil.py"):
        modelzip.import_zip(zip_of({**files, "evil.py": b"import os"}), lib, "m")
    assert listing(lib) == []


def test_oversize_uploads_are_refused(model_dir, lib, monkeypatch):
    """Past the upload cap, or past the unpacked cap (a zip bomb), the zip is refused."""
    data = modelzip.to_zip(model_dir, "tiny")
    monkeypatch.setattr(modelzip, "MAX_ZIP_BYTES", len(data) - 1)
    with pytest.raises(LibraryError, match="limit"):
        modelzip.import_zip(data, lib, "big")
    monkeypatch.setattr(modelzip, "MAX_ZIP_BYTES", 2**30)
    bomb = zip_of({**files_of(model_dir), "m/latent.npz": b"\0" * 3_000_000})
    monkeypatch.setattr(modelzip, "MAX_UNPACKED_BYTES", 2_000_000)
    with pytest.raises(LibraryError, match="unpacks to more"):
        modelzip.import_zip(bomb, lib, "bomb")
    assert listing(lib) == []


def save_keras(model, tmp_path) -> bytes:
    model.save(tmp_path / "m.keras")
    return (tmp_path / "m.keras").read_bytes()


def test_wrong_shapes_are_refused(model_dir, lib, tmp_path):
    """A 3-D latent and a 100-pixel input are not explorer models: refused with the shapes named."""
    x = keras.Input((784,), name="image")
    z = keras.layers.Dense(3, name="latent")(keras.layers.Dense(8, name="enc_0")(x))
    out = keras.layers.Dense(784, activation="sigmoid", name="reconstruction")(keras.layers.Dense(8, name="dec_0")(z))
    files = {**files_of(model_dir), "model.keras": save_keras(keras.Model(x, out), tmp_path)}
    with pytest.raises(LibraryError, match="latent must be 2-D"):
        modelzip.import_zip(zip_of(files), lib, "three")
    small = keras.Input((100,))
    files["model.keras"] = save_keras(keras.Model(small, keras.layers.Dense(100)(small)), tmp_path)
    with pytest.raises(LibraryError, match="784"):
        modelzip.import_zip(zip_of(files), lib, "small")
    assert listing(lib) == []


def test_lambda_layer_is_refused_by_safe_mode(model_dir, lib, tmp_path):
    """A model with a Lambda layer (arbitrary code) fails the safe-mode load."""
    x = keras.Input((784,))
    z = keras.layers.Dense(2, name="latent")(x)
    out = keras.layers.Lambda(lambda t: t * 0 + 0.5)(keras.layers.Dense(784, name="reconstruction")(z))
    files = {**files_of(model_dir), "model.keras": save_keras(keras.Model(x, out), tmp_path)}
    with pytest.raises(LibraryError, match="not a usable model"):
        modelzip.import_zip(zip_of(files), lib, "lam")
    assert listing(lib) == []


def test_bad_meta_is_refused(model_dir, lib):
    """A meta.json without a config is refused."""
    files = {**files_of(model_dir), "meta.json": json.dumps({"name": "x"}).encode()}
    with pytest.raises(LibraryError, match="config"):
        modelzip.import_zip(zip_of(files), lib, "meta")
    assert listing(lib) == []


def test_name_clash_needs_confirmation(model_dir, lib):
    """Importing or renaming onto an existing name is refused unless overwrite is confirmed."""
    data = modelzip.to_zip(model_dir, "tiny")
    modelzip.import_zip(data, lib, "one")
    modelzip.import_zip(data, lib, "two")
    with pytest.raises(LibraryError, match="already exists"):
        modelzip.import_zip(data, lib, "one")
    with pytest.raises(LibraryError, match="already exists"):
        library.Library(lib).rename("two", "one")
    library.Library(lib).rename("two", "one", overwrite=True)
    assert listing(lib) == ["one"]


def test_rename_moves_folder_and_meta_name(model_dir, lib):
    """Rename moves the folder and updates the name stored in meta.json."""
    modelzip.import_zip(modelzip.to_zip(model_dir, "tiny"), lib, "old")
    library.Library(lib).rename("old", "new")
    assert listing(lib) == ["new"] and store.read_meta(lib / "new")["name"] == "new"


def test_delete_refuses_the_default_and_removes_others(model_dir, lib):
    """'default' cannot be deleted or renamed; a user model is removed completely."""
    with pytest.raises(LibraryError, match="cannot be deleted"):
        library.Library(lib).delete("default")
    with pytest.raises(LibraryError, match="cannot be renamed"):
        library.Library(lib).rename("default", "mine")
    modelzip.import_zip(modelzip.to_zip(model_dir, "tiny"), lib, "gone")
    library.Library(lib).delete("gone")
    assert listing(lib) == []
    with pytest.raises(LibraryError, match="no model"):
        library.Library(lib).delete("gone")


@pytest.mark.parametrize("name", ["Default", "DEFAULT", "dEfAuLt", "SEED", "Vae", "FASHION"])
def test_shipped_names_are_reserved_whatever_their_case(name, lib):
    """A user model may not be called Default or DEFAULT (or any shipped name in any case): it would shadow it."""
    with pytest.raises(LibraryError, match="shipped model's name"):
        library.Library(lib).check_free(name, overwrite=True)
    with pytest.raises(LibraryError, match="shipped model's name"):
        library.Library(lib).validate(name)


@pytest.mark.parametrize("name", ["..", ".", "a/b", "../x", "/etc", "a\\b", "x\0y", ""])
def test_library_path_refuses_anything_but_a_model_name(name, lib):
    """Library.path('..') or ('a/b') raises instead of naming a folder outside (or inside) the library."""
    with pytest.raises(LibraryError):
        library.Library(lib).path(name)
