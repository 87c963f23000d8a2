"""The decoder's weights and the training encodings as one bytes payload, for a browser-side decoder.

No Streamlit here: ui/plane/component.py caches the bytes and sends them to the live plane's JavaScript,
which runs the same dense forward pass as model/net/fast.py (float32, relu or silu, 0.5 * tanh(x / 2) + 0.5).

Layout (little-endian):
    b"LEP1"                      magic
    uint32 n                     length of the JSON header
    n bytes                      header: {"layers": [{"in", "out", "act"}...], "arrays": [{"name",
                                 "dtype", "shape", "offset", "nbytes"}...], "classes": [...], ...}
    zero padding to a multiple of 4, then the data section: every array's raw bytes at its offset
    (counted from the data section's start; each a multiple of 4, so the browser's copy of the payload
    can be viewed as Float32Arrays in place)

    payload = plane_payload(bundle.codec, bundle.latent, class_names, history=bundle.history)
    header, arrays = unpack(payload)          # the inverse, for tests
"""

from __future__ import annotations

import json
import struct

import numpy as np

from model.net.fast import activation
from model.plane.density import peaks

MAGIC = b"LEP1"
# What ui/plane/js/decoder.js implements, as model/net/fast.py (plus "leaky_relu:0.3", "elu:0.5").
SUPPORTED = ("relu", "silu", "linear", "sigmoid", "tanh", "elu", "leaky_relu", "gelu", "gelu_approximate", "softplus")
MAX_BYTES = 64 * 1024 * 1024  # a model bigger than this gets the still picture of its plane


class ExportError(ValueError):
    """The decoder cannot run in the browser (an unsupported layer or activation, or too big)."""


def decoder_layers(codec) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """The decoder's (kernel (in, out), bias (out,), activation) stack, checked to map 2 -> 784.

    For a VAE this is the decoder of the latent mean (the Codec's decoder). Raises ExportError.
    """
    stack = getattr(codec, "dec", None)
    if not stack:
        raise ExportError("the decoder has no Dense layers the browser can run")
    width = 2
    for kernel, bias, act in stack:
        if act not in SUPPORTED and (activation(act) is None or act.split(":")[0] not in SUPPORTED):
            raise ExportError(f"the decoder uses the activation {act!r}; the browser runs only {', '.join(SUPPORTED)}")
        if kernel.ndim != 2 or kernel.shape[0] != width or bias.shape != (kernel.shape[1],):
            raise ExportError(f"the decoder's layers do not chain ({kernel.shape} after width {width})")
        width = kernel.shape[1]
    if width != 784:
        raise ExportError(f"the decoder gives {width} values, not a 28 x 28 image")
    return stack


def pack(header: dict, arrays: dict[str, np.ndarray]) -> bytes:
    """header plus named arrays (float32, uint8, uint16 or int32) in the layout above."""
    specs, blobs, pos = [], [], 0
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        if a.dtype.name not in ("float32", "uint8", "uint16", "int32"):
            raise ExportError(f"array {name}: dtype {a.dtype} is not sent to the browser")
        specs.append({"name": name, "dtype": a.dtype.name, "shape": list(a.shape), "offset": pos, "nbytes": a.nbytes})
        blobs.append(a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes())
        pos = _align(pos + a.nbytes)
    text = json.dumps({**header, "arrays": specs}).encode()
    out = bytearray(MAGIC + struct.pack("<I", len(text)) + text)
    out += b"\0" * (_align(len(out)) - len(out))
    base = len(out)
    for spec, blob in zip(specs, blobs, strict=True):
        out += b"\0" * (base + spec["offset"] - len(out)) + blob
    if len(out) > MAX_BYTES:
        raise ExportError(f"the payload is {len(out) / 1e6:.0f} MB, over the browser's {MAX_BYTES / 1e6:.0f} MB")
    return bytes(out)


def _align(n: int) -> int:
    return (n + 3) // 4 * 4


def unpack(payload: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and arrays of a pack()ed payload."""
    if payload[:4] != MAGIC:
        raise ExportError("not a live-plane payload")
    (n,) = struct.unpack("<I", payload[4:8])
    header = json.loads(payload[8 : 8 + n])
    base = _align(8 + n)
    arrays = {
        s["name"]: np.frombuffer(
            payload,
            dtype=np.dtype(s["dtype"]).newbyteorder("<"),
            count=int(np.prod(s["shape"])),
            offset=base + s["offset"],
        ).reshape(s["shape"])  # fmt: skip
        for s in header["arrays"]
    }
    return header, arrays


def history_arrays(history: dict | None) -> tuple[dict, dict[str, np.ndarray]]:
    """The replay's part of the payload: ({"history": {snapshots, digits}} or {}, arrays h_t (S,) float32,
    h_z (S, N, 2) as float16 bits in uint16 (the browser widens them once), h_y, h_index, h_loss, h_val_loss)."""
    if history is None:
        return {}, {}
    z16 = np.asarray(history["z"], dtype=np.float16)
    if not np.isfinite(z16).all():  # a float32 history beyond float16's range: no replay rather than wrong points
        return {}, {}
    arrays = {
        "h_t": np.asarray(history["t"], np.float32),
        "h_z": z16.view(np.uint16),
        "h_y": np.asarray(history["y"]).astype(np.uint8),
        "h_index": np.asarray(history["index"]).astype(np.int32),
        "h_loss": np.asarray(history["loss"], np.float32),
        "h_val_loss": np.asarray(history["val_loss"], np.float32),
    }
    return {"history": {"snapshots": len(arrays["h_t"]), "digits": len(arrays["h_y"])}}, arrays


def plane_payload(codec, latent: dict, class_names, extent=None, history: dict | None = None) -> bytes:
    """Decoder weights (w0, b0, w1, ...), z_train (N, 2) float32 and y_train (N,) uint8, as bytes;
    with a model's history (model/folders/check.load_history), its snapshots too (history_arrays).

    The header also carries each class's label spot (model/plane/density.py peaks(), null for an empty class).

    extent: ((x0, x1), (y0, y1)) the plane opens on; default: the encodings' box plus 5%.
    Raises ExportError when the decoder cannot run in the browser.
    """
    stack = decoder_layers(codec)
    z = np.asarray(latent["z_train"], dtype=np.float32)
    y = np.asarray(latent["y_train"])
    if z.ndim != 2 or z.shape[1] != 2 or len(y) != len(z) or not np.isfinite(z).all():
        raise ExportError("the training encodings are not finite N x 2")
    if extent is None:
        lo, hi = z.min(axis=0), z.max(axis=0)
        pad = np.maximum(hi - lo, 1e-6) * 0.05
        extent = ((float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1])))
    arrays = {}
    for i, (kernel, bias, _) in enumerate(stack):
        arrays[f"w{i}"], arrays[f"b{i}"] = kernel.astype(np.float32), bias.astype(np.float32)
    arrays["z"], arrays["y"] = z, y.astype(np.uint8)
    extra, h_arrays = history_arrays(history)
    arrays.update(h_arrays)
    header = {
        **extra,
        "layers": [{"in": int(k.shape[0]), "out": int(k.shape[1]), "act": act} for k, _, act in stack],
        "classes": [str(c) for c in class_names],
        "extent": [list(map(float, extent[0])), list(map(float, extent[1]))],
        # where each class's label goes (NaN: no points -> null)
        "peaks": [None if np.isnan(p).any() else [float(p[0]), float(p[1])] for p in peaks(z, y, len(class_names))],
    }
    return pack(header, arrays)
