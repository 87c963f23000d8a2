"""AppTest checks of the Upload-or-draw page (no browser).

streamlit 1.67's AppTest can set st.file_uploader and st.camera_input values, so these
tests drive the real widgets through app.py. The drawing canvas (a components-v2 custom
component) renders under AppTest but its drawing cannot be set here: tests/e2e/test_upload.py
draws on it in Chromium. Images are compared by their media URL, which streamlit derives
from the PNG bytes.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from model.images.preprocess import preprocess
from model.plane.neighbors import nearest
from tests.apptest_utils import pictures, plane_state
from ui.images import to_png

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120  # first run imports TensorFlow and loads the model; the CPU is shared
SENTENCE = re.compile(r"The model places this among the (\d)s: (\d) of its 8 nearest neighbours (?:is|are) \1s\.")


def png_bytes(img: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def media_url(img: np.ndarray, size: int) -> str:
    return f"/mock/media/{_calculate_file_id(to_png(img, size), 'image/png')}.png"


def upload_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "image/png") -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, data, mime)).run()
    assert not at.exception
    return at


def verdict(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "The model places this" in m.value)


@pytest.fixture(scope="module")
def mnist_png(mnist):
    """The first MNIST test digit (a 7) saved as a 28 x 28 PNG, and its label."""
    _, (x_test, y_test) = mnist
    return png_bytes(Image.fromarray(x_test[0])), int(y_test[0])


pytestmark = [pytest.mark.usefixtures("fresh_st_caches"), pytest.mark.xdist_group("apptest_upload")]


def test_page_offers_three_sources_and_asks_for_a_digit(shipped):
    """Before any input the page offers upload, drawing and camera, and says what to do."""
    at = upload_page()
    assert at.segmented_control(key="upload_source").options == ["Upload a file", "Draw", "Camera"]
    assert at.file_uploader(key="upload_file").allowed_type == [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"]
    assert any("Upload a picture, draw, or take a photo" in i.value for i in at.info)
    assert not at.error


def test_uploading_an_mnist_png_shows_everything(shipped, mnist_png):
    """An uploaded MNIST 7: the sentence, coordinates, input and reconstruction, 8 neighbours, steps, map, URL."""
    data, label = mnist_png
    at = upload(upload_page(), "seven.png", data)
    # The page's encoding is exactly the upload path: preprocess -> codec.encode -> nearest.
    prep = preprocess(data)
    z = shipped.codec.encode(prep.image.reshape(1, 784))[0]
    idx, dist = nearest(shipped.latent["z_train"], z, 8)
    labels = shipped.latent["y_train"][idx]

    m = SENTENCE.search(verdict(at))
    assert m, verdict(at)
    assert int(m.group(1)) == label == np.bincount(labels).argmax()
    assert int(m.group(2)) == np.bincount(labels).max()
    assert any(f"z1 = `{z[0]:.3f}`, z2 = `{z[1]:.3f}`" in md.value for md in at.markdown)

    urls = [img.value[0] for img in at.get("image")]
    assert media_url(prep.image, 168) in urls  # what the model sees
    recon = shipped.codec.decode(z[None, :])[0].reshape(28, 28)
    assert media_url(recon, 168) in urls  # its reconstruction
    # 8 neighbour thumbnails, each captioned with its label and distance.
    captions = [c for img in at.get("image") for c in img.proto.imgs[0].caption.split("\n") if " · " in c]
    assert captions == [f"{lab} · {d:.2f}" for lab, d in zip(labels, dist, strict=True)]
    # Every preprocessing step as a small image.
    step_captions = {img.proto.imgs[0].caption for img in at.get("image")}
    assert {c for c, _ in prep.steps} <= step_captions

    state = plane_state(at, "upload_plane")  # the map: the live plane with the digit's star, zoomed to it
    assert state["star"] == pytest.approx([float(z[0]), float(z[1])]) and state["marker"] is None
    (x0, x1), (y0, y1) = state["view"]
    assert x0 < z[0] < x1 and y0 < z[1] < y1
    assert x1 - x0 < np.ptp(shipped.latent["z_train"][:, 0]) / 2
    assert float(at.query_params["z1"]) == pytest.approx(z[0], abs=1e-4)
    assert float(at.query_params["z2"]) == pytest.approx(z[1], abs=1e-4)


def test_map_is_a_still_picture_with_the_star_where_the_live_plane_cannot_run(shipped, mnist, mnist_png, monkeypatch):
    """Without the live plane, the map of where the upload lands is a still picture; another digit moves its star."""
    monkeypatch.setenv("LATENT_EXPLORER_LIVE", "0")
    at = upload(upload_page(), "seven.png", mnist_png[0])
    assert not at.get("bidi_component") and not at.get("plotly_chart")
    (first,) = pictures(at)
    upload(at, "two.png", png_bytes(Image.fromarray(mnist[1][0][1])))  # the second test digit, a 2
    assert len(pictures(at)) == 1 and pictures(at) != [first]


def test_explorer_moves_to_the_encoded_point(shipped, mnist_png):
    """After an upload, the Explore page's sliders and URL sit on the uploaded digit's encoding."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # visit Explore first: its state exists
    at.switch_page("pages/upload.py").run()
    upload(at, "seven.png", mnist_png[0])
    z = shipped.codec.encode(preprocess(mnist_png[0]).image.reshape(1, 784))[0]
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert at.slider(key="explore_z1").value == pytest.approx(z[0], abs=1e-3)
    assert at.slider(key="explore_z2").value == pytest.approx(z[1], abs=1e-3)
    assert float(at.query_params["z1"]) == pytest.approx(z[0], abs=1e-3)


