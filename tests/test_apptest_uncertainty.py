"""AppTest checks of what the pages send the live plane for Replay and a VAE's uncertainty (no browser)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from model.folders import store
from model.images.placement import place
from tests.apptest_utils import plane_state
from ui.plane.explore import NO_SIGMA_CAPTION

pytestmark = pytest.mark.xdist_group("apptest_uncertainty")  # its module-scoped fixtures are built once, in one worker

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120


@pytest.fixture(scope="module")
def seven(mnist) -> bytes:
    """The first MNIST test digit (a 7) as PNG bytes."""
    buf = io.BytesIO()
    Image.fromarray(mnist[1][0][0]).save(buf, format="PNG")
    return buf.getvalue()


def upload_with(model: str, png: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["model"] = model
    at.run()
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_file").set_value(("seven.png", png, "image/png")).run()
    assert not at.exception
    return at


def test_vae_upload_sends_its_sigma_and_explains_it(seven):
    """With the VAE the Upload map gets the encoder's sigma for the star, and the caption explains it."""
    at = upload_with("vae", seven)
    vae = store.load(store.SHIPPED_DIR / "vae")
    want = place(vae.codec, vae.latent, Image.open(io.BytesIO(seven))).sigma
    sent = plane_state(at, "upload_plane")["sigma"]
    np.testing.assert_allclose(sent, want, rtol=1e-5)
    assert any("reparameterisation" in c.value for c in at.caption)


def test_plain_autoencoder_upload_says_there_is_no_sigma(seven):
    """With the default (plain) autoencoder no sigma is sent and the page says there is none to show."""
    at = upload_with("default", seven)
    assert plane_state(at, "upload_plane")["sigma"] is None
    assert any(c.value == NO_SIGMA_CAPTION for c in at.caption)


def test_explore_and_compare_ask_for_the_replay():
    """Explore's plane and both of Compare's are sent replay = true; Upload's is not."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert plane_state(at)["replay"] is True
    at.switch_page("pages/compare.py").run()
    assert plane_state(at, "compare_plane_a")["replay"] is True and plane_state(at, "compare_plane_b")["replay"]
