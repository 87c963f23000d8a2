"""Compare: two models' latent planes side by side for the same training digits.

With the live plane (ui/plane/component.py, LATENT_EXPLORER_LIVE on, the default) the two planes are linked
in the browser: the digit under the pointer in one is ringed in the other, with no server call. A click
(or tap) on a digit in either plane marks that training index in both (a cross) and shows its
original with each model's reconstruction. A box or lasso drawn on either plane selects training
digits; both planes highlight them, and a panel below shows them (ui/selection.py). One toolbar (plane
A's, spanning both; B's is hidden) acts on both planes, and Colour by uses one scale for both
(live_plane(pair=...), ui/plane/js/pair.js). The title and the model pickers share one row, so the two
plots fill most of the window.
Fallback (LIVE=0, or a plane that cannot run): a still picture of each plane (ui/plane/picture.py)
and a box for a training digit's number, which is crossed in both.
Only models trained on the same data set are paired: a training index names the same image in both.

State (durable, seeded into the widgets at the top of every run: Streamlit drops a widget's state
while its page is not shown):
    compare_models   (name A, name B); default: the active model and another shipped one
    compare_index    the training index clicked last, or None
    compare_a/_b     the two model selectboxes; compare_plane_a/_b the live planes;
    compare_box      the fallback's number box, re-seeded from compare_index
    compare_selection*  the box / lasso selection, per pair of models: owned by ui/selection.py
"""

from __future__ import annotations

import streamlit as st

from model.folders import check, library
from model.folders.library import DEFAULT_NAME, Library, LibraryError
from model.folders.store import ModelError
from ui import active_model, data_status, router, selection, selection_panel
from ui.images import to_png
from ui.plane import can_run, live_plane, picture

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

ss = st.session_state
IMAGE_PX = 112
LINK = "compare"  # the live planes' group: each rings the digit hovered in the other


# ---- computation -------------------------------------------------------------------------------


def load(name: str):
    """The named model's bundle, or None when it cannot be loaded (said by the caller)."""
    try:
        path = active_model.model_path(name)
        return active_model.load_bundle(path)
    except (ModelError, LibraryError):
        return None


def dataset(name: str) -> str | None:
    """The data set a model was trained on, from its meta.json alone (no model loaded); None if unreadable."""
    try:
        return check.read_meta(active_model.model_path(name)).get("dataset", "mnist")
    except (ModelError, LibraryError, OSError):
        return None


def default_pair(names: list[str], shipped: set[str], active: str) -> tuple[str, str]:
    """The active model (if listed) and the first other model of its data set, shipped ones first."""
    a = active if active in names else names[0]
    others = sorted((n for n in names if n != a), key=lambda n: n not in shipped)  # stable: shipped first
    same = [n for n in others if dataset(n) == dataset(a)]
    return a, (same or others or [a])[0]


# ---- state -------------------------------------------------------------------------------------


def init_page_state(names: list[str], shipped: set[str]) -> None:
    """Durable keys once; the selectboxes re-seeded from them every run (a deleted model falls back)."""
    if "compare_models" not in ss or any(n not in names for n in ss.compare_models):
        ss.compare_models = default_pair(names, shipped, ss.get("model_name", DEFAULT_NAME))
    ss.setdefault("compare_index", None)
    ss.compare_a, ss.compare_b = ss.compare_models
    ss.compare_box = ss.compare_index


def on_models() -> None:
    ss.compare_models = (ss.compare_a, ss.compare_b)


def on_live_click(index: int | None) -> None:
    """A click on a live plane: only a training digit is marked (the plane ignores empty space too)."""
    if index is not None:
        ss.compare_index = index


def marked(a) -> int | None:
    """The marked training index, if it exists for these models."""
    i = ss.compare_index
    return i if i is not None and 0 <= i < len(a.latent["y_train"]) else None


# ---- widgets -----------------------------------------------------------------------------------


def models_ui(names: list[str]) -> tuple[str, str]:
    """The page's one header row: its title and the two model pickers (plane first: the planes fill the rest)."""
    c0, c1, c2 = st.columns([5, 4, 4], vertical_alignment="center")
    c0.subheader("Compare two models", anchor=False)
    a = c1.selectbox("Model A", names, key="compare_a", on_change=on_models, format_func=lambda n: f"A: {n}", label_visibility="collapsed")  # fmt: skip
    b = c2.selectbox("Model B", names, key="compare_b", on_change=on_models, format_func=lambda n: f"B: {n}", label_visibility="collapsed")  # fmt: skip
    return a, b


def on_box() -> None:
    ss.compare_index = ss.compare_box


