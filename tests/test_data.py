"""Data: reading MNIST from each place in the search chain, Fashion-MNIST, and every DataError."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from model import data
from model.data import DataError, load_dataset

IDX_STEMS = data.IDX_NAMES  # key -> "train-images-idx3-ubyte" ...


def synthetic(n_train: int = 12, n_test: int = 6, seed: int = 0) -> dict[str, np.ndarray]:
    """Small random arrays in MNIST's layout: uint8 images N x 28 x 28, uint8 labels 0-9."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write_npz(path: Path, arrays: dict) -> Path:
    np.savez(path, **arrays)
    return path


def idx_bytes(a: np.ndarray) -> bytes:
    """The idx encoding: 0 0 0x08 ndim, big-endian uint32 dims, then the bytes."""
    return bytes([0, 0, 0x08, a.ndim]) + b"".join(struct.pack(">I", d) for d in a.shape) + a.tobytes()


def write_idx_folder(folder: Path, arrays: dict, gz: bool = False, dotted: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in IDX_STEMS.items():
        name = stem.replace("-idx", ".idx") if dotted else stem
        raw = idx_bytes(arrays[key])
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return folder


def assert_same(loaded, arrays: dict) -> None:
    (xtr, ytr), (xte, yte) = loaded
    for got, key in ((xtr, "x_train"), (ytr, "y_train"), (xte, "x_test"), (yte, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])


@pytest.fixture
def no_sources(monkeypatch, tmp_path):
    """No env var, an empty Keras home, and a download that fails loudly if reached."""
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.delenv("LATENT_EXPLORER_KERAS_HOME", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return failing_download(monkeypatch)


def failing_download(monkeypatch) -> list:
    """Make model/download.py's fetch fail as with no network; the list it returns counts the calls."""
    from model import download

    calls = []

    def no_download(name, on_bytes=None):
        calls.append(name)
        raise download.DownloadError("the download failed (no connection)")

    monkeypatch.setattr(download, "fetch", no_download)
    return calls


# --- reading each format -------------------------------------------------------------------


def test_npz_file_loads_exact_arrays(tmp_path):
    """A Keras-layout .npz given as the source comes back unchanged, as uint8."""
    arrays = synthetic()
    assert_same(load_dataset("mnist", write_npz(tmp_path / "m.npz", arrays)), arrays)


def test_folder_with_mnist_npz(tmp_path):
    """A folder holding mnist.npz is read through that file."""
    arrays = synthetic()
    write_npz(tmp_path / "mnist.npz", arrays)
    assert_same(load_dataset("mnist", tmp_path), arrays)


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize("dotted", [False, True], ids=["dash", "dot"])
def test_idx_folder(tmp_path, gz, dotted):
    """A folder of the four idx files, gzipped or not, with either naming, loads the same arrays."""
    arrays = synthetic()
    folder = write_idx_folder(tmp_path / "idx", arrays, gz=gz, dotted=dotted)
    assert_same(load_dataset("mnist", folder), arrays)


def test_real_mnist_shapes(mnist):
    """The real data set has 60,000 + 10,000 digits, 28 x 28, labels 0-9."""
    (xtr, ytr), (xte, yte) = mnist
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28)
    assert ytr.shape == (60000,) and yte.shape == (10000,)
    assert xtr.dtype == np.uint8 and ytr.dtype == np.uint8
    assert set(np.unique(ytr)) == set(range(10))


# --- the search chain ----------------------------------------------------------------------


def test_env_var_wins_over_keras_cache(tmp_path, monkeypatch, no_sources):
    """LATENT_EXPLORER_DATA is used even when Keras's cache also holds a data set."""
    env_arrays, cache_arrays = synthetic(seed=1), synthetic(seed=2)
    (tmp_path / "keras_home" / "datasets").mkdir(parents=True)
    write_npz(tmp_path / "keras_home" / "datasets" / "mnist.npz", cache_arrays)
    monkeypatch.setenv(data.ENV_VAR, str(write_npz(tmp_path / "env.npz", env_arrays)))
    assert_same(load_dataset("mnist"), env_arrays)


def test_env_var_folder(tmp_path, monkeypatch, no_sources):
    """LATENT_EXPLORER_DATA may name a folder of idx files."""
    arrays = synthetic()
    monkeypatch.setenv(data.ENV_VAR, str(write_idx_folder(tmp_path / "idx", arrays, gz=True)))
    assert_same(load_dataset("mnist"), arrays)


def test_keras_cache_used_without_env(tmp_path, no_sources):
    """With no env var, $KERAS_HOME/datasets/mnist.npz is read and nothing is downloaded."""
    arrays = synthetic()
    (tmp_path / "keras_home" / "datasets").mkdir(parents=True)
    write_npz(tmp_path / "keras_home" / "datasets" / "mnist.npz", arrays)
    assert_same(load_dataset("mnist"), arrays)
    assert no_sources == []


def test_keras_cache_defaults_to_home(tmp_path, monkeypatch):
    """Without KERAS_HOME the cache is ~/.keras/datasets/mnist.npz, as Keras keeps it."""
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.keras_cache_path() == tmp_path / ".keras" / "datasets" / "mnist.npz"


def test_without_download_nothing_on_disk_is_one_sentence(no_sources):
    """Without download=True (the server) nothing is fetched; the error names the variable and the cache."""
    with pytest.raises(DataError) as e:
        load_dataset("mnist")
    msg = str(e.value)
    assert no_sources == []
    assert data.ENV_VAR in msg and str(data.keras_cache_path()) in msg and "download it" in msg
    assert "\n" not in msg


def test_download_is_last_resort(monkeypatch, no_sources, tmp_path):
    """With download=True, no env var and no cache, model/download.py fills Keras's cache and that is read."""
    from model import download

    arrays = synthetic()

    def fake_fetch(name, on_bytes=None):
        no_sources.append(name)
        write_npz(data.keras_cache_path(name), arrays)

    data.keras_cache_path().parent.mkdir(parents=True)
    monkeypatch.setattr(download, "fetch", fake_fetch)
    assert_same(load_dataset("mnist", download=True), arrays)
    assert no_sources == ["mnist"]


def test_download_failure_is_a_data_error(no_sources):
    """When the download fails too, its one sentence is a DataError."""
    with pytest.raises(DataError, match="download failed") as e:
        load_dataset("mnist", download=True)
    assert no_sources == ["mnist"] and "\n" not in str(e.value)


def test_downloaded_bad_arrays_are_refused(monkeypatch, no_sources):
    """A downloaded file holding malformed arrays is validated like any other source."""
    from model import download

    a = synthetic()
    a["y_train"] = a["y_train"] + 10
    data.keras_cache_path().parent.mkdir(parents=True)
    monkeypatch.setattr(download, "fetch", lambda name, on_bytes=None: write_npz(data.keras_cache_path(), a))
    with pytest.raises(DataError, match="outside 0-9"):
        load_dataset("mnist", download=True)


# --- every DataError -----------------------------------------------------------------------


def bad_arrays(case: str) -> dict:
    a = synthetic()
    if case == "missing key":
        del a["y_test"]
    elif case == "float images":
        a["x_train"] = a["x_train"].astype(np.float32)
    elif case == "int64 labels":
        a["y_train"] = a["y_train"].astype(np.int64)
    elif case == "wrong image size":
        a["x_test"] = a["x_test"][:, :, :27]
    elif case == "flat images":
        a["x_train"] = a["x_train"].reshape(len(a["x_train"]), 784)
    elif case == "2-D labels":
        a["y_train"] = a["y_train"].reshape(-1, 1)
    elif case == "count mismatch":
        a["y_test"] = a["y_test"][:-1]
    elif case == "empty":
        a["x_test"], a["y_test"] = a["x_test"][:0], a["y_test"][:0]
    elif case == "label 10":
        a["y_train"][3] = 10
    return a


BAD_NPZ = {
    "missing key": "missing array 'y_test'",
    "float images": "must be uint8",
    "int64 labels": "must be uint8",
    "wrong image size": "28 x 28",
    "flat images": "28 x 28",
    "2-D labels": "1-D",
    "count mismatch": "labels",
    "empty": "empty",
    "label 10": "label 10, outside 0-9",
}


@pytest.mark.parametrize("case", sorted(BAD_NPZ))
def test_malformed_npz(tmp_path, case):
    """Each kind of malformed .npz raises one DataError naming the file, the problem and the fix."""
    path = write_npz(tmp_path / "bad.npz", bad_arrays(case))
    with pytest.raises(DataError) as e:
        load_dataset("mnist", path)
    msg = str(e.value)
    assert str(path) in msg and BAD_NPZ[case] in msg and data.ENV_VAR in msg
    assert "\n" not in msg


def test_missing_source(tmp_path):
    """A source path that does not exist says so."""
    with pytest.raises(DataError, match="no such file or folder") as e:
        load_dataset("mnist", tmp_path / "nope.npz")
    assert str(tmp_path / "nope.npz") in str(e.value)


def test_not_a_zip(tmp_path):
    """A file that is not an .npz at all is reported as unreadable, not as a crash."""
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"this is not a zip archive" * 10)
    with pytest.raises(DataError, match="not a readable .npz") as e:
        load_dataset("mnist", path)
    assert str(path) in str(e.value)


