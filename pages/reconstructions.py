"""Reconstructions: ten consecutive training digits over the active model's reconstructions.

The tutorial's closing figure (by default digits 110-119). Needs the MNIST images themselves.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from model.data import to_float
from ui import active_model, data_status, router
from ui.images import to_png

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

COUNT = 10
DEFAULT_START = 110
TILE_PX = 84  # 3 screen pixels per MNIST pixel: ten tiles fit a row


def batch(x: np.ndarray, start: int, count: int = COUNT) -> np.ndarray:
    """Images start .. start+count-1 as floats in [0, 1]."""
    return to_float(x[start : start + count]).reshape(-1, *x.shape[1:])


def reconstruct(bundle, images: np.ndarray) -> np.ndarray:
    """(n, 28, 28) in [0, 1] -> the autoencoder's (n, 28, 28) reconstructions (fast NumPy path)."""
    return bundle.codec.decode(bundle.codec.encode(images)).reshape(-1, 28, 28)


def on_random(n_train: int) -> None:
    st.session_state.recon_start = int(np.random.default_rng().integers(0, n_train - COUNT + 1))


def start_ui(n_train: int) -> int:
    """The start index and a 'Random batch' button; returns the first index shown."""
    c1, c2 = st.columns([1, 1], vertical_alignment="bottom")
    start = c1.number_input("First training index", 0, n_train - COUNT, step=COUNT, key="recon_start")
    c2.button("Random batch", key="recon_random", on_click=on_random, args=(n_train,), icon=":material/shuffle:")
    return int(start)


def grid(originals, recons, labels, start: int, names) -> None:
    """Originals over reconstructions, one small column per digit titled with its label; wraps into rows on a phone."""
    with st.container(horizontal=True, key="recon_grid"):
        for i in range(len(originals)):
            with st.container(width=TILE_PX + 24):
                st.markdown(f"**{names[int(labels[i])]}**", help=f"training digit #{start + i}")
                st.image(to_png(originals[i], TILE_PX), caption="original", output_format="PNG")
                st.image(to_png(recons[i], TILE_PX), caption="reconstruction", output_format="PNG")


ss = st.session_state
if "recon_start" not in ss:
    ss.recon_start = DEFAULT_START

st.header("Reconstructions")
bundle = active_model.active_bundle(quiet=True)
if bundle is None:
    st.info("Reconstructions need a model. See the message above for how to fix it, or pick one on the Models page.")
    st.stop()
data = data_status.active_data(bundle)  # explains in plain words when the images are missing
if data is None:
    st.stop()

(x_train, y_train), _ = data
start = start_ui(len(x_train))
originals = batch(x_train, start)
st.caption(f"Training digits {start}–{start + COUNT - 1} (top) and what **{bundle.name}** makes of them (bottom).")
grid(originals, reconstruct(bundle, originals), y_train[start : start + COUNT], start, active_model.class_names(bundle))
