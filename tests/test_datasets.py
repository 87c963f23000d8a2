"""The data-set registry on real, differently made sets, and each refused set's one sentence."""

from __future__ import annotations

import io
import stat
import zipfile

import numpy as np
import pytest

from model.data import FASHION_DIR, DataError, load_dataset
from model.datasets import bounds, registry
from tests import dataset_sets

pytestmark = pytest.mark.xdist_group("datasets")  # its module-scoped fixtures are built once, in one worker

fashion = pytest.mark.skipif(not FASHION_DIR.is_dir(), reason="dataset-fashion-mnist is not installed")


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv("LATENT_EXPLORER_DATASETS", str(folder))
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return dataset_sets.fashion_folder(tmp_path_factory.mktemp("fashion") / "clothes")


@fashion
def test_colour_jpeg_png_folder_becomes_a_data_set(store, folder):
    """64 x 64 colour JPEGs and PNGs in class folders become 28 x 28 light-on-dark images, split 90/10 per class."""
    info = registry.add(folder, "clothes")
    assert info.class_names == ("sneaker", "trouser", "tshirt") and info.labelled
    assert info.skipped == [("tshirt/notes.txt", info.skipped[0][1])] and "not an image" in info.skipped[0][1]
    (xtr, ytr), (xte, yte) = load_dataset("clothes")  # through model.data, as training reads it
    assert xtr.shape == (81, 28, 28) and xte.shape == (9, 28, 28) and xtr.dtype == np.uint8
    assert np.bincount(yte).tolist() == [3, 3, 3] and np.bincount(ytr).tolist() == [27, 27, 27]
    assert xtr[:, :2].max() < 30 and xtr[:, 12:16, 12:16].mean() > 60  # light item on black, in the middle
    ys, xs = np.mgrid[0:28, 0:28]
    cy = (xtr * ys).sum(axis=(1, 2)) / xtr.sum(axis=(1, 2))
    cx = (xtr * xs).sum(axis=(1, 2)) / xtr.sum(axis=(1, 2))
    assert np.abs(cy - 14).max() < 1.5 and np.abs(cx - 14).max() < 1.5  # centred by centre of mass
    assert registry.names()[:3] == ["mnist", "fashion-mnist", "clothes"]
    assert registry.info("clothes").checksum == info.checksum


@fashion
def test_a_zip_of_the_folder_gives_the_same_set(store, folder):
    """The same folder zipped (in a top folder or not; uploaded or on disk) converts to exactly the same arrays."""
    a = registry.add(folder, "from-folder")
    b = registry.add(dataset_sets.zip_folder(folder), "from-zip")  # an upload's bytes
    assert a.checksum == b.checksum and a.class_names == b.class_names
    (folder.parent / "clothes.zip").write_bytes(dataset_sets.zip_folder(folder, top=None))
    c = registry.add(folder.parent / "clothes.zip", "from-zip-file")  # a path, as the command line gives it
    assert c.checksum == a.checksum and not c.skipped[1:]


def test_unlabelled_npz_has_one_class(store, tmp_path):
    """An .npz of float images without y is one class, 'unlabelled', with a 10 % test split."""
    info = registry.add(dataset_sets.unlabelled_npz(tmp_path / "blobs.npz"), "blobs")
    assert info.class_names == ("unlabelled",) and not info.labelled and (info.train, info.test) == (54, 6)
    (xtr, ytr), _ = registry.load("blobs")
    assert set(ytr.tolist()) == {0} and xtr.shape[1:] == (28, 28) and xtr.max() == 255