def test_truncated_npz(tmp_path):
    """A half-copied .npz is reported, naming the file."""
    path = write_npz(tmp_path / "m.npz", synthetic())
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(DataError, match="not a readable .npz"):
        load_dataset("mnist", path)


def test_pickled_arrays_refused(tmp_path):
    """Object (pickled) arrays are never unpickled: allow_pickle=False turns them into a DataError."""
    a = synthetic()
    a["y_train"] = np.array([{"evil": 1}] * len(a["x_train"]), dtype=object)
    path = write_npz(tmp_path / "m.npz", a)
    with pytest.raises(DataError, match="not a readable .npz"):
        load_dataset("mnist", path)


def test_folder_without_data(tmp_path):
    """A folder with neither mnist.npz nor idx files names the first file it looked for."""
    with pytest.raises(DataError, match="no train-images-idx3-ubyte") as e:
        load_dataset("mnist", tmp_path)
    assert str(tmp_path) in str(e.value) and data.ENV_VAR in str(e.value)


def test_idx_folder_missing_one_file(tmp_path):
    """An idx folder missing the test labels says which file is missing."""
    folder = write_idx_folder(tmp_path / "idx", synthetic())
    (folder / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match="no t10k-labels-idx1-ubyte"):
        load_dataset("mnist", folder)


