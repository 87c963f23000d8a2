"""The active model: its name in the session and the URL, loading a model, and what pages read of it.

    bundle = active_model.active_bundle(quiet=True)    # None when it cannot be loaded
    active_model.set_active_model("mine")             # on every page; the URL's ?model= follows

Pages import this and model/; model/ never imports streamlit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from model.data import CLASS_NAMES
from model.folders import store
from model.folders.library import DEFAULT_NAME, NAME_RE, Library, LibraryError
from model.folders.store import ModelError
from model.plane import views
from ui.model_cache import per_version


def model_path(name: str) -> Path:
    """A shipped model's folder or library/name; LibraryError for anything that is not a model name."""
    return Library().path(name)


@per_version(resource=True, show_spinner="Loading the model…", max_entries=8)
def load_bundle(path: Path) -> store.Bundle:
    """Models, fast codec, meta and latent encodings, once per saved version of the folder."""
    return store.load(path)


@per_version(max_entries=16)
def opening(bundle: store.Bundle) -> tuple[int, tuple]:
    """(the opening digit's training index, the core box the plane opens on), once per model version."""
    z = bundle.latent["z_train"]
    return views.typical_index(z, bundle.latent["y_train"]), views.core_box(z)


def opening_of(bundle: store.Bundle) -> tuple[tuple[float, float], tuple]:
    """((z1, z2) of the model's opening digit, its core box ((x0, x1), (y0, y1)))."""
    i, box = opening(bundle)
    return tuple(float(v) for v in bundle.latent["z_train"][i]), box


def init_state() -> None:
    """Session state, set up once per session; the URL's ?model= wins on first load (?z1=&z2=: ui/explore_state.py)."""
    ss = st.session_state
    if "initialised" in ss:
        return
    ss.model_name = st.query_params.get("model", DEFAULT_NAME)
    ss.initialised = True


def active_bundle(quiet: bool = False) -> store.Bundle | None:
    """The active model, or None after explaining in plain words what is wrong.

    ui/router.py calls this once per run (and shows any error); pages call it with quiet=True.
    """
    name = st.session_state.get("model_name", DEFAULT_NAME)
    if not quiet and name != DEFAULT_NAME and st.query_params.get("model") != name:
        st.query_params["model"] = name  # a page switch drops the query string; links keep the model
    try:
        return load_bundle(model_path(name))
    except (ModelError, LibraryError) as e:
        if quiet:
            return None
        shown = name if NAME_RE.fullmatch(name) else "named in the link"  # never echo a NUL or markup
        st.error(
            f"The model **{shown}** could not be loaded: {str(e).rstrip('.')}.\n\n"
            "Pick another model on the Models page, or remake the shipped one with "
            "`python -m model train --config default --out assets/models/default`."
        )
        if name != DEFAULT_NAME and st.button("Switch back to the shipped model", key="fallback_default"):
            set_active_model(DEFAULT_NAME)
            st.rerun()
        return None


def set_active_model(name: str) -> None:
    ss = st.session_state
    ss.model_name = name
    # A new switcher widget for every switch: a page whose sidebar still shows the old pill (a click
    # that lands before the rerun's redraw) then sends the *old* widget's unchanged value, which can no
    # longer read as a click on the old model and switch back.
    ss.switcher_gen = ss.get("switcher_gen", 0) + 1
    st.query_params["model"] = name


def dataset_of(bundle: store.Bundle) -> str:
    return bundle.meta.get("dataset", "mnist")


def class_names(bundle: store.Bundle) -> tuple[str, ...]:
    """The model's class names: as recorded in its folder (a user's data set), else the built-in set's,
    else numbers for every label it has (an older folder whose data set is not here)."""
    recorded = bundle.meta.get("class_names")
    if recorded:
        return tuple(recorded)
    name = dataset_of(bundle)
    if name in CLASS_NAMES:
        return CLASS_NAMES[name]
    top = int(max(np.max(bundle.latent["y_train"], initial=0), np.max(bundle.latent["y_test"], initial=0)))
    return tuple(str(k) for k in range(top + 1))


def replay_note(bundle: store.Bundle) -> str | None:
    """Why a model has no Replay row (an imported model has no training to replay), else None."""
    if bundle.meta.get("origin") == "imported":
        return f"No Replay for {bundle.name}: it was imported from a Keras file, which holds no training history."
    return None
