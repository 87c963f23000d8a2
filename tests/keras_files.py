"""Real Keras files for the import tests (tests/test_import*.py, tests/e2e/test_import_explore.py), built
with Keras and saved as a user would; random weights (Keras's own initialisers), so building is fast.

    files = make_all(folder)   # {"tutorial.keras": path, ..., "refuse-conv.keras": path, ...}
The accepted models name their 2-unit layer "code" (the tutorial's own code names nothing and is
found by position).
"""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import numpy as np


def tutorial():
    """The tutorial's exact functional model: 784 -> 32 relu -> 2 relu -> 32 relu -> 784 sigmoid."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(784,))
    encoded = layers.Dense(32, activation="relu")(inputs)
    encoded = layers.Dense(2, activation="relu")(encoded)
    decoded = layers.Dense(32, activation="relu")(encoded)
    decoded = layers.Dense(784, activation="sigmoid")(decoded)
    autoencoder = keras.Model(inputs=inputs, outputs=decoded)
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    return autoencoder


def sequential():
    """Sequential, 28 x 28 in and out, with BatchNormalization, Dropout and gelu (approximate)."""
    import keras
    from keras import layers

    m = keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(64), layers.BatchNormalization(),
        layers.Activation("relu"), layers.Dropout(0.2), layers.Dense(2, name="code"),
        layers.Dense(48, activation=keras.activations.silu), layers.Dense(30), layers.Activation("gelu"),
        layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28)),
    ])  # fmt: skip
    bn = m.layers[2]
    rng = np.random.default_rng(1)  # moving statistics as after training, so folding them matters
    bn.set_weights([rng.uniform(0.5, 1.5, 64), rng.normal(0, 0.1, 64), rng.normal(0, 0.2, 64), rng.uniform(0.1, 2, 64)])
    return m


def tanh_leaky():
    """Functional with tanh, LeakyReLU (slope 0.1), a linear latent, softplus, elu and a width of 33."""
    import keras
    from keras import layers

    x = inputs = keras.Input(shape=(784,), name="pixels")
    x = layers.Dense(33, activation="tanh", name="squash")(x)
    x = layers.LeakyReLU(negative_slope=0.1)(layers.Dense(17)(x))
    z = layers.Dense(2, name="code")(x)
    x = layers.Dense(3, activation="softplus")(z)
    x = layers.Dense(31, activation="elu")(x)
    x = layers.Dense(784, activation="sigmoid")(x)
    return keras.Model(inputs, x)


def vae():
    """A Dense VAE as the Keras example builds it (z_mean, z_log_var, a registered Sampling layer), flat."""
    import keras
    from keras import layers

    @keras.saving.register_keras_serializable(package="user")
    class Sampling(layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            eps = keras.random.normal(keras.ops.shape(z_mean))
            return z_mean + keras.ops.exp(0.5 * z_log_var) * eps

    inputs = keras.Input(shape=(784,))
    h = layers.Dense(24, activation="relu")(inputs)
    z_mean, z_log_var = layers.Dense(2, name="z_mean")(h), layers.Dense(2, name="z_log_var")(h)
    z = Sampling()([z_mean, z_log_var])
    out = layers.Dense(784, activation="sigmoid")(layers.Dense(24, activation="relu")(z))
    return keras.Model(inputs, out)


def refusals():
    """name -> a Keras model the import must refuse."""
    import keras
    from keras import layers

    def chain(*mid, shape=(784,)):
        return keras.Sequential([keras.Input(shape=shape), *mid])

    conv = chain(layers.Reshape((28, 28, 1)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2),
                 layers.Dense(784), shape=(784,))  # fmt: skip
    enc = chain(layers.Dense(16, activation="relu"), layers.Dense(2))
    dec = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(784, activation="sigmoid")])
    inp = keras.Input(shape=(784,))
    return {
        "nested": keras.Model(inp, dec(enc(inp))),  # the Keras VAE example's shape: models inside a model
        "conv": conv,
        "wide": chain(layers.Dense(16, activation="relu"), layers.Dense(3), layers.Dense(784, activation="sigmoid")),
        "lambda": chain(layers.Dense(2), layers.Lambda(lambda t: t * 2), layers.Dense(784)),
        "activation": chain(layers.Dense(2, activation="selu"), layers.Dense(784)),
        "layer": chain(layers.Dense(8), layers.LayerNormalization(), layers.Dense(2), layers.Dense(784)),
    }


def make_all(folder: Path) -> dict[str, Path]:
    """Every file the tests import or refuse, saved into `folder`."""
    files = {}

    def save(model, name):
        files[name] = folder / name
        model.save(files[name])

    t = tutorial()
    save(t, "tutorial.keras")
    save(t, "tutorial.h5")
    save(sequential(), "sequential.keras")
    save(tanh_leaky(), "tanh-leaky.keras")
    save(tanh_leaky(), "tanh-leaky.h5")
    save(vae(), "vae.keras")
    for name, model in refusals().items():
        save(model, f"refuse-{name}.keras")
    nan = tutorial()
    w = nan.get_weights()
    w[0][0, 0] = np.nan
    nan.set_weights(w)
    save(nan, "refuse-nan.h5")
    files["refuse-pickle.keras"] = folder / "refuse-pickle.keras"
    files["refuse-pickle.keras"].write_bytes(pickle.dumps({"weights": [1, 2, 3]}))
    files["refuse-bad.h5"] = folder / "refuse-bad.h5"
    files["refuse-bad.h5"].write_bytes(files["tutorial.h5"].read_bytes()[:5000])
    files["refuse-shapes.h5"] = _mismatched(files["tutorial.h5"], folder / "refuse-shapes.h5")
    files["refuse-link.h5"] = _external(files["tutorial.h5"], folder / "refuse-link.h5")
    files["keras2.h5"] = keras2(files["tutorial.h5"], folder / "keras2.h5")
    files["keras2-sequential.h5"] = keras2_sequential(files["keras2.h5"], folder / "keras2-sequential.h5")
    return files


def _mismatched(src: Path, out: Path) -> Path:
    """The tutorial .h5 whose config says 40 units where the weights hold 32."""
    import h5py

    shutil.copy(src, out)
    with h5py.File(out, "r+") as f:
        f.attrs["model_config"] = f.attrs["model_config"].replace('"units": 32', '"units": 40', 1)
    return out


def _external(src: Path, out: Path) -> Path:
    """The tutorial .h5 whose first kernel is an external link to another file."""
    import h5py

    shutil.copy(src, out)
    with h5py.File(out, "r+") as f:
        # The layer's name (dense, dense_7, ...) is Keras's count of layers this process has made: find it.
        kernels = []
        f["model_weights"].visititems(lambda name, obj: kernels.append(name) if name.endswith("/kernel") else None)
        first = "model_weights/" + sorted(kernels, key=lambda n: (len(n), n))[0]
        del f[first]
        f[first] = h5py.ExternalLink("/etc/passwd", "/x")
    return out


def keras2(src: Path, out: Path) -> Path:
    """The tutorial .h5 rewritten as Keras 2 (tf.keras) saved it: class "Model", batch_input_shape,
    list-style inbound nodes, output_layers nested, weight names with ":0"."""
    import h5py

    shutil.copy(src, out)
    with h5py.File(out, "r+") as f:
        cfg = json.loads(f.attrs["model_config"])
        layers = cfg["config"]["layers"]
        prev, first = None, layers[0]["name"]  # Keras names it input_layer, input_layer_2, ... per process
        for layer in layers:
            c = layer["config"]
            if layer["class_name"] == "InputLayer":
                c["batch_input_shape"] = c.pop("batch_shape")
                layer["inbound_nodes"] = []
            else:
                c.pop("dtype", None)
                layer["inbound_nodes"] = [[[prev, 0, 0, {}]]]
            prev = layer["name"]
        cfg = {"class_name": "Model", "config": {**cfg["config"], "input_layers": [[first, 0, 0]],
               "output_layers": [[prev, 0, 0]]}}  # fmt: skip
        f.attrs["model_config"] = json.dumps(cfg)
        f.attrs["keras_version"] = "2.15.0"
        for name in f["model_weights"].attrs["layer_names"]:
            g = f[f"model_weights/{name.decode() if isinstance(name, bytes) else name}"]
            names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
            for n in names:
                g.move(n, n + ":0")
            if names:
                g.attrs["weight_names"] = [(n + ":0").encode() for n in names]
    return out


def keras2_sequential(src: Path, out: Path) -> Path:
    """The Keras 2 tutorial .h5 as a Keras 2 Sequential: no InputLayer, the first Dense has batch_input_shape."""
    import h5py

    shutil.copy(src, out)
    with h5py.File(out, "r+") as f:
        cfg = json.loads(f.attrs["model_config"])
        layers = [x for x in cfg["config"]["layers"] if x["class_name"] != "InputLayer"]
        layers[0]["config"]["batch_input_shape"] = [None, 784]
        for layer in layers:
            layer.pop("inbound_nodes", None)
        f.attrs["model_config"] = json.dumps(
            {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
        )
    return out
