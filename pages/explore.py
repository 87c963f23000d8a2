"""Explore: every training encoding in the latent plane; click or slide to decode a point.

State (set up once per session, below):
    explore_z        the chosen (z1, z2): from a click, the sliders or the URL (?z1=&z2=)
    explore_pick     Pick of the last click (or the link's point): index set for a data point
    explore_z1/_z2   the sliders' values (a click moves them)
    explore_drawn    (model, look) the chart was last built for, and explore_anchor the Pick
                     pre-selected in it; explore_model the model the state belongs to

A click does not change the 60,000-point figure: plotly marks the clicked point itself, so the
browser neither receives nor redraws the chart. The figure is rebuilt only when its look or
the model changes, with the latest pick pre-selected (see scatter.with_selection).

LATENT_EXPLORER_BASELINE=1 runs the plain version bench/explorer_latency.py compares against:
no fragment, Keras's predict, a marker trace added to the figure on every click, no gc.freeze.
"""

from __future__ import annotations

import base64
import gc
import os
from functools import partial

import numpy as np
import streamlit as st

from pages import common
from pages.scatter import (
    Pick,
    figure_roles,
    latent_extent,
    latent_figure,
    parse_selection,
    round_out,
    slider_step,
    with_marker,
    with_selection,
)
from ui import live_explore

common.ensure_router()  # a direct link on a fresh server must still go through app.py

BASELINE = os.environ.get("LATENT_EXPLORER_BASELINE") == "1"
CHART_KEY = "explore_chart"
IMAGE_PX = 280  # decoded digit on screen: 10 screen pixels per MNIST pixel


# ---- computation -------------------------------------------------------------------------------


def clamp(v: float, lo: float, hi: float) -> float:
    return float(min(max(v, lo), hi))


def decode(bundle, z1: float, z2: float) -> np.ndarray:
    """28 x 28 image for (z1, z2): the NumPy codec, or Keras's predict for the baseline."""
    if BASELINE:
        return bundle.models.decoder.predict(np.array([[z1, z2]], dtype=np.float32), verbose=0)[0].reshape(28, 28)
    return bundle.codec.decode_image(z1, z2)


def extent_of(bundle):
    """Axis and slider ranges: all encodings (train and test) plus a small margin, fixed per model.

    Ends are rounded out to whole slider steps, so slider values are round numbers.
    """
    lat = bundle.latent
    ext = latent_extent(np.concatenate([lat["z_train"], lat["z_test"]]))
    return tuple(round_out(lo, hi, slider_step(lo, hi)) for lo, hi in ext)


@st.cache_resource(show_spinner=False, max_entries=8)
def base_figure(path: str, mtime: float, show_test: bool, size: float, opacity: float, _bundle):
    """The heavy 60,000-point figure, built once per model and look; a click only adds a marker to it."""
    lat = _bundle.latent
    return latent_figure(
        lat["z_train"], lat["y_train"], common.class_names(_bundle),
        show_test=show_test, z_test=lat["z_test"], y_test=lat["y_test"],
        point_size=size, opacity=opacity, extent=extent_of(_bundle),
    )  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=8)
def freeze_heap(path: str, mtime: float) -> bool:
    """Hide what is loaded so far (TensorFlow, the model) from the garbage collector, once per model.

    Streamlit runs a full gc.collect() after every script run, holding the GIL while it walks
    TensorFlow's millions of objects (0.1-0.3 s here), and a fragment's few messages wait for
    it. gc.freeze() moves today's objects out of its sight; refcounting still frees them.
    """
    gc.freeze()
    return True


def data_uri(png: bytes) -> str:
    """The PNG inline in the page: no second request for the image while the server is busy."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def original_image(bundle, pick: Pick) -> np.ndarray | None:
    """The picked digit's image in [0, 1], or None after the plain-words message when data is missing."""
    data = common.active_data(bundle)  # None after saying what is missing and how to fix it
    if data is None:
        return None
    (x_train, _), (x_test, _) = data
    return (x_train if pick.split == "train" else x_test)[pick.index] / 255.0


