"""A user's Keras config (Keras 3 or Keras 2; Sequential or functional) as a chain of steps NumPy can run.

chain(cfg) reads only the config: no Keras, no custom code. It lines the layers up from the image to
the reconstruction (model/net/chain_graph.py untangles a functional graph) and turns each into a Step:
    ("dense", layer, units, activation)   weights read later by model/folders/keras_file.py
    ("act", activation)                   an Activation, ReLU, LeakyReLU, ELU or a Dense's own
    ("bn", layer, epsilon)                BatchNormalization, folded into a Dense by fold.py
Dropout, InputLayer, Flatten and Reshape (to and from 784 pixels) leave no step. Anything else is
ChainError with a plain tail naming what was found ("holds a Conv2D layer ...").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.net.chain_graph import ChainError, lined_up
from model.net.fast import activation

INPUT_DIM, LATENT_DIM = 784, 2
IMAGE_SHAPES = ((784,), (28, 28), (28, 28, 1))
RUNS = "the app runs Dense autoencoders, 784 pixels -> Dense layers -> 2 -> Dense layers -> 784"
NO_OPS = {"Dropout", "GaussianDropout", "AlphaDropout", "SpatialDropout1D", "GaussianNoise", "ActivityRegularization"}
CONV = ("Conv", "Pool", "Upsampling", "UpSampling", "SeparableConv", "DepthwiseConv", "ZeroPadding", "Cropping")
KERAS2 = {"swish": "silu", "selu": None, "exponential": None}  # Keras 2 names, None: not run


@dataclass(frozen=True)
class Step:
    kind: str  # "dense", "act" or "bn"
    layer: int = -1  # position in the config's layer list (its weights), -1 for an activation
    units: int = 0
    act: str = "linear"
    eps: float = 1e-3
    center: bool = True  # BatchNormalization: has beta
    scale: bool = True  # BatchNormalization: has gamma


@dataclass(frozen=True)
class Chain:
    steps: tuple[Step, ...]
    names: tuple[str, ...]  # every config layer's name, for the weights' lookup
    kinds: tuple[str, ...]  # every config layer's class name
    log_var: tuple[Step, ...] = ()  # a VAE's z_log_var Dense (its steps after the shared encoder)


def act_name(name, cls: str = "Activation", cfg: dict | None = None) -> str:
    """The fast.py name of a Keras activation (a string in a Dense or Activation layer, or a layer class)."""
    cfg = cfg or {}
    if cls == "LeakyReLU":
        slope = cfg.get("negative_slope", cfg.get("alpha", 0.3))
        name = "leaky_relu" if slope == 0.2 else f"leaky_relu:{float(slope)!r}"
    elif cls == "ELU":
        alpha = cfg.get("alpha", 1.0)
        name = "elu" if alpha == 1.0 else f"elu:{float(alpha)!r}"
    elif cls == "ReLU":
        if cfg.get("max_value") is not None or cfg.get("negative_slope", 0) or cfg.get("threshold", 0):
            raise ChainError(f"holds a ReLU layer with a cap, slope or threshold; {RUNS}")
        name = "relu"
    elif isinstance(name, dict):  # {"class_name": "function", "config": "relu", ...}
        name = name.get("config") if isinstance(name.get("config"), str) else None
    if name == "gelu" and cfg.get("approximate"):
        name = "gelu_approximate"
    shown = name if isinstance(name, str) else "of an unknown kind"
    name = KERAS2.get(name, name) if isinstance(name, str) else None
    if name is None or activation(name) is None:
        raise ChainError(f"uses the activation {str(shown)[:30]!r}; the app runs relu, sigmoid, linear, silu, "
                         "tanh, elu, leaky_relu, gelu and softplus")  # fmt: skip
    return name


def _shape(cfg: dict, layer: dict | None) -> tuple:
    c = (layer or {}).get("config") or {}
    shape = c.get("batch_shape") or c.get("batch_input_shape")
    if shape is None and c.get("input_shape"):
        shape = [None, *c["input_shape"]]
    if shape is None:
        shape = (cfg.get("config") or {}).get("build_input_shape")
    if not isinstance(shape, list) or not shape or not all(type(v) is int for v in shape[1:]):
        raise ChainError("does not say what shape its input is")
    return tuple(shape[1:])


def chain(cfg: dict) -> Chain:
    """The steps of a Dense autoencoder's config (the top-level {"class_name", "config"} dict)."""
    layers, order, vae = lined_up(cfg)
    first = layers[order[0]] if layers[order[0]].get("class_name") == "InputLayer" else None
    shape = _shape(cfg, first if first else layers[order[0]])
    if shape not in IMAGE_SHAPES:
        raise ChainError(f"takes input of shape {list(shape)[:4]}, not a 28 x 28 image; {RUNS}")
    steps, log_var = [], ()
    for i in order:
        shape = _step(layers[i], i, shape, steps)
        if vae and i == vae[0]:  # after z_mean: remember z_log_var, a Dense beside it
            log_var = (_dense_step(layers[vae[1]], vae[1]),)
    if math.prod(shape) != INPUT_DIM:
        raise ChainError(f"gives {math.prod(shape)} values, not a 784-pixel image; {RUNS}")
    names = tuple(str((layer.get("config") or {}).get("name") or layer.get("name") or "") for layer in layers)
    return Chain(tuple(steps), names, tuple(layer.get("class_name") for layer in layers), log_var)


