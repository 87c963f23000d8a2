"""The explorer on the Explore and Upload pages: the live plane, or its still picture where it cannot run.

Explore (pages/explore.py):

    plane.panel(bundle, side=side_ui)   # side(): the page's sliders, decoded digit and picked digit

panel() draws, in one st.fragment (a click or slider move reruns only it): the live plane and, beside
it, side(), the 8 nearest training digits of a chosen training digit, and a box that jumps to a training
index. Where the plane cannot run (LATENT_EXPLORER_LIVE=0, a decoder the browser cannot run, or its
JavaScript reported an error) one line says why and a still picture of the plane (ui/plane/picture.py)
takes its place, with the chosen point marked; the sliders and the jump box still choose points.
A click or a jump calls explore_state.choose (ui/explore_state.py owns the chosen point's keys).
Upload: upload_map(bundle, z) draws the plane with the digit's star, or the picture with it.
"""

from __future__ import annotations

import io

import numpy as np
import streamlit as st
from PIL import Image

from model.plane.views import around
from model.settings import settings
from ui import active_model, data_status, digit_tiles, explore_state, selection, selection_panel
from ui.plane import picture, share
from ui.plane.component import live_plane, unavailable

KEY = "explore_plane"
UPLOAD_KEY = "upload_plane"


def can_run(bundle, key: str) -> bool:
    """Whether the live plane runs here for this model; if it cannot, says why in one line first."""
    if not settings().live:
        return False
    why = unavailable(bundle, key, active_model.class_names(bundle))
    if why:
        st.caption(why)
    return why is None


@st.fragment
def panel(bundle, *, side) -> None:
    """The live plane (else its picture) beside side(), the chosen digit's neighbours and the jump box."""
    live = can_run(bundle, KEY)
    plane_col, side_col = st.columns([3, 1], gap="small")
    # Drawn first (a slider moved in this run decides the marker). With the live plane its own preview shows
    # the digit, large, beside the plot, so on a phone the plane stays on top; with the picture, explore_side
    # puts the digit first. The side column wraps under the plane where both do not fit (ui/router.py's CSS).
    with side_col, st.container(key="explore_side_col"), st.container(key=None if live else "explore_side"):
        with st.expander("Sliders and the clicked digit", expanded=True, icon=":material/tune:"):
            side()
            pick = explore_state.pick()
            neighbours_ui(bundle, pick.index)
            jump_ui(bundle)
    with plane_col, st.container(key="explore_plane_col"):
        if not live:
            point = (pick.z1, pick.z2)
            picture.show(bundle, explore_state.view(bundle), marker=point, key="explore_picture")
            st.caption("Move the sliders, or type a training digit's number, to choose a point.")
            return
        share.from_url(bundle)
        shared = share.restore(bundle)
        if share.note():
            st.caption(share.note())
        res = live_plane(
            bundle, key=KEY, classes=active_model.class_names(bundle), marker=(pick.z1, pick.z2), index=pick.index,
            view=(shared or {}).get("view") or explore_state.view(bundle),
            on_click=lambda a, b, i: explore_state.choose(bundle, a, b, i), replay=active_model.replay_note(bundle) is None, restore=shared, share=True,
            selection=selection.for_plane((bundle,)), on_select=lambda v: selection.on_select((bundle,), 0, v),
        )  # fmt: skip
        if not res.ok:  # its JavaScript reported an error: redraw the whole page with the picture
            st.rerun(scope="app")
        interp_downloads(bundle, res.interp)
        if active_model.replay_note(bundle):
            st.caption(active_model.replay_note(bundle))
        st.caption(
            "Move the pointer over the plane to decode it live; click to choose a point (a dot: that digit). "
            "Legend: hide a digit; scroll to zoom, drag to pan, double-click to reset."
        )
        selection_panel.panel_ui((bundle,))  # the box / lasso selection: count, histogram, gallery, downloads


def neighbours_ui(bundle, index: int | None) -> None:
    """The 8 training digits nearest to a clicked data point (they are ringed on the plane too)."""
    if index is None:
        return
    has_data = data_status.active_data(bundle, quiet=True) is not None  # the page said once, at the top, if not
    idx, dist, pngs = digit_tiles.neighbours(bundle, int(index), has_data, 56)  # cached: the same on every rerun
    names, labels = active_model.class_names(bundle), bundle.latent["y_train"]
    with st.container(key="explore_neighbours"):
        st.markdown("**8 nearest training digits** (ringed on the plane)")
        st.image(
            pngs,
            caption=[f"#{i} · {names[labels[i]]} · {d:.2f}" for i, d in zip(idx, dist, strict=True)],
            width=56,
        )


