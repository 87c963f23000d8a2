"""Upload or draw a digit: prepare it as MNIST was made, encode it, and show where it lands.

State (set up once per session, below):
    upload_source      which input is shown: "Upload a file", "Draw", "Camera" (segmented control)
    upload_file        the file uploader; upload_camera the camera input
    upload_canvas_<n>  the drawing canvas; "Clear" bumps upload_canvas_n, giving a fresh canvas
    upload_invert      the manual override: flip the automatic ink-polarity choice
    upload_last_z      the last encoding pushed to the explorer (a rerun does not push it again)
    upload_kept        the last file and photo (bytes, name): they outlive the widgets' dropped state

Computation (`analyse`) is plain NumPy on the bundle; the rest only draws. Bad input raises
ImageError in model/images/preprocess.py and is shown as one st.error line.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from model.images.placement import Placement as Analysis
from model.images.placement import place
from model.images.preprocess import ImageError, Result, preprocess
from ui import active_model, data_status, explore_state, plane, router
from ui.images import to_png

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

SOURCES = ("Upload a file", "Draw", "Camera")
FILE_TYPES = ["png", "jpg", "jpeg", "bmp", "gif", "webp"]
K = 8  # nearest training digits shown
CONFIDENT = 5  # votes of K for a confident verdict
CANVAS_PX = 280  # 10 screen pixels per MNIST pixel
CANVAS_STROKE = 22  # a digit drawn ~200 px tall gets MNIST's ~2.5 px strokes at 20 px
PAIR_PX = 168
THUMB_PX = 64
STEP_PX = 96


# ---- computation -------------------------------------------------------------------------------


@st.cache_data(show_spinner="Preparing the picture…", max_entries=16)
def prepare(data: bytes, invert: bool | None = None) -> Result:
    """preprocess(), cached: a rerun (a toggle, another model) does not decode a 10 MB photo again."""
    return preprocess(data, invert)


def analyse(bundle, data: bytes, flip: bool = False) -> Analysis:
    """Preprocess, encode, reconstruct and find the K nearest training digits; raises ImageError only."""
    prep = prepare(data)
    if flip:  # the user says the automatic polarity was wrong
        prep = prepare(data, invert=not prep.inverted)
    return place(bundle.codec, bundle.latent, prep, K)


def plural(name: str) -> str:
    """'3' -> '3s'; a Fashion-MNIST class keeps its name: 'Sneaker' -> 'Sneaker images'."""
    return f"{name}s" if name.isdigit() else f"{name} images"


def sentence(a: Analysis, names) -> str:
    """The plain-words verdict, as sure as the neighbours allow.

    confident: 'The model places this among the 3s: 6 of its 8 nearest neighbours are 3s.'
    unsure:    'Unsure: 3 of its 8 nearest neighbours are 4s; the others are mixed.'
    no digit-like ink, or far from every training digit: says so, and names no class.
    """
    if not a.digit_like:
        return f"This does not look like a digit ({a.ink_notes[0]}), so no class is named."
    if a.far:
        return "This lands far from every training digit, so the model cannot say which digit it is."
    group = plural(names[a.majority])
    verb = "is" if a.votes == 1 else "are"
    if a.votes >= CONFIDENT:
        return f"The model places this among the {group}: {a.votes} of its {K} nearest neighbours {verb} {group}."
    return f"Unsure: {a.votes} of its {K} nearest neighbours {verb} {group}; the others are mixed."


# ---- explorer link -----------------------------------------------------------------------------


def push_point(z: np.ndarray) -> None:
    """Move the explorer (sliders, marker, URL) to a new encoding; the same one again is a no-op."""
    ss = st.session_state
    point = (round(float(z[0]), 4), round(float(z[1]), 4))
    if ss.upload_last_z != point:
        ss.upload_last_z = point
        explore_state.request(*point)


# ---- widgets -----------------------------------------------------------------------------------


def source_ui() -> str:
    """Where the digit comes from."""
    choice = st.segmented_control("Digit from", SOURCES, key="upload_source", label_visibility="collapsed")
    return choice or SOURCES[0]


def kept_ui(key: str, got: tuple[bytes | None, str]) -> tuple[bytes | None, str]:
    """The input's bytes, kept in upload_kept across page visits and source switches.

    Streamlit drops a widget's state while it is not shown, so on return the uploader is empty
    though the user never cleared it: then the kept input is used. A widget that held a file on
    the last run and is empty now was cleared by the user: the kept input goes too.
    """
    ss = st.session_state
    if got[0] is not None:
        ss.upload_kept[key] = got
    elif ss.get(f"{key}_had"):
        ss.upload_kept.pop(key, None)
    ss[f"{key}_had"] = got[0] is not None
    kept = ss.upload_kept.get(key, (None, ""))
    if got[0] is None and kept[0] is not None:
        st.caption(f"Showing your last one, **{kept[1]}**. Add another to replace it.")
    return kept


def file_ui() -> tuple[bytes | None, str]:
    """The upload widget: (file bytes or None, name); the last upload survives page switches."""
    fresh = "upload_file" not in st.session_state  # widget state dropped (another page or source)
    f = st.file_uploader(
        "A picture of one digit (PNG, JPEG, BMP, GIF or WebP, up to 10 MB)", type=FILE_TYPES, key="upload_file",
        help="A photo of a digit on paper works: uneven light, grey paper and light-on-dark ink are handled.",
    )  # fmt: skip
    if fresh:
        st.session_state.upload_file_had = False
    return kept_ui("upload_file", (f.getvalue(), f.name) if f is not None else (None, ""))


def canvas_ui() -> tuple[bytes | None, str]:
    """The drawing canvas (streamlit-drawable-canvas), imported only when shown: (PNG bytes or None, name)."""
    ss = st.session_state
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception as e:  # not installed, or its component could not register in this runtime
        st.info(f"The drawing canvas is not available here ({type(e).__name__}); upload or photograph a digit instead.")
        return None, ""
    st.caption("Draw one digit, large, in the middle. It is encoded each time you lift the pen.")
    try:
        result = st_canvas(
            stroke_width=CANVAS_STROKE, stroke_color="#000000", background_color="#ffffff",
            width=CANVAS_PX, height=CANVAS_PX, drawing_mode="freedraw", update_streamlit=True,
            return_image_data=True, key=f"upload_canvas_{ss.upload_canvas_n}",
        )  # fmt: skip
    except Exception as e:  # the component failed at run time: keep the page alive
        st.info(f"The drawing canvas could not start ({type(e).__name__}); upload or photograph a digit instead.")
        return None, ""
    if st.button("Clear", key="upload_clear", icon=":material/delete:", help="Start again with an empty canvas"):
        ss.upload_canvas_n += 1
        st.rerun()
    objects = (result.json_data or {}).get("objects") or []
    if not objects:  # nothing drawn yet (or everything undone)
        return None, ""
    return result.image_bytes, "drawing"


def camera_ui() -> tuple[bytes | None, str]:
    """The camera input: (JPEG bytes or None, name); the last photo survives page switches."""
    fresh = "upload_camera" not in st.session_state
    shot = st.camera_input("Photograph a digit on paper", key="upload_camera")
    if fresh:
        st.session_state.upload_camera_had = False
    return kept_ui("upload_camera", (shot.getvalue(), "photo") if shot is not None else (None, ""))


def invert_ui(prep: Result | None) -> bool:
    """The manual polarity override, and what the automatic choice was."""
    flip = st.toggle(
        "Invert colours", key="upload_invert",
        help="Flip the automatic choice if the digit came out as a white blob: the ink was taken for paper.",
    )  # fmt: skip
    if prep is not None:
        ink = "dark ink on light paper" if prep.inverted else "light ink on a dark background"
        st.caption(f"Read as {ink}{' (your choice)' if flip else ' (automatic)'}.")
    return flip


# ---- drawing -----------------------------------------------------------------------------------


def verdict_panel(a: Analysis, names) -> None:
    """The sentence, the coordinates, and the model's input beside its reconstruction."""
    with st.container(key="upload_verdict"):
        st.markdown(f"**{sentence(a, names)}**")
        st.markdown(f"Encoded at z1 = `{a.z[0]:.3f}`, z2 = `{a.z[1]:.3f}` (the star on the map below).")
    with st.container(key="upload_pair", horizontal=True):
        st.image(
            to_png(a.prep.image, PAIR_PX),
            caption="what the model sees (28 x 28)",
            width=PAIR_PX,
            output_format="PNG",
        )
        st.image(to_png(a.recon, PAIR_PX), caption="its reconstruction", width=PAIR_PX, output_format="PNG")


