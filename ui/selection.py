"""The box / lasso selection, one store for one model (Explore, Upload) and for a pair (Compare).

    models = (bundle,)  or  (a, b)
    live_plane(..., selection=selection.for_plane(models, side), on_select=lambda v: selection.on_select(models, side, v))
    selection_panel.panel_ui(models)     # count, histogram, centroid digit(s), gallery, downloads

A shape drawn on plane `side` selects the training digits whose encodings in that model lie inside it;
both planes of a pair then highlight exactly those digits (Python's mask, a bit per training digit).
Shift adds a shape, on either plane: the selection is the union; each plane outlines its own shapes.

State, owned here; PREFIX is "selection" for one model, "compare_selection" for a pair:
    PREFIX        {scope: ((model path, Shape), ...)}, scope = the models' paths sorted (A and B swapped keep
                  it); durable; one scope for one model (another model starts empty), MAX_PAIRS for pairs
    PREFIX_memo   (key, Selected), per selection and saved version of the models: a model saved again
                  under its name never shows the old model's summary
    PREFIX_t      the stamp t of the last trigger (the planes' data-selected-t)
    PREFIX_note   a line to say once (a link's box, a shape that could not be read, too many shapes)
One model's selection, while it is one box without hidden classes, is the URL's ?box=x0,x1,y0,y1; a first
visit's ?box= selects that box (a bad one is ignored, with one line saying so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from model.plane.selection import Box, by_z2, members, pack, parse_box, parse_shape
from model.plane.selection_summary import Place, Summary, place, summarise
from ui import active_model, data_status
from ui.model_cache import per_version, version_key

MAX_SHAPES = 64  # Shift-added shapes kept at most: a union of more is refused, politely
MAX_PAIRS = 8  # pairs of models whose selections are kept (the oldest is dropped)


@dataclass(frozen=True)
class Selected:
    s: Summary  # count, classes, gallery, centroid (the first model's view; the index is the same in all)
    places: tuple[Place, ...]  # with two models: where the digits lie in each plane; () with one
    mask: str  # with two models: the selected digits as text for the planes (model/plane/selection.pack)


def prefix(models: tuple) -> str:
    return "selection" if len(models) == 1 else "compare_selection"


def scope(models: tuple) -> tuple[str, ...]:
    return tuple(sorted(str(m.path) for m in models))


def current(models: tuple) -> tuple:
    """The models' shapes, ((model path, Shape), ...) in the order drawn; one model's first call in a
    session reads the URL's ?box=."""
    ss, key = st.session_state, prefix(models)
    if key not in ss and len(models) == 1:
        text = st.query_params.get("box")
        box = parse_box(text)
        ss[key] = {scope(models): ((str(models[0].path), box),)} if box else {}
        ss[f"{key}_note"] = None if box or text is None else "The link's box was not understood, so nothing is selected."  # fmt: skip
        if text is not None and not box:
            del st.query_params["box"]  # a bad link's box is not kept in the URL
    held = ss.get(key, {})
    if len(models) == 1 and held and scope(models) not in held:
        ss[key] = held = {}  # another model's plane: its encodings mean something else
    return held.get(scope(models), ())


def _set(models: tuple, shapes: tuple) -> None:
    ss, key = st.session_state, prefix(models)
    kept = {k: v for k, v in ss.get(key, {}).items() if k != scope(models)}
    if shapes:
        kept[scope(models)] = shapes  # the newest last
    ss[key] = dict(list(kept.items())[-(1 if len(models) == 1 else MAX_PAIRS) :])
    ss[f"{key}_note"] = None
    if len(models) == 1:
        sync_url(tuple(sh for _, sh in shapes))


def sync_url(shapes: tuple) -> None:
    """?box= while the selection is one box (without hidden classes); no ?box= otherwise."""
    qp = st.query_params
    box = shapes[0] if len(shapes) == 1 and isinstance(shapes[0], Box) and not shapes[0].hidden else None
    if box is not None and qp.get("box") != box.text():
        qp["box"] = box.text()
    elif box is None and "box" in qp:
        del qp["box"]


def read_trigger(value, key: str, held: tuple, tag) -> tuple | None:
    """A plane's selection trigger, {"kind": "box"|"lasso", "x", "y", "hidden", "add", "t"} or {"kind":
    "clear", "t"}, read for the selection kept under the session keys `key`_t (the stamp the plots echo)
    and `key`_note (a line to say once): the selection's new shapes (() for Clear; Shift adds tag(shape)
    to `held`), or None when it stays as it is."""
    if not isinstance(value, dict):
        return None
    ss, t = st.session_state, value.get("t")
    ss[f"{key}_t"] = t if isinstance(t, int | float) and not isinstance(t, bool) else None
    if value.get("kind") == "clear":
        return ()
    shape = parse_shape(value)
    if shape is None:
        ss[f"{key}_note"] = "That selection could not be read; draw it again."
        return None
    old = held if value.get("add") is True else ()
    if len(old) >= MAX_SHAPES:
        ss[f"{key}_note"] = f"A selection holds at most {MAX_SHAPES} shapes; Clear it to start again."
        return None
    return (*old, tag(shape))


def on_select(models: tuple, side: int, value) -> None:
    """Plane `side`'s trigger (read_trigger), its shape in that plane's coordinates: the selection follows it."""
    path = str(models[side].path)
    shapes = read_trigger(value, prefix(models), current(models), tag=lambda shape: (path, shape))
    if shapes is not None:
        _set(models, shapes)


def clear(models: tuple) -> None:
    _set(models, ())


@per_version(resource=True, max_entries=8)
def sorted_z(bundle):
    """by_z2 of the model's training encodings (model/plane/selection.py), once per model version: a lasso
    then needs no sort."""
    return by_z2(bundle.latent["z_train"])


def summary(models: tuple) -> Selected | None:
    """The selection's Selected, or None when nothing is selected."""
    ss, shapes, a = st.session_state, current(models), models[0]
    key, memo = (tuple(version_key(m) for m in models), shapes), ss.get(f"{prefix(models)}_memo")
    if memo is None or memo[0] != key:
        labels = a.latent["y_train"]
        mask = np.zeros(len(labels), bool)
        for m in {str(m.path): m for m in models}.values():  # each model's shapes, in its own plane
            mine = [sh for path, sh in shapes if path == str(m.path)]
            if mine:
                mask |= members(m.latent["z_train"], mine, labels, sorted_z(m))
        data = data_status.active_data(a, quiet=True)
        images = data[0][0] if data is not None else None
        s = summarise(a.latent["z_train"], labels, mask, a.codec, len(active_model.class_names(a)), images)
        pair = len(models) > 1 and s is not None
        places = tuple(place(m.latent["z_train"], mask, m.codec) for m in models) if pair else ()
        out = None if s is None else Selected(s, places, pack(mask) if pair else "")
        ss[f"{prefix(models)}_memo"] = memo = (key, out)
    return memo[1]


def for_plane(models: tuple, side: int = 0) -> dict:
    """What plane `side` needs: Python's count (its data-selected), its own shapes (outlined after a
    remount), the stamp t of the trigger answered (data-selected-t), and with two models the mask of
    selected digits both planes highlight."""
    p, path = summary(models), str(models[side].path)
    out = {
        "count": 0 if p is None else p.s.count,
        "shapes": [sh.to_dict() for where, sh in current(models) if where == path],
        "t": st.session_state.get(f"{prefix(models)}_t"),
    }
    return out if len(models) == 1 else {**out, "mask": "" if p is None else p.mask}
