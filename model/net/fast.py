"""NumPy forward passes for the trained Dense stacks.

Keras's `predict` has a large fixed cost per call, whatever the batch, and a slider move
decodes one point. The weights are tiny, so plain float32 matmuls are far cheaper
(docs/performance.md, The fast path).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 0.5 * tanh(x / 2) + 0.5 is the logistic function without exp's overflow; in place.
    return np.tanh(np.multiply(x, 0.5, out=x), out=x).__imul__(0.5).__iadd__(0.5)


def _silu(x: np.ndarray) -> np.ndarray:
    return x.__imul__(_sigmoid(x.copy()))  # x * sigmoid(x), as keras.activations.silu


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # exact gelu, as keras.activations.gelu(approximate=False)

    return x * 0.5 * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


def _gelu_tanh(x: np.ndarray) -> np.ndarray:  # keras.activations.gelu(approximate=True)
    return 0.5 * x * (1.0 + np.tanh(np.float32(np.sqrt(2.0 / np.pi)) * (x + np.float32(0.044715) * x**3)))


def _elu(alpha: float):
    return lambda x: np.where(x > 0, x, np.float32(alpha) * np.expm1(np.minimum(x, 0.0))).astype(np.float32)


def _leaky(slope: float):
    return lambda x: np.where(x >= 0, x, np.float32(slope) * x).astype(np.float32)


ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0.0, out=x),
    "silu": _silu,
    "linear": lambda x: x,
    "sigmoid": _sigmoid,
    "tanh": lambda x: np.tanh(x, out=x),
    "elu": _elu(1.0),
    "leaky_relu": _leaky(0.2),  # Keras 3's default negative_slope
    "gelu": _gelu,
    "gelu_approximate": _gelu_tanh,
    "softplus": lambda x: np.logaddexp(np.float32(0.0), x).astype(np.float32),
}
# An activation with a parameter is named "leaky_relu:0.3" or "elu:0.5" (model/net/chain.py writes them).
PARAMETRIC = {"leaky_relu": _leaky, "elu": _elu}
PARAM_RE = re.compile(r"(leaky_relu|elu):(-?[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?)")


def activation(name) -> Callable[[np.ndarray], np.ndarray] | None:
    """The function an activation name stands for, or None for a name the app does not run."""
    if not isinstance(name, str):
        return None
    if name in ACTIVATIONS:
        return ACTIVATIONS[name]
    m = PARAM_RE.fullmatch(name)
    return PARAMETRIC[m[1]](float(m[2])) if m and abs(float(m[2])) <= 100 else None


def dense_stack(model) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(kernel, bias, activation) for each Dense layer of `model` (or of a list of layers), in call order."""
    stack = []
    for layer in getattr(model, "layers", model):
        if not layer.weights:
            continue
        if type(layer).__name__ != "Dense":
            raise TypeError(f"fast path supports Dense layers only, got {type(layer).__name__}")
        kernel, bias = (np.asarray(w, dtype=np.float32) for w in layer.get_weights())
        stack.append((kernel, bias, layer.activation.__name__))
    return stack


def forward(stack, x: np.ndarray, batch: int = 8192) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if len(x) > batch:  # bounded memory, and cache-friendly blocks
        return np.concatenate([forward(stack, x[i : i + batch], batch) for i in range(0, len(x), batch)])
    for kernel, bias, act in stack:
        x = activation(act)(x @ kernel + bias)
    return x


class Codec:
    """encode: (N, 784) in [0, 1] -> (N, 2); decode: (N, 2) -> (N, 784); sigma: a VAE's encoder spread.

    encoder, decoder: Keras models (training), or their (kernel, bias, activation) stacks as
    model/net/graph.py reads them from a model folder (the app, without Keras). log_var: a VAE's
    log-variance stack from graph.weights (the encoder's hidden layers, then z_log_var), or None."""

    def __init__(self, encoder, decoder, log_var=None):
        self.enc = encoder if isinstance(encoder, list) else dense_stack(encoder)
        self.dec = decoder if isinstance(decoder, list) else dense_stack(decoder)
        self.var = log_var

    def sigma(self, x: np.ndarray) -> np.ndarray | None:
        """(N, 2) standard deviations exp(log_var / 2) of a VAE's encoding of x; None for a plain autoencoder."""
        if not self.var:
            return None
        return np.exp(0.5 * forward(self.var, np.reshape(x, (len(x), -1))))

    def encode(self, x: np.ndarray) -> np.ndarray:
        return forward(self.enc, np.reshape(x, (len(x), -1)))

    def decode(self, z: np.ndarray) -> np.ndarray:
        return forward(self.dec, np.atleast_2d(z))

    def decode_image(self, z1: float, z2: float) -> np.ndarray:
        """One latent point -> a 28 x 28 float32 image in [0, 1]."""
        return self.decode(np.array([[z1, z2]], dtype=np.float32))[0].reshape(28, 28)


def bce(x: np.ndarray, y: np.ndarray, eps: float = 1e-7) -> float:
    """Mean per-pixel binary cross-entropy, clipped as Keras does."""
    y = np.clip(y, eps, 1 - eps)
    return float(-np.mean(x * np.log(y) + (1 - x) * np.log(1 - y)))
