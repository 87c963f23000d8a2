"""A page without its data set: one line saying what is off, and a button that downloads it.

The download runs in model/fetch_jobs.py's background thread, shared by every session; the page
only starts it and reads its progress. While it runs, a fragment redraws the progress bar once a
second; when it ends, the whole page reruns with the data set. With the data set's variable set,
the variable names the data, so the line says to fix it and no button is offered.
"""

from __future__ import annotations

import streamlit as st

from model import download, fetch_jobs
from model.data import LABELS, variable_source

POLL_S = 1.0


def missing_notice(name: str, lacking: str) -> None:
    """The one-line note (ui/data_status.missing_data_line) and, unless a variable names the data, the download."""
    from ui import data_status

    st.info(data_status.missing_data_line(name, lacking), icon=":material/info:")
    if name not in LABELS or variable_source(name):  # a user's data set has no download
        return
    running = fetch_jobs.progress(name).state == fetch_jobs.RUNNING
    st.fragment(_panel, run_every=POLL_S if running else None)(name)


def _panel(name: str) -> None:
    from ui import data_status

    label, p = LABELS[name], fetch_jobs.progress(name)
    if p.state == fetch_jobs.RUNNING:
        mb = f"{p.done / 1e6:.0f} of {p.total / 1e6:.0f} MB"
        st.progress(p.fraction, text=f"Downloading {label}: {mb}", width=360)
        return
    if p.state == fetch_jobs.DONE:
        data_status.data_available.clear()  # every session's cached "missing" answer
        if data_status.data_available(name):
            st.rerun(scope="app")
        st.warning(f"{label} was downloaded but cannot be read; see the server's log.")
    elif p.state == fetch_jobs.FAILED:
        st.warning(p.message[:1].upper() + p.message[1:] + ".")
    size = f"{download.total_bytes(name) / 1e6:.0f} MB"
    if st.button(f"Download {label} ({size})", key=f"data_fetch_{name}", icon=":material/download:"):
        fetch_jobs.start(name)
        st.rerun(scope="app")  # the fragment now polls
