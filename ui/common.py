"""Shared page helpers: the active model, cached loading, query parameters, images.

Pages import this and model/; model/ never imports streamlit.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image

from model.data import CLASS_NAMES, DataError
from model.data_cache import mapped
from model.folders import library, store
from model.folders.library import NAME_RE, Library, LibraryError
from model.folders.store import ModelError
from model.images.pixels import to_uint8
from model.net import views

DEFAULT_NAME = "default"  # the shipped model's name in the URL and the library


def library_dir() -> Path:
    """Where user-trained and uploaded models live (model.folders.library.Library: settings, else ./models)."""
    return Library().root


def model_path(name: str) -> Path:
    """A shipped model's folder or library/name; LibraryError for anything that is not a model name."""
    return Library().path(name)


@st.cache_resource(show_spinner="Loading the model…", max_entries=8)
def load_bundle(path: str, mtime: float) -> store.Bundle:
    """Models, fast codec, meta and latent encodings; `mtime` busts the cache on a re-save."""
    return store.load(path)


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


@st.cache_data(show_spinner=False, max_entries=16)
def opening(path: str, mtime: float, _latent) -> tuple[int, tuple]:
    """(the opening digit's training index, the core box the plane opens on), once per model version."""
    z = _latent["z_train"]
    return views.typical_index(z, _latent["y_train"]), views.core_box(z)


def opening_of(bundle: store.Bundle) -> tuple[tuple[float, float], tuple]:
    """((z1, z2) of the model's opening digit, its core box ((x0, x1), (y0, y1)))."""
    i, box = opening(str(bundle.path), folder_mtime(bundle.path), bundle.latent)
    return tuple(float(v) for v in bundle.latent["z_train"][i]), box


def trigger(key: str, name: str):
    """A Components v2 trigger value `name` from the component with this widget key, or None."""
    value = st.session_state.get(key)
    return value.get(name) if hasattr(value, "get") else getattr(value, name, None)


def folder_mtime(path: Path) -> float:
    try:
        return (path / store.META_FILE).stat().st_mtime
    except OSError:
        return 0.0


def init_state() -> None:
    """Session state, set up once per session; the URL's ?model= wins on first load (?z1=&z2=: ui/explore_state.py)."""
    ss = st.session_state
    if "initialised" in ss:
        return
    ss.model_name = st.query_params.get("model", DEFAULT_NAME)
    ss.initialised = True


def active_bundle(quiet: bool = False) -> store.Bundle | None:
    """The active model, or None after explaining in plain words what is wrong.

    app.py calls this once per run (and shows any error); pages call it with quiet=True.
    """
    name = st.session_state.get("model_name", DEFAULT_NAME)
    if not quiet and name != DEFAULT_NAME and st.query_params.get("model") != name:
        st.query_params["model"] = name  # a page switch drops the query string; links keep the model
    try:
        path = model_path(name)
        return load_bundle(str(path), folder_mtime(path))
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


def dataset_of(bundle: store.Bundle) -> str:
    return bundle.meta.get("dataset", "mnist")


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


def set_active_model(name: str) -> None:
    ss = st.session_state
    ss.model_name = name
    # A new switcher widget for every switch: a page whose sidebar still shows the old pill (a click
    # that lands before the rerun's redraw) then sends the *old* widget's unchanged value, which can no
    # longer read as a click on the old model and switch back.
    ss.switcher_gen = ss.get("switcher_gen", 0) + 1
    st.query_params["model"] = name


def url_point(z: tuple[float, float] | None) -> None:
    """?z1=&z2= for the chosen point, or neither (only ui/explore_state.py calls this). One URL change, so one browser history entry: setting
    the two one after the other made two, and Back then landed on a point half old, half new."""
    qp = st.query_params
    if z is not None:
        qp.update(z1=f"{z[0]:.4f}", z2=f"{z[1]:.4f}")
    elif "z1" in qp or "z2" in qp:
        qp.from_dict({k: v for k, v in qp.to_dict().items() if k not in ("z1", "z2")})


def replay_note(bundle: store.Bundle) -> str | None:
    """Why a model has no Replay row (an imported model has no training to replay), else None."""
    if bundle.meta.get("origin") == "imported":
        return f"No Replay for {bundle.name}: it was imported from a Keras file, which holds no training history."
    return None


def class_names(bundle: store.Bundle) -> tuple[str, ...]:
    return CLASS_NAMES.get(bundle.meta.get("dataset", "mnist"), CLASS_NAMES["mnist"])


def to_png(img: np.ndarray, size: int = 224) -> bytes:
    """A [0, 1] 28 x 28 float image as PNG bytes, upscaled with crisp (nearest) pixels."""
    pil = Image.fromarray(to_uint8(img))
    if size and size != pil.width:
        pil = pil.resize((size, size * pil.height // pil.width), Image.NEAREST)
    buf = io.BytesIO()
    pil.save(buf, format="PNG")
    return buf.getvalue()


def model_names() -> tuple[list[str], set[str]]:
    """(every model name, shipped first then the library's by name; the shipped ones). No meta.json is read."""
    lib = Library()
    shipped = [n for n, p in lib.shipped().items() if p.is_dir()]
    names = list(shipped)
    if lib.root.is_dir():
        for p in sorted(lib.root.iterdir(), key=lambda p: p.name.lower()):
            if p.is_dir() and not p.name.startswith(".") and NAME_RE.fullmatch(p.name) and p.name not in names:
                names.append(p.name)
    return names, set(shipped)


def switcher_key() -> str:
    """The sidebar switcher's widget key; it changes with every switch (see set_active_model)."""
    return f"sidebar_model_{st.session_state.get('switcher_gen', 0)}"


def _on_switch(key: str) -> None:
    name = st.session_state.get(key)
    if name:  # None: the active pill was clicked again (deselected); the next run shows it again
        set_active_model(name)


def switcher_ui() -> str:
    """One click on a model's pill makes it the active model on every page; the URL's ?model= follows."""
    ss = st.session_state
    active = ss.get("model_name", DEFAULT_NAME)
    names, shipped = model_names()
    if active not in names and NAME_RE.fullmatch(active):
        names.append(active)  # e.g. a ?model= that does not load: still shown as the active one
    key = switcher_key()
    ss[key] = active if active in names else None  # seeded from the durable model_name every run
    st.pills(
        "Model", names, key=key, on_change=_on_switch, args=(key,),
        help=f"One click makes a model active on every page. Shipped: {', '.join(sorted(shipped))}; the others "
        "are your library's (the Models page manages them). The Compare page shows two side by side.",
    )  # fmt: skip
    return active


def sidebar(bundle: store.Bundle | None) -> None:
    """The model switcher and the active model's facts in the sidebar."""
    with st.sidebar:
        switcher_ui()
        st.subheader("Active model")
        if bundle is None:
            st.caption("No model loaded.")
            return
        m = bundle.meta
        names = class_names(bundle)
        st.markdown(f"**{bundle.name}** · {m.get('dataset', 'mnist')}")
        st.caption(library.summary(m))
        trained = "imported" if m.get("origin") == "imported" else f"{m.get('epochs', '?')} epochs"
        st.caption(f"{trained} · test BCE {m.get('test_bce', float('nan')):.4f} · {m.get('params', 0):,} parameters")
        if not names[0].isdigit():
            st.caption("Classes: " + ", ".join(names))
