"""AppTest checks of the Train and Models pages (no browser): train, save, list, activate, manage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from model.folders import library, store
from model.jobs.job import wait_until_finished

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120  # first run imports TensorFlow and loads the model; the CPU is shared


@pytest.fixture
def lib(tmp_path, monkeypatch):
    monkeypatch.setenv("LATENT_EXPLORER_MODELS", str(tmp_path))
    return tmp_path


def page(path: str) -> AppTest:
    # AppTest may run a switched-to page without app.py (no sidebar); tests/e2e/test_train.py checks the sidebar.
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def test_training_does_not_replace_a_better_model_until_asked(lib, mnist, monkeypatch):
    """1 epoch on 300 digits, 'make it active' ticked: saved, but the better shipped model stays active until the user says so."""
    # The job trains in a thread of this process (TensorFlow is imported once per test worker, not in a fresh
    # child); the same job_worker.work runs. The child process is covered by tests/test_train_options.py and tests/e2e/test_train.py.
    monkeypatch.setenv("LATENT_EXPLORER_TRAIN_IN_PROCESS", "1")
    at = page("pages/train.py")
    at.selectbox(key="train_preset").select("Seed (tutorial)").run()
    assert at.text_input(key="train_hidden").value == "32"
    at.number_input(key="train_epochs").set_value(1)
    at.number_input(key="train_batch").set_value(100)
    at.checkbox(key="train_subset_on").check().run()
    at.number_input(key="train_subset").set_value(300)
    at.text_input(key="train_name").input("apptest").run()
    assert at.checkbox(key="train_make_active").value is False  # off by default for a subset
    at.checkbox(key="train_make_active").check().run()
    at.button(key="train_start").click().run()
    job = at.session_state["train_job"]
    assert job.config.epochs == 1 and job.config.subset == 300 and job.config.hidden == (32,)
    snap = wait_until_finished(job)
    assert snap.state == "saved", snap.error
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["model_name"] == "default"  # 1 epoch on 300 digits is worse than the shipped model
    (msg,) = at.success
    assert "Saved as **apptest**" in msg.value and "**default** stays the active model" in msg.value
    assert "worse" in msg.value
    at.button(key="train_activate").click().run()
    assert not at.exception, at.exception
    assert at.session_state["model_name"] == "apptest" and at.query_params["model"] == "apptest"
    assert store.read_meta(lib / "apptest")["epochs"] == 1

    at.switch_page("pages/models.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert "apptest" in list(table["name"]) and table.loc[table["name"] == "apptest", "active"].item() == "●"
    row = table.loc[table["name"] == "apptest"]
    assert row["trained on"].item() == "300 digits" and row["architecture"].item() == "AE"
    assert 0 < row["5-NN accuracy"].item() <= 100


def test_name_clash_needs_the_replace_checkbox(lib, mnist):
    """A taken name disables Train until 'Replace' is ticked."""
    (lib / "taken").mkdir()
    at = page("pages/train.py")
    at.text_input(key="train_name").input("taken").run()
    assert at.button(key="train_start").disabled
    at.checkbox(key="train_overwrite").check().run()
    assert not at.button(key="train_start").disabled


def test_library_page_renames_and_refuses_a_bad_upload(lib):
    """Rename a model through the page; a garbage upload is refused with a message and changes nothing."""
    shutil.copytree(store.SHIPPED_DIR / "seed", lib / "first")  # a real model folder, no training needed
    at = page("pages/models.py")
    at.selectbox(key="lib_selected").select("first").run()
    assert at.text_input(key="lib_new_name").value == "first"  # starts with the current name
    at.text_input(key="lib_new_name").input("second").run()
    at.button(key="lib_rename").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key="lib_new_name").value == "second"  # still open and filled after the rerun
    assert [e.name for e in library.Library(lib, shipped_dir=None).list()] == ["second"]
    assert any("Renamed" in s.value for s in at.success)

    at.file_uploader(key="lib_upload").set_value(("junk.zip", b"not a zip at all" * 50, "application/zip")).run()
    assert at.text_input(key="lib_upload_name").value == "junk"
    at.button(key="lib_install").click().run()
    assert not at.exception, at.exception
    assert any("Upload refused: That file is not a zip archive." in e.value for e in at.error)
    assert sorted(p.name for p in lib.iterdir() if not p.name.startswith(".")) == ["second"]
    live = {(lib / "second").readlink().name} if (lib / "second").is_symlink() else set()  # the model's own version
    assert [p.name for p in lib.glob(".*") if p.name not in live and not p.name.endswith(".lock")] == []
