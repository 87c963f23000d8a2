"""AppTest checks of the Explore and Reconstructions pages (no browser).

Decoded images are compared pixel for pixel: the page inlines each PNG as a data: URL, whose
28 x 28 content must equal what the fast codec decodes at that point, upscaled crisply.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120  # first run imports TensorFlow and loads the model; the CPU is shared


def app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def image_url(at, i: int = 0) -> str:
    return at.get("image")[i].value[0]


def decoded_pixels(url: str) -> np.ndarray:
    """The 28 x 28 uint8 digit inside an inline PNG shown at >= 224 px with crisp (nearest) pixels."""
    assert url.startswith("data:image/png;base64,")
    img = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("L"))
    assert img.shape[0] == img.shape[1] >= 224 and img.shape[0] % 28 == 0
    k = img.shape[0] // 28
    blocks = img.reshape(28, k, 28, k)
    assert (blocks == blocks[:, :1, :, :1]).all(), "upscaled pixels are not crisp blocks"
    return blocks[:, 0, :, 0]


def expected_pixels(bundle, z1: float, z2: float) -> np.ndarray:
    """What the fast codec decodes at (z1, z2), as the page's 8-bit pixels."""
    return (np.clip(bundle.codec.decode_image(z1, z2), 0, 1) * 255 + 0.5).astype(np.uint8)


def assert_shows(at, pixels: np.ndarray) -> None:
    np.testing.assert_array_equal(decoded_pixels(image_url(at)), pixels)


def chart_spec(at) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


pytestmark = pytest.mark.usefixtures("fresh_st_caches")


def test_explore_page_shows_chart_sliders_and_the_decoded_digit(shipped):
    """The default page loads without exception: 60,000-point chart, z1/z2 sliders, decoded digit."""
    at = app()
    assert not at.exception
    spec = chart_spec(at)
    roles = spec["layout"]["meta"]["roles"]
    assert roles.count("train") == 10 and "grid" in roles
    assert [s.label for s in at.slider if s.key in ("explore_z1", "explore_z2")] == ["z1", "z2"]
    z1, z2 = at.slider(key="explore_z1").value, at.slider(key="explore_z2").value
    assert_shows(at, expected_pixels(shipped, z1, z2))
    assert at.get("download_button")[0].proto.label == "Download PNG"


def test_moving_a_slider_changes_the_decoded_digit_and_the_url(shipped):
    """Moving z1 decodes the new point (a different image) and writes it to the URL."""
    at = app()
    before = image_url(at)
    z2 = at.slider(key="explore_z2").value
    at.slider(key="explore_z1").set_value(20.0).run()
    assert not at.exception
    assert image_url(at) != before
    assert_shows(at, expected_pixels(shipped, 20.0, z2))
    assert float(at.query_params["z1"]) == pytest.approx(20.0)
    assert any("z1 = `20.000`" in m.value for m in at.markdown)


def test_chart_options_add_test_digits_and_restyle_points(shipped):
    """'Show the test digits' adds ten test traces; point size and opacity restyle every digit."""
    at = app()
    at.toggle(key="explore_show_test").set_value(True).run()
    at.slider(key="explore_point_size").set_value(5).run()
    at.slider(key="explore_opacity").set_value(0.3).run()
    assert not at.exception
    spec = chart_spec(at)
    roles = spec["layout"]["meta"]["roles"]
    digits = [t for t, r in zip(spec["data"], roles, strict=True) if r in ("train", "test")]
    assert roles.count("test") == 10 and len(digits) == 20
    assert {t["marker"]["opacity"] for t in digits} == {0.3}
    assert {t["marker"]["size"] for t, r in zip(spec["data"], roles, strict=True) if r == "train"} == {5}


def test_url_point_is_decoded_and_marked(shipped):
    """Opening ?z1=&z2= puts the sliders there, decodes that point and pre-selects it on the chart."""
    at = app(z1="-5.5", z2="-40")
    assert not at.exception
    assert (at.slider(key="explore_z1").value, at.slider(key="explore_z2").value) == (-5.5, -40.0)
    assert_shows(at, expected_pixels(shipped, -5.5, -40.0))
    spec = chart_spec(at)
    grid = spec["data"][spec["layout"]["meta"]["roles"].index("grid")]
    assert len(grid["selectedpoints"]) == 1
    assert sum(1 for t in spec["data"] if t.get("selectedpoints")) == 1