def set_url(z1: float, z2: float) -> None:
    st.query_params["z1"] = f"{z1:.4f}"
    st.query_params["z2"] = f"{z2:.4f}"


def choose(z1: float, z2: float, extent) -> None:
    """Make (z1, z2) the chosen point: sliders and URL follow."""
    ss = st.session_state
    (x0, x1), (y0, y1) = extent
    z1, z2 = clamp(z1, x0, x1), clamp(z2, y0, y1)
    ss.explore_z = (z1, z2)
    ss.explore_z1, ss.explore_z2 = z1, z2
    set_url(z1, z2)


def on_chart_select(latent, extent) -> None:
    """Copy a click into our own state: a rebuilt figure (new look) would forget the chart's selection."""
    ss = st.session_state
    pick = parse_selection(ss[CHART_KEY]["selection"], ss.get("explore_roles", ()))
    if pick is None:  # a click that deselected, a double-click reset, nothing usable
        return
    if pick.index is not None:  # the exact encoding, not the float the browser sent back
        z1, z2 = (float(v) for v in latent[f"z_{pick.split}"][pick.index])
        pick = Pick(z1, z2, pick.index, pick.split)
    ss.explore_pick = pick
    choose(pick.z1, pick.z2, extent)


def init_page_state(bundle, extent) -> None:
    """Once per session: the URL's point if there is one, else the middle of the training encodings.

    A later switch to another model drops the clicked digit (its encoding belongs to the old model).
    """
    ss = st.session_state
    model = str(bundle.path)
    if "explore_z" in ss:
        if ss.explore_model != model:  # another model: its encodings differ, so forget the old pick
            ss.explore_model, ss.explore_pick, ss.explore_anchor = model, None, None
        return
    ss.explore_model = model
    ss.explore_pick = None
    ss.explore_drawn = None
    ss.explore_anchor = None
    if ss.get("url_z") is not None:
        choose(*ss.url_z, extent)
        ss.explore_pick = Pick(*ss.explore_z)
    else:
        z1, z2 = (float(v) for v in np.median(bundle.latent["z_train"], axis=0))
        choose(z1, z2, extent)
        st.query_params.pop("z1", None)  # the default point is not worth a URL
        st.query_params.pop("z2", None)


def chart_figure(bundle, look):
    """The cached figure with the chosen point marked, rebuilt only when the model or look changes."""
    ss = st.session_state
    base = base_figure(str(bundle.path), common.folder_mtime(bundle.path), *look, bundle)
    if BASELINE:  # the plain way: a marker trace, so every click changes (and re-sends) the figure
        pick = ss.explore_pick
        return with_marker(base, None if pick is None else (pick.z1, pick.z2))
    drawn = (str(bundle.path), look)
    if ss.explore_drawn != drawn:  # new look: show the latest pick; until then plotly shows clicks
        ss.explore_drawn, ss.explore_anchor = drawn, ss.explore_pick
    return with_selection(base, ss.explore_anchor)


# ---- widgets -----------------------------------------------------------------------------------


def look_ui() -> tuple[bool, float, float]:
    """Chart options: show test digits, point size, opacity."""
    with st.expander("Chart options"):
        c1, c2, c3 = st.columns(3)
        show_test = c1.toggle("Show the 10,000 test digits", key="explore_show_test")
        size = c2.slider("Point size", 1, 8, 3, key="explore_point_size")
        opacity = c3.slider("Opacity", 0.1, 1.0, 0.6, 0.05, key="explore_opacity")
    return show_test, float(size), float(opacity)


def sliders_ui(extent) -> tuple[float, float]:
    """The z1 and z2 sliders over the encodings' range; their values live in session state."""
    ss = st.session_state
    (x0, x1), (y0, y1) = extent
    # A model switch can leave a value outside the new range; streamlit would refuse it.
    ss.explore_z1, ss.explore_z2 = clamp(ss.explore_z1, x0, x1), clamp(ss.explore_z2, y0, y1)
    z1 = st.slider("z1", x0, x1, step=slider_step(x0, x1), format="%.2f", key="explore_z1")
    z2 = st.slider("z2", y0, y1, step=slider_step(y0, y1), format="%.2f", key="explore_z2")
    return float(z1), float(z2)