def jump_ui(bundle) -> None:
    """A box that chooses training digit #i (its encoding, with its index)."""
    n = len(bundle.latent["z_train"])

    def jump() -> None:
        i = st.session_state.get("explore_jump")
        if i is not None and 0 <= int(i) < n:
            explore_state.choose(bundle, *(float(v) for v in bundle.latent["z_train"][int(i)]), int(i))

    st.number_input(f"Go to training digit # (0–{n - 1:,})", 0, n - 1, value=None, step=1, key="explore_jump", on_change=jump)  # fmt: skip


def interp_frames(codec, a, b, k: int) -> np.ndarray:
    """(k, 28, 28) decoded digits evenly along the straight path a -> b."""
    t = np.linspace(0.0, 1.0, int(k), dtype=np.float32)[:, None]
    z = (1 - t) * np.asarray(a, np.float32) + t * np.asarray(b, np.float32)
    return codec.decode(z).reshape(-1, 28, 28)


def gif_bytes(frames: np.ndarray, scale: int = 4, ms: int = 120) -> bytes:
    """An endless animated GIF of the frames (and back), nearest-neighbour scaled."""
    ims = [Image.fromarray((np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8)).resize((28 * scale,) * 2, Image.NEAREST) for f in frames]  # fmt: skip
    ims += ims[-2:0:-1]
    buf = io.BytesIO()
    ims[0].save(buf, format="GIF", save_all=True, append_images=ims[1:], duration=ms, loop=0)
    return buf.getvalue()


def interp_downloads(bundle, interp) -> None:
    """Download the interpolation the plane shows as an animated GIF (its strip PNG is a button on the plane)."""
    try:
        a, b, k = interp["a"], interp["b"], int(interp["k"])
    except (TypeError, KeyError, ValueError):
        return
    if not (5 <= k <= 30):
        return
    st.download_button(
        "Download the interpolation as GIF", gif_bytes(interp_frames(bundle.codec, a, b, k)),
        file_name="interpolation.gif", mime="image/gif", key="explore_interp_gif", on_click="ignore",
        icon=":material/animation:",
    )  # fmt: skip


SIGMA_CAPTION = (
    "This model is a VAE: its encoder gives your digit a centre μ (the star) and a spread σ, drawn as the "
    "1σ and 2σ ellipses. In training the decoder never saw μ itself but z = μ + σ·ε, with ε fresh random "
    "noise each time (the reparameterisation trick), so every point of that cloud should decode to much the "
    "same digit: **Resample** draws new ε and decodes them, in your browser."
)
NO_SIGMA_CAPTION = "This model is a plain autoencoder: it puts your digit at one point, so there is no σ to show."


def upload_map(bundle, z, sigma=None) -> None:
    """The Upload page's map, zoomed to the digit's neighbourhood: the live plane with its star (and a VAE's
    sigma ellipses and Resample strip), else the picture."""
    star = (float(z[0]), float(z[1]))
    zoom = around(bundle.latent["z_train"], star)  # a new digit zooms again (its view differs)
    if can_run(bundle, UPLOAD_KEY):
        _upload_fragment(bundle, star, zoom, None if sigma is None else (float(sigma[0]), float(sigma[1])))
    else:
        picture.show(bundle, zoom, star=star, key="upload_picture")


@st.fragment
def _upload_fragment(bundle, star, zoom, sigma) -> None:
    res = live_plane(
        bundle, key=UPLOAD_KEY, classes=active_model.class_names(bundle), star=star, view=zoom, sigma=sigma,
        selection=selection.for_plane((bundle,)), on_select=lambda v: selection.on_select((bundle,), 0, v),
    )  # fmt: skip
    if not res.ok:  # its JavaScript reported an error: redraw the page with the picture
        st.rerun(scope="app")
    st.caption(SIGMA_CAPTION if sigma is not None else NO_SIGMA_CAPTION)
    selection_panel.panel_ui((bundle,))  # the same selection as on Explore (one per session and model)
