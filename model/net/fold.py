"""A Chain's steps with their weights -> the (encoder, decoder, log-variance) Dense stacks fast.py runs.

Each Dense layer becomes (kernel (in, out), bias (out,), activation). An activation layer sets the
activation of a linear Dense before it; BatchNormalization, y = (x - mean) * s + beta with
s = gamma / sqrt(var + eps), is folded into the Dense before it when that Dense is linear
(kernel * s, bias * s + t), else into the Dense after it (s[:, None] * kernel, t @ kernel + bias).
The one 2-unit Dense is the latent: the encoder ends there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.net.chain import INPUT_DIM, LATENT_DIM, RUNS, Chain, Step
from model.net.chain_graph import ChainError

Stack = list[tuple[np.ndarray, np.ndarray, str]]
Weights = Callable[[Step, list[tuple[int, ...]]], list[np.ndarray]]  # (step, shapes) -> checked arrays


def params(ch: Chain) -> int:
    """Parameters the chain's Dense layers declare (before any weight is read)."""
    width, n = INPUT_DIM, 0
    for step in ch.steps:
        if step.kind == "dense":
            if step.units == LATENT_DIM:
                n += (width + 1) * LATENT_DIM * len(ch.log_var)  # z_log_var reads what z_mean reads
            n, width = n + (width + 1) * step.units, step.units
    return n


def _bn(step: Step, get: Weights) -> tuple[np.ndarray, np.ndarray]:
    n = step.units
    arrays = get(step, [(n,)] * (2 + step.center + step.scale))
    gamma = arrays.pop(0) if step.scale else np.ones(n, np.float32)
    beta = arrays.pop(0) if step.center else np.zeros(n, np.float32)
    mean, var = arrays
    if (var < 0).any():
        raise ChainError("has a BatchNormalization layer with a negative variance")
    s = (gamma / np.sqrt(var.astype(np.float64) + step.eps)).astype(np.float32)
    return s, (beta - mean * s).astype(np.float32)


def stacks(ch: Chain, get: Weights) -> tuple[Stack, Stack, Stack | None]:
    """(encoder, decoder, a VAE's log-variance stack or None); ChainError if the chain does not fold."""
    out: list[list] = []  # [kernel, bias, act, act_set]
    pending, width, latent, log_var = None, INPUT_DIM, [], None
    for step in ch.steps:
        if step.kind == "dense":
            kernel, bias = get(step, [(width, step.units), (step.units,)])
            prior = pending
            if pending is not None:  # a BatchNormalization before this layer
                s, t = pending
                kernel, bias, pending = s[:, None] * kernel, t @ kernel + bias, None
            out.append([kernel, bias, step.act, step.act != "linear"])
            if step.units == LATENT_DIM:
                latent.append(len(out))
                if ch.log_var:
                    log_var = _log_var(ch, get, width, prior)
            width = step.units
        elif step.kind == "act" and step.act != "linear":
            if not out or out[-1][3] or pending is not None:
                raise ChainError(f"applies two activations in a row or one to the raw image; {RUNS}")
            out[-1][2:] = [step.act, True]
        elif step.kind == "bn":
            s, t = _bn(step, get)
            if out and not out[-1][3] and pending is None:
                out[-1][0], out[-1][1] = out[-1][0] * s, out[-1][1] * s + t
            elif pending is None:
                pending = (s, t)
            else:
                raise ChainError("has two BatchNormalization layers in a row")
    if pending is not None:
        raise ChainError("ends with a BatchNormalization layer after the last Dense layer")
    if len(latent) != 1:
        narrow = min((k.shape[1] for k, *_ in out), default=0)
        found = "more than one 2-unit layer" if latent else f"no 2-unit layer (its narrowest has {narrow})"
        raise ChainError(f"has {found}; the app explores a 2-D latent, one 2-unit layer between encoder and decoder")
    stack = [(np.ascontiguousarray(k, np.float32), np.asarray(b, np.float32), a) for k, b, a, _ in out]
    enc, dec = stack[: latent[0]], stack[latent[0] :]
    if ch.log_var:
        log_var = [*enc[:-1], log_var]
    return enc, dec, log_var


def _log_var(ch: Chain, get: Weights, width: int, s_t) -> tuple:
    """z_log_var's (kernel, bias, act): it reads what z_mean reads."""
    step = ch.log_var[0]
    kernel, bias = get(step, [(width, LATENT_DIM), (LATENT_DIM,)])
    if s_t is not None:
        kernel, bias = s_t[0][:, None] * kernel, s_t[1] @ kernel + bias
    return (np.ascontiguousarray(kernel, np.float32), np.asarray(bias, np.float32), step.act)
