"""Explore: every training encoding in the latent plane; click or slide to decode a point.

State (seeded at the top of every run from the durable keys; see init_page_state):
    explore_z        durable: the chosen (z1, z2), from a click, the sliders, the URL or the Upload page
    explore_pick     durable: Pick of the last click (or the link's point); index set for a data point
    explore_model    durable: the model the state belongs to (another model drops the pick)
    explore_drawn    (model, look) the chart was last built for; explore_anchor the Pick pre-selected in it
    explore_z1/_z2   the sliders: views of explore_z, re-seeded from it on every run (Streamlit drops a
                     widget's state while its page is not shown); moving one writes explore_z

chart_ui() draws the chart and returns nothing; a click lands in on_chart_select, which sets
explore_pick and explore_z. A click does not change the 60,000-point figure: plotly marks the
clicked point itself. The figure is rebuilt only when its look or the model changes, with the
latest pick pre-selected (see scatter.with_selection).
"""

from __future__ import annotations

import base64
from functools import partial

import numpy as np
import streamlit as st

from model.net.views import union
from ui import common, live_explore, router
from ui.scatter import (
    CONFIG,
    Pick,
    figure_roles,
    latent_extent,
    latent_figure,
    parse_selection,
    round_out,
    slider_step,
    with_selection,
    with_view,
)

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

CHART_KEY = "explore_chart"
IMAGE_PX = 224  # decoded digit on screen: 8 screen pixels per MNIST pixel
PICKED_PX = 140
CHART_MAX_HEIGHT = 660  # px: chart, options and caption fit a 900 px high window


# ---- computation -------------------------------------------------------------------------------


def clamp(v: float, lo: float, hi: float) -> float:
    return float(min(max(v, lo), hi))


def extent_of(bundle):
    """Axis and slider ranges: all encodings (train and test) plus a small margin, fixed per model.

    Ends are rounded out to whole slider steps, so slider values are round numbers.
    """
    lat = bundle.latent
    ext = latent_extent(np.concatenate([lat["z_train"], lat["z_test"]]))
    return tuple(round_out(lo, hi, slider_step(lo, hi)) for lo, hi in ext)


@st.cache_resource(show_spinner=False, max_entries=8)
def base_figure(path: str, mtime: float, show_test: bool, size: float, opacity: float, _bundle):
    """The heavy 60,000-point figure, built once per model and look."""
    lat = _bundle.latent
    _, view = common.opening_of(_bundle)  # opens on the dense core; a double-click shows everything
    (x0, x1), (y0, y1) = view
    height = int(min(CHART_MAX_HEIGHT, 95 + 520 * (y1 - y0) / max(x1 - x0, 1e-9)))
    return latent_figure(
        lat["z_train"], lat["y_train"], common.class_names(_bundle),
        show_test=show_test, z_test=lat["z_test"], y_test=lat["y_test"],
        point_size=size, opacity=opacity, extent=extent_of(_bundle), view=view, height=max(height, 375),
    )  # fmt: skip


def data_uri(png: bytes) -> str:
    """The PNG inline in the page: no second request for the image while the server is busy."""
    return "data:image/png;base64," + base64.b64encode(png).decode()


def original_image(bundle, pick: Pick) -> np.ndarray | None:
    """The picked digit's image in [0, 1], or None when the data set is missing (said at the top)."""
    data = common.active_data(bundle, quiet=True)
    if data is None:
        return None
    (x_train, _), (x_test, _) = data
    return (x_train if pick.split == "train" else x_test)[pick.index] / 255.0


# ---- state -------------------------------------------------------------------------------------


def choose(z1: float, z2: float, extent) -> None:
    """Make (z1, z2) the chosen point (explore_z, the durable truth); sliders and URL follow."""
    (x0, x1), (y0, y1) = extent
    z1, z2 = clamp(z1, x0, x1), clamp(z2, y0, y1)
    st.session_state.explore_z = (z1, z2)
    common.url_point((z1, z2))


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


