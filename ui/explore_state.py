"""Explore's chosen point: the one owner of its session-state keys and of ?z1=&z2= in the URL.

Every key below is written here and nowhere else; pages and ui/ modules call these functions:

    explore_state.from_url()                   # the router, once per session: the link's ?z1=&z2=
    explore_state.seed(bundle)                 # top of every Explore run, before any widget
    explore_state.pick()                       # the chosen Pick(z1, z2, index, split)
    explore_state.choose(bundle, z1, z2, i)    # a click, a jump or a link; i: the training digit there
    explore_state.sliders_ui(bundle)           # the z1/z2 sliders; moving one chooses its point
    explore_state.request(z1, z2)              # another page (Upload): Explore opens there next
    explore_state.extent(bundle), view(bundle) # the sliders' range; the range the plane opens on

Session state:
    url_z           the point a link or another page asked for, or None (set by from_url, request)
    explore_pick    durable: Pick of the chosen point, clamped to extent(); index set for a training digit
    explore_model   durable: the model the point belongs to (another model opens on its own digit)
    explore_z1/_z2  the sliders: copies of explore_pick, written with it where they differ (Streamlit
                    drops a widget's state while its page is not shown, so seed() checks on every run)
    explore_view    (model, box) the plane and its picture open on, fixed per model in a session
Query params: z1, z2 (4 decimals) while a point other than the opening digit is chosen; neither otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from model.plane import views
from model.plane.neighbors import nearest
from ui import active_model
from ui.model_cache import per_version

PICK, MODEL, Z1, Z2, VIEW = "explore_pick", "explore_model", "explore_z1", "explore_z2", "explore_view"
LINK_EPS = 1e-4  # ?z1=&z2= carry 4 decimals: a digit's encoding comes back within 0.5e-4 on each axis


@dataclass(frozen=True)
class Pick:
    """A chosen latent point: a training digit (index and split set) or any other point (index None)."""

    z1: float
    z2: float
    index: int | None = None
    split: str | None = None  # "train" when index is set


def parse_z(z1, z2) -> tuple[float, float] | None:
    """(z1, z2) from URL strings, or None if missing or not finite numbers (nan, inf, 1e999)."""
    try:
        z = (float(z1), float(z2))
    except (TypeError, ValueError):
        return None
    return z if all(np.isfinite(z)) else None


def from_url() -> None:
    """Once per session: the link's ?z1=&z2= is the point Explore opens on."""
    if "url_z" not in st.session_state:
        st.session_state.url_z = parse_z(st.query_params.get("z1"), st.query_params.get("z2"))


@per_version(max_entries=16)
def extent(bundle) -> views.Box:
    """The sliders' range ((x0, x1), (y0, y1)): every encoding (train and test) plus a margin, per model."""
    return views.slider_box(np.concatenate([bundle.latent["z_train"], bundle.latent["z_test"]]))


def url_point(z: tuple[float, float] | None) -> None:
    """?z1=&z2= for the chosen point, or neither. One URL change, so one browser history entry: setting the
    two one after the other made two, and Back then landed on a point half old, half new."""
    qp = st.query_params
    if z is not None:
        qp.update(z1=f"{z[0]:.4f}", z2=f"{z[1]:.4f}")
    elif "z1" in qp or "z2" in qp:
        qp.from_dict({k: v for k, v in qp.to_dict().items() if k not in ("z1", "z2")})


def pick() -> Pick:
    """The chosen point (seed() has run this run)."""
    return st.session_state[PICK]


def choose(bundle, z1: float, z2: float, index: int | None = None, url: bool = True) -> None:
    """Make (z1, z2), clamped to the sliders' range, the chosen point; sliders and URL (unless url=False) follow.

    Called from callbacks (a click, a jump, a slider) and from seed(), so always before the sliders exist.
    """
    ss = st.session_state
    (x0, x1), (y0, y1) = extent(bundle)
    z = (float(min(max(z1, x0), x1)), float(min(max(z2, y0), y1)))
    ss[PICK] = Pick(*z, index, None if index is None else "train")
    _sliders_to(z)
    if url:
        url_point(z)


def _sliders_to(z: tuple[float, float]) -> None:
    """The sliders show z. Written only where they differ: Streamlit sends a written value to the browser
    as the slider's, so a run that ends after the user has moved a slider on would move it back."""
    ss = st.session_state
    for key, v in zip((Z1, Z2), z, strict=True):
        if ss.get(key) != v:
            ss[key] = v


def seed(bundle) -> None:
    """Top of each run: the point once (the link's, else the model's opening digit), the sliders always.

    Another model drops the point (it belongs to the old model's plane) and opens on the new one's digit;
    the default point is not worth a link, so the URL then drops z1/z2.
    """
    ss = st.session_state
    model = str(bundle.path)
    first = ss.get(PICK) is None  # first visit, or request() from another page
    if first and ss.get("url_z") is not None:
        i = digit_at(bundle, ss.url_z)  # a link to a digit chooses that digit, as the click that made it did
        choose(bundle, *(ss.url_z if i is None else (float(v) for v in bundle.latent["z_train"][i])), i)
    elif first or ss.get(MODEL) != model:
        # The opening digit is not worth a link: its point never reaches the URL (each URL change is a
        # browser history entry, and Back would then seem to do nothing).
        choose(bundle, *active_model.opening_of(bundle)[0], url=False)
        url_point(None)
    else:
        _sliders_to((ss[PICK].z1, ss[PICK].z2))
    ss[MODEL] = model


def digit_at(bundle, z) -> int | None:
    """The training digit a link's point names (within its 4 decimals' rounding), or None."""
    i, d = nearest(bundle.latent["z_train"], z, k=1)
    return int(i[0]) if len(i) and d[0] <= LINK_EPS else None


def request(z1: float, z2: float) -> None:
    """Another page's point (an uploaded digit's encoding): the URL now, Explore's sliders and marker next."""
    ss = st.session_state
    ss.url_z = (float(z1), float(z2))
    url_point(ss.url_z)
    ss.pop(PICK, None)


def _on_slider(bundle) -> None:
    choose(bundle, float(st.session_state[Z1]), float(st.session_state[Z2]))


def sliders_ui(bundle) -> tuple[float, float]:
    """The z1 and z2 sliders over extent(), about 500 round steps each; moving one chooses that point."""
    (x0, x1), (y0, y1) = extent(bundle)
    kw = {"format": "%.2f", "on_change": _on_slider, "args": (bundle,)}
    z1 = st.slider("z1", x0, x1, step=views.nice_step(x1 - x0), key=Z1, **kw)
    z2 = st.slider("z2", y0, y1, step=views.nice_step(y1 - y0), key=Z2, **kw)
    return float(z1), float(z2)


def view(bundle) -> views.Box:
    """The range the plane opens on: the model's dense core, grown to hold the point it opened with.

    Fixed per model in this session, so moving a slider never re-zooms the plane.
    """
    ss = st.session_state
    model = str(bundle.path)
    if (ss.get(VIEW) or (None,))[0] != model:
        ss[VIEW] = (model, views.union(active_model.opening_of(bundle)[1], (pick().z1, pick().z2)))
    return ss[VIEW][1]
