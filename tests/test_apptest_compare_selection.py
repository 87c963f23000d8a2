"""AppTest of Compare's selection (ui/selection.py with two models): count, both planes' answer, each model's centroid,
the download's rows, Shift across planes, Clear, and the selection kept per pair of models.

The planes need a browser (tests/e2e/test_compare.py draws a box on one); here a shape comes as the plane's
trigger value handed to on_select, as its callback does.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.folders import store
from model.folders.export import selected_pair, table_csv
from model.folders.library import SHIPPED_DIR
from model.plane.selection import Box, members

TIMEOUT = 120

pytestmark = pytest.mark.usefixtures("fresh_st_caches")


def script():
    """Compare's selection alone, for models A and B (session_state "test_models"); a trigger
    ("test_trigger": (side, value)) is applied first, as the plane's callback would."""
    import streamlit as st

    from model.folders.library import SHIPPED_DIR
    from ui import active_model, selection, selection_panel

    a, b = (active_model.load_bundle(SHIPPED_DIR / n) for n in st.session_state.test_models)
    trigger = st.session_state.pop("test_trigger", None)
    if trigger is not None:
        side, value = trigger
        selection.on_select((a, b), "ab".index(side), value)
    st.session_state.test_planes = {side: selection.for_plane((a, b), i) for i, side in enumerate("ab")}
    st.session_state.test_summary = selection_panel.panel_ui((a, b))


def latent(name: str) -> dict:
    return store.load_latent(SHIPPED_DIR / name / store.LATENT_FILE)


def run(at, side=None, value=None) -> AppTest:
    if side is not None:
        at.session_state["test_trigger"] = (side, value)
    at.run()
    assert not at.exception, at.exception
    return at


def headline(at) -> str:
    return next(m.value for m in at.markdown if "digits selected" in m.value)


def unpack(text: str, n: int) -> np.ndarray:
    """The planes' mask: base64, a bit per training digit (what ui/plane/js/selection.js reads)."""
    import base64

    return np.unpackbits(np.frombuffer(base64.b64decode(text), np.uint8), bitorder="little")[:n].astype(bool)


def test_box_on_one_plane_is_counted_there_and_lit_in_both():
    """A box drawn on B selects the digits inside it in B's plane; both planes get that count and mask, the
    panel shows it, each model's centroid digit, and the download's rows are those digits in both models."""
    la, lb = latent("default"), latent("seed")
    at = AppTest.from_function(script, default_timeout=TIMEOUT)
    at.session_state["test_models"] = ("default", "seed")
    run(at)
    assert any("the same digits light up in both planes" in c.value for c in at.caption)
    assert at.session_state["test_planes"]["a"] == {"count": 0, "mask": "", "shapes": [], "t": None}
    box = {"kind": "box", "x": [10, 4], "y": [5, 14], "hidden": [], "add": False, "t": 7}  # dragged right to left
    run(at, "b", box)
    mask = members(lb["z_train"], [Box(4, 10, 5, 14)])
    n = int(mask.sum())
    assert n > 0 and f"**{n:,} digits selected**" in headline(at)
    planes = at.session_state["test_planes"]
    for side in "ab":
        assert planes[side]["count"] == n and planes[side]["t"] == 7
        np.testing.assert_array_equal(unpack(planes[side]["mask"], len(mask)), mask)
    assert planes["b"]["shapes"] == [{"kind": "box", "x": [4, 10], "y": [5, 14], "hidden": []}]
    assert planes["a"]["shapes"] == []  # drawn on B: outlined only there
    captions = [img.caption for el in at.get("image") for img in el.proto.imgs]
    for side, name, lat in (("A", "default", la), ("B", "seed", lb)):
        z1, z2 = lat["z_train"][mask].astype(np.float64).mean(axis=0)
        assert f"{side}: {name}, at the centroid ({z1:.2f}, {z2:.2f})" in captions
    assert any("**A " in m.value and "**B " in m.value and "nearest neighbours" in m.value for m in at.markdown)
    want = np.flatnonzero(mask)
    rows = list(csv.DictReader(io.StringIO(table_csv(selected_pair(la, lb, at.session_state["test_summary"].s.index)).decode())))  # fmt: skip
    assert list(rows[0]) == ["index", "label", "a_z1", "a_z2", "b_z1", "b_z2"]
    assert [int(r["index"]) for r in rows] == want.tolist() and len(rows) == n
    assert [int(r["label"]) for r in rows] == la["y_train"][want].tolist()
    np.testing.assert_allclose([[float(r[c]) for c in ("a_z1", "a_z2")] for r in rows], la["z_train"][want], rtol=1e-6)
    np.testing.assert_allclose([[float(r[c]) for c in ("b_z1", "b_z2")] for r in rows], lb["z_train"][want], rtol=1e-6)
    assert [b.label for b in at.get("download_button")] == ["Download selection (CSV)", "Download selection (NPZ)"]


def test_shift_adds_across_planes_clear_empties_and_each_pair_keeps_its_own():
    """A Shift-lasso on A adds to a box on B (the union, each in its own plane); another pair starts empty and
    the first pair's selection is back when it is picked again, even swapped; Clear empties it."""
    la, lb = latent("default"), latent("seed")
    at = AppTest.from_function(script, default_timeout=TIMEOUT)
    at.session_state["test_models"] = ("default", "seed")
    run(at, "b", {"kind": "box", "x": [4, 10], "y": [5, 14]})
    lasso = {"kind": "lasso", "x": [0, 3, 3, 0], "y": [0, 0, 3, 3], "hidden": [1], "add": True, "t": 9}
    run(at, "a", lasso)
    in_a = members(la["z_train"], [Box(0, 3, 0, 3)]) & ~((la["z_train"][:, 0] == 3) | (la["z_train"][:, 1] == 3))
    union = members(lb["z_train"], [Box(4, 10, 5, 14)]) | (in_a & (la["y_train"] != 1))
    assert f"**{int(union.sum()):,} digits selected**" in headline(at)
    assert [s["kind"] for s in at.session_state["test_planes"]["a"]["shapes"]] == ["lasso"]
    at.session_state["test_models"] = ("default", "vae")  # another pair: nothing selected
    run(at)
    assert not [m for m in at.markdown if "digits selected" in m.value]
    at.session_state["test_models"] = ("seed", "default")  # the first pair again, A and B swapped
    run(at)
    assert f"**{int(union.sum()):,} digits selected**" in headline(at)
    assert [s["kind"] for s in at.session_state["test_planes"]["b"]["shapes"]] == ["lasso"]  # default is B now
    at.button(key="compare_selection_clear").click().run()
    assert not at.exception
    assert not [m for m in at.markdown if "digits selected" in m.value]
    assert at.session_state["test_planes"]["a"]["count"] == 0


def test_bad_shape_says_so():
    """A shape that cannot be read selects nothing and says so once, in plain words."""
    at = AppTest.from_function(script, default_timeout=TIMEOUT)
    at.session_state["test_models"] = ("default", "seed")
    run(at, "a", {"kind": "box", "x": [0, float("nan")], "y": [0, 1]})
    assert any("could not be read" in c.value for c in at.caption)
    assert not [m for m in at.markdown if "digits selected" in m.value]