def on_slider(extent) -> None:
    """A slider moved: its value becomes the chosen point."""
    ss = st.session_state
    choose(float(ss.explore_z1), float(ss.explore_z2), extent)


def init_page_state(bundle, extent) -> None:
    """Seed every key this page reads, each run: durable keys once, widget views from them always.

    First visit: the URL's point if there is one, else the model's opening digit (model/views.py:
    deep inside the largest class, so it decodes clearly). A switch to another model drops the
    clicked digit and the point (they belong to the old model's plane) and opens on the new one's.
    """
    ss = st.session_state
    model = str(bundle.path)
    if "explore_z" not in ss:
        ss.explore_model, ss.explore_pick, ss.explore_drawn, ss.explore_anchor = model, None, None, None
        if ss.get("url_z") is not None:
            choose(*ss.url_z, extent)
            ss.explore_pick = Pick(*ss.explore_z)
        else:
            open_default(bundle, extent)
    for key in ("explore_pick", "explore_drawn", "explore_anchor", "explore_view"):
        ss.setdefault(key, None)
    if ss.get("explore_model") != model:  # another model: its encodings differ, so forget the old pick
        ss.explore_model, ss.explore_pick, ss.explore_anchor = model, None, None
        open_default(bundle, extent)
    seed_sliders(extent)


def open_default(bundle, extent) -> None:
    """Choose the model's opening digit; the URL drops z1/z2 (the default point is not worth a link)."""
    choose(*common.opening_of(bundle)[0], extent)
    common.url_point(None)


def seed_sliders(extent) -> None:
    """The sliders show explore_z (clamped: streamlit refuses a value outside a slider's range)."""
    ss = st.session_state
    (x0, x1), (y0, y1) = extent
    z1, z2 = ss.explore_z
    ss.explore_z1, ss.explore_z2 = clamp(z1, x0, x1), clamp(z2, y0, y1)


def chart_figure(bundle, look):
    """The cached figure with the chosen point marked, rebuilt only when the model or look changes."""
    ss = st.session_state
    base = base_figure(str(bundle.path), common.folder_mtime(bundle.path), *look, bundle)
    drawn = (str(bundle.path), look)
    if ss.explore_drawn != drawn:  # new look: show the latest pick; until then plotly shows clicks
        ss.explore_drawn, ss.explore_anchor = drawn, ss.explore_pick
        ss.explore_view = union(common.opening_of(bundle)[1], ss.explore_z)  # the core, and a linked point
    return with_view(with_selection(base, ss.explore_anchor), ss.explore_view, revision=str(bundle.path))


# ---- widgets -----------------------------------------------------------------------------------


def look_ui() -> tuple[tuple[bool, float, float], bool]:
    """Chart options: ((show test digits, point size, opacity), wheel zooms)."""
    with st.expander("Chart options", icon=":material/tune:"):
        c1, c2, c3, c4 = st.columns(4)
        show_test = c1.toggle("Show the 10,000 test digits", key="explore_show_test")
        wheel = c2.toggle("Mouse wheel zooms the chart", key="explore_wheel_zoom")
        size = c3.slider("Point size", 1, 8, 3, key="explore_point_size")
        opacity = c4.slider("Opacity", 0.1, 1.0, 0.6, 0.05, key="explore_opacity")
    return (show_test, float(size), float(opacity)), wheel


def chart_ui(bundle, extent) -> None:
    """The latent chart; a click sets explore_pick and explore_z (on_chart_select), read by the next run."""
    ss = st.session_state
    look, wheel = look_ui()
    fig = chart_figure(bundle, look)
    ss.explore_roles = figure_roles(fig)
    # The wheel scrolls the page unless the user asks for wheel zoom (plotly has no zoom-on-focus).
    st.plotly_chart(
        fig, key=CHART_KEY, on_select=partial(on_chart_select, bundle.latent, extent), selection_mode="points",
        config={**CONFIG, "scrollZoom": wheel},
    )  # fmt: skip
    st.caption(
        f"{len(bundle.latent['z_train']):,} training digits, one colour per label. Click a dot or empty space "
        "to decode it; drag to zoom, double-click to see every digit; click the legend to hide a digit."
    )


