"""Issue 27, the Models page's "Add a Keras model" (AppTest, no browser): the tutorial's .h5 is added
to the library and made active with no Replay; a convolutional network is refused in one sentence
and the library is unchanged."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from model.folders import library, store

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def models_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("pages/models.py").run()
    assert not at.exception, at.exception
    return at


def names(lib: Path) -> list[str]:
    return sorted(p.name for p in lib.iterdir() if not p.name.startswith(".")) if lib.exists() else []


def test_models_page_adds_the_tutorial_h5_and_refuses_a_conv_net(keras_files, mnist, tmp_path, monkeypatch):
    """Add a Keras model: a refused file says why in one sentence and writes nothing; the tutorial's .h5 is
    added under the suggested name, listed as imported, and explorable."""
    monkeypatch.setenv("LATENT_EXPLORER_MODELS", str(tmp_path))
    at = models_page()
    conv = keras_files["refuse-conv.keras"]
    at.file_uploader(key="lib_keras_file").set_value((conv.name, conv.read_bytes(), "application/octet-stream")).run()
    at.button(key="lib_keras_add").click().run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("Import refused: This model is a convolutional network") for e in at.error)
    assert names(tmp_path) == []

    tut = keras_files["tutorial.h5"]
    at.file_uploader(key="lib_keras_file").set_value((tut.name, tut.read_bytes(), "application/x-hdf5")).run()
    assert at.text_input(key="lib_keras_name").value == "tutorial"
    at.button(key="lib_keras_add").click().run()
    assert not at.exception, at.exception
    assert any("Added **tutorial**" in s.value for s in at.success)
    assert names(tmp_path) == ["tutorial"]
    (entry,) = [e for e in library.Library(tmp_path, shipped_dir=None).list()]
    assert entry.summary == "imported .h5: 784-32(relu)-2(relu)-32(relu)-784(sigmoid)"
    b = store.load(tmp_path / "tutorial")
    assert b.meta["origin"] == "imported" and b.history is None
    at.selectbox(key="lib_selected").select("tutorial").run()
    at.button(key="lib_activate").click().run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception, at.exception
    assert any("No Replay for tutorial: it was imported from a Keras file" in c.value for c in at.caption)
