"""Building blocks shared by the autoencoder and the VAE: the Dense stacks, the three-model
assembly and compilation. Neither network module imports the other through here, so
model.net.autoencoder can build both without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.net.config import Config
from model.net.keras_import import keras

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


def encoder_layers(config: Config) -> list[keras.layers.Layer]:
    return [keras.layers.Dense(h, activation=config.activation, name=f"enc_{i}") for i, h in enumerate(config.hidden)]


def decoder_layers(config: Config) -> list[keras.layers.Layer]:
    n = len(config.hidden)
    hidden = [
        keras.layers.Dense(h, activation=config.activation, name=f"dec_{n - 1 - i}")
        for i, h in enumerate(reversed(config.hidden))
    ]
    return [*hidden, keras.layers.Dense(INPUT_DIM, activation="sigmoid", name="reconstruction")]


def chain(x, layers):
    for layer in layers:
        x = layer(x)
    return x


def assemble(image, z_explore, z_decoded, dec: list[keras.layers.Layer]) -> Models:
    """The three named models over shared layers. z_explore is what the encoder reports (the VAE's
    mean); z_decoded is what the autoencoder decodes while training (the VAE's sample)."""
    encoder = keras.Model(image, z_explore, name="encoder")
    autoencoder = keras.Model(image, chain(z_decoded, dec), name="autoencoder")
    z_in = keras.Input(shape=(2,), name="z")
    decoder = keras.Model(z_in, chain(z_in, dec), name="decoder")
    return Models(encoder, decoder, autoencoder)


def compile_models(autoencoder: keras.Model, config: Config) -> None:
    extra = {"beta_2": config.adam_beta2} if config.optimizer == "adam" else {}
    optimizer = OPTIMIZER_CLASSES[config.optimizer](learning_rate=config.learning_rate, **extra)
    autoencoder.compile(optimizer=optimizer, loss=LOSS_FNS[config.loss])
