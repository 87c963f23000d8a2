"""A VAE's uncertainty on the fast path: the NumPy sigma equals Keras's exp(z_log_var / 2), and an
upload's placement carries it; a plain autoencoder has none."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.folders import store
from model.images.placement import place

pytestmark = pytest.mark.xdist_group("vae_sigma")  # its module-scoped fixtures are built once, in one worker


@pytest.fixture(scope="module")
def vae():
    return store.load(store.SHIPPED_DIR / "vae")


def seven() -> Image.Image:
    img = Image.new("L", (200, 200), 0)
    ImageDraw.Draw(img).line([(40, 40), (160, 40), (90, 170)], fill=255, width=18)
    return img


def test_fast_sigma_equals_keras(vae, mnist):
    """codec.sigma matches the Keras model's z_log_var head within 1e-5 on 500 real digits."""
    x = mnist[1][0][:500].reshape(500, 784).astype(np.float32) / 255
    ae = vae.models.autoencoder
    heads = keras.Model(ae.inputs, [ae.get_layer("z_mean").output, ae.get_layer("z_log_var").output])
    mu, log_var = heads.predict(x, verbose=0)
    np.testing.assert_allclose(vae.codec.encode(x), mu, atol=1e-5)
    np.testing.assert_allclose(vae.codec.sigma(x), np.exp(0.5 * log_var), atol=1e-5, rtol=1e-5)


def test_placement_carries_sigma_for_a_vae(vae):
    """An uploaded 7 placed by the VAE has a positive, finite (2,) sigma beside its z."""
    p = place(vae.codec, vae.latent, seven())
    assert p.sigma.shape == (2,) and np.isfinite(p.sigma).all() and (p.sigma > 0).all()


def test_plain_autoencoder_has_no_sigma(shipped):
    """The default (plain) model's codec and placement say there is no sigma."""
    assert shipped.codec.sigma(np.zeros((1, 784), np.float32)) is None
    assert place(shipped.codec, shipped.latent, seven()).sigma is None
