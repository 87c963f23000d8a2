"""Cache a computation once per saved version of a model: the one place that keys a cache by model.

    @per_version(max_entries=16)                    # st.cache_data's options; resource=True: st.cache_resource
    def opening(bundle) -> tuple[int, tuple]: ...   # computed again only when the model is saved again
    opening(bundle)

A model's key is its folder's path and its saved version (model/folders/store.saved_version: the
version folder its name points at, and its meta.json's time), so a model saved again under the same
name is never served what was computed for the one it replaced. The first argument is a loaded model
(store.Bundle, which carries the version it was read at), a library entry (anything with a .path) or
a folder's path; only the path, the version and the other arguments are hashed, never the model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from model.folders.store import saved_version


def version_key(model) -> tuple[str, str]:
    """(the model folder's path, its saved version) for a Bundle, a library entry or a path."""
    path = getattr(model, "path", model)
    return str(path), getattr(model, "version", "") or saved_version(Path(os.fspath(path)))


def per_version(*, resource: bool = False, **options) -> Callable[[Callable], Callable]:
    """Decorator: fn(model, *args) computed once per model version and args, in st.cache_data (or
    st.cache_resource with resource=True; `options` are theirs, without a spinner unless one is given).
    The wrapper has fn's .clear()."""
    options.setdefault("show_spinner", False)

    def decorate(fn: Callable) -> Callable:
        def cached(path: str, version: str, args: tuple, _model):
            return fn(_model, *args)

        for name in ("__module__", "__name__", "__qualname__", "__doc__"):  # Streamlit names a cache by these
            setattr(cached, name, getattr(fn, name))
        store = (st.cache_resource if resource else st.cache_data)(**options)(cached)

        def call(model, *args):
            return store(*version_key(model), args, model)

        call.__name__, call.__qualname__, call.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        call.clear = store.clear
        return call

    return decorate
