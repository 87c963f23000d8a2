"""The live plane's JavaScript decoder, run in Chromium, equals the NumPy fast path within 1e-4."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from model.net.export_weights import plane_payload
from ui.plane.bundle import bundle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("live_plane_decoder")]

JS = bundle()  # the plane's modules as one ES module, as Streamlit gets it
CLASSES = [str(i) for i in range(10)]
TOL = 1e-4
FAR_TOL = 1e-3  # points far outside the data (see test_shipped_model_js_equals_numpy)

# Import the component's module from a blob (a new URL each call: a fresh module, nothing kept from the last
# call), hand it the payload as a Uint8Array view at an odd
# offset into a bigger buffer (as the websocket delivers it), and decode every point.
DECODE_ALL = """async ([src, b64, pts, wasm]) => {
    const url = URL.createObjectURL(new Blob([src], {type: 'text/javascript'}));
    const m = await import(url);
    URL.revokeObjectURL(url);
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const big = new Uint8Array(raw.length + 7); big.set(raw, 3);
    const P = m.parsePayload(big.subarray(3, 3 + raw.length));
    const dec = m.makeDecoder(P.layers, {wasm});
    const out = [];
    for (const [z1, z2] of pts) out.push(...dec.decode(z1, z2));
    return [dec.kind, out];
}"""
KINDS = ["wasm", "js"]  # WebAssembly SIMD (what Chromium runs), and the JavaScript fallback


def points(z_train: np.ndarray, n: int = 100, seed: int = 0) -> np.ndarray:
    """Half uniformly inside the encodings' box, half far outside it (up to 50 spans away)."""
    rng = np.random.default_rng(seed)
    lo, hi = z_train.min(axis=0), z_train.max(axis=0)
    inside = rng.uniform(lo, hi, size=(n // 2, 2))
    far = rng.uniform(-50, 50, size=(n - n // 2, 2)) * (hi - lo + 1.0)
    return np.concatenate([inside, far]).astype(np.float32)


def decoder_tab(browser):
    """A blank tab in a context of its own, closed after (a decoder module's fixture yields from it)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def decoder_page(browser):
    """One blank tab for the module's decodes: each js_decode imports the plane's module afresh, so the
    decodes stay independent while the tab (its renderer process, its context) is made once."""
    yield from decoder_tab(browser)


def js_decode(page, codec, latent, pts, kind: str = "wasm") -> np.ndarray:
    """Decode `pts` (N, 2) in the tab with the plane's JavaScript decoder `kind`; (N, 784) float32."""
    b64 = base64.b64encode(plane_payload(codec, latent, CLASSES)).decode()
    used, out = page.evaluate(DECODE_ALL, [JS, b64, pts.tolist(), kind == "wasm"])
    assert used == kind  # the decoder asked for is the one that ran
    return np.asarray(out, dtype=np.float32).reshape(len(pts), 784)


def random_codec(config, seed: int):
    """`config` untrained (random weights from a fixed seed), with made-up encodings for the payload."""
    import keras

    from model.net.autoencoder import build
    from model.net.fast import Codec

    keras.utils.set_random_seed(seed)
    m = build(config)
    rng = np.random.default_rng(seed + 1)
    latent = {"z_train": rng.normal(0, 3, size=(1000, 2)).astype(np.float32), "y_train": rng.integers(0, 10, 1000)}
    return Codec(m.encoder, m.decoder), latent


@pytest.mark.parametrize("kind", KINDS)
def test_seed_config_js_equals_numpy(decoder_page, kind):
    """Seed config (relu): 100 points inside and far outside the data decode in JS as in NumPy (within 1e-4)."""
    from model.net.config import SEED

    codec, latent = random_codec(SEED, 3)
    pts = points(latent["z_train"])
    got = js_decode(decoder_page, codec, latent, pts, kind)
    np.testing.assert_allclose(got, codec.decode(pts), atol=TOL)
    assert got.std() > 0.01  # real images, not a constant


@pytest.mark.parametrize("kind", KINDS)
def test_silu_config_js_equals_numpy(decoder_page, kind):
    """A silu network (the default's units): 100 points decode in JS as in NumPy (within 1e-4)."""
    from model.net.config import Config

    codec, latent = random_codec(Config(hidden=(64, 32), activation="silu", latent_activation="linear"), 5)
    assert {act for _, _, act in codec.dec[:-1]} == {"silu"}
    pts = points(latent["z_train"], seed=2)
    got = js_decode(decoder_page, codec, latent, pts, kind)
    np.testing.assert_allclose(got, codec.decode(pts), atol=TOL)
    assert got.std() > 0.01


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_model_js_equals_numpy(decoder_page, shipped, kind):
    """Shipped default model: 100 points inside and far outside the data decode in JS as in NumPy."""
    pts = points(shipped.latent["z_train"], seed=1)
    got = js_decode(decoder_page, shipped.codec, shipped.latent, pts, kind)
    want = shipped.codec.decode(pts)
    np.testing.assert_allclose(got[:50], want[:50], atol=TOL)  # inside the data: what the pointer meets
    # Up to 50 spans out the trained layers' sums reach thousands and cancel: float32's rounding of
    # them (summed in another order by BLAS than by the JS loop) moves a pixel by up to ~1e-4 there.
    np.testing.assert_allclose(got[50:], want[50:], atol=FAR_TOL)
