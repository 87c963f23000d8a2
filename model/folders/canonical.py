"""An imported model's Dense stacks written as the app's own model.keras, with zipfile and h5py only.

The layout is what model/net/autoencoder.py and model/net/vae.py save, so model/net/graph.py (and
Keras, for the activations Keras names alike) read it back: an InputLayer "image" of 784, Dense layers
enc_0.. -> "latent" (a VAE: "z_mean" and "z_log_var" into a registered Sampling layer) -> dec_.. ->
"reconstruction"; weights in model.weights.h5 under layers/dense[_n]/vars/{0: kernel, 1: bias}.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from model.net.fold import Stack
from model.net.graph import SAMPLING

FLOAT32 = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def _tensor(src: str, width: int) -> dict:
    return {"class_name": "__keras_tensor__", "config": {"shape": [None, width], "dtype": "float32", "keras_history": [src, 0, 0]}}  # fmt: skip


def _layer(kind: str, name: str, config: dict, args, module: str = "keras.layers", registered=None) -> dict:
    nodes = [{"args": [args], "kwargs": {}}] if args is not None else []
    return {"module": module, "class_name": kind, "config": {"name": name, **config},
            "registered_name": registered, "name": name, "inbound_nodes": nodes}  # fmt: skip


def _dense(name: str, kernel: np.ndarray, act: str, src: str) -> dict:
    c = {"trainable": True, "dtype": FLOAT32, "units": int(kernel.shape[1]), "activation": act, "use_bias": True}
    return _layer("Dense", name, c, _tensor(src, int(kernel.shape[0])))


def config(enc: Stack, dec: Stack, log_var: Stack | None) -> tuple[dict, list[np.ndarray]]:
    """(config.json as a dict, the Dense layers' [kernel, bias, ...] in config order)."""
    vae = log_var is not None
    names = [f"enc_{i}" for i in range(len(enc) - 1)] + ["z_mean" if vae else "latent"]
    image = {"batch_shape": [None, 784], "dtype": "float32", "sparse": False, "ragged": False, "optional": False}
    layers, arrays, src = [_layer("InputLayer", "image", image, None)], [], "image"
    for name, (k, b, act) in zip(names, enc, strict=True):
        layers.append(_dense(name, k, act, src))
        arrays += [k, b]
        src = name
    if vae:
        k, b, act = log_var[-1]
        layers.append(_dense("z_log_var", k, act, names[-2] if len(names) > 1 else "image"))
        arrays += [k, b]
        pair = [_tensor("z_mean", 2), _tensor("z_log_var", 2)]
        c = {"trainable": True, "dtype": FLOAT32, "beta": 1.0, "seed": 0}
        layers.append(_layer("Sampling", "sampling", c, pair, module="model.net.vae", registered=SAMPLING))
        src = "sampling"
    dec_names = [f"dec_{i}" for i in range(len(dec) - 2, -1, -1)] + ["reconstruction"]
    for name, (k, b, act) in zip(dec_names, dec, strict=True):
        layers.append(_dense(name, k, act, src))
        arrays += [k, b]
        src = name
    inner = {"name": "autoencoder", "trainable": True, "layers": layers,
             "input_layers": ["image", 0, 0], "output_layers": [src, 0, 0]}  # fmt: skip
    cfg = {"module": "keras.src.models.functional", "class_name": "Functional", "config": inner,
           "registered_name": None, "build_config": {"input_shape": None}, "compile_config": None}  # fmt: skip
    return cfg, arrays


def write(path: Path, enc: Stack, dec: Stack, log_var: Stack | None, keras_version: str = "3.15.1") -> None:
    """model.keras at `path` (a new file in a staging folder)."""
    import h5py

    cfg, arrays = config(enc, dec, log_var)
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
        f.create_group("layers/input_layer/vars")
        for i in range(len(arrays) // 2):
            vars_ = f.create_group(f"layers/dense{f'_{i}' if i else ''}/vars")
            vars_.create_dataset("0", data=np.asarray(arrays[2 * i], np.float32))
            vars_.create_dataset("1", data=np.asarray(arrays[2 * i + 1], np.float32))
        if log_var is not None:
            f.create_group("layers/sampling/vars")
    meta = {"keras_version": keras_version, "date_saved": ""}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", json.dumps(meta))
        z.writestr("config.json", json.dumps(cfg))
        z.writestr("model.weights.h5", buf.getvalue())
