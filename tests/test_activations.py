"""Issue 27: every activation the import accepts runs in NumPy (model/net/fast.py) as Keras runs it."""

from __future__ import annotations

import numpy as np
import pytest

from model.net.fast import activation

CASES = [  # fast.py name, Keras function, its keyword arguments
    ("relu", "relu", {}), ("sigmoid", "sigmoid", {}), ("linear", "linear", {}), ("silu", "silu", {}),
    ("tanh", "tanh", {}), ("elu", "elu", {}), ("elu:0.5", "elu", {"alpha": 0.5}),
    ("leaky_relu", "leaky_relu", {}), ("leaky_relu:0.3", "leaky_relu", {"negative_slope": 0.3}),
    ("gelu", "gelu", {"approximate": False}), ("gelu_approximate", "gelu", {"approximate": True}),
    ("softplus", "softplus", {}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fn", "kw"), CASES, ids=[c[0] for c in CASES])
def test_numpy_activation_equals_keras(name, fn, kw):
    """On -30..30 each NumPy activation equals keras.activations' within 1e-5."""
    import keras

    x = np.linspace(-30, 30, 6001, dtype=np.float32)
    want = np.asarray(getattr(keras.activations, fn)(x, **kw))
    assert np.abs(activation(name)(x.copy()) - want).max() < 1e-5


def test_unknown_names_are_not_run():
    """A name outside the list (or a parameter out of range) is refused, never guessed."""
    for name in ("selu", "leaky_relu:abc", "elu:1e9", "relu6", None, 3, "gelu:0.1"):
        assert activation(name) is None