def test_bad_url_point_falls_back_to_the_default(shipped):
    """Garbage in ?z1= is ignored: the page loads and decodes its default point."""
    at = app(z1="abc", z2="1")
    assert not at.exception
    z1, z2 = at.slider(key="explore_z1").value, at.slider(key="explore_z2").value
    assert_shows(at, expected_pixels(shipped, z1, z2))


def test_picked_data_point_shows_original_reconstruction_and_label(shipped, mnist):
    """A clicked training digit shows its original, its reconstruction and its label."""
    from ui.scatter import Pick

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    i = 7
    at.session_state["explore_pick"] = Pick(*map(float, shipped.latent["z_train"][i]), index=i, split="train")
    at.run()
    assert not at.exception
    captions = [c for img in at.get("image") for c in img.proto.imgs if c.caption]
    assert [c.caption for c in captions] == ["original", "reconstruction"]
    label = int(mnist[0][1][i])
    assert any(f"train digit #{i}, label **{label}**" in m.value for m in at.markdown)


def test_reconstructions_page_shows_ten_pairs_from_110(shipped, mnist):
    """The Reconstructions page shows digits 110-119 over their reconstructions, titled by label."""
    at = app()
    at.switch_page("pages/reconstructions.py").run()
    assert not at.exception
    assert at.number_input(key="recon_start").value == 110
    captions = [c.caption for img in at.get("image") for c in img.proto.imgs]
    assert captions.count("original") == 10 and captions.count("reconstruction") == 10
    labels = [m.group(1) for m in (re.fullmatch(r"\*\*(\w+)\*\*", md.value) for md in at.markdown) if m]
    assert labels == [str(int(v)) for v in mnist[0][1][110:120]]


def test_reconstructions_random_batch_and_start_index(mnist):
    """The start index moves the batch; 'Random batch' picks a valid start and shows that batch."""
    at = app()
    at.switch_page("pages/reconstructions.py").run()
    at.number_input(key="recon_start").set_value(0).run()
    assert any("Training digits 0–9" in c.value for c in at.caption)
    first = [img.value[0] for img in at.get("image")]
    at.button(key="recon_random").click().run()
    assert not at.exception
    start = at.number_input(key="recon_start").value
    assert 0 <= start <= len(mnist[0][0]) - 10
    assert any(f"Training digits {start}–{start + 9}" in c.value for c in at.caption)
    assert start == 0 or [img.value[0] for img in at.get("image")] != first


def test_missing_data_is_explained_once_and_the_scatter_still_works(monkeypatch, tmp_path, shipped):
    """Without MNIST, Explore says once, at the top, what is off and how to turn it on; the scatter still works."""
    from ui.scatter import Pick

    monkeypatch.setenv("LATENT_EXPLORER_DATA", str(tmp_path / "missing.npz"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception and len(at.get("plotly_chart")) == 1
    at.session_state["explore_pick"] = Pick(*map(float, shipped.latent["z_train"][0]), index=0, split="train")
    at.run()
    assert not at.exception
    notes = [i.value for i in at.info]
    assert len(notes) == 1 and "LATENT_EXPLORER_DATA" in notes[0] and "training" in notes[0]
    assert str(tmp_path) not in notes[0] and "Error" not in notes[0]
    assert not at.warning and not at.error
    assert any("Original not available" in c.value for c in at.caption)
    at.switch_page("pages/reconstructions.py").run()
    assert not at.exception
    assert any("LATENT_EXPLORER_DATA" in i.value for i in at.info)
    assert not at.get("image")


def test_missing_model_is_explained_without_a_traceback(monkeypatch, tmp_path):
    """With no model folder, both pages explain the problem in words and raise nothing."""
    monkeypatch.setenv("LATENT_EXPLORER_MODEL", str(tmp_path / "nope"))
    at = app()
    assert not at.exception
    assert any("could not be loaded" in e.value for e in at.error)
    assert any("needs a model" in i.value for i in at.info)
    at.switch_page("pages/reconstructions.py").run()
    assert not at.exception
    assert any("need a model" in i.value for i in at.info)


def test_returning_to_explore_after_another_page_keeps_the_point(shipped):
    """Explore -> another page -> Explore: no exception, the sliders show the same chosen point."""
    at = app(z1="-5.5", z2="-40")
    for other in ("pages/reconstructions.py", "pages/upload.py", "pages/train.py", "pages/models.py"):
        at.switch_page(other).run()
        assert not at.exception, other
        at.switch_page("pages/explore.py").run()
        assert not at.exception, other
        assert (at.slider(key="explore_z1").value, at.slider(key="explore_z2").value) == (-5.5, -40.0)
