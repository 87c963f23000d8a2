"""The sidebar: the model switcher (one click makes a model active on every page) and the active model's facts."""

from __future__ import annotations

import streamlit as st

from model.folders import library, store
from model.folders.library import DEFAULT_NAME, NAME_RE, Library
from ui.active_model import class_names, set_active_model


def switcher_key() -> str:
    """The sidebar switcher's widget key; it changes with every switch (see active_model.set_active_model)."""
    return f"sidebar_model_{st.session_state.get('switcher_gen', 0)}"


def _on_switch(key: str) -> None:
    # Only the switcher on screen now may switch. A run that stops early (Make active, then a page
    # link at once) leaves the switcher it replaced registered in Streamlit, and that old pill's value
    # can then read as a change and switch back to the old model; its key is not the current one.
    if key != switcher_key():
        return
    name = st.session_state.get(key)
    if name:  # None: the active pill was clicked again (deselected); the next run shows it again
        set_active_model(name)


def switcher_ui() -> str:
    """One click on a model's pill makes it the active model on every page; the URL's ?model= follows."""
    ss = st.session_state
    active = ss.get("model_name", DEFAULT_NAME)
    models = Library().folders()
    names, shipped = list(models), [n for n, (_, s) in models.items() if s]
    if active not in names and NAME_RE.fullmatch(active):
        names.append(active)  # e.g. a ?model= that does not load: still shown as the active one
    key = switcher_key()
    ss[key] = active if active in names else None  # seeded from the durable model_name every run
    st.pills(
        "Model", names, key=key, on_change=_on_switch, args=(key,),
        help=f"One click makes a model active on every page. Shipped: {', '.join(sorted(shipped))}; the others "
        "are your library's (the Models page manages them). The Compare page shows two side by side.",
    )  # fmt: skip
    return active


def sidebar(bundle: store.Bundle | None) -> None:
    """The model switcher and the active model's facts in the sidebar."""
    with st.sidebar:
        switcher_ui()
        st.subheader("Active model")
        if bundle is None:
            st.caption("No model loaded.")
            return
        m = bundle.meta
        names = class_names(bundle)
        st.markdown(f"**{bundle.name}** · {m.get('dataset', 'mnist')}")
        st.caption(library.summary(m))
        trained = "imported" if m.get("origin") == "imported" else f"{m.get('epochs', '?')} epochs"
        st.caption(f"{trained} · test BCE {m.get('test_bce', float('nan')):.4f} · {m.get('params', 0):,} parameters")
        if not names[0].isdigit():
            st.caption("Classes: " + ", ".join(names))
