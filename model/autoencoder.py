"""The autoencoder as three named Keras models that share their layers.

encoder:     image (784,) -> enc_0 .. enc_k (relu) -> latent (2,)
decoder:     z (2,) -> dec_k .. dec_0 (relu) -> reconstruction (784,) sigmoid
autoencoder: decoder(encoder(image)), the same layer objects, so training it
             trains both halves, as in the tutorial.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras

from model.config import Config

INPUT_DIM = 784
LOSS_FNS = {"bce": "binary_crossentropy", "mse": "mse"}
OPTIMIZER_CLASSES = {
    "adam": keras.optimizers.Adam,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "rmsprop": keras.optimizers.RMSprop,
    "sgd": keras.optimizers.SGD,
}


@dataclass
class Models:
    encoder: keras.Model
    decoder: keras.Model
    autoencoder: keras.Model


def decoder_layers(config: Config) -> list[keras.layers.Layer]:
    n = len(config.hidden)
    hidden = [
        keras.layers.Dense(h, activation="relu", name=f"dec_{n - 1 - i}") for i, h in enumerate(reversed(config.hidden))
    ]
    return [*hidden, keras.layers.Dense(INPUT_DIM, activation="sigmoid", name="reconstruction")]


def chain(x, layers):
    for layer in layers:
        x = layer(x)
    return x


def build(config: Config) -> Models:
    """Build and compile the three models for `config` (architecture "ae")."""
    if config.architecture == "vae":
        from model import vae

        return vae.build(config)
    image = keras.Input(shape=(INPUT_DIM,), name="image")
    enc = [keras.layers.Dense(h, activation="relu", name=f"enc_{i}") for i, h in enumerate(config.hidden)]
    z = keras.layers.Dense(2, activation=config.latent_activation, name="latent")(chain(image, enc))
    dec = decoder_layers(config)

    encoder = keras.Model(image, z, name="encoder")
    autoencoder = keras.Model(image, chain(z, dec), name="autoencoder")
    z_in = keras.Input(shape=(2,), name="z")
    decoder = keras.Model(z_in, chain(z_in, dec), name="decoder")
    compile_models(autoencoder, config)
    return Models(encoder, decoder, autoencoder)


def compile_models(autoencoder: keras.Model, config: Config) -> None:
    optimizer = OPTIMIZER_CLASSES[config.optimizer](learning_rate=config.learning_rate)
    autoencoder.compile(optimizer=optimizer, loss=LOSS_FNS[config.loss])


def split(autoencoder: keras.Model) -> Models:
    """Recover encoder and decoder from a loaded autoencoder, sharing its layers."""
    if any(layer.name == "z_mean" for layer in autoencoder.layers):
        from model import vae

        return vae.split(autoencoder)
    names = [layer.name for layer in autoencoder.layers]
    dec_names = [n for n in names if n.startswith("dec_")] + ["reconstruction"]
    encoder = keras.Model(autoencoder.inputs, autoencoder.get_layer("latent").output, name="encoder")
    z_in = keras.Input(shape=(2,), name="z")
    decoder = keras.Model(z_in, chain(z_in, [autoencoder.get_layer(n) for n in dec_names]), name="decoder")
    return Models(encoder, decoder, autoencoder)
