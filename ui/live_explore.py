"""The live plane on the Explore and Upload pages: everything page-specific, so the pages change by a line.

Explore (pages/explore.py, before its columns):

    if live_explore.panel(bundle, extent, side=lambda: (decoder_panel(bundle, extent),
                                                        picked_panel(bundle, st.session_state.explore_pick))):
        st.stop()  # the live plane and its side column ran; else draw the server-side chart

panel() draws, in one st.fragment (a click or slider move reruns only it): the live plane and, beside
it, side() (the page's sliders, decoded digit and picked panel), the 8 nearest training digits of a
clicked data point, and a box that jumps to a training index. State it reads: explore_z (the chosen
point), explore_pick (its Pick). State a click or a jump writes: explore_pick (Pick, split "train"
for a data point), explore_z, explore_z1, explore_z2 (the sliders) and ?z1=&z2= in the URL.
Upload: upload_map(bundle, z) draws the plane with the digit's star, or returns False.
LATENT_EXPLORER_LIVE=0 keeps the server-side charts (the AppTests set it: AppTest runs no JavaScript).
"""

from __future__ import annotations

import io

import numpy as np
import streamlit as st
from PIL import Image

from model.net.fast import nearest
from model.net.views import around, union
from model.settings import settings
from ui import common, selection
from ui.live_plane import live_plane, unavailable
from ui.scatter import Pick

KEY = "explore_plane"
UPLOAD_KEY = "upload_plane"


def enabled() -> bool:
    return settings().live


def choose(bundle, extent, z1: float, z2: float, index: int | None) -> None:
    """A click or a jump: the chosen point, the sliders (clamped to their range) and the URL follow."""
    ss = st.session_state
    (x0, x1), (y0, y1) = extent
    z1, z2 = min(max(z1, x0), x1), min(max(z2, y0), y1)
    ss.explore_pick = Pick(z1, z2, index, None if index is None else "train")
    ss.explore_z = (z1, z2)
    ss.explore_z1, ss.explore_z2 = z1, z2
    common.url_point((z1, z2))


def can_run(bundle, key: str) -> bool:
    """Whether the live plane runs here for this model; if it cannot, says why in one line first."""
    if not enabled():
        return False
    why = unavailable(bundle, key, common.class_names(bundle))
    if why:
        st.caption(why)
    return why is None


def panel(bundle, extent, *, side) -> bool:
    """The live plane beside side() in one fragment; False (after one line) when the plane cannot run here."""
    if not can_run(bundle, KEY):
        return False
    _fragment(bundle, extent, side)
    return True


@st.fragment
def _fragment(bundle, extent, side) -> None:
    ss = st.session_state
    plane_col, side_col = st.columns([3, 2], gap="medium")
    # Drawn first (a slider moved in this run decides the marker). Not keyed explore_side: on a phone the
    # plane stays on top, since its own live preview shows the digit above the chart.
    with side_col:
        side()
        z1, z2 = ss.explore_z
        pick = ss.get("explore_pick")
        index = pick.index if pick is not None and pick.split == "train" and (pick.z1, pick.z2) == (z1, z2) else None
        neighbours_ui(bundle, index)
        jump_ui(bundle, extent)
    with plane_col:
        res = live_plane(
            bundle, key=KEY, classes=common.class_names(bundle), marker=(z1, z2), index=index, view=view(bundle),
            on_click=lambda a, b, i: choose(bundle, extent, a, b, i),
            selection=selection.for_plane(bundle), on_select=lambda v: selection.on_select(bundle, v),
        )  # fmt: skip
        if not res.ok:  # its JavaScript reported an error: redraw the whole page with the server chart
            st.rerun(scope="app")
        interp_downloads(bundle, res.interp)
        st.caption(
            "Move the pointer over the plane to decode it live; click to choose a point (a dot: that digit). "
            "Legend: hide a digit; scroll to zoom, drag to pan, double-click to reset."
        )
        selection.panel_ui(bundle)  # the box / lasso selection: count, histogram, gallery, downloads


def view(bundle):
    """The range the plane opens on: the model's dense core, grown to hold the point it opened with.

    Fixed per model in this session (explore_live_view), so moving a slider never re-zooms the plane.
    """
    ss = st.session_state
    model = str(bundle.path)
    if (ss.get("explore_live_view") or (None,))[0] != model:
        ss.explore_live_view = (model, union(common.opening_of(bundle)[1], ss.explore_z))
    return ss.explore_live_view[1]


def neighbours_ui(bundle, index: int | None) -> None:
    """The 8 training digits nearest to a clicked data point (they are ringed on the plane too)."""
    if index is None:
        return
    z = bundle.latent["z_train"]
    idx, dist = nearest(z, z[index], k=9)
    keep = idx != index
    idx, dist = idx[keep][:8], dist[keep][:8]
    data = common.active_data(bundle)
    images = data[0][0][idx] / 255.0 if data is not None else bundle.codec.decode(z[idx]).reshape(-1, 28, 28)
    names, labels = common.class_names(bundle), bundle.latent["y_train"]
    with st.container(key="explore_neighbours"):
        st.markdown("**8 nearest training digits** (ringed on the plane)")
        st.image(
            [common.to_png(im, 56) for im in images],
            caption=[f"#{i} · {names[labels[i]]} · {d:.2f}" for i, d in zip(idx, dist, strict=True)],
            width=56,
        )


def jump_ui(bundle, extent) -> None:
    n = len(bundle.latent["z_train"])

    def jump() -> None:
        i = st.session_state.get("explore_jump")
        if i is not None and 0 <= int(i) < n:
            z1, z2 = (float(v) for v in bundle.latent["z_train"][int(i)])
            choose(bundle, extent, z1, z2, int(i))

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


def upload_map(bundle, z) -> bool:
    """The Upload page's map: the live plane with the uploaded digit's star; False if it cannot run here."""
    if not can_run(bundle, UPLOAD_KEY):
        return False
    return _upload_fragment(bundle, (float(z[0]), float(z[1])))


@st.fragment
def _upload_fragment(bundle, star) -> bool:
    # Zoomed to the digit's neighbourhood; a new digit zooms again (its view differs), a double-click shows all.
    zoom = around(bundle.latent["z_train"], star)
    res = live_plane(
        bundle, key=UPLOAD_KEY, classes=common.class_names(bundle), star=star, view=zoom,
        selection=selection.for_plane(bundle), on_select=lambda v: selection.on_select(bundle, v),
    )  # fmt: skip
    if not res.ok:
        st.rerun(scope="app")
    selection.panel_ui(bundle)  # the same selection as on Explore (one per session and model)
    return True
