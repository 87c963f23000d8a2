"""Explore: every training encoding in the latent plane; point, click or slide to decode a point.

The explorer itself (the live plane, or its still picture where the plane cannot run, beside this page's
panels) is ui/plane/explore.py's panel(); the chosen point and its keys belong to ui/explore_state.py, seeded at
the top of every run. This page draws the side panels: the sliders with the decoded digit, and the chosen
training digit beside its reconstruction.
"""

from __future__ import annotations

import streamlit as st

from ui import active_model, data_status, digit_tiles, explore_state, plane, router
from ui.explore_state import Pick
from ui.images import to_png

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

IMAGE_PX = 224  # decoded digit on screen: 8 screen pixels per MNIST pixel
PICKED_PX = 140


# ---- widgets -----------------------------------------------------------------------------------


def decoder_panel(bundle) -> None:
    """Sliders, the decoded digit, its coordinates and a PNG download."""
    z1, z2 = explore_state.sliders_ui(bundle)
    png = to_png(bundle.codec.decode_image(z1, z2), IMAGE_PX)
    with st.container(key="explore_decoded"):  # st-key-explore_decoded: a handle for tests
        st.image(digit_tiles.data_uri(png), width=IMAGE_PX)
        st.markdown(f"**Decoded** at z1 = `{z1:.3f}`, z2 = `{z2:.3f}`")
    st.download_button(
        "Download PNG", png, file_name=f"decoded_z1_{z1:.3f}_z2_{z2:.3f}.png", mime="image/png",
        key="explore_download", on_click="ignore", icon=":material/download:",
    )  # fmt: skip


def picked_panel(bundle, pick: Pick) -> None:
    """The chosen training digit beside its reconstruction and label."""
    if pick.index is None:
        st.caption("Click a dot, or type a training digit's number, to compare that digit with its reconstruction.")
        return
    names = active_model.class_names(bundle)
    label = int(bundle.latent[f"y_{pick.split}"][pick.index])
    with st.container(key="explore_picked"):  # st-key-explore_picked: a handle for tests
        st.markdown(f"**Clicked:** {pick.split} digit #{pick.index}, label **{names[label]}**")
        has_data = data_status.active_data(bundle, quiet=True) is not None
        original, recon = digit_tiles.picked(
            bundle, pick.split, int(pick.index), (pick.z1, pick.z2), has_data, PICKED_PX
        )
        with st.container(horizontal=True):
            if original is not None:
                st.image(original, caption="original", width=PICKED_PX)
            else:
                st.caption("Original not available (no data set).")
            st.image(recon, caption="reconstruction", width=PICKED_PX)


# ---- page --------------------------------------------------------------------------------------

bundle = active_model.active_bundle(quiet=True)
if bundle is None:
    st.info("The explorer needs a model. See the message above for how to fix it, or pick one on the Models page.")
    st.stop()

explore_state.seed(bundle)
data_status.active_data(bundle)  # without the data set: one short line at the top saying what is off


def side_ui() -> None:
    """Sliders, decoded digit and chosen digit: beside the plane, inside its fragment."""
    decoder_panel(bundle)
    picked_panel(bundle, explore_state.pick())


plane.panel(bundle, side=side_ui)
