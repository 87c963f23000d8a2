"""Train on a user's data set, from the command line and the Train page, and open the model with its class names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from model import cli
from model.data import FASHION_DIR
from model.datasets import registry
from model.folders import store
from model.jobs.job import wait_until_finished
from tests import dataset_sets
from tests.apptest_utils import plane_payload
from ui import dataset_form

APP = str(Path(__file__).resolve().parent.parent / "app.py")
fashion = pytest.mark.skipif(not FASHION_DIR.is_dir(), reason="dataset-fashion-mnist is not installed")
NAMES = ("sneaker", "trouser", "tshirt")


@pytest.fixture
def places(tmp_path, monkeypatch):
    monkeypatch.setenv("LATENT_EXPLORER_DATASETS", str(tmp_path / "sets"))
    monkeypatch.setenv("LATENT_EXPLORER_MODELS", str(tmp_path / "models"))
    return tmp_path


@fashion
def test_cli_trains_on_a_folder_and_records_the_set(places, capsys):
    """`train --data DIR` adds the folder as a data set, trains on it and records its name, classes and checksum."""
    folder = dataset_sets.fashion_folder(places / "clothes", per_class=20)
    out = places / "models" / "m"
    argv = [
        "train",
        "--data",
        str(folder),
        "--config",
        "seed",
        "--epochs",
        "1",
        "--batch-size",
        "16",
        "--out",
        str(out),
    ]
    assert cli.main(argv) == 0
    printed = capsys.readouterr()
    assert "data set clothes: 54 training and 6 test images, 3 classes" in printed.out
    assert "skipped tshirt/notes.txt" in printed.err
    meta = json.loads((out / "meta.json").read_text())
    assert meta["dataset"] == "clothes" and meta["class_names"] == list(NAMES)
    assert meta["dataset_checksum"] == registry.checksum("clothes") != ""
    bundle = store.load(out)
    assert bundle.latent["z_train"].shape == (54, 2) and set(bundle.latent["y_test"].tolist()) == {0, 1, 2}
    assert cli.main(["dataset", "list"]) == 0 and "clothes\t60 images, 3 classes" in capsys.readouterr().out


def app(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@fashion
def test_train_page_adds_a_zip_trains_and_explore_names_the_classes(places, monkeypatch):
    """Upload a zip on the Train page: its converted images and classes show; 1 epoch trains; Explore names the classes; without the set, one line says so."""
    # The job trains in a thread of this process (TensorFlow is imported once per test worker, not in a fresh
    # child); the same job_worker.work runs. The child process is covered by tests/test_train_options.py and tests/e2e/test_train.py.
    monkeypatch.setenv("LATENT_EXPLORER_TRAIN_IN_PROCESS", "1")
    zipped = dataset_sets.zip_folder(dataset_sets.fashion_folder(places / "clothes", per_class=20))
    at = app("pages/train.py")
    assert f"up to {dataset_form.upload_cap()} MB" in " ".join(c.value for c in at.caption)
    at.file_uploader(key="data_upload").set_value(("clothes.zip", zipped, "application/zip"))
    at.text_input(key="data_name").input("clothes").run()
    at.button(key="data_add").click().run()
    assert not at.exception, at.exception
    assert any("Added the data set clothes. 1 files could not be read" in s.value for s in at.success)
    assert at.selectbox(key="train_dataset").value == "clothes"
    assert any("3 classes: sneaker, trouser, tshirt" in m.value for m in at.markdown)
    assert any(i.proto.imgs[0].caption.startswith("As the network sees them") for i in at.get("image"))
    at.selectbox(key="train_preset").select("Seed (tutorial)").run()
    at.number_input(key="train_epochs").set_value(1)
    at.number_input(key="train_batch").set_value(16)
    at.text_input(key="train_name").input("clothes-ae").run()
    at.checkbox(key="train_make_active").uncheck().run()
    at.button(key="train_start").click().run()
    snap = wait_until_finished(at.session_state["train_job"])
    assert snap.state == "saved", snap.error

    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["model"] = "clothes-ae"
    at.run()
    assert not at.exception, at.exception
    assert all(name.encode() in plane_payload(at, "explore_plane") for name in NAMES)  # the plane's legend
    registry.path("clothes").unlink()  # the data set gone: the plane still shows, one line says what is missing
    st.cache_data.clear()  # as a restarted server: data_available and the loaded arrays are cached
    st.cache_resource.clear()
    at2 = AppTest.from_file(APP, default_timeout=180)
    at2.query_params["model"] = "clothes-ae"
    at2.run()
    assert not at2.exception, at2.exception
    assert all(name.encode() in plane_payload(at2, "explore_plane") for name in NAMES)
    assert any("The data set **clothes** is not on this machine" in i.value for i in at2.info)


def test_unlabelled_npz_trains_with_one_class(places, capsys):
    """An .npz without labels trains; the model has one class, 'unlabelled', which the plane shows as one colour."""
    src = dataset_sets.unlabelled_npz(places / "blobs.npz", n=80)
    out = places / "models" / "b"
    argv = ["train", "--data", str(src), "--config", "seed", "--epochs", "1", "--batch-size", "16", "--out", str(out)]
    assert cli.main(argv) == 0
    assert "data set blobs: 72 training and 8 test images, unlabelled" in capsys.readouterr().out
    bundle = store.load(out)
    assert bundle.meta["class_names"] == ["unlabelled"] and set(bundle.latent["y_train"].tolist()) == {0}