def bad_files() -> dict[str, tuple[bytes, str]]:
    truncated = png_bytes(Image.new("L", (64, 64), 255))[:40]
    return {
        "notes.png": (b"shopping list: eggs, milk\n", "not an image"),
        "cut.png": (truncated, "corrupt or truncated"),
        "blank.png": (png_bytes(Image.new("L", (64, 64), 255)), "no ink found"),
        "huge.png": (b"\x89PNG\r\n\x1a\n" + bytes(10 * 2**20 + 10), "larger than 10 MB"),
    }


def test_bad_uploads_get_one_line_errors_and_the_page_recovers(shipped, mnist_png):
    """A text file, a truncated PNG, a blank page and an 11 MB file each give one st.error; a good file then works."""
    at = upload_page()
    for name, (data, needle) in bad_files().items():
        upload(at, name, data)
        (err,) = at.error
        assert needle in err.value and name in err.value and "\n" not in err.value
        assert not [m for m in at.markdown if "The model places this" in m.value]
    upload(at, "seven.png", mnist_png[0])
    assert not at.error and SENTENCE.search(verdict(at))


def test_invert_override_changes_what_the_model_sees(shipped):
    """Flipping 'Invert colours' on a dark-on-light drawing says so and encodes the flipped image."""
    img = Image.new("L", (200, 200), 255)
    ImageDraw.Draw(img).line([(100, 20), (100, 180)], fill=0, width=18)
    at = upload(upload_page(), "one.png", png_bytes(img))
    assert any("dark ink on light paper (automatic)" in c.value for c in at.caption)
    before = {i.value[0] for i in at.get("image")}
    at.toggle(key="upload_invert").set_value(True).run()
    assert not at.exception
    assert any("(your choice)" in c.value for c in at.caption)
    flipped = preprocess(png_bytes(img), invert=False).image
    after = {i.value[0] for i in at.get("image")}
    assert media_url(flipped, 168) in after and media_url(flipped, 168) not in before


def test_camera_photo_is_encoded(shipped, mnist_png):
    """A camera photo (JPEG) goes through the same path as an upload."""
    at = upload_page()
    at.segmented_control(key="upload_source").set_value("Camera").run()
    photo = png_bytes(Image.fromarray(255 - np.asarray(Image.open(io.BytesIO(mnist_png[0])))).convert("RGB"), "JPEG")
    at.camera_input(key="upload_camera").set_value(("photo.jpg", photo, "image/jpeg")).run()
    assert not at.exception and not at.error
    m = SENTENCE.search(verdict(at))
    assert m and int(m.group(1)) == mnist_png[1]


def test_canvas_renders_and_falls_back_when_unavailable(shipped, monkeypatch):
    """The Draw tab shows the canvas; without the component it shows a plain message and the page still works."""
    at = upload_page()
    at.segmented_control(key="upload_source").set_value("Draw").run()
    assert not at.exception and not at.error
    assert any("Draw one digit" in c.value for c in at.caption)
    monkeypatch.setitem(sys.modules, "streamlit_drawable_canvas", None)  # import now raises ImportError
    at.run()
    assert not at.exception
    assert any("drawing canvas is not available" in i.value for i in at.info)
    at.segmented_control(key="upload_source").set_value("Upload a file").run()
    assert not at.exception and at.file_uploader(key="upload_file")


def verdict_text(at: AppTest) -> str:
    """The bold verdict line in the upload_verdict box, whatever its wording."""
    return next(
        m.value for m in at.markdown if m.value.startswith("**") and ("nearest" in m.value or "digit" in m.value)
    )


def test_confident_verdict_names_the_class_with_its_votes(shipped, mnist_png):
    """An MNIST 7 gets the confident wording: 'among the 7s: n of its 8 nearest neighbours are 7s', n >= 5."""
    at = upload_page()
    upload(at, "seven.png", mnist_png[0])
    m = SENTENCE.search(verdict(at))
    assert m and m.group(1) == "7" and int(m.group(2)) >= 5
    assert "Unsure" not in verdict_text(at)


