"""AppTest: the sidebar's one-click model switcher, the Compare page, the encodings export, Fashion class names."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.data import CLASS_NAMES
from model.folders import store
from model.folders.library import SHIPPED_DIR
from model.net.views import core_box, typical_index

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


def chart_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_sidebar_lists_every_shipped_model_and_one_click_switches_every_page():
    """The sidebar pills list default, seed, vae, fashion; a click on vae makes it active, in the URL and on Explore."""
    at = app()
    pills = switcher(at)
    assert pills.options == ["default", "fashion", "seed", "vae"]  # shipped: default first, then by name
    assert pills.value == "default"
    z_before = at.session_state["explore_z"]
    pills.set_value("vae").run()
    assert not at.exception, at.exception
    assert at.session_state["model_name"] == "vae" and at.query_params["model"] == "vae"
    assert any("**vae**" in m.value for m in at.sidebar.markdown)
    assert at.slider(key="explore_z1").max < 10  # the VAE's plane lies within about +-5; default's spans hundreds
    lat = latent("vae")
    i = typical_index(lat["z_train"], lat["y_train"])
    assert at.session_state["explore_z"] != z_before
    np.testing.assert_allclose(at.session_state["explore_z"], lat["z_train"][i], atol=1e-5)  # the new opening digit
    at.switch_page("pages/reconstructions.py").run()
    assert at.session_state["model_name"] == "vae" and switcher(at).value == "vae"


def test_switch_drops_the_clicked_digit_of_the_old_model():
    """A digit picked on Explore (via a link's point) is forgotten when another model is chosen."""
    at = app(z1="10", z2="-5")
    assert at.session_state["explore_pick"] is not None
    switcher(at).set_value("seed").run()
    assert at.session_state["explore_pick"] is None
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
    """The chart's initial axis range is the core box (smaller than the sliders' full range), the point inside it."""
    at = app()
    (spec,) = chart_specs(at)
    lat = latent("default")
    (x0, x1), (y0, y1) = core_box(lat["z_train"])
    assert spec["layout"]["xaxis"]["range"] == pytest.approx([x0, x1]) and spec["layout"]["yaxis"]["range"][0] == pytest.approx(y0)  # fmt: skip
    s1 = at.slider(key="explore_z1")
    assert s1.min < lat["z_train"][:, 0].min() and s1.max > lat["z_train"][:, 0].max()  # sliders: everything
    z1, z2 = at.session_state["explore_z"]
    assert x0 < z1 < x1 and y0 < z2 < y1


def test_compare_pairs_same_dataset_models_and_marks_one_index_in_both():
    """Compare opens on the active model and another shipped MNIST model; a marked index is crossed in both planes."""
    at = app("pages/compare.py")
    assert not at.exception, at.exception
    assert at.selectbox(key="compare_a").value == "default"
    assert at.selectbox(key="compare_b").value in ("seed", "vae")  # not fashion: its digits are other images
    at.selectbox(key="compare_b").set_value("seed").run()
    assert len(chart_specs(at)) == 2
    assert any("Click a digit in either plane" in c.value for c in at.caption)
    at.session_state["compare_index"] = 123  # what the page's on_select callback stores for a click on #123
    at.run()
    assert not at.exception, at.exception
    y = int(latent("default")["y_train"][123])
    for spec, name in zip(chart_specs(at), ("default", "seed"), strict=True):
        roles = spec["layout"]["meta"]["roles"]
        marker = spec["data"][roles.index("marker")]
        zz = latent(name)["z_train"][123]
        assert marker["x"][0] == pytest.approx(float(zz[0]), abs=1e-3)
        assert marker["y"][0] == pytest.approx(float(zz[1]), abs=1e-3)
        assert spec["data"][y]["selectedpoints"]  # and drawn selected in its class's trace
    assert any(f"Training digit #123**, label **{y}**" in m.value for m in at.markdown)
    assert at.selectbox(key="compare_a").value == "default"  # state survives the rerun


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
    (spec,) = chart_specs(at)
    names = [t["name"] for t, r in zip(spec["data"], spec["layout"]["meta"]["roles"], strict=True) if r == "train"]
    assert names == list(FASHION)
    at.switch_page("pages/reconstructions.py").run()
    assert not at.exception, at.exception
    titles = {m.value.strip("*") for m in at.markdown}
    assert titles & set(FASHION) and not titles & {str(d) for d in range(10)}
    at.switch_page("pages/compare.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="compare_a").value == "fashion"
    assert any("different data sets" in i.value or "no other model" in i.value for i in at.info)
