"""The Train page's form: every Config option, the presets, and the model's name.

Widget values live in session_state under explicit `train_*` keys (set once, kept across page
switches), so a preset can fill them in from its on_change callback. The fields, presets and choice
lists come from model/net/config.py; a Config field this form does not lay out by hand still gets a
widget under "More options" (`more_ui`), so a new field reaches the page without editing it.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import streamlit as st

from model.folders import library
from model.net.config import CHOICES, PRESETS, Config, ConfigError, parse_hidden
from ui import dataset_form

PRESET_LABELS = {{"seed": "Seed (tutorial)"}.get(name, name.capitalize()): name for name in PRESETS}
FIELDS = {f.name: f for f in dataclasses.fields(Config)}
HINTS = typing.get_type_hints(Config)
# Widget key of each Config field: train_<field> unless named here. Dataset and subset are the
# user's, not a preset's; drawn by hand (config_ui) are the fields in DRAWN.
KEYS = {"architecture": "train_arch", "latent_activation": "train_latent_act", "learning_rate": "train_lr",
        "batch_size": "train_batch", "activation": "train_act"}  # fmt: skip
USER_FIELDS = ("dataset", "subset")
DRAWN = ("hidden", "activation", "latent_activation", "architecture", "beta", "loss", "optimizer", "learning_rate", "lr_schedule",
         "epochs", "batch_size", "seed", *USER_FIELDS)  # fmt: skip
ARCH_LABELS = {"ae": "Autoencoder", "vae": "VAE"}
VAE_LINE = (
    "**VAE:** the encoder gives a mean and a variance per digit; training decodes a random sample "
    "around the mean and adds a β-weighted KL term that pulls the codes towards a standard normal, "
    "so the plane is centred and smooth. The explorer uses the mean."
)
SESSION = {"persist_state": "session"}  # keep values when the user visits another page


def widget_key(name: str) -> str:
    return KEYS.get(name, f"train_{name}")


def preset_values(config: Config) -> dict:
    """Widget values for a preset; dataset, subset and name are the user's, so left alone."""
    values = {}
    for name in FIELDS.keys() - USER_FIELDS:
        value = getattr(config, name)
        values[widget_key(name)] = ", ".join(map(str, value)) if isinstance(value, tuple) else from_widget(name, value)
    return values


def from_widget(name: str, value):
    """A value as the Config field's type: text -> hidden sizes, 1 -> 1.0 for a float field, 3.0 -> 3 for an int."""
    if HINTS[name] == tuple[int, ...]:
        return parse_hidden(value)
    return HINTS[name](value) if HINTS[name] in (int, float) else value


def init_state(library_dir: Path) -> None:
    ss = st.session_state
    defaults = {
        "train_preset": "Default", **preset_values(PRESETS["default"]), "train_dataset": "mnist",
        "train_subset_on": False, "train_subset": 2000, "train_overwrite": False,
        "train_name": library.Library(library_dir).unique_name("my-model"),
    }  # fmt: skip
    for key, value in defaults.items():
        ss.setdefault(key, value)


def apply_preset() -> None:
    st.session_state.update(preset_values(PRESETS[PRESET_LABELS[st.session_state.train_preset]]))


def on_arch_change() -> None:
    # A Gaussian mean should be free to go negative: linear is the sensible VAE latent.
    if st.session_state.train_arch == "vae":
        st.session_state.train_latent_act = "linear"


