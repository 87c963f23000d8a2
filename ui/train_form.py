"""The Train page's form: every Config option, the presets, and the model's name.

Widget values live in session_state under explicit `train_*` keys (set once, kept across page
switches), so a preset can fill them in from its on_change callback.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from model import library
from model.config import DATASETS, LATENT_ACTIVATIONS, LOSSES, LR_SCHEDULES, OPTIMIZERS, PRESETS, Config, ConfigError

PRESET_LABELS = {"Default": "default", "Seed (tutorial)": "seed"}
DATASET_LABELS = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
ARCH_LABELS = {"ae": "Autoencoder", "vae": "VAE"}
VAE_LINE = (
    "**VAE:** the encoder gives a mean and a variance per digit; training decodes a random sample "
    "around the mean and adds a β-weighted KL term that pulls the codes towards a standard normal, "
    "so the plane is centred and smooth. The explorer uses the mean."
)
SESSION = {"persist_state": "session"}  # keep values when the user visits another page


def preset_values(config: Config) -> dict:
    """Widget values for a preset; dataset, subset and name are the user's, so left alone."""
    return {
        "train_arch": config.architecture, "train_hidden": ", ".join(map(str, config.hidden)),
        "train_latent_act": config.latent_activation, "train_beta": float(config.beta),
        "train_loss": config.loss, "train_optimizer": config.optimizer, "train_lr": float(config.learning_rate),
        "train_lr_schedule": config.lr_schedule, "train_epochs": config.epochs,
        "train_batch": config.batch_size, "train_seed": config.seed,
    }  # fmt: skip


def init_state(library_dir: Path) -> None:
    ss = st.session_state
    defaults = {
        "train_preset": "Default", **preset_values(PRESETS["default"]), "train_dataset": "mnist",
        "train_subset_on": False, "train_subset": 2000, "train_overwrite": False,
        "train_name": library.unique_name(library_dir, "my-model"),
    }  # fmt: skip
    for key, value in defaults.items():
        ss.setdefault(key, value)


def apply_preset() -> None:
    st.session_state.update(preset_values(PRESETS[PRESET_LABELS[st.session_state.train_preset]]))


def on_arch_change() -> None:
    # A Gaussian mean should be free to go negative: linear is the sensible VAE latent.
    if st.session_state.train_arch == "vae":
        st.session_state.train_latent_act = "linear"


def parse_hidden(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s) for s in text.replace(" ", "").split(",") if s)
    except ValueError:
        raise ConfigError("hidden layer sizes must be whole numbers separated by commas, e.g. 128, 64") from None
    return sizes


def config_ui() -> tuple[Config | None, str | None]:
    """Draw the options; return (Config, None) or (None, what is wrong)."""
    ss = st.session_state
    st.selectbox("Preset", list(PRESET_LABELS), key="train_preset", on_change=apply_preset, **SESSION)
    net, opt, dat = st.columns(3)
    with net:
        st.markdown("**Network**")
        st.radio("Architecture", list(ARCH_LABELS), format_func=ARCH_LABELS.get, key="train_arch",
                 horizontal=True, on_change=on_arch_change, **SESSION)  # fmt: skip
        st.text_input("Hidden layer sizes", key="train_hidden", help="Seed: 32. Default: 128, 64.", **SESSION)
        st.selectbox("Latent activation", LATENT_ACTIVATIONS, key="train_latent_act", **SESSION)
        if ss.train_arch == "vae":
            st.number_input("β (KL weight)", min_value=0.0, max_value=100.0, step=0.5, key="train_beta", **SESSION)
            st.caption(VAE_LINE)
    with opt:
        st.markdown("**Optimisation**")
        st.radio("Loss", LOSSES, format_func=str.upper, key="train_loss", horizontal=True, **SESSION)
        st.selectbox("Optimizer", OPTIMIZERS, key="train_optimizer", **SESSION)
        st.number_input("Learning rate", min_value=1e-6, max_value=10.0, format="%g", key="train_lr", **SESSION)
        st.selectbox("Learning-rate schedule", LR_SCHEDULES, key="train_lr_schedule", **SESSION)
        st.number_input("Epochs", min_value=1, max_value=1000, step=1, key="train_epochs", **SESSION)
        st.number_input("Batch size", min_value=1, max_value=60000, step=32, key="train_batch", **SESSION)
        st.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1, key="train_seed", **SESSION)
    with dat:
        st.markdown("**Data**")
        st.radio("Dataset", DATASETS, format_func=DATASET_LABELS.get, key="train_dataset", horizontal=True, **SESSION)
        st.checkbox("Quick demo: train on a subset", key="train_subset_on", **SESSION)
        if ss.train_subset_on:
            st.number_input(
                "Digits to train on", min_value=10, max_value=60000, step=500, key="train_subset", **SESSION
            )
    try:
        return Config(
            architecture=ss.train_arch, hidden=parse_hidden(ss.train_hidden), latent_activation=ss.train_latent_act,
            beta=float(ss.train_beta), loss=ss.train_loss, optimizer=ss.train_optimizer,
            learning_rate=float(ss.train_lr), lr_schedule=ss.train_lr_schedule, epochs=int(ss.train_epochs),
            batch_size=int(ss.train_batch), seed=int(ss.train_seed), dataset=ss.train_dataset,
            subset=int(ss.train_subset) if ss.train_subset_on else None,
        ), None  # fmt: skip
    except (ConfigError, TypeError) as e:
        return None, str(e)


def name_ui(
    library_dir: Path, key: str = "train_name", overwrite_key: str = "train_overwrite"
) -> tuple[str | None, bool, str | None]:
    """A name field; if the name is taken, an explicit replace checkbox. Returns (name, overwrite, error)."""
    st.text_input("Model name", key=key, help="Letters, digits, '_', '-' and '.'; up to 64 characters.")
    try:
        name = library.validate_name(st.session_state[key])
    except library.LibraryError as e:
        return None, False, str(e)
    if not (library_dir / name).exists():
        return name, False, None
    overwrite = st.checkbox(f"Replace the existing model **{name}**", key=overwrite_key)
    return name, overwrite, None if overwrite else f"A model named '{name}' already exists."
