"""A saved model.keras as NumPy Dense stacks, without Keras: the graph from config.json, the weights
from model.weights.h5 (h5py). model/folders/check.py calls this once it has bounded the archive.

plan(cfg) follows config.json's graph from the output back to the image and accepts only what this
app builds: one 784-wide input, Dense layers (float32, with bias, an activation fast.py runs) in a
single chain through a 2-unit latent, and for a VAE a registered Sampling layer fed by [z_mean,
z_log_var]. Every layer must lie on that graph and come after the layers feeding it.
weights(plan, h5) then reads each Dense layer's kernel and bias from the group Keras names it by
(snake-cased class name, numbered in layer order: dense, dense_1, ...), checking shape, dtype and
storage (no external files, links or virtual datasets) before a byte is read.
Errors are GraphError with a plain tail ("has a Dense layer ..."); check.py prefixes the file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np

from model.net.fast import ACTIVATIONS, activation

INPUT_DIM, LATENT_DIM = 784, 2
SAMPLING = "latent_explorer>Sampling"
Stack = list[tuple[np.ndarray, np.ndarray, str]]  # (kernel (in, out), bias (out,), activation)


class GraphError(ValueError):
    """config.json or the weights describe something NumPy cannot run as this app's autoencoder."""


@dataclass(frozen=True)
class Plan:
    """Names of the Dense layers, in call order, and each Dense layer's (h5 group, in, units, activation)."""

    encoder: tuple[str, ...]  # image -> latent (a VAE's z_mean)
    decoder: tuple[str, ...]  # latent (or sampling) -> reconstruction
    extra: tuple[str, ...]  # weights read and checked but not run: a VAE's z_log_var
    dense: dict[str, tuple[str, int, int, str]]
    vae: bool

    @property
    def params(self) -> int:
        return sum((n_in + 1) * units for _, n_in, units, _ in self.dense.values())


def _source(node) -> str:
    """The layer name a serialized Keras tensor comes from (keras_history [name, 0, 0])."""
    hist = node.get("config", {}).get("keras_history") if isinstance(node, dict) else None
    if node.get("class_name") != "__keras_tensor__" or not (isinstance(hist, list) and hist[1:] == [0, 0]):
        raise GraphError("has a layer fed by something other than one layer's output")
    if not isinstance(hist[0], str):
        raise GraphError("has a malformed config")
    return hist[0]


def _inputs(layer: dict) -> list[str]:
    nodes = layer.get("inbound_nodes")
    if not isinstance(nodes, list) or len(nodes) != 1 or not isinstance(nodes[0], dict):
        raise GraphError(f"uses the layer {layer['name'][:40]!r} other than once")
    args, kwargs = nodes[0].get("args"), nodes[0].get("kwargs")
    if not isinstance(args, list) or len(args) != 1 or kwargs not in ({}, None):
        raise GraphError(f"calls the layer {layer['name'][:40]!r} in a way this app never does")
    arg = args[0]
    return [_source(t) for t in arg] if isinstance(arg, list) else [_source(arg)]


def _dense(layer: dict) -> tuple[int, str]:
    c = layer.get("config") or {}
    units, act = c.get("units"), c.get("activation")
    policy = c.get("dtype")
    policy = policy.get("config", {}).get("name") if isinstance(policy, dict) else policy
    if type(units) is not int or not 1 <= units <= 65536:
        raise GraphError("has a Dense layer of a bad size")
    if activation(act) is None:
        raise GraphError(f"uses the activation {str(act)[:20]!r}; the app runs only {', '.join(ACTIVATIONS)}")
    if (
        c.get("use_bias") is not True
        or policy not in (None, "float32")
        or c.get("quantization_config")
        or c.get("lora_rank")
    ):
        raise GraphError("has a Dense layer the app cannot run (no bias, quantized, LoRA or not float32)")
    return units, act


def plan(cfg: dict, layers: list[dict]) -> Plan:
    """The chain config.json describes (layers: its layer configs, classes already checked)."""
    try:
        return _plan(cfg, layers)
    except (AttributeError, TypeError, IndexError, KeyError, ValueError) as e:
        if isinstance(e, GraphError):
            raise
        raise GraphError("has a malformed config") from None


