"""The live plane's thumbnails, server side: the training digits in view, sent as a small PNG atlas.

mount(key, bundle) (from ui/live_plane.py) draws, in its own small st.fragment, a tiny bytes component
for the plane `key`. Its JavaScript registers window.__lpThumbAsk[key]; when few enough points are in
view, ui/plane/thumbnails.js calls it with {req, indices} (the ones it has not cached), which becomes
this component's "ask" trigger. on_request() checks the indices and keeps model/images/atlas.py's blob
in session state; the fragment's rerun (only this fragment: not the page, not the plane's) sends it
back, and the component posts it as a window "lp-thumbs" event. Before any request the component gets
an atlas of no digits, which names the plane. A rerun that is not a request re-sends the same bytes,
which Streamlit answers with a cached reference. Without the data set the plane decodes each point's
encoding in the browser instead: source() says which.
"""

from __future__ import annotations

import streamlit as st

from model.images.atlas import atlas, clean_indices, grid_png
from ui import common

_JS = """export default function ({ data, setTriggerValue }) {
  if (!data || data.byteLength < 8) return;
  const n = new DataView(data.buffer, data.byteOffset).getUint32(4, true);
  const head = JSON.parse(new TextDecoder().decode(data.subarray(8, 8 + n)));
  (window.__lpThumbAsk = window.__lpThumbAsk || {})[head.channel] = (ask) => setTriggerValue("ask", ask);
  if (head.indices.length) window.dispatchEvent(new CustomEvent("lp-thumbs", { detail: data.slice() }));
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
    """The component's "ask" trigger: build the atlas it asked for (nothing without the data set)."""
    ask = common.trigger(f"{key}_thumbs_out", "ask")
    if not isinstance(ask, dict) or source(bundle) != "originals":
        return
    indices = clean_indices(ask.get("indices"), len(bundle.latent["z_train"]))
    req = ask.get("req")
    if not indices or not isinstance(req, int):
        return
    png = _png(common.dataset_of(bundle), tuple(indices))
    st.session_state[f"{key}_thumbs"] = atlas(None, indices, channel=key, req=req, png=png)


@st.fragment
def mount(key: str, bundle) -> None:
    """The bytes component carrying this plane's latest atlas; its own fragment, so a request reruns only it."""
    blob = st.session_state.get(f"{key}_thumbs") or atlas(None, [], channel=key, req=-1, png=(b"", 1))
    _thumbs(key=f"{key}_thumbs_out", data=blob, on_ask_change=lambda: on_request(key, bundle))
