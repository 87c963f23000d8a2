"""AppTest of the selection panel (ui/selection.py, ui/selection_panel.py): the URL's box, the count, histogram, downloads, Clear.

The plane itself needs a browser (tests/e2e/test_select_in_browser.py); here the selection comes from ?box=
or from the plane's trigger value handed to on_select, as the plane's callback does, and the Explore
page is seen through the state it sends the plane (tests/apptest_utils.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.plane.selection import Box, members
from tests.apptest_utils import plane_state

TIMEOUT = 120
APP = str(Path(__file__).resolve().parent.parent / "app.py")

pytestmark = pytest.mark.usefixtures("fresh_st_caches")


def script():
    """The panel alone on a page, for the shipped model; a trigger value in session_state is applied first."""
    import streamlit as st

    from model.folders import store
    from ui import active_model, selection, selection_panel

    bundle = active_model.load_bundle(store.SHIPPED)
    trigger = st.session_state.pop("test_trigger", None)
    if trigger is not None:
        selection.on_select((bundle,), 0, trigger)
    selection_panel.panel_ui((bundle,))


def run(**query) -> AppTest:
    at = AppTest.from_function(script, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def headline(at) -> str:
    return next(m.value for m in at.markdown if "selected" in m.value)


def test_url_box_selects_and_counts(shipped):
    """?box= selects the training digits in that box; the count and top classes are Python's."""
    box = "-1,1,-1,1"
    at = run(box=box)
    assert not at.exception
    mask = members(shipped.latent["z_train"], [Box(-1, 1, -1, 1)])
    assert f"**{mask.sum():,} digits selected**" in headline(at)
    counts = np.bincount(shipped.latent["y_train"][mask], minlength=10)
    assert f"Mostly {counts.argmax()} ({100 * counts.max() / mask.sum():.0f}%)" in headline(at)
    assert any("originals from the data set" in c for c in captions(at))
    assert [b.label for b in at.get("download_button")] == ["Download selection (CSV)", "Download selection (NPZ)"]
    at.session_state["test_trigger"] = {"kind": "box", "x": [0.5, -0.25], "y": [-1, 1]}  # dragged right to left
    at.run()
    assert at.query_params["box"] == "-0.25,0.5,-1,1"  # the one box is shared by the URL


@pytest.mark.parametrize("bad", ["1,0,0,1", "nan,1,0,1", "0,1,0", "x", "0,1e99,0,1"])
def test_bad_url_box_is_ignored(bad):
    """A bad ?box= selects nothing and says so in one line, with no traceback."""
    at = run(box=bad)
    assert not at.exception
    assert not [m for m in at.markdown if "digits selected" in m.value]
    assert any("box was not understood" in c.value for c in at.caption)


def test_trigger_shift_adds_and_clear_empties(shipped):
    """A lasso replaces the selection, a Shift-lasso adds to it, Clear empties it and drops ?box=."""
    z = shipped.latent["z_train"]
    at = run(box="-1,0,-1,0")
    lasso = {"kind": "lasso", "x": [0, 2, 2, 0], "y": [0, 0, 2, 2], "hidden": []}
    at.session_state["test_trigger"] = lasso
    at.run()
    one = members(z, [Box(0, 2, 0, 2)]) & ~((z[:, 0] == 2) | (z[:, 1] == 2))
    assert f"**{one.sum():,} digits selected**" in headline(at)
    assert "box" not in at.query_params  # a lasso is not shared by URL
    at.session_state["test_trigger"] = {"kind": "box", "x": [-1, 0], "y": [-1, 0], "add": True}
    at.run()
    both = one | members(z, [Box(-1, 0, -1, 0)])
    assert f"**{both.sum():,} digits selected**" in headline(at)
    at.button(key="selection_clear").click().run()
    assert not [m for m in at.markdown if "digits selected" in m.value]
    assert "box" not in at.query_params


def test_gallery_caption_says_decoded_without_data(monkeypatch, tmp_path):
    """Without the data set the gallery is decoded, and its caption says so."""
    monkeypatch.setenv("LATENT_EXPLORER_DATA", str(tmp_path / "missing.npz"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    at = run(box="-2,2,-2,2")
    assert not at.exception
    assert any("decoded from their encodings" in caption for caption in captions(at))


def captions(at) -> list[str]:
    return [img.caption for el in at.get("image") for img in el.proto.imgs]


def test_explore_page_with_a_box_link(shipped):
    """Explore opened with ?box= shows the panel under the plane and sends the plane Python's count and box."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["box"] = "0,40,-5,30"
    at.run()
    assert not at.exception
    n = int(members(shipped.latent["z_train"], [Box(0, 40, -5, 30)]).sum())
    assert f"**{n:,} digits selected**" in headline(at)
    sent = plane_state(at)["selection"]
    assert sent["count"] == n and sent["shapes"] == [{"kind": "box", "x": [0, 40], "y": [-5, 30], "hidden": []}]


def resaved_script():
    """The panel alone for the model folder at session_state "test_path", loaded as a page loads it."""
    import streamlit as st

    from ui import active_model, selection, selection_panel

    bundle = active_model.load_bundle(st.session_state.test_path)
    trigger = st.session_state.pop("test_trigger", None)
    if trigger is not None:
        selection.on_select((bundle,), 0, trigger)
    selection_panel.panel_ui((bundle,))


def save_copy(target: Path, z_scale: float) -> np.ndarray:
    """Save the shipped model at target (atomically, as a save does), its encodings times z_scale; its z_train."""
    from model.folders import store

    def fill(tmp: Path) -> None:
        for f in store.SHIPPED.iterdir():
            shutil.copy2(f, tmp / f.name)
        lat = store.load_latent(store.SHIPPED / store.LATENT_FILE)
        np.savez_compressed(tmp / store.LATENT_FILE, **{k: v * z_scale if k.startswith("z_") else v for k, v in lat.items()})  # fmt: skip

    store.write_atomic_dir(target, fill)
    return store.load_latent(target / store.LATENT_FILE)["z_train"]


def test_a_model_saved_again_under_its_name_shows_the_new_summary(tmp_path):
    """Save, select, save again under the same name with other encodings, select again: the new model's count."""
    target, box = tmp_path / "mine", {"kind": "box", "x": [0, 1], "y": [0, 1]}
    z_old = save_copy(target, 1.0)
    at = AppTest.from_function(resaved_script, default_timeout=TIMEOUT)
    at.session_state["test_path"], at.session_state["test_trigger"] = target, box
    at.run()
    assert f"**{members(z_old, [Box(0, 1, 0, 1)]).sum():,} digits selected**" in headline(at)
    z_new = save_copy(target, -1.0)  # the same name, every encoding mirrored: other digits in the box
    want = members(z_new, [Box(0, 1, 0, 1)]).sum()
    assert want != members(z_old, [Box(0, 1, 0, 1)]).sum()
    at.session_state["test_trigger"] = box
    at.run()
    assert not at.exception
    assert f"**{want:,} digits selected**" in headline(at)