def planes_ui(a, b, index: int | None, key: str, draw) -> None:
    """Plane A beside plane B (stacked on a phone), each over its model's name and summary, in a container keyed
    `key`_a/_b (handles for tests): draw(side, model, z) with the encoding z of training digit `index`, or None.
    The columns' small gap (1rem) is ui/router.py's --lp-pair-gap: plane A's toolbar spans both columns."""
    for side, m, col in zip("ab", (a, b), st.columns(2, gap="small"), strict=True):
        with col, st.container(key=f"{key}_{side}"):
            draw(side, m, None if index is None else tuple(float(v) for v in m.latent["z_train"][index]))
            st.caption(f"**{side.upper()}: {m.name}** · {library.summary(m.meta)}")


def pictures_ui(a, b, index: int | None) -> None:
    """The fallback: each plane as a still picture with digit `index` crossed, and a box to choose it."""
    planes_ui(
        a, b, index, "compare_still",
        lambda side, m, z: picture.show(m, active_model.opening_of(m)[1], marker=z, key=f"compare_picture_{side}"),
    )  # fmt: skip
    n = len(a.latent["y_train"])
    st.number_input(f"Training digit # (0–{n - 1:,}), crossed in both", 0, n - 1, value=None, step=1, key="compare_box", on_change=on_box)  # fmt: skip


def live_ok(a, b) -> bool:
    """Whether both live planes can run here; if one cannot, says why in one line (the pictures follow)."""
    return all(can_run(m, f"compare_plane_{side}") for side, m in (("a", a), ("b", b)))


@st.fragment
def live_pair(a, b) -> None:
    """Both live planes, linked in the browser, the marked digit and the selection: a click or a shape
    drawn reruns only this."""
    index = marked(a)

    def draw(side: str, m, z) -> None:
        res = live_plane(
            m, key=f"compare_plane_{side}", classes=active_model.class_names(m), marker=z, index=index,
            view=active_model.opening_of(m)[1], link=LINK, on_click=lambda _z1, _z2, i: on_live_click(i),
            replay=active_model.replay_note(m) is None,
            selection=selection.for_plane((a, b), "ab".index(side)),
            on_select=lambda v: selection.on_select((a, b), "ab".index(side), v),
            pair="lead" if side == "a" else "follow",  # one toolbar (A's, over both) and one colour scale
        )  # fmt: skip
        if not res.ok:  # its JavaScript reported an error: redraw the page with the pictures
            st.rerun(scope="app")

    planes_ui(a, b, index, "compare_live", draw)  # st-key-compare_live_a/_b: handles for tests
    st.caption(
        "Point at a digit in either plane: the same training digit is ringed in the other. "
        "Scroll to zoom, drag to pan, double-click to see every digit. The toolbar acts on both planes, "
        "and a colouring uses one scale for both."
    )
    for note in filter(None, (active_model.replay_note(a), active_model.replay_note(b))):
        st.caption(note)
    digit_ui(a, b, index)
    selection_panel.panel_ui((a, b))  # the box / lasso selection, highlighted in both planes


def digit_ui(a, b, index: int | None) -> None:
    """The marked digit: its original, and what each model makes of it."""
    if index is None:
        st.caption("Click a digit in either plane, or type its number: the same training digit is marked in both.")
        return
    names = active_model.class_names(a)
    with st.container(key="compare_digit"):  # st-key-compare_digit: a handle for tests
        st.markdown(f"**Training digit #{index}**, label **{names[int(a.latent['y_train'][index])]}**")
        with st.container(horizontal=True):
            data = data_status.active_data(a, quiet=True)
            if data is not None:
                st.image(to_png(data[0][0][index] / 255.0, IMAGE_PX), caption="original", width=IMAGE_PX)
            else:
                st.caption("Original not available (no data set).")
            for side, m in (("A", a), ("B", b)):
                z1, z2 = (float(v) for v in m.latent["z_train"][index])
                img = m.codec.decode_image(z1, z2)
                st.image(to_png(img, IMAGE_PX), caption=f"{side}: {m.name} ({z1:.2f}, {z2:.2f})", width=IMAGE_PX)


# ---- page --------------------------------------------------------------------------------------

models = Library().folders()
names, shipped = list(models), {n for n, (_, s) in models.items() if s}
init_page_state(names, shipped)
name_a, name_b = models_ui(names)
a, b = load(name_a), load(name_b)
for name, m in ((name_a, a), (name_b, b)):
    if m is None:
        st.error(f"The model **{name}** could not be loaded; pick another, or see the Models page.")
if a is None or b is None:
    st.stop()
if active_model.dataset_of(a) != active_model.dataset_of(b) or len(a.latent["y_train"]) != len(b.latent["y_train"]):
    alone = a.name == b.name or not any(dataset(n) == active_model.dataset_of(a) for n in names if n != a.name)
    st.info(
        f"There is no other model trained on **{a.name}**'s data set to pair it with; train one, or pick another model A."
        if alone
        else f"**{a.name}** and **{b.name}** were trained on different data sets, so their digits cannot be paired. "
        "Pick two models of the same data set."
    )
    st.stop()
if live_ok(a, b):
    live_pair(a, b)
    st.stop()
index = marked(a)
pictures_ui(a, b, index)
digit_ui(a, b, index)