def test_fashion_model_names_classes_in_the_verdict_and_neighbours(mnist_png):
    """With the fashion model active the verdict and the neighbour captions use class names, never digits."""
    from model.data import CLASS_NAMES

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["model"] = "fashion"
    at.run()
    at.switch_page("pages/upload.py").run()
    upload(at, "seven.png", mnist_png[0])
    text = verdict_text(at)
    names = CLASS_NAMES["fashion-mnist"]
    assert any(n in text for n in names) or "does not look like" in text or "far from" in text, text
    assert not re.search(r"\b\ds\b", text), text
    captions = [c for img in at.get("image") for c in img.proto.imgs[0].caption.split("\n") if " · " in c]
    assert len(captions) == 8 and all(c.split(" · ")[0] in names for c in captions), captions


def test_mixed_neighbours_say_unsure(shipped, mnist_png, tmp_path, monkeypatch):
    """When the 8 nearest neighbours disagree, the verdict says 'Unsure' with its best count and places nothing."""
    import shutil

    from model.folders import store

    model = tmp_path / "mixed"
    shutil.copytree(store.default_model_dir(), model)
    lat = dict(np.load(model / store.LATENT_FILE))
    lat["y_train"] = (np.arange(len(lat["y_train"])) % 10).astype(
        lat["y_train"].dtype
    )  # neighbours of any point disagree
    np.savez(model / store.LATENT_FILE, **lat)
    monkeypatch.setenv("LATENT_EXPLORER_MODEL", str(model))
    at = upload_page()
    upload(at, "seven.png", mnist_png[0])
    text = verdict_text(at)
    assert re.search(r"Unsure: [1-4] of its 8 nearest neighbours (?:is|are) \ds; the others are mixed\.", text), text
    assert "places this among" not in text


def test_a_filled_shape_is_not_called_a_digit(shipped):
    """A filled square has no digit-like strokes: the verdict says so and names no class."""
    sq = np.zeros((28, 28), np.uint8)
    sq[4:24, 4:24] = 255
    at = upload_page()
    upload(at, "square.png", png_bytes(Image.fromarray(sq)))
    text = verdict_text(at)
    assert "does not look like a digit" in text and "among the" not in text


def test_far_from_every_training_digit_is_said_plainly(shipped, mnist_png, tmp_path, monkeypatch):
    """With every training encoding moved far away, an upload is 'far from every training digit', no class named."""
    import shutil

    from model.folders import store

    model = tmp_path / "far"
    shutil.copytree(store.default_model_dir(), model)
    lat = dict(np.load(model / store.LATENT_FILE))
    for split in ("z_train", "z_test"):  # the encoder itself still maps digits near the origin
        lat[split] = lat[split] + np.float32(1000.0)
    np.savez(model / store.LATENT_FILE, **lat)
    monkeypatch.setenv("LATENT_EXPLORER_MODEL", str(model))
    at = upload_page()
    upload(at, "seven.png", mnist_png[0])
    text = verdict_text(at)
    assert "far from every training digit" in text and "among the" not in text


def test_an_upload_survives_another_page_and_another_source(shipped, mnist_png):
    """Upload -> Explore -> Upload, and Upload -> Draw -> Upload: the uploaded digit and its verdict are still there."""
    at = upload_page()
    upload(at, "seven.png", mnist_png[0])
    first = verdict(at)
    at.switch_page("pages/explore.py").run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception and verdict(at) == first
    assert any("seven.png" in c.value for c in at.caption)
    at.segmented_control(key="upload_source").set_value("Draw").run()
    at.segmented_control(key="upload_source").set_value("Upload a file").run()
    assert not at.exception and verdict(at) == first
    at.toggle(key="upload_invert").set_value(True).run()  # another rerun with the uploader still empty
    assert any("seven.png" in c.value for c in at.caption)


@pytest.mark.parametrize("agree", [5, 4])
def test_verdict_at_the_confident_boundary(shipped, mnist_png, tmp_path, monkeypatch, agree):
    """Exactly 5 of 8 neighbours agreeing reads as confident ('places this among the 7s'); 4 of 8 reads 'Unsure'."""
    import shutil

    from model.folders import store
    from model.images.placement import place

    model = tmp_path / f"agree{agree}"
    shutil.copytree(store.default_model_dir(), model)
    near = place(shipped.codec, shipped.latent, mnist_png[0], 8).idx  # the upload's 8 nearest training digits
    lat = dict(np.load(model / store.LATENT_FILE))
    labels = lat["y_train"].copy()
    labels[near] = [7] * agree + [1, 2, 3, 4][: 8 - agree]  # `agree` sevens, the rest one each of other digits
    lat["y_train"] = labels
    np.savez(model / store.LATENT_FILE, **lat)
    monkeypatch.setenv("LATENT_EXPLORER_MODEL", str(model))
    at = upload_page()
    upload(at, "seven.png", mnist_png[0])
    text = verdict_text(at)
    if agree == 5:
        assert "The model places this among the 7s: 5 of its 8 nearest neighbours are 7s." in text, text
    else:
        assert "Unsure: 4 of its 8 nearest neighbours are 7s; the others are mixed." in text, text
