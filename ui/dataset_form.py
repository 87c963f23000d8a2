"""The Train page's data set: pick one of the registry's, add your own from a zip or an .npz, see it converted.

A user's set is read, converted to 28 x 28 and stored by model/datasets/registry.py; here are only the
widgets. The upload cap (the server's upload limit, 10 MB as shipped) is stated beside the uploader;
larger sets go through the command line.
"""

from __future__ import annotations

import streamlit as st

from model.data import DataError
from model.datasets import registry
from model.plane.selection_summary import mosaic
from ui import images

MAX_UPLOAD_MB = 200  # a zip or .npz added in the browser, where the server allows it; the CLI takes up to 2 GB
LABELS = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
SESSION = {"persist_state": "session"}


def upload_cap() -> int:
    """MB a data set upload may have: the server's own upload limit (server.maxUploadSize), at most MAX_UPLOAD_MB."""
    return min(MAX_UPLOAD_MB, int(st.get_option("server.maxUploadSize")))


def label(name: str) -> str:
    return LABELS.get(name, name)


@st.cache_data(show_spinner=False, max_entries=8)
def preview_png(name: str, mtime: float) -> bytes:
    """A grid of 40 converted training images (mtime: a re-added set is drawn anew)."""
    grid = mosaic(registry.preview(name, 40) / 255.0, cols=10)  # (H, W) in [0, 1], 10 tiles a row
    return images.to_png(grid, 2 * grid.shape[1])


def summary(name: str) -> str:
    info = registry.info(name)
    kind = f"{len(info.class_names)} classes: {', '.join(info.class_names)}" if info.labelled else "unlabelled"
    return f"**{name}**: {info.train:,} training and {info.test:,} test images, {kind}."


def add() -> None:
    """The Add button's callback: convert the upload and select it (before the selectbox is drawn)."""
    ss = st.session_state
    f, name = ss.get("data_upload"), (ss.get("data_name") or "").strip()
    try:
        if f is None:
            raise DataError("Choose a zip or an .npz first.")
        info = registry.add(f.getvalue(), name, npz=f.name.lower().endswith(".npz"))
    except DataError as e:
        ss.data_message = ("error", str(e))
        return
    skipped = f" {len(info.skipped)} files could not be read and were skipped." if info.skipped else ""
    ss.data_message = ("success", f"Added the data set {info.name}.{skipped}")
    ss.train_dataset = info.name


def dataset_ui() -> None:
    """The data set's selectbox, the chosen user set's facts and converted images, and the Add form."""
    ss = st.session_state
    names = registry.names()
    if ss.get("train_dataset") not in names:
        ss.train_dataset = "mnist"
    st.selectbox("Dataset", names, format_func=label, key="train_dataset", **SESSION)
    if ss.train_dataset not in LABELS:
        try:
            st.markdown(summary(ss.train_dataset))
            path = registry.path(ss.train_dataset)
            st.image(preview_png(ss.train_dataset, path.stat().st_mtime), caption="As the network sees them: 28 x 28")
        except (DataError, OSError) as e:
            st.warning(str(e))
    with st.expander("Add your own data set"):
        st.caption(
            f"A zip of a folder with one subfolder of images per class, or an .npz with `x` (and optional `y`, "
            f"`class_names`), up to {upload_cap()} MB. Larger sets: `python -m model dataset add PATH --name NAME`."
        )
        st.file_uploader("Data set", type=["zip", "npz"], key="data_upload", max_upload_size=upload_cap())
        st.text_input("Its name", key="data_name", help="Letters, digits, '_', '-' and '.'; up to 64 characters.")
        st.button("Add", key="data_add", on_click=add)
        kind, text = ss.get("data_message") or (None, None)
        if kind:
            (st.success if kind == "success" else st.error)(text)
