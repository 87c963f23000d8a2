"""`from model.net.keras_import import keras`: the one way model/ imports Keras (training, building,
the safe-mode deep check), with TensorFlow's start-up noise kept off stderr.

TensorFlow's C++ logging (absl, oneDNN notices) ignores TF_CPP_MIN_LOG_LEVEL at import and writes
straight to fd 2; the CLI promises one `error:` line there, so fd 2 is muted while TensorFlow loads.
"""

from __future__ import annotations

import os
import sys


def _import_tensorflow_quietly() -> None:
    if "tensorflow" in sys.modules:
        return
    try:
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    except Exception:
        pass  # the real import, done by keras below, will raise it with fd 2 restored
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_quietly()

import keras  # noqa: E402

__all__ = ["keras"]
