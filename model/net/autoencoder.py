"""The autoencoder as three named Keras models that share their layers.

encoder:     image (784,) -> enc_0 .. enc_k (relu) -> latent (2,)
decoder:     z (2,) -> dec_k .. dec_0 (relu) -> reconstruction (784,) sigmoid
autoencoder: decoder(encoder(image)), the same layer objects, so training it
             trains both halves, as in the tutorial.

`build` makes either architecture (the VAE's is in model/net/vae.py); `split` recovers encoder and
decoder from a loaded model; `CUSTOM_OBJECTS` is every custom layer a saved model may hold, which
the loader passes to Keras's safe-mode load (model/folders/store.py).
"""

from __future__ import annotations

from model.net import vae
from model.net.config import Config
from model.net.keras_import import keras
from model.net.network import INPUT_DIM, Models, assemble, chain, compile_models, decoder_layers, encoder_layers

__all__ = ["CUSTOM_OBJECTS", "INPUT_DIM", "Models", "build", "compile_models", "split"]

CUSTOM_OBJECTS = {"latent_explorer>Sampling": vae.Sampling}


def build(config: Config) -> Models:
    """Build and compile the three models for `config` (architecture "ae" or "vae")."""
    if config.architecture == "vae":
        return vae.build(config)
    image = keras.Input(shape=(INPUT_DIM,), name="image")
    z = keras.layers.Dense(2, activation=config.latent_activation, name="latent")(chain(image, encoder_layers(config)))
    models = assemble(image, z, z, decoder_layers(config))
    compile_models(models.autoencoder, config)
    return models


def split(autoencoder: keras.Model) -> Models:
    """Recover encoder and decoder from a loaded autoencoder (or VAE), sharing its layers."""
    names = [layer.name for layer in autoencoder.layers]
    latent = "z_mean" if "z_mean" in names else "latent"  # the VAE explores its mean
    dec_names = [n for n in names if n.startswith("dec_")] + ["reconstruction"]
    encoder = keras.Model(autoencoder.inputs, autoencoder.get_layer(latent).output, name="encoder")
    z_in = keras.Input(shape=(2,), name="z")
    decoder = keras.Model(z_in, chain(z_in, [autoencoder.get_layer(n) for n in dec_names]), name="decoder")
    return Models(encoder, decoder, autoencoder)
