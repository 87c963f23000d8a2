"""The live plane's thumbnails, server side: the training digits in view, sent as a small PNG atlas.

When few enough points are in view, ui/plane/thumbnails.js asks for the ones it has not cached with
the plane's "thumbs" trigger {req, indices}. on_request() (the plane's callback, before the rerun's
widgets) checks the indices and keeps model/images/atlas.py's blob in session state; mount() sends it
to the browser through a tiny bytes component that posts it as a window "lp-thumbs" event. A rerun
that is not a request re-sends the same bytes, which Streamlit answers with a cached reference.
Without the data set the plane decodes each point's encoding in the browser instead: source() says which.
"""

from __future__ import annotations

import streamlit as st

from model.images.atlas import atlas, clean_indices, grid_png
from ui import common

_JS = """export default function ({ data }) {
  if (!data || !data.byteLength) return;
  window.dispatchEvent(new CustomEvent("lp-thumbs", { detail: data.slice() }));
}"""
_thumbs = st.components.v2.component("latent_explorer.live_plane_thumbs", js=_JS)


def source(bundle) -> str:
    """ "originals" when the model's data set can be read here, else "decoded" (the browser decodes them)."""
    return "originals" if common.data_available(common.dataset_of(bundle)) else "decoded"


@st.cache_data(show_spinner=False, max_entries=256)
def _png(dataset: str, indices: tuple[int, ...]) -> tuple[bytes, int]:
    """The atlas PNG for these digits, shared by every session (a reload asks for the same ones)."""
    return grid_png(common.load_data(dataset)[0][0], indices)


def on_request(key: str, bundle) -> None:
    """The plane's "thumbs" trigger: build the atlas it asked for (nothing without the data set)."""
    value = st.session_state.get(key)
    ask = value.get("thumbs") if hasattr(value, "get") else getattr(value, "thumbs", None)
    if not isinstance(ask, dict) or source(bundle) != "originals":
        return
    indices = clean_indices(ask.get("indices"), len(bundle.latent["z_train"]))
    req = ask.get("req")
    if not indices or not isinstance(req, int):
        return
    png = _png(common.dataset_of(bundle), tuple(indices))
    st.session_state[f"{key}_thumbs"] = atlas(None, indices, channel=key, req=req, png=png)


def mount(key: str) -> None:
    """The bytes component carrying this plane's latest atlas (none yet: an empty message)."""
    _thumbs(key=f"{key}_thumbs_out", data=st.session_state.get(f"{key}_thumbs", b""))
