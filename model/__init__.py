"""Latent Explorer's model package: data, autoencoder, training, model folders, CLI.

Plain Keras and NumPy; it never imports streamlit or plotly.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_tensorflow_quietly() -> None:
    """TensorFlow's C++ logging (absl, oneDNN notices) ignores TF_CPP_MIN_LOG_LEVEL at import
    and writes straight to fd 2; the CLI promises one `error:` line there, so mute fd 2 briefly."""
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
