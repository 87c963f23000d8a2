"""Models page: every saved model, and making one active, renaming, deleting, downloading, uploading,
adding a Keras model of one's own (ui/import_form.py).

The logic is model/folders/library.py (names, atomic moves) and model/folders/modelzip.py (zip checks); this page
only draws it and reports each outcome in a sentence. Any failure leaves the library as it was.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from model.folders import library, modelzip, store
from model.folders.export import csv_bytes, npz_bytes
from model.folders.library import DEFAULT_NAME, LibraryError
from model.folders.store import ModelError
from model.plane.metrics import knn_accuracy
from ui import active_model, import_form, router, train_form
from ui.model_cache import per_version

router.ensure_router()  # first: a direct link on a fresh server must still go through the router

ss = st.session_state
LIB = library.Library()
LIBRARY = LIB.root
ss.setdefault("lib_notice", None)  # (kind, text) to show after an action's rerun


@per_version(show_spinner="Measuring how well each model separates the digits…", max_entries=64)
def plane_accuracy(entry: library.Entry) -> float | None:
    """5-NN label accuracy of the test encodings in the model's plane, once per model folder version."""
    try:
        lat = store.load_latent(Path(entry.path) / store.LATENT_FILE)
    except ModelError:
        return None
    return knn_accuracy(lat["z_train"], lat["y_train"], lat["z_test"], lat["y_test"], k=5)


def table_rows(entries: list[library.Entry], active: str) -> list[dict]:
    rows = []
    for e in entries:
        m = e.meta or {}
        cfg = m.get("config") or {}
        acc = m.get("knn5") or (plane_accuracy(e) if e.meta else None)
        rows.append({  # the comparison first (test BCE, 5-NN), the long config string last
            "active": "●" if e.name == active else "", "name": e.name + (" (shipped)" if e.shipped else ""),
            "test BCE": m.get("test_bce"), "5-NN accuracy": None if acc is None else round(100 * acc, 1),
            "dataset": m.get("dataset", "?"), "architecture": {"vae": "VAE"}.get(cfg.get("architecture"), "AE"),
            "trained on": f"{cfg['subset']:,} digits" if cfg.get("subset") else "all", "epochs": m.get("epochs"),
            "date": (m.get("created") or "")[:16].replace("T", " "), "size (MB)": round(e.size / 2**20, 2),
            "config": e.summary if e.meta else f"unreadable: {e.error}",
        })  # fmt: skip
    return rows


def done(kind: str, text: str) -> None:
    ss.lib_notice = (kind, text)
    st.rerun()


def activate(name: str) -> None:
    active_model.set_active_model(name)
    ss.lib_notice = ("success", f"**{name}** is now the active model on every page.")


def manage_ui(entry: library.Entry, active: str) -> None:
    """Make active, download, rename, delete: for one chosen model."""
    go, download = st.columns([1, 1])
    # A callback, not `if button: ...; st.rerun()`: it runs before this run draws the sidebar, so no
    # second run is needed, and a sidebar link clicked at once is not overridden by an st.rerun.
    go.button("Make active", key="lib_activate", disabled=entry.name == active or entry.meta is None,
              on_click=activate, args=(entry.name,))  # fmt: skip
    if entry.meta is not None:
        download.download_button("Download .zip", data=lambda: modelzip.to_zip(entry.path, entry.name),
                                 file_name=f"{entry.name}.zip", mime="application/zip", key="lib_download",
                                 on_click="ignore")  # fmt: skip
    if entry.shipped:
        st.caption("The shipped model cannot be renamed or deleted; download and upload it to make a copy.")
        return
    if ss.get("lib_rename_for") != entry.name or "lib_new_name" not in ss:  # starts with the current name
        ss.lib_rename_for, ss.lib_new_name = entry.name, entry.name
    with st.expander("Rename", expanded=ss.get("lib_open") == "rename", icon=":material/edit:"):
        new, overwrite, error = train_form.name_ui(LIBRARY, key="lib_new_name", overwrite_key="lib_rename_overwrite")
        if st.button("Rename", key="lib_rename", disabled=bool(error) or new == entry.name):
            try:
                LIB.rename(entry.name, new, overwrite=overwrite)
            except (LibraryError, OSError) as e:
                done("error", str(e))
            if active == entry.name:
                active_model.set_active_model(new)
            ss.lib_open, ss.lib_select_next = "rename", new  # keep the form open, on the renamed model
            done("success", f"Renamed **{entry.name}** to **{new}**.")
    with st.expander("Delete", icon=":material/delete:"):
        sure = st.checkbox(f"Yes, delete **{entry.name}** for good", key="lib_delete_sure")
        if st.button("Delete", key="lib_delete", disabled=not sure, type="primary"):
            try:
                LIB.delete(entry.name)
            except (LibraryError, OSError) as e:
                done("error", str(e))
            if active == entry.name:
                active_model.set_active_model(DEFAULT_NAME)
            done("success", f"Deleted **{entry.name}**.")