def _plan(cfg: dict, layers: list[dict]) -> Plan:
    by_name, order, dense, inputs = {}, {}, {}, {}
    for i, layer in enumerate(layers):
        name = layer.get("name")
        if not isinstance(name, str) or name in by_name or not name:
            raise GraphError("has a malformed config (layer names)")
        by_name[name], order[name] = layer, i
    counts: dict[str, int] = {}
    for name, layer in by_name.items():
        kind = layer["class_name"]
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()  # InputLayer -> input_layer, as Keras saves it
        n = counts[snake] = counts.get(snake, -1) + 1
        group = f"{snake}_{n}" if n else snake
        if kind == "InputLayer":
            shape = (layer.get("config") or {}).get("batch_shape")
            if shape != [None, INPUT_DIM]:
                raise GraphError(f"expects input {_shape(shape)}, not a 784-pixel image")
            continue
        inputs[name] = _inputs(layer)
        if any(src not in by_name or order[src] >= order[name] for src in inputs[name]):
            raise GraphError("has layers out of order or fed by an unknown layer")
        if kind == "Dense":
            if len(inputs[name]) != 1:
                raise GraphError("has a Dense layer with more than one input")
            dense[name] = (group, 0, *_dense(layer))
        elif layer.get("registered_name") != SAMPLING or len(inputs[name]) != 2:
            raise GraphError("has a Sampling layer this app never builds")
    c = cfg.get("config") or {}
    ins, outs = c.get("input_layers"), c.get("output_layers")
    ins, outs = (x[0] if isinstance(x, list) and len(x) == 1 and isinstance(x[0], list) else x for x in (ins, outs))
    if not (isinstance(ins, list) and isinstance(outs, list) and ins[1:] == [0, 0] and outs[1:] == [0, 0]):
        raise GraphError("is not a model with one input and one output")
    if by_name.get(ins[0], {}).get("class_name") != "InputLayer":
        raise GraphError("has a malformed config (its input)")
    if outs[0] not in dense:
        raise GraphError("does not end in a Dense layer")

    def back(name: str) -> list[str]:
        """Dense names from `name` back to the first non-Dense layer, returned in call order."""
        path = []
        while name in dense:
            path.append(name)
            name = inputs[name][0]
        return [*reversed(path), name]

    *decoder, start = back(outs[0])
    extra, vae = (), by_name[start]["class_name"] == "Sampling"
    if vae:  # decoder <- sampling <- [z_mean, z_log_var] <- the same hidden layer
        mean, log_var = inputs[start]
        *encoder, image = back(mean)
        if log_var not in dense or inputs[log_var] != inputs[mean] or dense[log_var][2] != LATENT_DIM:
            raise GraphError("has a Sampling layer not fed by a mean and a log-variance of one layer")
        extra = (log_var,)
    else:  # one chain: the latent is the layer named "latent", as model/net/autoencoder.py names it
        if "latent" not in decoder:
            raise GraphError("is not an encoder/decoder pair this app knows")
        cut = decoder.index("latent") + 1
        encoder, decoder, image = decoder[:cut], decoder[cut:], start
    if by_name[image]["class_name"] != "InputLayer" or not encoder or not decoder:
        raise GraphError("is not an encoder/decoder pair this app knows")
    if set(by_name) != {image, *encoder, *decoder, *extra, *([start] if vae else [])}:
        raise GraphError("holds layers that are not on the way from the image to its reconstruction")
    width = INPUT_DIM  # widths chain: 784 -> ... -> 2 -> ... -> 784
    for name in (*encoder, *decoder):
        group, _, units, act = dense[name]
        dense[name], width = (group, width, units, act), units
        if name == encoder[-1]:
            latent_width = units
    for name in extra:  # z_log_var reads what z_mean reads
        dense[name] = (dense[name][0], dense[encoder[-1]][1], *dense[name][2:])
    if latent_width != LATENT_DIM:
        raise GraphError(f"latent must be 2-D, got (None, {latent_width})")
    if width != INPUT_DIM:
        raise GraphError(f"expected input and output 784, got (None, 784) -> (None, {width})")
    return Plan(tuple(encoder), tuple(decoder), extra, dense, vae)


def _shape(shape) -> str:
    return (
        f"{shape}"[:40]
        if isinstance(shape, list) and all(type(v) in (int, type(None)) for v in shape)
        else "of a bad shape"
    )


def weights(p: Plan, h5: bytes) -> tuple[Stack, Stack, Stack | None]:
    """(encoder stack, decoder stack, a VAE's log-variance stack or None) read from model.weights.h5's
    bytes; every Dense layer's checked. The log-variance stack is the encoder's hidden layers, then
    z_log_var: fast.Codec.sigma runs it."""
    import h5py  # only here: the one reader of a weights file

    try:
        with h5py.File(io.BytesIO(h5), "r") as f:
            arrays = {name: _read_layer(f, group, n_in, units) for name, (group, n_in, units, _) in p.dense.items()}
    except (OSError, ValueError, KeyError, TypeError) as e:
        if isinstance(e, GraphError):
            raise
        raise GraphError("has a weights file that cannot be read") from None
    stack = lambda names: [(*arrays[n], p.dense[n][3]) for n in names]  # noqa: E731
    log_var = stack((*p.encoder[:-1], *p.extra)) if p.vae and len(p.extra) == 1 else None
    return stack(p.encoder), stack(p.decoder), log_var


def _read_layer(f, group: str, n_in: int, units: int) -> tuple[np.ndarray, np.ndarray]:
    import h5py

    out = []
    for i, shape in enumerate(((n_in, units), (units,))):
        path = f"layers/{group}/vars/{i}"
        parts = path.split("/")
        node = f
        for part in parts:  # hard links only: a soft or external link could point anywhere
            if not isinstance(node.get(part, getlink=True), h5py.HardLink):
                raise GraphError(f"lacks the weights of a Dense layer ({group})")
            node = node[part]
        if not isinstance(node, h5py.Dataset) or node.shape != shape or node.dtype != np.float32:
            raise GraphError(f"has weights that do not fit its layers ({group}: {getattr(node, 'shape', '?')})")
        if node.external or node.is_virtual:
            raise GraphError("has weights stored outside the file; refused")
        out.append(np.asarray(node[()], dtype=np.float32))
        if not np.isfinite(out[-1]).all():
            raise GraphError("holds weights that are not finite numbers (did training diverge?); retrain it")
    if len(f[f"layers/{group}/vars"]) != 2:
        raise GraphError(f"has a Dense layer with extra weights the app does not run ({group})")
    return out[0], out[1]