def neighbours_panel(bundle, a: Analysis, names) -> None:
    """The K nearest training digits in latent space: thumbnail, label, distance."""
    st.markdown(f"**The {K} nearest training digits** in the latent plane")
    data = data_status.active_data(bundle)
    with st.container(key="upload_neighbours", horizontal=True):  # wraps into rows on a phone
        for i, d, lab in zip(a.idx, a.dist, a.labels, strict=True):
            col = st.container(width=THUMB_PX + 8)
            caption = f"{names[lab]} · {d:.2f}"
            if data is not None:
                col.image(to_png(data[0][0][i] / 255.0, THUMB_PX), caption=caption, width=THUMB_PX, output_format="PNG")
            else:
                col.markdown(f"**{names[lab]}**  \n{d:.2f}")


def steps_panel(prep: Result) -> None:
    """Every preprocessing step as a strip of small images."""
    st.markdown("**How the picture was prepared**, step by step (as MNIST's digits were)")
    with st.container(key="upload_steps", horizontal=True):  # wraps into rows on a phone
        for caption, img in prep.steps:
            col = st.container(width=STEP_PX + 8)
            col.image(to_png(img, STEP_PX), caption=caption, width=STEP_PX, output_format="PNG")


# ---- page --------------------------------------------------------------------------------------


