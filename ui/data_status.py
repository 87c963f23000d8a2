"""The data set a model was trained on: loaded once per server, and one kind line where it is missing.

data = data_status.active_data(bundle)    # (x_train, y_train), (x_test, y_test) uint8, or None
"""

from __future__ import annotations

import streamlit as st

from model.data import CLASS_NAMES, DataError, variable_source
from model.data_cache import mapped
from model.datasets import registry
from model.folders import store
from ui.active_model import dataset_of


@st.cache_resource(show_spinner="Loading the data set…", max_entries=2)
def load_data(name: str):
    """The data set's uint8 arrays, held once per server and shared read-only: memory maps of an
    uncompressed copy (model/data_cache.py), so only the digits a page shows are ever read.

    Not st.cache_data: that would unpickle ~55 MB of images on every rerun that asks for them.
    """
    (x_train, y_train), (x_test, y_test) = arrays = mapped(name)
    for a in (x_train, y_train, x_test, y_test):
        a.setflags(write=False)  # shared by every session: nobody may change it in place
    return arrays


@st.cache_data(show_spinner=False, ttl=60)
def data_available(name: str) -> bool:
    """Whether the data set can be read (checked at most once a minute, so a fix is noticed)."""
    try:
        load_data(name)
    except DataError:
        return False
    return True


def missing_data_line(
    name: str = "mnist", lacking: str = "original digits, the Reconstructions page and training"
) -> str:
    """One kind sentence: what is off without the data set and how to turn it on (no paths, no error names)."""
    if name not in CLASS_NAMES:  # a user's data set: added on another machine, or removed here
        return (
            f"The data set **{name}** is not on this machine, so {lacking} are off. To turn them on, "
            f"add it with `python -m model dataset add PATH --name {name}`."
        )
    label = "Fashion-MNIST" if name == "fashion-mnist" else "MNIST"
    var = "LATENT_EXPLORER_FASHION" if name == "fashion-mnist" else "LATENT_EXPLORER_DATA"
    if variable_source(name):
        how = f"start the app with `{var}` naming a readable copy (see the README)"
    else:
        how = f"download it below, or offline start the app with `{var}` set to a copy (see the README)"
    return f"The {label} images are not available here, so {lacking} are off. To turn them on, {how}."


def active_data(bundle: store.Bundle, quiet: bool = False):
    """The active model's data set as uint8 arrays, or None (after the one-line note unless quiet)."""
    name = dataset_of(bundle)
    if not data_available(name):
        if not quiet:
            from ui import data_fetch

            data_fetch.missing_notice(name, "original digits, the Reconstructions page and training")
        return None
    if not same_data(name, bundle.meta.get("dataset_checksum", "")):
        if not quiet:
            st.info(
                f"The data set **{name}** on this machine is not the one this model was trained on, so original "
                "images are off. Add the original again, or train a new model on this one.",
                icon=":material/info:",
            )
        return None
    return load_data(name)


@st.cache_data(show_spinner=False, ttl=60)
def same_data(name: str, recorded: str) -> bool:
    """Whether a user's data set here is the one a model recorded (by checksum); True when none is recorded."""
    return not recorded or name in CLASS_NAMES or registry.checksum(name) == recorded