def config_ui() -> tuple[Config | None, str | None]:
    """Draw the options; return (Config, None) or (None, what is wrong)."""
    ss = st.session_state
    st.selectbox("Preset", list(PRESET_LABELS), key="train_preset", on_change=apply_preset, **SESSION)
    net, opt, dat = st.columns(3)
    with net:
        st.markdown("**Network**")
        st.radio("Architecture", CHOICES["architecture"], format_func=ARCH_LABELS.get, key="train_arch",
                 horizontal=True, on_change=on_arch_change, **SESSION)  # fmt: skip
        hint = ". ".join(f"{label}: {', '.join(map(str, PRESETS[p].hidden))}" for label, p in PRESET_LABELS.items())
        st.text_input("Hidden layer sizes", key="train_hidden", help=f"Comma-separated. {hint}.", **SESSION)
        st.selectbox("Hidden activation", CHOICES["activation"], key="train_act", help=FIELDS["activation"].metadata["help"],
                     **SESSION)  # fmt: skip
        st.selectbox("Latent activation", CHOICES["latent_activation"], key="train_latent_act", **SESSION)
        if ss.train_arch == "vae":
            st.number_input("β (KL weight)", min_value=0.0, max_value=100.0, step=0.5, key="train_beta", **SESSION)
            st.caption(VAE_LINE)
    with opt:
        st.markdown("**Optimisation**")
        st.radio("Loss", CHOICES["loss"], format_func=str.upper, key="train_loss", horizontal=True, **SESSION)
        st.selectbox("Optimizer", CHOICES["optimizer"], key="train_optimizer", **SESSION)
        st.number_input("Learning rate", min_value=1e-6, max_value=10.0, format="%g", key="train_lr", **SESSION)
        st.selectbox("Learning-rate schedule", CHOICES["lr_schedule"], key="train_lr_schedule", **SESSION)
        st.number_input("Epochs", min_value=1, max_value=1000, step=1, key="train_epochs", **SESSION)
        st.number_input("Batch size", min_value=1, max_value=60000, step=32, key="train_batch", **SESSION)
        st.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1, key="train_seed", **SESSION)
    with dat:
        st.markdown("**Data**")
        dataset_form.dataset_ui()
        st.checkbox("Quick demo: train on a subset", key="train_subset_on", **SESSION)
        if ss.train_subset_on:
            st.number_input(
                "Digits to train on", min_value=10, max_value=60000, step=500, key="train_subset", **SESSION
            )
    more_ui()
    try:
        values = {name: from_widget(name, ss[widget_key(name)]) for name in FIELDS.keys() - {"subset"}}
        return Config(**values, subset=int(ss.train_subset) if ss.train_subset_on else None), None
    except (ConfigError, TypeError, ValueError) as e:
        return None, str(e)


def more_ui() -> None:
    """A widget for each Config field not drawn above (one with a single allowed value needs none)."""
    more = [f for f in FIELDS.values() if f.name not in DRAWN and len(f.metadata.get("choices", ())) != 1]
    if not more:
        return
    with st.expander("More options"):
        for f in more:
            label, help_ = f.name.replace("_", " ").capitalize(), f.metadata.get("help")
            if "choices" in f.metadata:
                st.selectbox(label, f.metadata["choices"], key=widget_key(f.name), help=help_, **SESSION)
            elif HINTS[f.name] is float:  # %g: 0.999 is not shown rounded to 1.00
                st.number_input(label, key=widget_key(f.name), help=help_, format="%g", **SESSION)
            elif HINTS[f.name] is int:
                st.number_input(label, key=widget_key(f.name), help=help_, **SESSION)
            else:
                st.text_input(label, key=widget_key(f.name), help=help_, **SESSION)


def name_ui(
    library_dir: Path, key: str = "train_name", overwrite_key: str = "train_overwrite"
) -> tuple[str | None, bool, str | None]:
    """A name field; if the name is taken, an explicit replace checkbox. Returns (name, overwrite, error)."""
    st.text_input("Model name", key=key, help="Letters, digits, '_', '-' and '.'; up to 64 characters.")
    try:
        name = library.Library(library_dir).validate(st.session_state[key])
    except library.LibraryError as e:
        return None, False, str(e)
    if not (library_dir / name).exists():
        return name, False, None
    overwrite = st.checkbox(f"Replace the existing model **{name}**", key=overwrite_key)
    return name, overwrite, None if overwrite else f"A model named '{name}' already exists."