def init_page_state() -> None:
    ss = st.session_state
    if "upload_last_z" in ss:
        return
    ss.upload_last_z = None
    ss.upload_canvas_n = 0
    ss.upload_kept = {}  # widget key -> (bytes, name) of the last upload or photo


bundle = active_model.active_bundle(quiet=True)
if bundle is None:
    st.info("Encoding a digit needs a model. See the message above for how to fix it, or pick one on the Models page.")
    st.stop()
init_page_state()
names = active_model.class_names(bundle)

st.subheader("Upload or draw a digit")
input_col, result_col = st.columns([2, 3], gap="large")
with input_col:
    source = source_ui()
    data, name = {"Upload a file": file_ui, "Draw": canvas_ui, "Camera": camera_ui}[source]()
    flip_slot = st.container()

analysis, error = None, None
if data is not None:
    try:
        analysis = analyse(bundle, data, st.session_state.get("upload_invert", False))
    except ImageError as e:
        error = f"{name or 'This image'} cannot be used: {e}."

with input_col:
    with flip_slot:
        invert_ui(analysis.prep if analysis else None)
        if error:
            st.error(error)
        for note in analysis.prep.notes if analysis and source != "Draw" else ():  # a drawing's alpha is no news
            st.caption(f"Note: {note}.")

if analysis is None:
    with result_col:
        st.info("Upload a picture, draw, or take a photo of one digit to see where the model puts it.")
    st.stop()

push_point(analysis.z)
with result_col:
    verdict_panel(analysis, names)
    neighbours_panel(bundle, analysis, names)
    st.page_link("pages/explore.py", label="Open this point in the explorer", icon=":material/explore:")
steps_panel(analysis.prep)
with st.container(key="upload_map"):
    plane.upload_map(bundle, analysis.z, analysis.sigma)  # the live plane with the star; else its still picture
    st.caption("Every training digit, one colour per label; the star is your digit, shown with its neighbourhood.")
