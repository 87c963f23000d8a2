"""model/data_cache.py: the server's data sets are memory maps of a cached uncompressed copy, equal
to what load_dataset reads, renewed when the source changes, and in memory where nothing can be written."""

from __future__ import annotations

import os

import numpy as np
import pytest

from model import data_cache
from model.data import DataError
from tests.test_data import synthetic, write_npz


@pytest.fixture
def source(tmp_path, monkeypatch):
    """A small MNIST-layout .npz as LATENT_EXPLORER_DATA, and an empty cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write_npz(tmp_path / "mnist.npz", synthetic())
    monkeypatch.setenv("LATENT_EXPLORER_DATA", str(path))
    return path


def flat(arrays):
    return [a for pair in arrays for a in pair]


def test_mapped_equals_the_source_and_is_a_read_only_map(source):
    """The arrays equal the .npz's; the second call maps the cached copy (np.memmap, not writable)."""
    first = data_cache.mapped("mnist")
    again = data_cache.mapped("mnist")
    for a, b, key in zip(flat(first), flat(again), data_cache.KEYS, strict=True):
        np.testing.assert_array_equal(a, synthetic()[key])
        assert isinstance(b, np.memmap) and not b.flags.writeable
    assert len(list((source.parent / "cache" / "latent-explorer").iterdir())) == 1


def test_a_changed_source_is_read_again(source):
    """Replacing the .npz (new size or mtime) gives its new arrays, not the old cached copy."""
    data_cache.mapped("mnist")
    write_npz(source, synthetic(n_train=20, seed=1))
    os.utime(source, ns=(1, 1))
    (x_train, _), _ = data_cache.mapped("mnist")
    np.testing.assert_array_equal(x_train, synthetic(n_train=20, seed=1)["x_train"])


def test_a_source_changed_many_times_keeps_only_the_newest_copies(source):
    """Each change writes a new copy; only the newest KEEP stay on disk, the current one among them."""
    for k in range(data_cache.KEEP + 2):
        write_npz(source, synthetic(n_train=20 + k, seed=k))
        os.utime(source, ns=(k + 1, k + 1))
        (x_train, _), _ = data_cache.mapped("mnist")
    assert len(list((source.parent / "cache" / "latent-explorer").iterdir())) == data_cache.KEEP
    np.testing.assert_array_equal(x_train, synthetic(n_train=20 + k, seed=k)["x_train"])
    (again, _), _ = data_cache.mapped("mnist")  # the current copy was kept: it is mapped, not rewritten
    assert isinstance(again, np.memmap)


def test_unwritable_cache_falls_back_to_memory(source, tmp_path, monkeypatch):
    """Where the cache folder cannot be created, the arrays still come back (in memory)."""
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    (x_train, _), _ = data_cache.mapped("mnist")
    np.testing.assert_array_equal(x_train, synthetic()["x_train"])


def test_bad_source_is_a_data_error(source):
    """A damaged source is refused as load_dataset refuses it, and nothing is cached."""
    source.write_bytes(b"not a zip")
    with pytest.raises(DataError):
        data_cache.mapped("mnist")
    assert not (source.parent / "cache" / "latent-explorer").exists() or not any(
        (source.parent / "cache" / "latent-explorer").iterdir()
    )
