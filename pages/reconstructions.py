"""Reconstructions: ten consecutive training digits over the active model's reconstructions.

The tutorial's closing figure (by default digits 110-119). Needs the MNIST images themselves.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ui import active_model, data_status, digit_tiles, router

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

COUNT = 10
DEFAULT_START = 110
TILE_PX = 84  # 3 screen pixels per MNIST pixel: ten tiles fit a row


def on_random(n_train: int) -> None:
    st.session_state.recon_start = int(np.random.default_rng().integers(0, n_train - COUNT + 1))


def start_ui(n_train: int) -> int:
    """The start index and a 'Random batch' button; returns the first index shown."""
    c1, c2 = st.columns([1, 1], vertical_alignment="bottom")
    start = c1.number_input("First training index", 0, n_train - COUNT, step=COUNT, key="recon_start")
    c2.button("Random batch", key="recon_random", on_click=on_random, args=(n_train,), icon=":material/shuffle:")
    return int(start)


def grid(originals: list[bytes], recons: list[bytes], labels, start: int, names) -> None:
    """Originals over reconstructions (PNGs), one small column per digit titled with its label; wraps into rows on a phone."""
    with st.container(horizontal=True, key="recon_grid"):
        for i in range(len(originals)):
            with st.container(width=TILE_PX + 24):
                st.markdown(f"**{names[int(labels[i])]}**", help=f"training digit #{start + i}")
                st.image(originals[i], caption="original", output_format="PNG")
                st.image(recons[i], caption="reconstruction", output_format="PNG")


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
originals, recons = digit_tiles.reconstructions(bundle, start, COUNT, TILE_PX)  # PNGs, cached per model and start
st.caption(f"Training digits {start}–{start + COUNT - 1} (top) and what **{bundle.name}** makes of them (bottom).")
grid(originals, recons, y_train[start : start + COUNT], start, active_model.class_names(bundle))
