"""The Models page's "Add a Keras model": a user's own .keras or .h5 autoencoder into the library.

The work is model/folders/importer.py (check the file, encode the data set with NumPy, write the
folder atomically); this form only takes the file, the data set and a name, shows the steps while
encoding, and reports the outcome in one sentence. A refused file leaves the library as it was.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from model.data import DataError
from model.folders.importer import ImportRefused, import_file
from model.folders.keras_file import MAX_FILE
from model.folders.library import Library, LibraryError
from ui import dataset_form, train_form

ss = st.session_state


def _suggest(lib: Library, file_name: str) -> str:
    try:
        return lib.unique_name(lib.validate(file_name.rsplit(".", 1)[0]))
    except LibraryError:
        return lib.unique_name("imported")


def import_ui(lib: Library, done) -> None:
    """The uploader, data set and name; `done(kind, text)` reports the outcome (and reruns)."""
    st.caption(
        "A Dense autoencoder you trained with Keras, saved with `model.save(...)` as .keras or .h5: 784 pixels "
        "in and out, one 2-unit layer in the middle. The app encodes the data set you choose with it."
    )
    upload = st.file_uploader("Keras model (.keras or .h5)", type=["keras", "h5", "hdf5"], key="lib_keras_file")
    if upload is None:
        return
    if ss.get("lib_keras_for") != upload.file_id:  # a new file: suggest a free name from its file name
        ss.lib_keras_for, ss.lib_keras_name = upload.file_id, _suggest(lib, upload.name)
    dataset = st.radio("Data set to encode", list(dataset_form.LABELS), format_func=dataset_form.label,
                       key="lib_keras_dataset", horizontal=True)  # fmt: skip
    name, overwrite, error = train_form.name_ui(
        Path(lib.root), key="lib_keras_name", overwrite_key="lib_keras_overwrite"
    )
    if error:
        st.warning(error)
    if not st.button("Add the Keras model", key="lib_keras_add", disabled=bool(error), type="primary"):
        return
    if upload.size > MAX_FILE:
        done("error", f"Import refused: the file is {upload.size / 2**20:.0f} MB; the limit is {MAX_FILE // 2**20} MB.")
    bar = st.progress(0.0, text="Starting…")
    try:
        import_file(upload.getvalue(), lib, name, dataset, overwrite,
                    on_progress=lambda text, fraction: bar.progress(fraction, text=f"{text}…"))  # fmt: skip
    except (ImportRefused, LibraryError, DataError) as e:
        done("error", f"Import refused: {e}")
    done(
        "success",
        f"Added **{name}**, encoded on {dataset_form.label(dataset)}. Make it active above to explore it.",
    )
