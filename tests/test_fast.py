"""Fast path: the NumPy encoder/decoder give Keras's answers (within 1e-5)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from model import data as data_mod
from model.net.autoencoder import build
from model.net.config import SEED, Config
from model.net.fast import Codec, bce, dense_stack
from model.net.train import fit

pytestmark = pytest.mark.xdist_group("fast")  # its module-scoped fixtures are built once, in one worker

TOL = 1e-5


@pytest.fixture(scope="module")
def digits(mnist):
    """1,000 real test digits as float32 N x 784."""
    (_, _), (xte, _) = mnist
    return data_mod.to_float(xte[:1000])


@pytest.fixture(scope="module")
def trained(mnist):
    """The seed network after 2 epochs on 300 digits: weights that are no longer their initial values."""
    (xtr, ytr), (xte, yte) = mnist
    return fit(SEED.replace(epochs=2, batch_size=32), data=((xtr[:300], ytr[:300]), (xte[:100], yte[:100]))).models


def latent_grid(z_seen: np.ndarray) -> np.ndarray:
    """Points across the encodings' range, beyond it, and far out (where sigmoid saturates)."""
    lo, hi = z_seen.min(axis=0), z_seen.max(axis=0)
    span = hi - lo + 1.0
    g = np.stack(np.meshgrid(*(np.linspace(lo[i] - span[i], hi[i] + span[i], 15) for i in range(2))), axis=-1)
    far = np.array([[0, 0], [-1e3, 1e3], [1e4, 1e4], [-50, -50], [1e-8, -1e-8]], dtype=np.float32)
    return np.concatenate([g.reshape(-1, 2), far]).astype(np.float32)


CONFIGS = {
    "seed": SEED,
    "deep-linear": Config(hidden=(128, 64), latent_activation="linear"),
    "mse-three-layers": Config(hidden=(64, 32, 16), loss="mse", latent_activation="linear"),
    "silu": Config(hidden=(64, 32), activation="silu", latent_activation="linear"),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_encode_matches_keras(name, digits):
    """Codec.encode equals encoder.predict within 1e-5 for each architecture (random initial weights)."""
    keras.utils.set_random_seed(1)
    m = build(CONFIGS[name])
    np.testing.assert_allclose(Codec(m.encoder, m.decoder).encode(digits), m.encoder.predict(digits, verbose=0), atol=TOL)  # fmt: skip


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_decode_matches_keras(name, digits):
    """Codec.decode equals decoder.predict within 1e-5, including far outside the data's range."""
    keras.utils.set_random_seed(2)
    m = build(CONFIGS[name])
    codec = Codec(m.encoder, m.decoder)
    z = latent_grid(codec.encode(digits) * 3 + 1)
    # float32 rounding grows with |z|: at z = 1e4 the logits are ~1e4 and two summation orders
    # (NumPy's BLAS, TensorFlow's Eigen, which splits work by load) differ by ~1e-5 after the sigmoid.
    near = np.abs(z).max(axis=1) <= 1e3
    np.testing.assert_allclose(codec.decode(z[near]), m.decoder.predict(z[near], verbose=0), atol=TOL)
    np.testing.assert_allclose(codec.decode(z[~near]), m.decoder.predict(z[~near], verbose=0), atol=1e-4)


def test_trained_model_matches_keras(trained, digits):
    """On a trained model, encode and decode of real digits and a latent grid match Keras within 1e-5."""
    codec = Codec(trained.encoder, trained.decoder)
    z = codec.encode(digits)
    np.testing.assert_allclose(z, trained.encoder.predict(digits, verbose=0), atol=TOL)
    grid = latent_grid(z)
    np.testing.assert_allclose(codec.decode(grid), trained.decoder.predict(grid, verbose=0), atol=TOL)
    np.testing.assert_allclose(codec.decode(z), trained.autoencoder.predict(digits, verbose=0), atol=TOL)


def test_large_batches_are_blocked_identically(trained, digits):
    """Encoding more than one block (8,192 rows) gives the same rows as encoding them one block at a time."""
    codec = Codec(trained.encoder, trained.decoder)
    x = np.tile(digits, (10, 1))  # 10,000 rows
    z = codec.encode(x)
    assert z.shape == (10000, 2) and z.dtype == np.float32
    # Not bit-equal: OpenBLAS picks its kernel and thread split by matrix shape, so blocks of other
    # sizes round differently in the last float32 bit.
    np.testing.assert_allclose(z[:1000], z[9000:], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(z[:1000], codec.encode(digits), rtol=1e-6, atol=1e-6)


def test_decode_image_and_inputs(trained):
    """decode_image gives a 28 x 28 float32 image in [0, 1]; encode takes images of any shape per row."""
    codec = Codec(trained.encoder, trained.decoder)
    img = codec.decode_image(1.5, -0.3)
    assert img.shape == (28, 28) and img.dtype == np.float32 and 0 <= img.min() and img.max() <= 1
    np.testing.assert_allclose(img.ravel(), codec.decode(np.array([1.5, -0.3]))[0], atol=0)
    x = np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(codec.encode(x), codec.encode(x.reshape(3, 784)))


def test_sigmoid_never_overflows(trained):
    """Decoding absurd latent points raises no overflow warning and stays within [0, 1]."""
    codec = Codec(trained.encoder, trained.decoder)
    with np.errstate(all="raise"):
        out = codec.decode(np.array([[1e30, -1e30], [-3e38, 3e38]], dtype=np.float32))
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1


def test_dense_only():
    """A model with a non-Dense layer is refused with a TypeError naming the layer type."""
    inp = keras.Input(shape=(784,))
    model = keras.Model(inp, keras.layers.Dense(2)(keras.layers.BatchNormalization()(inp)))
    with pytest.raises(TypeError, match="BatchNormalization"):
        dense_stack(model)


def test_bce_matches_keras():
    """fast.bce equals Keras's binary cross-entropy (mean over pixels and digits), including saturated outputs."""
    rng = np.random.default_rng(0)
    x = rng.random((50, 784)).astype(np.float32)
    y = rng.random((50, 784)).astype(np.float32)
    y[0, :10], y[1, :10] = 0.0, 1.0
    expected = float(np.mean(keras.losses.binary_crossentropy(x, y)))
    assert bce(x, y) == pytest.approx(expected, abs=1e-5)
