"""AppTest checks of the Explore and Reconstructions pages (no browser).

Decoded images are compared pixel for pixel: the page inlines each PNG as a data: URL, whose
28 x 28 content must equal what the fast codec decodes at that point, upscaled crisply.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.apptest_utils import pictures, plane_state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120  # first run imports TensorFlow and loads the model; the CPU is shared


def app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def image_url(at) -> str:
    """The decoded digit's inline PNG (the page inlines it; other images are media files)."""
    return next(e.value[0] for e in at.get("image") if e.value[0].startswith("data:"))


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


def picture_url(at) -> str:
    """The still picture's media URL (streamlit names media by content, so a new picture has a new URL)."""
    (url,) = pictures(at)
    return url


def opening_of_point(bundle) -> tuple[float, float]:
    """The opening digit's encoding: where Explore opens without a usable link."""
    from model.plane.views import typical_index

    lat = bundle.latent
    return tuple(float(v) for v in lat["z_train"][typical_index(lat["z_train"], lat["y_train"])])


def sliders(at) -> tuple[float, float]:
    return at.slider(key="explore_z1").value, at.slider(key="explore_z2").value


pytestmark = pytest.mark.usefixtures("fresh_st_caches")


def test_explore_page_shows_the_plane_sliders_and_the_decoded_digit(shipped):
    """The default page: the live plane marking the opening digit, z1/z2 sliders, the decoded digit, no chart."""
    at = app()
    assert not at.exception
    assert [s.label for s in at.slider if s.key in ("explore_z1", "explore_z2")] == ["z1", "z2"]
    z1, z2 = sliders(at)
    assert_shows(at, expected_pixels(shipped, z1, z2))
    assert plane_state(at)["marker"] == pytest.approx([z1, z2])
    assert not at.get("plotly_chart")  # one renderer: the live plane
    assert at.get("download_button")[0].proto.label == "Download PNG"


def test_moving_a_slider_changes_the_decoded_digit_the_marker_and_the_url(shipped):
    """Moving z1 decodes the new point (a different image), moves the plane's marker and writes it to the URL."""
    at = app()
    before = image_url(at)
    z2 = at.slider(key="explore_z2").value
    at.slider(key="explore_z1").set_value(20.0).run()
    assert not at.exception
    assert image_url(at) != before
    assert_shows(at, expected_pixels(shipped, 20.0, z2))
    assert plane_state(at)["marker"] == pytest.approx([20.0, z2])
    assert float(at.query_params["z1"]) == pytest.approx(20.0)
    assert any("z1 = `20.000`" in m.value for m in at.markdown)


def test_url_point_is_decoded_and_marked(shipped):
    """Opening ?z1=&z2= puts the sliders there, decodes that point and marks it on the plane, in view."""
    at = app(z1="-5.5", z2="-40")
    assert not at.exception
    assert sliders(at) == (-5.5, -40.0)
    assert_shows(at, expected_pixels(shipped, -5.5, -40.0))
    state = plane_state(at)
    assert state["marker"] == [-5.5, -40.0] and state["index"] is None
    (x0, x1), (y0, y1) = state["view"]
    assert x0 <= -5.5 <= x1 and y0 <= -40 <= y1


@pytest.mark.parametrize(
    "query", [{"z1": "abc", "z2": "1"}, {"z1": "nan", "z2": "inf"}, {"z1": "1e999"}, {"z1": "1e999", "z2": "0"}]
)
def test_bad_url_point_falls_back_to_the_opening_digit(shipped, query):
    """Garbage, nan, inf or an overflowing 1e999 in ?z1=&z2= open on the opening digit; no such value reaches the URL."""
    at = app(**query)
    assert not at.exception
    z = opening_of_point(shipped)
    assert sliders(at) == pytest.approx(z)
    assert_shows(at, expected_pixels(shipped, *z))
    assert plane_state(at)["marker"] == pytest.approx(list(z))
    assert "z1" not in at.query_params and "z2" not in at.query_params  # the opening point is not worth a link


def test_jump_to_a_training_digit_shows_it_with_its_neighbours(shipped, mnist):
    """Typing training digit #7 chooses its encoding: original, reconstruction, label, 8 neighbours, its index on the plane."""
    at = app()
    at.number_input(key="explore_jump").set_value(7).run()
    assert not at.exception
    z = tuple(float(v) for v in shipped.latent["z_train"][7])
    assert sliders(at) == pytest.approx(z)
    assert plane_state(at)["index"] == 7 and plane_state(at)["marker"] == pytest.approx(list(z))
    captions = [c.caption for img in at.get("image") for c in img.proto.imgs if c.caption]
    assert captions[:2] == ["original", "reconstruction"] and len(captions) == 2 + 8
    assert any(f"train digit #7, label **{int(mnist[0][1][7])}**" in m.value for m in at.markdown)
    at.slider(key="explore_z1").set_value(20.0).run()  # away from the digit: it is no longer the chosen one
    assert plane_state(at)["index"] is None and not any("train digit #7" in m.value for m in at.markdown)


def test_still_picture_sliders_and_digit_where_the_live_plane_cannot_run(shipped, monkeypatch):
    """Without the live plane: a still picture of the plane, the sliders and the digit; a slider move changes both."""
    monkeypatch.setenv("LATENT_EXPLORER_LIVE", "0")
    at = app()
    assert not at.exception
    assert not at.get("bidi_component") and not at.get("plotly_chart")
    picture = picture_url(at)
    before, (z1, z2) = image_url(at), sliders(at)
    assert_shows(at, expected_pixels(shipped, z1, z2))
    at.slider(key="explore_z1").set_value(20.0).run()
    assert not at.exception
    assert image_url(at) != before and picture_url(at) != picture  # a new digit, and the cross moved
    assert_shows(at, expected_pixels(shipped, 20.0, z2))
    assert float(at.query_params["z1"]) == pytest.approx(20.0)


def test_a_plane_that_failed_in_the_browser_gives_way_to_the_picture(shipped):
    """When the plane's JavaScript reported an error, one line says so and the still picture takes its place."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["explore_plane_failed"] = "WebGL is off"
    at.run()
    assert not at.exception
    assert any("could not start in this browser (WebGL is off)" in c.value for c in at.caption)
    assert picture_url(at) and not at.get("bidi_component")


def test_picked_data_point_shows_original_reconstruction_and_label(shipped, mnist):
    """A chosen training digit shows its original, its reconstruction and its label."""
    from ui.explore_state import Pick

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    i = 7
    at.session_state["explore_pick"] = Pick(*map(float, shipped.latent["z_train"][i]), index=i, split="train")
    at.run()
    assert not at.exception
    captions = [c for img in at.get("image") for c in img.proto.imgs if c.caption]
    assert [c.caption for c in captions][:2] == ["original", "reconstruction"]
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


def test_missing_data_is_explained_once_and_the_plane_still_works(monkeypatch, tmp_path, shipped):
    """Without MNIST, Explore says once, at the top, what is off and how to turn it on; the plane still works."""
    from ui.explore_state import Pick

    monkeypatch.setenv("LATENT_EXPLORER_DATA", str(tmp_path / "missing.npz"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception and plane_state(at)["marker"]
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
