"""Hyperparameters for every model Latent Explorer builds, in one dataclass.

`SEED` is the tutorial's network exactly; `DEFAULT` is the config the shipped
model was trained with (see README, "The default model").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

LOSSES = ("bce", "mse")
OPTIMIZERS = ("adam", "adagrad", "adadelta", "rmsprop", "sgd")
LATENT_ACTIVATIONS = ("relu", "linear")
ARCHITECTURES = ("ae", "vae")
LR_SCHEDULES = ("constant", "cosine")
DATASETS = ("mnist", "fashion-mnist")


class ConfigError(ValueError):
    """A config value is out of range; the message says which and what is allowed."""


@dataclass
class Config:
    # Network: 784 -> hidden... -> latent_dim -> reversed(hidden)... -> 784.
    hidden: tuple[int, ...] = (32,)
    latent_dim: int = 2
    latent_activation: str = "relu"  # the tutorial's choice; "linear" never dies
    architecture: str = "ae"  # "ae" (plain autoencoder) or "vae"
    beta: float = 1.0  # weight of the KL term, VAE only
    # Optimisation.
    loss: str = "bce"
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    lr_schedule: str = "constant"  # or "cosine": per-epoch cosine decay to ~0 by the last epoch
    batch_size: int = 32  # Keras fit()'s default, which the tutorial's numbers match (README)
    epochs: int = 10
    seed: int = 0
    # Data.
    dataset: str = "mnist"
    subset: int | None = None  # use only the first N training digits (tests, demos)

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
        check(self.latent_activation in LATENT_ACTIVATIONS, f"latent_activation must be one of {LATENT_ACTIVATIONS}")
        check(self.architecture in ARCHITECTURES, f"architecture must be one of {ARCHITECTURES}")
        check(self.beta >= 0, "beta must be >= 0")
        check(self.loss in LOSSES, f"loss must be one of {LOSSES}")
        check(self.optimizer in OPTIMIZERS, f"optimizer must be one of {OPTIMIZERS}")
        check(0 < self.learning_rate <= 10, "learning_rate must be in (0, 10]")
        check(self.lr_schedule in LR_SCHEDULES, f"lr_schedule must be one of {LR_SCHEDULES}")
        check(1 <= self.batch_size <= 60000, "batch_size must be 1..60000")
        check(1 <= self.epochs <= 1000, "epochs must be 1..1000")
        check(self.dataset in DATASETS, f"dataset must be one of {DATASETS}")
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
        if unknown:
            raise ConfigError(f"unknown config keys: {sorted(unknown)}")
        return cls(**d)

    def summary(self) -> str:
        """One line for lists and sidebars, e.g. 'AE 784-32-2(relu)  bce/adam lr 0.001 bs 256'."""
        arch = "-".join(str(h) for h in (784, *self.hidden))
        kind = "VAE" if self.architecture == "vae" else "AE"
        beta = f" beta {self.beta:g}" if self.architecture == "vae" else ""
        return (
            f"{kind} {arch}-2({self.latent_activation}) {self.loss}/{self.optimizer} "
            f"lr {self.learning_rate:g}{' cosine' if self.lr_schedule == 'cosine' else ''} bs {self.batch_size}{beta}"
        )


# The tutorial: 784 -> 32 relu -> 2 relu -> 32 relu -> 784 sigmoid, BCE + Adam, 10 epochs.
SEED = Config()

# The shipped default: wide and deep (512-256-128), a linear latent that cannot die, and a
# cosine-decayed learning rate over 40 epochs. Chosen by bench/sweep_default.py; see README.
DEFAULT = Config(
    hidden=(512, 256, 128),
    latent_activation="linear",
    batch_size=128,
    epochs=40,
    learning_rate=2e-3,
    lr_schedule="cosine",
)

PRESETS = {"seed": SEED, "default": DEFAULT}