def test_keras_layout_keeps_its_test_split_and_names(store, tmp_path):
    """Keras's four arrays keep their own split; class_names (strings, no pickle) name the classes."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 40, (60, 28, 28), dtype=np.uint8)  # dark paper, MNIST's format
    x[:, 10:18, 12:16] = 250
    y = np.repeat([0, 1, 2], 20)
    np.savez(tmp_path / "k.npz", x_train=x[:45], y_train=y[:45] % 3, x_test=x[45:], y_test=y[45:] % 3,
             class_names=np.array(["a", "b", "c"]))  # fmt: skip
    info = registry.add(tmp_path / "k.npz", "k")
    (xtr, _), (xte, _) = registry.load("k")
    assert info.class_names == ("a", "b", "c") and len(xte) == 15
    assert np.array_equal(xtr, x[:45])  # already 28 x 28 light on dark: kept pixel for pixel


def test_light_background_npz_is_inverted(store, tmp_path):
    """Dark shapes on white (28 x 28 uint8) are inverted, as the upload path decides for a picture."""
    x = np.full((40, 28, 28), 255, np.uint8)
    x[:, 8:20, 12:16] = 0
    np.savez(tmp_path / "w.npz", x=x, y=np.repeat([0, 1], 20))
    (xtr, _), _ = registry.load(registry.add(tmp_path / "w.npz", "w").name)
    assert xtr[0, 0, 0] == 0 and xtr[0, 14, 14] == 255


def npz(path, x=None, **arrays):
    x = np.zeros((40, 28, 28), np.uint8) if x is None else x
    np.savez(path, x=x, **arrays)
    return path


def folder_of(root, counts: dict[str, int], bad: int = 0):
    """Class folders of small PNGs (a bar on white); `bad` garbage .png files in the first class."""
    from PIL import Image

    img = Image.new("L", (20, 30), 255)
    img.paste(0, (8, 5, 12, 25))
    for name, n in counts.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            img.save(root / name / f"{i}.png")
    for i in range(bad):
        (root / next(iter(counts)) / f"bad{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    return root


def zip_of(members: dict[str, bytes], links=()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return buf.getvalue()


PNG = dataset_sets.bomb_png(20)  # a valid 20 x 20 PNG header and data: decodes to a blank image


def bad_sets(tmp_path):
    """Refused sets: (source, the sentence's telling words)."""
    y3 = np.repeat([0, 1, 2], 20)
    many = {f"c{k}": 10 for k in range(65)}
    return {
        "one class": (folder_of(tmp_path / "one", {"cats": 20}), "one class only"),
        "label out of range": (npz(tmp_path / "r.npz", np.zeros((60, 28, 28), np.uint8), y=np.where(y3 == 2, 5, y3), class_names=np.array(["a", "b", "c"])), "label 5, outside 0 to 2"),
        "too few": (folder_of(tmp_path / "few", {"a": 20, "b": 4}), "Class b has 4 images; each class needs at least 10"),
        "65 classes": (folder_of(tmp_path / "many", many), "65 classes; the limit is 64"),
        "undecodable": (folder_of(tmp_path / "bad", {"a": 15, "b": 15}, bad=3), "3 of 33 files could not be read as images, more than 5%"),
        "bombs": (folder_of(tmp_path / "bomb", {"a": 10, "b": 10}), "could not be read as images"),
        "pickled": (tmp_path / "p.npz", "Python objects"),
        "floats": (npz(tmp_path / "f.npz", np.full((20, 8, 8), 2.0)), "floats outside [0, 1]"),
        "no x": (tmp_path / "nox.npz", "no array named x"),
        "mismatched y": (npz(tmp_path / "m.npz", y=np.zeros(7, np.int64)), "7 labels for 40 images"),
        "dotdot zip": (zip_of({"set/a/1.png": PNG, "../evil/2.png": PNG}), "unsafe path"),
        "link zip": (zip_of({"set/a/1.png": PNG}, links=["set/a/2.png"]), "holds a link"),
        "zip bomb": (zip_of({"set/a/1.png": b"\0" * 8 * 2**20}), "zip bomb"),
        "deep zip": (zip_of({"set/a/b/c/1.png": PNG, "other/x.png": PNG}), "nests folders too deep"),
        "not a zip": (b"plain text, no zip", "not a zip archive"),
        "not a data set": (tmp_path / "notes.txt", "is not an .npz, a .zip or a folder"),
    }  # fmt: skip


CASES = ["one class", "label out of range", "too few", "65 classes", "undecodable", "bombs", "pickled", "floats",
         "no x", "mismatched y", "dotdot zip", "link zip", "zip bomb", "deep zip", "not a zip", "not a data set"]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_bad_set_gets_one_sentence_and_writes_nothing(case, store, tmp_path):
    """Each bad set is refused with one plain sentence (no path, no exception name) and nothing is stored."""
    np.savez(tmp_path / "p.npz", x=np.array([object()] * 3, dtype=object))
    np.savez(tmp_path / "nox.npz", images=np.zeros((20, 28, 28), np.uint8))
    (tmp_path / "notes.txt").write_text("hello")
    source, words = bad_sets(tmp_path)[case]
    if case == "bombs":  # every image a decompression bomb: each listed, the set refused
        for f in (tmp_path / "bomb").rglob("*.png"):
            f.write_bytes(dataset_sets.bomb_png())
    with pytest.raises(DataError) as e:
        registry.add(source, "bad")
    msg = str(e.value)
    assert words in msg, msg
    assert "\n" not in msg and str(tmp_path) not in msg and "Error" not in msg and msg.endswith(".")
    assert not store.exists() or not any(store.iterdir())  # nothing half-written


def test_too_many_images_and_too_many_bytes(store, tmp_path, monkeypatch):
    """The image and byte limits are checked before conversion (made small here to test them)."""
    src = npz(tmp_path / "n.npz", y=np.repeat([0, 1], 20))
    monkeypatch.setattr(bounds, "MAX_IMAGES", 30)
    with pytest.raises(DataError, match="has 40 images; the limit is 30"):
        registry.add(src, "n")
    monkeypatch.setattr(bounds, "MAX_IMAGES", 500_000)
    monkeypatch.setattr(bounds, "MAX_UNPACKED", 10_000)
    with pytest.raises(DataError, match="unpacks to .* GB; the limit is"):
        registry.add(src, "n")


def test_a_few_bad_files_are_listed_and_skipped(store, tmp_path):
    """One undecodable file in 41 (under 5 %) is listed and skipped; a decompression bomb too."""
    src = folder_of(tmp_path / "ok", {"a": 20, "b": 20}, bad=1)
    (src / "b" / "huge.png").write_bytes(dataset_sets.bomb_png())
    info = registry.add(src, "ok")
    assert sorted(n for n, _ in info.skipped) == ["a/bad0.png", "b/huge.png"]
    assert "too large" in dict(info.skipped)["b/huge.png"] or "too many pixels" in dict(info.skipped)["b/huge.png"]


def test_names_and_damage(store, tmp_path):
    """A built-in or bad name is refused; an existing one needs overwrite; a damaged stored set says so."""
    src = npz(tmp_path / "n.npz", y=np.repeat([0, 1], 20))
    for name, words in (("mnist", "taken by a built-in"), ("../x", "letters, digits"), ("", "letters, digits")):
        with pytest.raises(DataError, match=words):
            registry.add(src, name)
    registry.add(src, "n")
    with pytest.raises(DataError, match="exists already"):
        registry.add(src, "n")
    registry.path("n").write_bytes(registry.path("n").read_bytes()[:-100])
    with pytest.raises(DataError, match="The stored data set n is damaged; add it again."):
        registry.load("n")
    with pytest.raises(DataError, match="not on this machine; add it with"):
        registry.load("absent")


def test_uploaded_npz_bytes_are_read(store, tmp_path):
    """An .npz uploaded on the Train page (bytes, not a path) is read as an .npz, not as a zip of folders."""
    src = dataset_sets.unlabelled_npz(tmp_path / "u.npz", n=30)
    info = registry.add(src.read_bytes(), "up", npz=True)
    assert info.class_names == ("unlabelled",) and info.train + info.test == 30
