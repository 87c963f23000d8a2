"""The variational autoencoder: the same Dense stacks, a 2-D Gaussian latent and a KL term.

    encoder:     image (784,) -> enc_0 .. enc_k (relu) -> z_mean (2,)       Dense only: fast.Codec works
    autoencoder: image -> enc_* -> z_mean, z_log_var -> sampling -> dec_* -> reconstruction
    decoder:     z (2,) -> dec_k .. dec_0 (relu) -> reconstruction (784,) sigmoid

The explorer uses the latent mean. `Sampling` draws z = mean + exp(log_var / 2) * eps while
training (the reparameterisation trick) and passes the mean through otherwise, so `predict`,
`evaluate` and the numpy Codec all reconstruct from the mean. It also adds beta * KL / 784 with
`add_loss`: the compiled loss is a per-pixel mean, so dividing the per-digit KL by 784 keeps the
usual ELBO balance (784 * BCE + beta * KL, up to a constant factor). `loss` and `val_loss` are that
per-pixel objective; the test BCE that train.fit reports is the reconstruction term alone.

No Lambda layers: safe mode refuses them. `Sampling` is registered as `latent_explorer>Sampling`
and has a get_config; model.net.autoencoder.CUSTOM_OBJECTS names it, and the loader passes that to
keras.saving.load_model(..., safe_mode=True, custom_objects=...), so loading needs no import for its
side effect. Build a VAE through model.net.autoencoder.build.
"""

from __future__ import annotations

from model.net.config import Config
from model.net.keras_import import keras
from model.net.network import INPUT_DIM, Models, assemble, chain, compile_models, decoder_layers, encoder_layers

ops = keras.ops


@keras.saving.register_keras_serializable(package="latent_explorer")
class Sampling(keras.layers.Layer):
    """[z_mean, z_log_var] -> a sample while training, the mean otherwise; adds beta * KL / 784."""

    def __init__(self, beta: float = 1.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.beta = float(beta)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        mean, log_var = inputs
        # KL(N(mean, var) || N(0, 1)) per digit, averaged over the batch, per pixel (see module doc).
        kl = -0.5 * ops.mean(ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1))
        self.add_loss(self.beta * kl / INPUT_DIM)
        if not training:
            return mean
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "seed": self.seed}


def build(config: Config) -> Models:
    """Build and compile encoder (image -> z_mean), decoder and the sampling autoencoder."""
    image = keras.Input(shape=(INPUT_DIM,), name="image")
    h = chain(image, encoder_layers(config))
    # The mean takes the configured latent activation (the Train page picks linear for a VAE).
    z_mean = keras.layers.Dense(2, activation=config.latent_activation, name="z_mean")(h)
    z_log_var = keras.layers.Dense(2, name="z_log_var")(h)
    z = Sampling(beta=config.beta, seed=config.seed, name="sampling")([z_mean, z_log_var])
    models = assemble(image, z_mean, z, decoder_layers(config))
    compile_models(models.autoencoder, config)
    return models
