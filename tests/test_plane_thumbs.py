"""ui/plane/thumbs.py: a model's tile set is written once, in the background, and given up where static/ is read-only."""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest

import ui.plane.thumbs as pt
from model.images.tiles import MANIFEST


@pytest.fixture
def fresh(monkeypatch):
    """The module's bookkeeping emptied (other tests may have written tile sets in this process)."""
    monkeypatch.setattr(pt, "_building", {})
    monkeypatch.setattr(pt, "_failed", {})
    monkeypatch.setattr(pt, "_written", pt.deque())


def data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.normal(size=(n, 2)).astype(np.float32)


def fake_bundle(monkeypatch, x, z, path: Path):
    """A model whose data set is readable (x) without Streamlit's data loading."""
    monkeypatch.setattr(pt.data_status, "data_available", lambda name: True)
    monkeypatch.setattr(pt.data_status, "load_data", lambda name: ((x, None), (None, None)))
    return types.SimpleNamespace(path=path, meta={"dataset": "mnist"}, latent={"z_train": z})


def test_state_names_a_tile_set_that_is_written_once_in_the_background(tmp_path, monkeypatch, fresh):
    """The plane is told where the tiles are at once; the thread writes them, and a second mount writes nothing."""
    x, z = data()
    bundle = fake_bundle(monkeypatch, x, z, tmp_path / "model")
    st = pt.state(bundle, tmp_path / "static")
    assert st["thumbs"] == "originals" and st["tiles"].startswith("app/static/lp/tiles-") and st["tiles"].endswith("/")
    pt.wait()
    folder = tmp_path / "static" / st["tiles"].removeprefix("app/static/")
    assert (folder / MANIFEST).is_file() and (folder / "0.bin").is_file()
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert pt.state(bundle, tmp_path / "static") == st
    assert not pt._building and {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_unwritable_static_folder_gives_decoded_thumbnails(tmp_path, monkeypatch, fresh):
    """Where static/ cannot be written, the plane is told "unserved" (it decodes the digits and says why)."""
    x, z = data()
    blocker = tmp_path / "static"
    blocker.write_text("a file, not a folder")
    assert pt.state(fake_bundle(monkeypatch, x, z, tmp_path / "model"), blocker) == pt.UNSERVED
    assert pt.ensure(blocker / "lp" / "tiles-x", x, z) is False


def test_a_model_with_more_encodings_than_digits_is_not_tiled(tmp_path, monkeypatch, fresh):
    """Encodings without a digit of the data set each: no originals, so nothing wrong is shown."""
    x, z = data()
    bundle = fake_bundle(monkeypatch, x[:100], z, tmp_path / "model2")
    assert pt.state(bundle, tmp_path / "static") == pt.UNSERVED
    assert not (tmp_path / "static").exists()


def test_without_the_data_set_the_browser_decodes(tmp_path, monkeypatch, fresh):
    """No data set: "decoded", and no folder is made."""
    monkeypatch.setattr(pt.data_status, "data_available", lambda name: False)
    bundle = types.SimpleNamespace(path=tmp_path, meta={"dataset": "mnist"}, latent={"z_train": np.zeros((3, 2))})
    assert pt.state(bundle, tmp_path / "static") == pt.NO_DATA
    assert not (tmp_path / "static").exists()


def test_only_the_newest_tile_sets_this_process_wrote_stay(tmp_path, monkeypatch, fresh):
    """Past KEEP tile sets, the oldest this process wrote are removed."""
    monkeypatch.setattr(pt, "KEEP", 2)
    folders = [tmp_path / f"set{k}" for k in range(4)]
    for k, folder in enumerate(folders):
        assert pt.ensure(folder, *data(20, k))
        pt.wait()
    assert [f.exists() for f in folders] == [False, False, True, True]


def test_the_build_reads_a_cached_data_set_through_a_map_of_its_own(tmp_path):
    """Digits read for the tiles do not stay in the server's resident memory through the shared map."""
    x = np.arange(5 * 28 * 28, dtype=np.uint8).reshape(5, 28, 28)
    np.save(tmp_path / "x.npy", x)
    shared = np.load(tmp_path / "x.npy", mmap_mode="r")
    own = pt._own_map(shared)
    assert own is not shared and isinstance(own, np.memmap) and np.array_equal(own, x)
    assert pt._own_map(x) is x  # an array in memory is used as it is
