"""AppTest: the sidebar's one-click model switcher, the Compare page, the encodings export, Fashion class names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.data import CLASS_NAMES
from model.folders import store
from model.folders.library import SHIPPED_DIR
from model.plane.views import core_box, typical_index
from tests.apptest_utils import pictures, plane_payload, plane_state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180
FASHION = CLASS_NAMES["fashion-mnist"]

pytestmark = pytest.mark.usefixtures("fresh_st_caches")


@pytest.fixture(autouse=True)
def lib(tmp_path, monkeypatch):
    """An empty model library of this test's own."""
    monkeypatch.setenv("LATENT_EXPLORER_MODELS", str(tmp_path / "library"))
    return tmp_path / "library"


def app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def latent(name: str) -> dict:
    return store.load_latent(SHIPPED_DIR / name / store.LATENT_FILE)


def switcher(at):
    """The sidebar's model pills (their key changes with every switch)."""
    (pills,) = at.sidebar.pills
    return pills


def point(at) -> tuple[float, float]:
    """Explore's chosen point."""
    pick = at.session_state["explore_pick"]
    return pick.z1, pick.z2


def test_sidebar_lists_every_shipped_model_and_one_click_switches_every_page():
    """The sidebar pills list default, seed, vae, fashion; a click on vae makes it active, in the URL and on Explore."""
    at = app()
    pills = switcher(at)
    assert pills.options == ["default", "fashion", "seed", "vae"]  # shipped: default first, then by name
    assert pills.value == "default"
    z_before = point(at)
    pills.set_value("vae").run()
    assert not at.exception, at.exception
    assert at.session_state["model_name"] == "vae" and at.query_params["model"] == "vae"
    assert any("**vae**" in m.value for m in at.sidebar.markdown)
    assert at.slider(key="explore_z1").max < 10  # the VAE's plane lies within about +-5; default's spans hundreds
    lat = latent("vae")
    i = typical_index(lat["z_train"], lat["y_train"])
    assert point(at) != z_before
    np.testing.assert_allclose(point(at), lat["z_train"][i], atol=1e-5)  # the new opening digit
    at.switch_page("pages/reconstructions.py").run()
    assert at.session_state["model_name"] == "vae" and switcher(at).value == "vae"


def stale_switcher_script():
    """Make active (a new switcher), then the replaced switcher's pill read as a change, as after a run cut short."""
    import streamlit as st

    from ui.active_model import set_active_model
    from ui.sidebar import _on_switch, switcher_key

    old = switcher_key()
    st.session_state[old] = "default"  # what the old pill showed
    set_active_model("seed")
    _on_switch(old)  # Streamlit still holds the old pill after a run that stopped early for a page link
    st.write(st.session_state.model_name)