def _dense_step(layer: dict, i: int) -> Step:
    c = layer.get("config") or {}
    units = c.get("units")
    if type(units) is not int or not 1 <= units <= 65536:
        raise ChainError("has a Dense layer of a bad size")
    if c.get("use_bias") is False or c.get("quantization_config") or c.get("lora_rank"):
        raise ChainError("has a Dense layer without a bias, quantized or with LoRA, which the app cannot run")
    return Step("dense", i, units, act_name(c.get("activation", "linear"), "Dense", c))


def _step(layer: dict, i: int, shape: tuple, steps: list) -> tuple:
    kind, c = layer.get("class_name"), layer.get("config") or {}
    if kind == "InputLayer" or kind in NO_OPS:
        return shape
    if kind == "Dense":
        if len(shape) != 1:
            raise ChainError(f"applies a Dense layer to a {list(shape)} input; flatten it first; {RUNS}")
        steps.append(_dense_step(layer, i))
        return (steps[-1].units,)
    if kind in ("Activation", "LeakyReLU", "ELU", "ReLU"):
        steps.append(Step("act", act=act_name(c.get("activation"), kind, c)))
        return shape
    if kind == "BatchNormalization":
        if len(shape) != 1 or c.get("axis", -1) not in (-1, 1, [-1], [1]):
            raise ChainError("has a BatchNormalization layer that is not after a Dense layer")
        eps = c.get("epsilon", 1e-3)
        eps = float(eps) if type(eps) in (int, float) and 0 <= eps < 1 else 1e-3
        steps.append(
            Step("bn", i, shape[0], eps=eps, center=c.get("center") is not False, scale=c.get("scale") is not False)
        )
        return shape
    if kind in ("Flatten", "Reshape"):
        target = (math.prod(shape),) if kind == "Flatten" else tuple(c.get("target_shape") or ())
        if target not in IMAGE_SHAPES or math.prod(shape) != INPUT_DIM:
            raise ChainError(f"reshapes {list(shape)} to {list(target)[:4]}; only 784 pixels to and from 28 x 28 fit")
        return target
    if kind == "Lambda":
        raise ChainError(f"holds a Lambda layer, custom code the app never runs; {RUNS}")
    if isinstance(kind, str) and any(k in kind for k in CONV):
        raise ChainError(f"is a convolutional network ({kind[:30]}); {RUNS}")
    shown = kind[:40] if isinstance(kind, str) else "of an unknown kind"
    raise ChainError(f"holds a layer the app does not run ({shown}); {RUNS}")
