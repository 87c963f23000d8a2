"""AppTest: ?model= opens a library model by name and nothing else; hostile folders never break a page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.folders import atomic, store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120

pytestmark = pytest.mark.usefixtures("fresh_st_caches")


@pytest.fixture
def lib(tmp_path, monkeypatch):
    path = tmp_path / "library"
    monkeypatch.setenv("LATENT_EXPLORER_MODELS", str(path))
    return path


def shipped_copy(meta_changes: dict | None = None, shift: float = 0.0):
    """fill(): the shipped model's files, with meta changes and every encoding moved by `shift`."""

    def fill(tmp: Path) -> None:
        shutil.copyfile(store.SHIPPED / "model.keras", tmp / "model.keras")
        meta = {**json.loads((store.SHIPPED / "meta.json").read_text()), **(meta_changes or {})}
        (tmp / "meta.json").write_text(json.dumps(meta))
        with np.load(store.SHIPPED / "latent.npz") as f:
            latent = {k: f[k] for k in f.files}
        np.savez(tmp / "latent.npz", **{k: v + shift if k.startswith("z") else v for k, v in latent.items()})

    return fill


def app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def page_text(at) -> str:
    return " ".join(e.value for e in (*at.error, *at.warning, *at.markdown, *at.caption, *at.info))


def test_url_model_opens_that_library_model(lib):
    """?model=<name> of a library model opens it: its name in the sidebar, its encodings on the sliders."""
    atomic.write_dir(lib / "shifted", shipped_copy({"name": "shifted"}, shift=1000.0))
    at = app(model="shifted")
    assert not at.exception, at.exception
    assert at.session_state["model_name"] == "shifted"
    assert any("**shifted**" in m.value for m in at.sidebar.markdown)
    with np.load(store.SHIPPED / "latent.npz") as f:
        lo, hi = (
            np.concatenate([f["z_train"], f["z_test"]]).min(axis=0),
            np.concatenate([f["z_train"], f["z_test"]]).max(axis=0),
        )
    # the sliders span the shifted model's encodings (100 up on both axes), not the shipped model's
    assert at.slider(key="explore_z2").min > lo[1] + 50 and at.slider(key="explore_z1").max > hi[0] + 50


@pytest.mark.parametrize("value", ["\x00", "../outside", "/abs/outside", "default/../../outside", "a" * 100, "**x**"])
def test_url_model_is_a_library_name_and_nothing_else(lib, tmp_path, value):
    """A NUL, a path or '..' in ?model= is refused in words: no traceback, no server path, nothing outside loads."""
    atomic.write_dir(tmp_path / "outside", shipped_copy({"name": "outside"}, shift=100.0))
    at = app(model=value.replace("/abs", str(tmp_path)))
    assert not at.exception, at.exception
    assert any("could not be loaded" in e.value for e in at.error)
    text = page_text(at)
    assert str(tmp_path) not in text and str(store.ROOT) not in text and "\x00" not in text
    assert not any("outside" in m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("changes", [{"created": 12345}, {"test_bce": "x"}, {"config": {"hidden": [1e999]}}], ids=str)
def test_models_page_survives_hostile_meta_and_can_delete_it(lib, changes):
    """A library folder with a bad meta.json is listed as unreadable; the page renders and can delete it."""
    atomic.write_dir(lib / "bad", shipped_copy(changes))
    text = (lib / "bad" / "meta.json").read_text().replace("Infinity", "1e999")
    (lib / "bad" / "meta.json").write_text(text)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/models.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert "unreadable" in table.loc[table["name"] == "bad", "config"].item()
    at.selectbox(key="lib_selected").select("bad").run()
    at.checkbox(key="lib_delete_sure").check().run()
    at.button(key="lib_delete").click().run()
    assert not at.exception, at.exception
    assert not (lib / "bad").exists() and any("Deleted" in s.value for s in at.success)


def test_url_model_with_hostile_meta_shows_a_sentence(lib):
    """?model= naming a folder whose meta.json breaks the rules: one plain error, every page still renders."""
    atomic.write_dir(lib / "bad", shipped_copy({"created": 12345}))
    at = app(model="bad")
    assert not at.exception, at.exception
    assert any("created" in e.value and str(lib) not in e.value for e in at.error)