def test_the_switcher_a_switch_replaced_cannot_switch_back():
    """After Make active, the old sidebar pill's value (left behind by a run cut short) does not switch back."""
    at = AppTest.from_function(stale_switcher_script, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.session_state["model_name"] == "seed" and at.query_params["model"] == "seed"


def test_switch_drops_the_clicked_digit_of_the_old_model():
    """A training digit chosen on Explore is forgotten when another model is chosen: it belongs to the old plane."""
    at = app()
    at.number_input(key="explore_jump").set_value(7).run()
    assert at.session_state["explore_pick"].index == 7 and plane_state(at)["index"] == 7
    switcher(at).set_value("seed").run()
    assert at.session_state["explore_pick"].index is None and plane_state(at)["index"] is None
    assert at.query_params["model"] == "seed"


def test_library_models_are_listed_too(lib):
    """A model saved in the library appears in the switcher after the shipped ones and opens in one click."""
    import shutil

    shutil.copytree(SHIPPED_DIR / "seed", lib / "mine")
    at = app()
    pills = switcher(at)
    assert pills.options[-1] == "mine"
    pills.set_value("mine").run()
    assert not at.exception and at.session_state["model_name"] == "mine"


def test_explore_opens_on_the_dense_core_with_the_full_slider_range():
    """The plane opens on the core box (smaller than the sliders' full range), the point inside it."""
    at = app()
    lat = latent("default")
    (x0, x1), (y0, y1) = core_box(lat["z_train"])
    assert plane_state(at)["view"] == [pytest.approx([x0, x1]), pytest.approx([y0, y1])]
    s1 = at.slider(key="explore_z1")
    assert s1.min < lat["z_train"][:, 0].min() and s1.max > lat["z_train"][:, 0].max()  # sliders: everything
    z1, z2 = point(at)
    assert x0 < z1 < x1 and y0 < z2 < y1


def test_compare_pairs_same_dataset_models_and_marks_one_index_in_both():
    """Compare opens on the active model and another shipped MNIST model; a marked index is crossed in both planes."""
    at = app("pages/compare.py")
    assert not at.exception, at.exception
    assert at.selectbox(key="compare_a").value == "default"
    assert at.selectbox(key="compare_b").value in ("seed", "vae")  # not fashion: its digits are other images
    at.selectbox(key="compare_b").set_value("seed").run()
    assert plane_state(at, "compare_plane_a")["link"] == plane_state(at, "compare_plane_b")["link"] == "compare"
    assert any("Click a digit in either plane" in c.value for c in at.caption)
    at.session_state["compare_index"] = 123  # what a click on #123 in either plane stores (on_live_click)
    at.run()
    assert not at.exception, at.exception
    y = int(latent("default")["y_train"][123])
    for side, name in (("a", "default"), ("b", "seed")):
        state = plane_state(at, f"compare_plane_{side}")
        assert state["index"] == 123 and state["marker"] == pytest.approx(
            latent(name)["z_train"][123].tolist(), abs=1e-6
        )
    assert any(f"Training digit #123**, label **{y}**" in m.value for m in at.markdown)
    assert at.selectbox(key="compare_a").value == "default"  # state survives the rerun


def test_compare_without_the_live_plane_shows_two_pictures_and_a_number_box(monkeypatch):
    """Where the live planes cannot run: a still picture of each plane; typing #123 crosses it in both and shows it."""
    monkeypatch.setenv("LATENT_EXPLORER_LIVE", "0")
    at = app("pages/compare.py")
    at.selectbox(key="compare_b").set_value("seed").run()
    assert not at.exception and not at.get("bidi_component")
    before = pictures(at)
    assert len(before) == 2
    at.number_input(key="compare_box").set_value(123).run()
    assert not at.exception, at.exception
    after = pictures(at)
    assert after[0] != before[0] and after[1] != before[1]  # each picture now has its cross
    assert any("Training digit #123**" in m.value for m in at.markdown)


def test_models_page_exports_the_active_models_encodings():
    """The Models page offers the active model's encodings as CSV and NPZ download buttons."""
    at = app("pages/models.py", model="vae")
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Encodings as CSV" in labels and "Encodings as NPZ" in labels
    assert any("**vae**" in c.value and "split, index, label, z1, z2" in c.value for c in at.caption)


def test_fashion_model_shows_class_names_on_every_page():
    """With ?model=fashion: sidebar, Explore legend, Reconstructions titles and Compare legends name the classes."""
    at = app(model="fashion")
    assert not at.exception, at.exception
    assert any("T-shirt/top" in c.value for c in at.sidebar.caption)
    assert all(name.encode() in plane_payload(at, "explore_plane") for name in FASHION)  # the plane's legend
    at.switch_page("pages/reconstructions.py").run()
    assert not at.exception, at.exception
    titles = {m.value.strip("*") for m in at.markdown}
    assert titles & set(FASHION) and not titles & {str(d) for d in range(10)}
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="compare_a").value == "fashion"
    assert any("different data sets" in i.value or "no other model" in i.value for i in at.info)