def decoder_panel(bundle, extent) -> None:
    """Sliders, the decoded digit, its coordinates and a PNG download."""
    ss = st.session_state
    z1, z2 = sliders_ui(extent)
    if (z1, z2) != ss.explore_z:  # the sliders moved: they are the chosen point now
        ss.explore_z = (z1, z2)
        set_url(z1, z2)
    png = common.to_png(decode(bundle, z1, z2), IMAGE_PX)
    with st.container(key="explore_decoded"):  # st-key-explore_decoded: a handle for tests
        st.image(data_uri(png), width=IMAGE_PX)
        st.markdown(f"**Decoded** at z1 = `{z1:.3f}`, z2 = `{z2:.3f}`")
    st.download_button(
        "Download PNG", png, file_name=f"decoded_z1_{z1:.3f}_z2_{z2:.3f}.png", mime="image/png",
        key="explore_download", on_click="ignore", icon=":material/download:",
    )  # fmt: skip


# A slider move reruns only this panel, not the 60,000-point chart (the baseline reruns everything).
decoder_fragment = decoder_panel if BASELINE else st.fragment(decoder_panel)


def picked_panel(bundle, pick: Pick | None) -> None:
    """The clicked training digit beside its reconstruction and label."""
    if pick is None or pick.index is None:
        st.caption(
            "Click a dot on the chart to compare that digit with its reconstruction; click empty space to decode it."
        )
        return
    names = common.class_names(bundle)
    label = int(bundle.latent[f"y_{pick.split}"][pick.index])
    with st.container(key="explore_picked"):  # st-key-explore_picked: a handle for tests
        st.markdown(f"**Clicked:** {pick.split} digit #{pick.index}, label **{names[label]}**")
        c1, c2 = st.columns(2)
        original = original_image(bundle, pick)
        if original is not None:
            c1.image(data_uri(common.to_png(original, 140)), caption="original", width=140)
        else:
            c1.caption("Original not available (no data set).")
        recon = decode(bundle, pick.z1, pick.z2)
        c2.image(data_uri(common.to_png(recon, 140)), caption="reconstruction", width=140)


# ---- page --------------------------------------------------------------------------------------

bundle = common.active_bundle(quiet=True)
if bundle is None:
    st.info("The explorer needs a model. See the message above for how to fix it, or pick one on the Models page.")
    st.stop()

if not BASELINE:
    freeze_heap(str(bundle.path), common.folder_mtime(bundle.path))
extent = extent_of(bundle)
init_page_state(bundle, extent)
ss = st.session_state

side = lambda: (decoder_panel(bundle, extent), picked_panel(bundle, ss.explore_pick))  # noqa: E731
if not BASELINE and live_explore.panel(bundle, extent, side=side):  # the live plane; else the server chart
    st.stop()
chart_col, side_col = st.columns([3, 2], gap="medium")
# The side column is filled first so its small deltas (decoded image) reach the browser before the chart's.
with side_col:
    decoder_fragment(bundle, extent)
    picked_panel(bundle, ss.explore_pick)

with chart_col:
    look = look_ui()
    fig = chart_figure(bundle, look)
    ss.explore_roles = figure_roles(fig)
    st.plotly_chart(
        fig, key=CHART_KEY, on_select=partial(on_chart_select, bundle.latent, extent), selection_mode="points",
        config={"displaylogo": False, "scrollZoom": True},
    )  # fmt: skip
    st.caption(
        f"{len(bundle.latent['z_train']):,} training digits, one colour per label: click the legend to hide one, "
        "scroll to zoom, drag to pan. The clicked point is drawn black (a cross on empty space)."
    )
