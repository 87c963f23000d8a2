"""Shared test set-up: the data location, a tiny trained model, temp library dirs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist.npz"

# The README's test command sets LATENT_EXPLORER_DATA; default to ../shared for a bare `pytest`.
if not os.environ.get("LATENT_EXPLORER_DATA") and SHARED_MNIST.is_file():
    os.environ["LATENT_EXPLORER_DATA"] = str(SHARED_MNIST)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def have_mnist() -> bool:
    from model.data import DataError, load_dataset

    try:
        load_dataset("mnist")
    except DataError:
        return False
    return True


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST arrays ((x_train, y_train), (x_test, y_test)), or skip."""
    from model.data import DataError, load_dataset

    try:
        return load_dataset("mnist")
    except DataError as e:
        pytest.skip(f"MNIST not available: {e}")


@pytest.fixture(scope="session")
def shipped():
    """The shipped default model's bundle."""
    from model import store

    return store.load(store.SHIPPED)


@pytest.fixture
def fresh_st_caches():
    """Each AppTest sees the environment it sets up, not a previous test's cached model or data."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
