"""The data set a model was trained on: loaded once per server, and one kind line where it is missing.

data = data_status.active_data(bundle)    # (x_train, y_train), (x_test, y_test) uint8, or None
"""

from __future__ import annotations

import streamlit as st

from model.data import DataError
from model.data_cache import mapped
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
    label = "Fashion-MNIST" if name == "fashion-mnist" else "MNIST"
    how = (
        "install Debian's `dataset-fashion-mnist` package"
        if name == "fashion-mnist"
        else "start the app with `LATENT_EXPLORER_DATA` set to your `mnist.npz` (see the README)"
    )
    return f"The {label} images are not available here, so {lacking} are off. To turn them on, {how}."


def active_data(bundle: store.Bundle, quiet: bool = False):
    """The active model's data set as uint8 arrays, or None (after the one-line note unless quiet)."""
    name = dataset_of(bundle)
    if not data_available(name):
        if not quiet:
            st.info(missing_data_line(name), icon=":material/info:")
        return None
    return load_data(name)