def sliders_ui(extent) -> tuple[float, float]:
    """The z1 and z2 sliders over the encodings' range; moving one sets explore_z."""
    (x0, x1), (y0, y1) = extent
    kw = {"format": "%.2f", "on_change": on_slider, "args": (extent,)}
    z1 = st.slider("z1", x0, x1, step=slider_step(x0, x1), key="explore_z1", **kw)
    z2 = st.slider("z2", y0, y1, step=slider_step(y0, y1), key="explore_z2", **kw)
    return float(z1), float(z2)


def decoder_panel(bundle, extent) -> None:
    """Sliders, the decoded digit, its coordinates and a PNG download (a fragment: a slider reruns only this)."""
    seed_sliders(extent)  # a fragment rerun: explore_z may have been set by a callback
    z1, z2 = sliders_ui(extent)
    png = common.to_png(bundle.codec.decode_image(z1, z2), IMAGE_PX)
    with st.container(key="explore_decoded"):  # st-key-explore_decoded: a handle for tests
        st.image(data_uri(png), width=IMAGE_PX)
        st.markdown(f"**Decoded** at z1 = `{z1:.3f}`, z2 = `{z2:.3f}`")
    st.download_button(
        "Download PNG", png, file_name=f"decoded_z1_{z1:.3f}_z2_{z2:.3f}.png", mime="image/png",
        key="explore_download", on_click="ignore", icon=":material/download:",
    )  # fmt: skip


decoder_fragment = st.fragment(decoder_panel)


def picked_panel(bundle, pick: Pick | None) -> None:
    """The clicked training digit beside its reconstruction and label."""
    if pick is None or pick.index is None:
        st.caption("Click a dot to compare that digit with its reconstruction.")
        return
    names = common.class_names(bundle)
    label = int(bundle.latent[f"y_{pick.split}"][pick.index])
    with st.container(key="explore_picked"):  # st-key-explore_picked: a handle for tests
        st.markdown(f"**Clicked:** {pick.split} digit #{pick.index}, label **{names[label]}**")
        with st.container(horizontal=True):
            original = original_image(bundle, pick)
            if original is not None:
                st.image(data_uri(common.to_png(original, PICKED_PX)), caption="original", width=PICKED_PX)
            else:
                st.caption("Original not available (no data set).")
            recon = bundle.codec.decode_image(pick.z1, pick.z2)
            st.image(data_uri(common.to_png(recon, PICKED_PX)), caption="reconstruction", width=PICKED_PX)


# ---- page --------------------------------------------------------------------------------------

bundle = common.active_bundle(quiet=True)
if bundle is None:
    st.info("The explorer needs a model. See the message above for how to fix it, or pick one on the Models page.")
    st.stop()

extent = extent_of(bundle)
init_page_state(bundle, extent)
common.active_data(bundle)  # without the data set: one short line at the top saying what is off
ss = st.session_state


def side_ui() -> None:
    """Sliders, decoded digit and clicked digit: beside the live plane, inside its fragment."""
    decoder_panel(bundle, extent)
    picked_panel(bundle, ss.explore_pick)


if live_explore.panel(bundle, extent, side=side_ui):  # the live plane; else the server-side chart below
    st.stop()
chart_col, side_col = st.columns([3, 2], gap="medium")
# The side column is filled first so its small deltas (decoded image) reach the browser before the chart's.
with side_col, st.container(key="explore_side"):  # st-key-explore_side: first on a phone (ui/router.py CSS)
    decoder_fragment(bundle, extent)
    picked_panel(bundle, ss.explore_pick)

with chart_col:
    chart_ui(bundle, extent)
