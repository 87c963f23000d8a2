"""Where a user's Keras file keeps each layer's weights, read safely with h5py (model/folders/keras_file.py).

    Keras 3 .keras  model.weights.h5: layers/<snake_case class name>[_n]/vars/0, 1, ...; n counts the
                    layers of one class in config order (dense, dense_1, ...), as Keras saves them
    legacy .h5      model_weights/<layer name>/ with a weight_names attribute listing each weight's
                    path under that group (Keras 2 and Keras 3 alike): kernel, bias; gamma, beta,
                    moving_mean, moving_variance
Every step of a path must be a hard link (no soft or external links); a dataset must be stored in the
file (not external or virtual), a float of exactly the shape the config declares, and finite.
"""

from __future__ import annotations

import re

import numpy as np

from model.net.chain import Chain, Step
from model.net.chain_graph import ChainError

FLOATS = (np.float16, np.float32, np.float64)


def snake(name: str) -> str:
    """Keras's to_snake_case: LeakyReLU -> leaky_re_lu, BatchNormalization -> batch_normalization."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _node(f, path: str):
    import h5py

    node = f
    for part in [p for p in path.split("/") if p]:
        if part in (".", "..") or not isinstance(node, h5py.Group):
            raise ChainError("has weights the app cannot find")
        link = node.get(part, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise ChainError("has weights stored outside the file or behind a link; refused")
        node = node[part]
    return node


def _array(f, path: str, shape: tuple[int, ...], label: str) -> np.ndarray:
    import h5py

    node = _node(f, path)
    if not isinstance(node, h5py.Dataset) or node.dtype not in FLOATS:
        raise ChainError(f"has weights of the wrong kind for its layer {label[:40]!r}")
    if node.shape != shape:
        raise ChainError(f"has weights of shape {list(node.shape)[:4]} where its layer {label[:40]!r} needs {list(shape)}")  # fmt: skip
    if node.external or node.is_virtual:
        raise ChainError("has weights stored outside the file; refused")
    a = np.asarray(node[()], dtype=np.float32)
    if not np.isfinite(a).all():
        raise ChainError("holds weights that are not finite numbers (did training diverge?)")
    return a


def keras3_weights(f):
    """get(chain, step, shapes) for a .keras file's model.weights.h5."""

    def get(ch: Chain, step: Step, shapes) -> list[np.ndarray]:
        kind = snake(ch.kinds[step.layer])
        n = sum(snake(k) == kind for k in ch.kinds[: step.layer])
        group = f"layers/{kind}_{n}" if n else f"layers/{kind}"
        have = _node(f, f"{group}/vars")
        if len(have) != len(shapes):
            raise ChainError(f"has {len(have)} weight arrays where its layer {ch.names[step.layer][:40]!r} needs {len(shapes)}")  # fmt: skip
        return [_array(f, f"{group}/vars/{i}", s, ch.names[step.layer]) for i, s in enumerate(shapes)]

    return get


def h5_weights(f):
    """get(chain, step, shapes) for a legacy .h5 file's model_weights group."""

    def get(ch: Chain, step: Step, shapes) -> list[np.ndarray]:
        name = ch.names[step.layer]
        if not name or "/" in name:
            raise ChainError("has a layer whose weights the app cannot find")
        group = _node(f, f"model_weights/{name}")
        listed = group.attrs.get("weight_names", [])
        listed = [w.decode() if isinstance(w, bytes) else str(w) for w in np.atleast_1d(listed)]
        if len(listed) != len(shapes):
            raise ChainError(f"has {len(listed)} weight arrays where its layer {name[:40]!r} needs {len(shapes)}")
        return [_array(f, f"model_weights/{name}/{w}", s, name) for w, s in zip(listed, shapes, strict=True)]

    return get