def upload_ui() -> None:
    """Upload a model .zip (as downloaded here); validated before anything is written."""
    upload = st.file_uploader("Model .zip", type=["zip"], key="lib_upload")
    if upload is None:
        return
    if ss.get("lib_upload_for") != upload.file_id:  # a new file: suggest a free name from its file name
        ss.lib_upload_for = upload.file_id
        stem = upload.name.rsplit(".", 1)[0]
        try:
            ss.lib_upload_name = LIB.unique_name(LIB.validate(stem))
        except LibraryError:
            ss.lib_upload_name = LIB.unique_name("uploaded")
    name, overwrite, error = train_form.name_ui(LIBRARY, key="lib_upload_name", overwrite_key="lib_upload_overwrite")
    if error:
        st.warning(error)
    if st.button("Add to the library", key="lib_install", disabled=bool(error), type="primary"):
        try:
            modelzip.import_zip(upload.getvalue(), LIB, name, overwrite=overwrite)
        except LibraryError as e:
            done("error", f"Upload refused: {e}")
        done("success", f"Added **{name}**. Make it active below to explore it.")


st.header("Model library")
if ss.lib_notice:
    kind, text = ss.lib_notice
    (st.success if kind == "success" else st.error)(text)
    ss.lib_notice = None
active = ss.get("model_name", DEFAULT_NAME)
entries = LIB.list()
st.dataframe(
    table_rows(entries, active), hide_index=True, key="lib_table",
    column_config={
        "test BCE": st.column_config.NumberColumn(format="%.4f", help="reconstruction loss on the 10,000 test digits; lower is better"),
        "5-NN accuracy": st.column_config.NumberColumn(format="%.1f %%", help="how often a test digit's 5 nearest training digits in the plane vote its label; higher is better"),
    },
)  # fmt: skip
st.caption("User models live in the server's model library (set LATENT_EXPLORER_MODELS to move it).")
by_name = {e.name: e for e in entries}
if by_name:
    st.subheader("Manage a model")
    names = list(by_name)
    if ss.get("lib_select_next") in by_name:  # set before the selectbox exists in this run
        ss.lib_selected = ss.pop("lib_select_next")
    if ss.get("lib_selected") not in by_name:
        ss.lib_selected = active if active in by_name else names[0]
    chosen = st.selectbox("Model", names, key="lib_selected")
    manage_ui(by_name[chosen], active)


def export_ui(bundle) -> None:
    """Download buttons for the active model's encodings (split, index, label, z1, z2), built on click."""
    n = len(bundle.latent["z_train"]) + len(bundle.latent["z_test"])
    st.caption(f"Every encoding of **{bundle.name}** ({n:,} rows: training digits first), as columns split, index, label, z1, z2.")  # fmt: skip
    with st.container(horizontal=True, key="lib_export"):
        st.download_button(
            "Encodings as CSV", data=lambda: csv_bytes(bundle.latent), file_name=f"{bundle.name}-encodings.csv",
            mime="text/csv", key="lib_export_csv", on_click="ignore", icon=":material/table:",
        )  # fmt: skip
        st.download_button(
            "Encodings as NPZ", data=lambda: npz_bytes(bundle.latent), file_name=f"{bundle.name}-encodings.npz",
            mime="application/octet-stream", key="lib_export_npz", on_click="ignore", icon=":material/download:",
        )  # fmt: skip


active_bundle = active_model.active_bundle(quiet=True)
if active_bundle is not None:
    st.subheader("Export the active model's encodings")
    export_ui(active_bundle)
st.subheader("Upload a model")
upload_ui()
st.subheader("Add a Keras model")
import_form.import_ui(LIB, done)
