"""Hyperparameters for every model Latent Explorer builds, in one dataclass.

`SEED` is the tutorial's network exactly; `DEFAULT` is the config the shipped
model was trained with (see docs/models.md, "The default config, and why").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

LOSSES = ("bce", "mse")
OPTIMIZERS = ("adam", "adagrad", "adadelta", "rmsprop", "sgd")
LATENT_ACTIVATIONS = ("relu", "linear")
# Hidden layers: what model/net/fast.py, the browser decoder (ui/plane/js/decoder.js) and Keras all run.
ACTIVATIONS = ("relu", "silu")
ARCHITECTURES = ("ae", "vae")
LR_SCHEDULES = ("constant", "cosine")
DATASETS = ("mnist", "fashion-mnist")


class ConfigError(ValueError):
    """A config value is out of range; the message says which and what is allowed."""


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden sizes as typed on the command line or in the Train form: '256, 128, 64' -> (256, 128, 64).
    Empty items are skipped; the sizes themselves are checked by Config.validate."""
    try:
        return tuple(int(s) for s in str(text).replace(" ", "").split(",") if s)
    except ValueError:
        raise ConfigError(f"'{text}' is not a comma-separated list of layer sizes, e.g. 256, 128, 64") from None


def option(default, help: str, choices: tuple | None = None):
    """A Config field with its help text and allowed values kept beside it: the CLI's `train` flags
    and the Train page read them from here (model/net/configurator.py, ui/train_form.py)."""
    meta = {"help": help} if choices is None else {"help": help, "choices": choices}
    return field(default=default, metadata=meta)


@dataclass
class Config:
    # Network: 784 -> hidden... -> latent_dim -> reversed(hidden)... -> 784.
    hidden: tuple[int, ...] = option(
        (32,), "comma-separated hidden layer sizes, encoder side (mirrored in the decoder)"
    )
    activation: str = option("relu", "the hidden layers' activation; silu (x * sigmoid(x)) is smooth", ACTIVATIONS)
    latent_dim: int = option(2, "size of the latent code; the app explores a plane", choices=(2,))
    latent_activation: str = option("relu", "the latent layer's activation; linear never dies", LATENT_ACTIVATIONS)
    architecture: str = option("ae", "plain autoencoder or variational autoencoder", ARCHITECTURES)
    beta: float = option(1.0, "weight of the VAE's KL term (VAE only)")
    # Optimisation.
    loss: str = option("bce", "reconstruction loss: binary cross-entropy or mean squared error", LOSSES)
    optimizer: str = option("adam", "Keras optimizer", OPTIMIZERS)
    learning_rate: float = option(1e-3, "learning rate (the start of the schedule)")
    # Keras's 0.999 averages squared gradients over ~1,000 steps; 0.99 (~100) follows them faster.
    adam_beta2: float = option(0.999, "Adam's decay for its average of squared gradients (adam only)")
    lr_schedule: str = option("constant", "per-epoch learning rate: constant or cosine decay to ~0", LR_SCHEDULES)
    # A large batch's high learning rate can throw the first steps' random weights far off; ramp up to it.
    warmup_epochs: float = option(0.0, "epochs over which the learning rate ramps up linearly from ~0 (0: none)")
    # Keras fit()'s default batch size, which the tutorial's numbers match (docs/models.md).
    batch_size: int = option(32, "digits per training step")
    epochs: int = option(10, "passes over the training digits")
    seed: int = option(0, "random seed for weights, shuffling and the VAE's sampling")
    # Data.
    dataset: str = option("mnist", "training data set", DATASETS)
    subset: int | None = option(None, "train on the first N training digits only (quick demos, tests)")

    def __post_init__(self):
        self.hidden = tuple(int(h) for h in self.hidden)
        self.validate()

    def validate(self) -> None:
        def check(ok: bool, msg: str) -> None:
            if not ok:
                raise ConfigError(msg)

        check(len(self.hidden) >= 1, "hidden must list at least one layer size")
        check(all(1 <= h <= 4096 for h in self.hidden), "hidden sizes must be 1..4096")
        check(self.latent_dim == 2, "latent_dim must be 2: the app explores a plane")
        for name, allowed in CHOICES.items():
            check(getattr(self, name) in allowed, f"{name} must be one of {allowed}")
        check(self.beta >= 0, "beta must be >= 0")
        check(0 < self.learning_rate <= 10, "learning_rate must be in (0, 10]")
        check(0 < self.adam_beta2 < 1, "adam_beta2 must be in (0, 1)")
        check(1 <= self.batch_size <= 60000, "batch_size must be 1..60000")
        check(1 <= self.epochs <= 1000, "epochs must be 1..1000")
        check(0 <= self.warmup_epochs <= self.epochs, "warmup_epochs must be between 0 and epochs")
        check(self.subset is None or self.subset >= 10, "subset must be at least 10 digits")

    def replace(self, **changes) -> Config:
        """A copy with some fields changed; None values are ignored (CLI flags not given)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Config:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - names
        if unknown:  # the keys come from a file: name only plain ones, never echo paths or control characters
            plain = sorted(k for k in map(str, unknown) if k.isidentifier() and len(k) <= 40)[:5]
            more = len(unknown) - len(plain)
            named = ", ".join(plain) + (f" and {more} more" if plain and more else "")
            raise ConfigError(f"unknown config keys: {named}" if plain else f"{len(unknown)} unknown config key(s)")
        return cls(**d)

    def summary(self) -> str:
        """One line for lists and sidebars, e.g. 'AE 784-32-2(relu) bce/adam lr 0.001 bs 256' (hidden
        activation named when not relu: 'AE 784-512-256-128-2(linear) silu bce/adam ...')."""
        arch = "-".join(str(h) for h in (784, *self.hidden))
        kind = "VAE" if self.architecture == "vae" else "AE"
        beta = f" beta {self.beta:g}" if self.architecture == "vae" else ""
        act = "" if self.activation == "relu" else f" {self.activation}"
        return (
            f"{kind} {arch}-2({self.latent_activation}){act} {self.loss}/{self.optimizer} "
            f"lr {self.learning_rate:g}{' cosine' if self.lr_schedule == 'cosine' else ''} bs {self.batch_size}{beta}"
        )


# Field name -> allowed values, for every field that has a fixed set (CLI choices, Train page options).
CHOICES = {f.name: f.metadata["choices"] for f in dataclasses.fields(Config) if "choices" in f.metadata}


# The tutorial: 784 -> 32 relu -> 2 relu -> 32 relu -> 784 sigmoid, BCE + Adam, 10 epochs.
SEED = Config()

# The shipped default: wide and deep (512-256-128) with smooth silu units, a linear latent that cannot
# die, batch 512 (about 1.5x batch 128's digits per second on 2 cores) at a high rate, Adam with a short
# squared-gradient memory (beta2 0.99), cosine decay over 50 epochs. Found by a sweep on a GPU and confirmed
# by CLI runs on 2 CPU cores; see docs/experiments.md.
DEFAULT = Config(
    hidden=(512, 256, 128),
    activation="silu",
    latent_activation="linear",
    batch_size=512,
    epochs=50,
    learning_rate=5e-3,
    adam_beta2=0.99,
    lr_schedule="cosine",
)

PRESETS = {"default": DEFAULT, "seed": SEED}  # the Train page lists them in this order
