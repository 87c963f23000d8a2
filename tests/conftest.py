"""Shared test set-up: the MNIST arrays, the shipped model, clean Streamlit caches.

MNIST is found like training finds it (model/data.py): $LATENT_EXPLORER_DATA if set, else Keras's
cache (~/.keras/datasets/mnist.npz), else a download of Keras's file into that cache (model/download.py). No path beside the repository is
assumed; .ci/run sets LATENT_EXPLORER_DATA to ../shared/data/mnist.npz where that file exists.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# AppTest runs no JavaScript: page tests see the live plane as the state the page sends it (its marker,
# index, view); tests of the still picture set LATENT_EXPLORER_LIVE=0; e2e fixtures choose per server.


def pytest_collection_modifyitems(config, items):
    """Grouped modules first. The suite runs in parallel workers (pytest-xdist, --dist loadgroup): a module
    with module-scoped fixtures (a server, a trained model) is one xdist_group, so they are built once, and
    its tests run in one worker. Handing out these long units first and the single tests after keeps every
    worker busy to the end (tests/test_suite_layout.py checks the marks). A single test marked `long` (20 s or
    more) goes first too, for the same reason."""
    items.sort(
        key=lambda item: item.get_closest_marker("xdist_group") is None and item.get_closest_marker("long") is None
    )


def pytest_sessionfinish(session):
    """Remove the static folder the harness servers filled (plotly.js, the plane's code and data, each named by
    its hash, so every change of the code left one more copy behind). Once, in the process that ran the
    workers, after all of them: a worker's own end may come while another worker's server still serves it."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(Path(__file__).parent / "e2e" / "apps" / "static", ignore_errors=True)


def have_mnist() -> bool:
    from model.data import DataError, load_dataset

    try:
        load_dataset("mnist", download=True)
    except DataError:
        return False
    return True


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST arrays ((x_train, y_train), (x_test, y_test)), or skip."""
    from model.data import DataError, load_dataset

    try:
        return load_dataset("mnist", download=True)
    except DataError as e:
        pytest.skip(f"MNIST not available: {e}")


@pytest.fixture(scope="session")
def shipped():
    """The shipped default model's bundle."""
    from model.folders import store

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


@pytest.fixture
def data_host(monkeypatch, tmp_path):
    """A stand-in data host on 127.0.0.1 (tests/data_host.py), no MNIST variable and an empty Keras cache
    (tmp_path/keras); yields the handler class whose `files` the test fills."""
    from tests.data_host import serve

    with serve() as (url, handler):
        monkeypatch.setenv("LATENT_EXPLORER_DATA_HOST", url)
        monkeypatch.setenv("LATENT_EXPLORER_KERAS_HOME", str(tmp_path / "keras"))
        monkeypatch.delenv("LATENT_EXPLORER_DATA", raising=False)
        yield handler


@pytest.fixture(scope="session")
def keras_files(tmp_path_factory):
    """Real .keras and .h5 files a user might import, saved by Keras (tests/keras_files.py): name -> path."""
    from tests.keras_files import make_all

    return make_all(tmp_path_factory.mktemp("keras-files"))
