"""A bare page with only the live plane, for its e2e tests (tests/e2e/test_live_plane.py):

    streamlit run tests/e2e/apps/live_plane_app.py

$LATENT_EXPLORER_MODEL picks the model (default: the shipped one); ?star=z1,z2 adds a star.
The chosen point shows as text (test id "st-key-harness_chosen"), the URL follows ?z1=&z2=, and
the page counts its full runs and fragment runs, so a test can see that no request was made.
Where the plane cannot start, the page shows what the app shows instead: its one-line reason and the
still picture of the plane (ui/plane/picture.py, test id "st-key-fallback_picture").
"""

from pathlib import Path

import streamlit as st

from model.folders import store
from model.plane.views import core_box
from ui.plane import live_plane, picture
from ui.plane.publish import ensure_plotly_js

st.set_page_config(page_title="live plane harness", layout="wide")
ensure_plotly_js(Path(__file__).parent / "static")
ss = st.session_state
ss.runs = ss.get("runs", 0) + 1


@st.cache_resource
def bundle():
    return store.load()


def choose(z1: float, z2: float, index: int | None) -> None:
    ss.chosen = (z1, z2, index)
    st.query_params["z1"], st.query_params["z2"] = f"{z1:.4f}", f"{z2:.4f}"


@st.fragment
def plane() -> None:
    ss.frag_runs = ss.get("frag_runs", 0) + 1
    b = bundle()
    star = st.query_params.get("star")
    star = tuple(float(v) for v in star.split(",")) if star else None
    z1, z2, index = ss.get("chosen", (None, None, None))
    res = live_plane(b, key="plane", marker=None if z1 is None else (z1, z2), index=index, star=star, on_click=choose)
    if not res.ok:
        st.caption(res.message)
        marker = None if z1 is None else (z1, z2)
        picture.show(b, core_box(b.latent["z_train"]), marker=marker, key="fallback_picture")
    with st.container(key="harness_chosen"):
        st.write("none" if z1 is None else f"chosen {z1:.4f} {z2:.4f} index {index}")
    st.caption(f"runs {ss.runs} fragment runs {ss.frag_runs} interp {res.interp}")


plane()
