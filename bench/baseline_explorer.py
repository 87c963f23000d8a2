"""The plain explorer bench/explorer_latency.py measures the shipped one against; not part of the app.

    streamlit run bench/baseline_explorer.py      (bench/explorer_latency.py starts it itself)

The same chart, sliders and decoded digit as pages/explore.py (same test ids), done the plain way:
no fragment (a slider reruns the whole script), Keras's decoder.predict, a marker trace added to
the 60,000-point figure on every click (so the figure is re-sent and redrawn), and no gc.freeze.
"""

from __future__ import annotations

import base64
from functools import partial

import numpy as np
import streamlit as st

from ui import common
from ui.scatter import (
    figure_roles,
    latent_extent,
    latent_figure,
    parse_selection,
    round_out,
    slider_step,
    with_marker,
)

st.set_page_config(page_title="Baseline explorer", layout="wide")
ss = st.session_state


@st.cache_resource(show_spinner=False)
def bundle_and_figure():
    bundle = common.load_bundle(str(common.model_path(common.DEFAULT_NAME)), 0.0)
    lat = bundle.latent
    ext = latent_extent(np.concatenate([lat["z_train"], lat["z_test"]]))
    extent = tuple(round_out(lo, hi, slider_step(lo, hi)) for lo, hi in ext)
    return bundle, extent, latent_figure(lat["z_train"], lat["y_train"], extent=extent)


def on_select() -> None:
    pick = parse_selection(ss.explore_chart["selection"], ss.roles)
    if pick is not None:
        ss.explore_z1, ss.explore_z2 = (
            min(max(v, lo), hi) for v, (lo, hi) in zip((pick.z1, pick.z2), extent, strict=True)
        )


bundle, extent, base = bundle_and_figure()
(x0, x1), (y0, y1) = extent
if "explore_z1" not in ss:
    ss.explore_z1, ss.explore_z2 = (float(v) for v in np.median(bundle.latent["z_train"], axis=0))
chart_col, side_col = st.columns([3, 2])
with side_col:
    z1 = st.slider("z1", x0, x1, step=slider_step(x0, x1), format="%.2f", key="explore_z1")
    z2 = st.slider("z2", y0, y1, step=slider_step(y0, y1), format="%.2f", key="explore_z2")
    img = bundle.models.decoder.predict(np.array([[z1, z2]], dtype=np.float32), verbose=0)[0].reshape(28, 28)
    with st.container(key="explore_decoded"):
        st.image("data:image/png;base64," + base64.b64encode(common.to_png(img, 224)).decode(), width=224)
with chart_col:
    fig = with_marker(base, (z1, z2))
    ss.roles = figure_roles(fig)
    st.plotly_chart(fig, key="explore_chart", on_select=partial(on_select), selection_mode="points")
