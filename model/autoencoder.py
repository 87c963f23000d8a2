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
    z = keras.layers.Dense(2, activation=config.latent_activation, name="latent")(chain(image, encoder_layers(config)))
    models = assemble(image, z, z, decoder_layers(config))
    compile_models(models.autoencoder, config)
    return models


def encoder_layers(config: Config) -> list[keras.layers.Layer]:
    return [keras.layers.Dense(h, activation="relu", name=f"enc_{i}") for i, h in enumerate(config.hidden)]


def assemble(image, z_explore, z_decoded, dec: list[keras.layers.Layer]) -> Models:
    """The three named models over shared layers. z_explore is what the encoder reports (the VAE's
    mean); z_decoded is what the autoencoder decodes while training (the VAE's sample)."""
    encoder = keras.Model(image, z_explore, name="encoder")
    autoencoder = keras.Model(image, chain(z_decoded, dec), name="autoencoder")
    z_in = keras.Input(shape=(2,), name="z")
    decoder = keras.Model(z_in, chain(z_in, dec), name="decoder")
    return Models(encoder, decoder, autoencoder)


def compile_models(autoencoder: keras.Model, config: Config) -> None:
    optimizer = OPTIMIZER_CLASSES[config.optimizer](learning_rate=config.learning_rate)
    autoencoder.compile(optimizer=optimizer, loss=LOSS_FNS[config.loss])


def split(autoencoder: keras.Model) -> Models:
    """Recover encoder and decoder from a loaded autoencoder (or VAE), sharing its layers."""
    names = [layer.name for layer in autoencoder.layers]
    if "z_mean" in names:
        import model.vae  # noqa: F401  registers the Sampling layer
    latent = "z_mean" if "z_mean" in names else "latent"  # the VAE explores its mean
    dec_names = [n for n in names if n.startswith("dec_")] + ["reconstruction"]
    encoder = keras.Model(autoencoder.inputs, autoencoder.get_layer(latent).output, name="encoder")
    z_in = keras.Input(shape=(2,), name="z")
    decoder = keras.Model(z_in, chain(z_in, [autoencoder.get_layer(n) for n in dec_names]), name="decoder")
    return Models(encoder, decoder, autoencoder)
