"""The browser payload: the decoder's weights and the encodings round-trip exactly; unsupported layers refuse."""

from __future__ import annotations

import numpy as np
import pytest

from model.net.export_weights import ExportError, pack, plane_payload, unpack
from model.net.fast import forward

CLASSES = [str(i) for i in range(10)]


class FakeCodec:
    def __init__(self, dec):
        self.dec = dec


def stack(acts=("relu", "sigmoid"), widths=(2, 16, 784), seed=0):
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(size=(a, b)).astype(np.float32), rng.normal(size=b).astype(np.float32), act)
        for a, b, act in zip(widths[:-1], widths[1:], acts, strict=True)
    ]


def latent(n=100):
    rng = np.random.default_rng(1)
    return {"z_train": rng.normal(size=(n, 2)).astype(np.float32), "y_train": rng.integers(0, 10, n).astype(np.uint8)}


def test_round_trip_rebuilds_the_decoder():
    """Unpacked weights decode exactly as the original stack; points, labels and classes come back unchanged."""
    dec, lat = stack(("relu", "relu", "sigmoid"), (2, 8, 32, 784)), latent()
    header, arrays = unpack(plane_payload(FakeCodec(dec), lat, CLASSES))
    assert [(la["in"], la["out"], la["act"]) for la in header["layers"]] == [(2, 8, "relu"), (8, 32, "relu"), (32, 784, "sigmoid")]  # fmt: skip
    rebuilt = [(arrays[f"w{i}"], arrays[f"b{i}"], la["act"]) for i, la in enumerate(header["layers"])]
    z = np.random.default_rng(2).normal(size=(50, 2)).astype(np.float32) * 100
    np.testing.assert_array_equal(forward(rebuilt, z), forward(dec, z))
    np.testing.assert_array_equal(arrays["z"], lat["z_train"])
    np.testing.assert_array_equal(arrays["y"], lat["y_train"])
    assert header["classes"] == CLASSES


def test_arrays_are_four_byte_aligned():
    """Every array starts at a multiple of 4 in the payload, so the browser can view it as float32."""
    payload = pack({"k": "x" * 7}, {"a": np.zeros(3, np.uint8), "b": np.ones(5, np.float32)})
    header, arrays = unpack(payload)
    assert all(s["offset"] % 4 == 0 for s in header["arrays"])
    np.testing.assert_array_equal(arrays["b"], np.ones(5, np.float32))


@pytest.mark.parametrize(
    "dec, words",
    [
        (stack(("selu", "sigmoid")), "activation 'selu'"),
        (stack(("relu", "sigmoid"), (2, 16, 10)), "not a 28 x 28 image"),
        ([], "no Dense layers"),
    ],
)
def test_unsupported_decoders_are_refused(dec, words):
    """A decoder the browser cannot run raises ExportError saying why."""
    with pytest.raises(ExportError, match=words):
        plane_payload(FakeCodec(dec), latent(), CLASSES)


def test_shipped_model_payload(shipped):
    """The shipped model exports: one layer per decoder Dense layer, its kernels' shapes, 60,000 points."""
    header, arrays = unpack(plane_payload(shipped.codec, shipped.latent, CLASSES))
    dec = shipped.codec.dec  # [(kernel, bias, activation)] of the decoder, first layer first
    assert len(header["layers"]) == len(dec) and arrays["z"].shape == (60000, 2)
    assert arrays[f"w{len(dec) - 1}"].shape == dec[-1][0].shape and dec[-1][0].shape[1] == 784
