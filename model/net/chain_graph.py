"""The layers of a Keras config lined up from the image to the reconstruction (model/net/chain.py).

Sequential configs are already in order. A functional config (Keras 3 "Functional", Keras 2 "Model"
or "Functional") is followed from its one output back to its one input through each layer's inbound
nodes, in either format:
    Keras 3  [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}}], ...}]
    Keras 2  [[[name, 0, 0, {}]]]
A Dense VAE is recognised from the config alone: a layer whose class name says sampling, fed by two
2-unit Dense layers of one input ([z_mean, z_log_var]); its code is never run, and the app explores
z_mean. Any other branching is refused.
"""

from __future__ import annotations

MAX_LAYERS = 300


class ChainError(ValueError):
    """The config is not a Dense autoencoder the app can run; the message is a plain tail."""


def _history(t) -> str:
    if isinstance(t, dict) and t.get("class_name") == "__keras_tensor__":
        t = (t.get("config") or {}).get("keras_history")
    if isinstance(t, list) and t and isinstance(t[0], str) and t[1:3] == [0, 0]:
        return t[0]
    raise ChainError("has a layer fed in a way the app cannot follow (a shared or nested layer?)")


def inputs(layer: dict) -> list[str]:
    """Names of the layers feeding `layer` (one call only)."""
    nodes = layer.get("inbound_nodes")
    if not nodes:
        return []
    if not isinstance(nodes, list) or len(nodes) != 1:
        raise ChainError("uses one layer more than once (a shared layer); the app runs a single chain")
    node = nodes[0]
    if isinstance(node, dict):  # Keras 3
        args = node.get("args")
        if not isinstance(args, list) or len(args) != 1:
            raise ChainError("calls a layer with arguments the app does not follow")
        arg = args[0]
        return [_history(t) for t in arg] if isinstance(arg, list) else [_history(arg)]
    if isinstance(node, list):  # Keras 2: [[name, 0, 0, kwargs], ...]
        return [_history(t[:3] if isinstance(t, list) else t) for t in node]
    raise ChainError("has a malformed config")


def _ends(c: dict, key: str) -> str:
    ends = c.get(key)
    if isinstance(ends, list) and len(ends) == 1 and isinstance(ends[0], list):
        ends = ends[0]
    if not (isinstance(ends, list) and len(ends) == 3 and isinstance(ends[0], str)):
        raise ChainError(f"has more than one {key.split('_')[0]}; the app runs one image in, one image out")
    return ends[0]


def lined_up(cfg: dict) -> tuple[list[dict], list[int], tuple[int, int] | None]:
    """(the config's layer dicts, their indices in call order, (z_mean, z_log_var) indices or None)."""
    kind = cfg.get("class_name") if isinstance(cfg, dict) else None
    c = cfg.get("config") if isinstance(cfg, dict) else None
    layers = c.get("layers") if isinstance(c, dict) else None
    if kind not in ("Sequential", "Functional", "Model") or not isinstance(layers, list):
        raise ChainError(f"is not a Keras Sequential or functional model ({str(kind)[:30]})")
    if not layers or len(layers) > MAX_LAYERS or not all(isinstance(layer, dict) for layer in layers):
        raise ChainError("has a malformed or very long list of layers")
    for layer in layers:
        if layer.get("class_name") in ("Sequential", "Functional", "Model"):
            raise ChainError("holds a model inside the model; save the autoencoder as one flat model")
    if kind == "Sequential":
        return layers, list(range(len(layers))), None
    by_name = {}
    for i, layer in enumerate(layers):
        name = layer.get("name") or (layer.get("config") or {}).get("name")
        if not isinstance(name, str) or name in by_name:
            raise ChainError("has a malformed config (layer names)")
        by_name[name] = i
    feeds = {name: inputs(layers[i]) for name, i in by_name.items()}
    start, name, path, vae, sampling = _ends(c, "input_layers"), _ends(c, "output_layers"), [], None, -1
    while name != start:
        if name not in by_name or len(path) > len(layers):
            raise ChainError("has layers fed by an unknown layer")
        path.append(by_name[name])
        src = feeds[name]
        if len(src) == 2 and vae is None:
            vae, src = _sampling(layers, by_name, feeds, name, src)
            sampling = path.pop()
        elif len(src) != 1:
            raise ChainError(f"joins or splits its layers at {name[:40]!r}; the app runs a single chain")
        name = src[0]
    path.append(by_name[start])
    order = path[::-1]
    if len(set(order) | ({vae[1], sampling} if vae else set())) != len(layers):
        raise ChainError("holds layers that are not on the way from the image to its reconstruction")
    return layers, order, vae


def _sampling(layers, by_name, feeds, name, src) -> tuple[tuple[int, int], list[str]]:
    """A VAE's sampling layer `name` fed by [z_mean, z_log_var]: ((mean, log_var) indices, [z_mean])."""
    layer = layers[by_name[name]]
    mean, log_var = (by_name.get(s) for s in src)
    kind = str(layer.get("class_name")) + str(layer.get("registered_name"))
    dense = [layers[i] if i is not None else {} for i in (mean, log_var)]
    ok = "sampl" in kind.lower() and all(
        d.get("class_name") == "Dense" and (d.get("config") or {}).get("units") == 2 for d in dense
    )
    if not ok or feeds[src[0]] != feeds[src[1]]:
        raise ChainError(f"joins two layers at {name[:40]!r} in a way the app cannot recognise as a VAE's sampling")
    return (mean, log_var), [src[0]]  # the sampling layer leaves no step: the app explores z_mean
