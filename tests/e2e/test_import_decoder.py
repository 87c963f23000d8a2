"""Issue 27: the browser decoder runs every activation an imported model may use, at any layer width,
on both paths (WebAssembly SIMD with padded widths, and JavaScript), as NumPy does within 1e-4."""

from __future__ import annotations

import numpy as np
import pytest

from model.net.fast import Codec
from tests.e2e.test_live_plane_decoder import KINDS, TOL, decoder_tab, js_decode, points

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("import_decoder")]

ACTS = ["tanh", "elu", "elu:0.5", "leaky_relu", "leaky_relu:0.1", "gelu", "gelu_approximate", "softplus",
        "relu", "silu", "linear", "sigmoid"]  # fmt: skip


@pytest.fixture(scope="module")
def decoder_page(browser):
    """One blank tab for the module's decodes (each imports the plane's module afresh: independent decodes)."""
    yield from decoder_tab(browser)


def codec(widths, acts, seed=0):
    """A decoder 2 -> widths... -> 784 sigmoid with random weights (scaled so no layer saturates)."""
    rng = np.random.default_rng(seed)
    stack, n = [], 2
    for m, act in [*zip(widths, acts, strict=True), (784, "sigmoid")]:
        w = rng.normal(0, 1.5 / np.sqrt(n), size=(n, m)).astype(np.float32)
        stack.append((w, rng.normal(0, 0.3, size=m).astype(np.float32), act))
        n = m
    latent = {"z_train": rng.normal(0, 2, size=(500, 2)).astype(np.float32), "y_train": rng.integers(0, 10, 500)}
    return Codec([], stack), latent


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("act", ACTS)
def test_each_activation_at_odd_widths_js_equals_numpy(decoder_page, act, kind):
    """Widths 30, 33 and 3 (none divisible by 4) with one activation: 60 points decode as in NumPy."""
    c, latent = codec((30, 33, 3), (act, act, act))
    pts = points(latent["z_train"], n=60)[:40]  # inside and a little beyond the data
    got = js_decode(decoder_page, c, latent, pts, kind)
    np.testing.assert_allclose(got, c.decode(pts), atol=TOL)
    assert got.std() > 1e-3  # pictures that vary, not a constant


@pytest.mark.parametrize("kind", KINDS)
def test_a_one_unit_layer_js_equals_numpy(decoder_page, kind):
    """A 1-unit layer between 33 and 30 (tanh, leaky_relu) decodes on both paths as in NumPy."""
    c, latent = codec((33, 1, 30), ("tanh", "leaky_relu:0.3", "elu"), seed=4)
    pts = points(latent["z_train"], n=60)[:40]
    np.testing.assert_allclose(js_decode(decoder_page, c, latent, pts, kind), c.decode(pts), atol=TOL)