BAD_IDX = {
    "bad magic": (lambda raw: b"\x01\x02" + raw[2:], "not an idx file"),
    "int32 type": (lambda raw: raw[:2] + b"\x0c" + raw[3:], "not an idx file"),
    "truncated body": (lambda raw: raw[:-5], "holds"),
    "truncated header": (lambda raw: raw[:9], "header is truncated"),
    "tiny": (lambda raw: raw[:2], "not an idx file"),
}


@pytest.mark.parametrize("case", sorted(BAD_IDX))
def test_malformed_idx(tmp_path, case):
    """A damaged idx file raises a DataError naming that file."""
    folder = write_idx_folder(tmp_path / "idx", synthetic())
    target = folder / "train-images-idx3-ubyte"
    damage, expected = BAD_IDX[case]
    target.write_bytes(damage(target.read_bytes()))
    with pytest.raises(DataError, match=expected) as e:
        load_dataset("mnist", folder)
    assert str(target) in str(e.value)


def test_idx_label_out_of_range(tmp_path):
    """idx labels are validated like .npz labels."""
    a = synthetic()
    a["y_test"][0] = 200
    with pytest.raises(DataError, match="outside 0-9"):
        load_dataset("mnist", write_idx_folder(tmp_path / "idx", a))


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_corrupt_gzip(tmp_path, damage):
    """A truncated or garbled .gz idx file is a DataError, not an EOFError or zlib.error."""
    folder = write_idx_folder(tmp_path / "idx", synthetic(), gz=True)
    target = folder / "train-labels-idx1-ubyte.gz"
    raw = target.read_bytes()
    target.write_bytes(raw[: len(raw) // 2] if damage == "truncated" else raw[:10] + b"\xff" * 40)
    with pytest.raises(DataError, match="cannot read") as e:
        load_dataset("mnist", folder)
    assert str(target) in str(e.value)


def test_unknown_dataset():
    """Asking for a data set this machine does not have says how to add it."""
    with pytest.raises(DataError, match="not on this machine; add it with"):
        load_dataset("cifar10")


# --- Fashion-MNIST -------------------------------------------------------------------------


@pytest.mark.skipif(not data.FASHION_DIR.is_dir(), reason="dataset-fashion-mnist is not installed")
def test_fashion_mnist_from_debian_package():
    """Fashion-MNIST loads from Debian's idx files with MNIST's shapes and ten class names."""
    (xtr, ytr), (xte, yte) = load_dataset("fashion-mnist")
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28)
    assert xtr.dtype == np.uint8 and set(np.unique(yte)) == set(range(10))
    names = data.CLASS_NAMES["fashion-mnist"]
    assert len(names) == 10 and names[0] == "T-shirt/top" and names[9] == "Ankle boot"


def test_fashion_mnist_ignores_mnist_env(tmp_path, monkeypatch):
    """LATENT_EXPLORER_DATA is for MNIST; Fashion-MNIST reads its own folder."""
    arrays = synthetic()
    monkeypatch.setenv(data.ENV_VAR, str(write_npz(tmp_path / "m.npz", synthetic(seed=5))))
    assert_same(load_dataset("fashion-mnist", write_idx_folder(tmp_path / "fashion", arrays, gz=True)), arrays)


def test_fashion_mnist_explicit_source_missing(tmp_path):
    """A Fashion-MNIST path given explicitly that does not exist is an error, not a fall back."""
    with pytest.raises(DataError, match="no such file or folder"):
        load_dataset("fashion-mnist", tmp_path / "absent")


@pytest.fixture
def no_fashion(monkeypatch, tmp_path):
    """No variable, an empty Keras home, no Debian package, and a download that fails if reached."""
    monkeypatch.delenv(data.FASHION_ENV_VAR, raising=False)
    monkeypatch.delenv("LATENT_EXPLORER_KERAS_HOME", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("LATENT_EXPLORER_DEBIAN_FASHION", str(tmp_path / "no_debian"))
    return failing_download(monkeypatch)


def test_fashion_mnist_env_var(tmp_path, monkeypatch, no_fashion):
    """LATENT_EXPLORER_FASHION names Fashion-MNIST's folder, as LATENT_EXPLORER_DATA does MNIST's."""
    arrays = synthetic(seed=3)
    monkeypatch.setenv(data.FASHION_ENV_VAR, str(write_idx_folder(tmp_path / "f", arrays, gz=True)))
    assert_same(load_dataset("fashion-mnist"), arrays)
    assert no_fashion == []


def test_fashion_mnist_keras_cache_before_debian(tmp_path, monkeypatch, no_fashion):
    """Keras's cache (datasets/fashion-mnist/*.gz) is read before Debian's package and without a download."""
    cached, debian = synthetic(seed=4), synthetic(seed=5)
    write_idx_folder(tmp_path / "keras_home" / "datasets" / "fashion-mnist", cached, gz=True)
    monkeypatch.setenv("LATENT_EXPLORER_DEBIAN_FASHION", str(write_idx_folder(tmp_path / "debian", debian, gz=True)))
    assert_same(load_dataset("fashion-mnist"), cached)
    assert no_fashion == []


def test_fashion_mnist_debian_package_after_a_partial_cache(tmp_path, monkeypatch, no_fashion):
    """A half-downloaded Keras cache is passed over; Debian's package is the next source."""
    partial = tmp_path / "keras_home" / "datasets" / "fashion-mnist"
    write_idx_folder(partial, synthetic(seed=4), gz=True)
    (partial / "t10k-labels-idx1-ubyte.gz").unlink()
    debian = synthetic(seed=5)
    monkeypatch.setenv("LATENT_EXPLORER_DEBIAN_FASHION", str(write_idx_folder(tmp_path / "debian", debian, gz=True)))
    assert_same(load_dataset("fashion-mnist"), debian)
    assert no_fashion == []


def test_fashion_mnist_download_is_last_resort(monkeypatch, no_fashion):
    """With download=True and nothing on disk, the four files fetched into Keras's cache supply Fashion-MNIST."""
    from model import download

    arrays = synthetic(seed=6)
    monkeypatch.setattr(
        download, "fetch", lambda name, on_bytes=None: write_idx_folder(data.keras_cache_path(name), arrays, gz=True)
    )
    assert_same(load_dataset("fashion-mnist", download=True), arrays)


def test_fashion_mnist_missing_everywhere(no_fashion):
    """With no source at all the one-line error names the variable, Keras's cache and the Debian package."""
    with pytest.raises(DataError) as e:
        load_dataset("fashion-mnist")
    msg = str(e.value)
    assert no_fashion == [] and "\n" not in msg
    assert data.FASHION_ENV_VAR in msg and str(data.keras_cache_path("fashion-mnist")) in msg
    assert "apt-get install dataset-fashion-mnist" in msg and "download it" in msg


# --- helpers ---------------------------------------------------------------------------------


def test_to_float_range_and_shape():
    """to_float gives float32 N x 784 in [0, 1], 255 mapping to exactly 1."""
    x = synthetic()["x_train"]
    x[0, 0, 0], x[0, 0, 1] = 0, 255
    f = data.to_float(x)
    assert f.shape == (len(x), 784) and f.dtype == np.float32
    assert f[0, 0] == 0.0 and f[0, 1] == 1.0 and f.min() >= 0 and f.max() <= 1


def test_checksum_tracks_every_array():
    """The data checksum changes when a single label changes, and is stable otherwise."""
    a = synthetic()
    base = data.checksum(a["x_train"], a["y_train"], a["x_test"], a["y_test"])
    assert base == data.checksum(a["x_train"], a["y_train"].copy(), a["x_test"], a["y_test"])
    a["y_test"][0] = (a["y_test"][0] + 1) % 10
    assert base != data.checksum(a["x_train"], a["y_train"], a["x_test"], a["y_test"])
