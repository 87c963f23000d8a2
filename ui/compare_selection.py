"""The box / lasso selection on Compare: digits selected in either plane are highlighted in both.

    live_plane(a, key="compare_plane_a", ..., selection=compare_selection.for_plane(a, b, "a"),
               on_select=lambda v: compare_selection.on_select(a, b, "a", v))     # and the same for "b"
    compare_selection.panel_ui(a, b)     # count, histogram, each model's centroid digit, gallery, downloads

A shape drawn on plane A selects the training digits whose encodings in A lie inside it; both planes
then highlight exactly those digits (the plane is sent Python's mask, a bit per training digit), so
you see where the digits one model keeps together land in the other. Shift adds a shape, drawn on
either plane: the selection is the union. Each plane outlines only the shapes drawn on it.

State (this module is the one owner of these keys):
    compare_selection       {pair: ((model path, Shape), ...)}: each pair's shapes, tagged with the plane
                            (model) they were drawn on; pair = the two model paths, sorted, so swapping
                            A and B keeps the selection. Durable: survives page switches; at most MAX_PAIRS.
    compare_selection_memo  (key, PairSummary): computed once per selection
    compare_selection_t     the stamp t of the last trigger (both planes' data-selected-t)
    compare_selection_note  a line to say once (a shape that could not be read, too many shapes)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from model.folders.export import selected_pair
from model.plane.selection import members, pack
from model.plane.selection_summary import NEIGHBOURS, Place, Summary, place, summarise
from ui import common, selection

MAX_PAIRS = 8  # pairs whose selections are kept (the oldest is dropped)


@dataclass(frozen=True)
class PairSummary:
    s: Summary  # count, classes, gallery (model A's view of the selection; the index is the same in B)
    places: tuple[Place, Place]  # where the digits lie in A's plane and in B's
    mask: str  # the selected training digits as text for the planes (model/plane/selection.pack)


def pair(a, b) -> tuple[str, str]:
    return tuple(sorted((str(a.path), str(b.path))))


def current(a, b) -> tuple:
    """This pair's shapes: ((model path, Shape), ...), in the order drawn."""
    return st.session_state.get("compare_selection", {}).get(pair(a, b), ())


def _set(a, b, shapes: tuple) -> None:
    ss = st.session_state
    kept = {k: v for k, v in ss.get("compare_selection", {}).items() if k != pair(a, b)}
    if shapes:
        kept[pair(a, b)] = shapes  # the newest last
    ss.compare_selection = dict(list(kept.items())[-MAX_PAIRS:])
    ss.compare_selection_note = None


def clear(a, b) -> None:
    _set(a, b, ())


def on_select(a, b, side: str, value) -> None:
    """Plane `side`'s trigger ("a" or "b"; selection.read_trigger), its shape in that plane's coordinates."""
    path = str((a if side == "a" else b).path)
    shapes = selection.read_trigger(value, "compare_selection", current(a, b), tag=lambda shape: (path, shape))
    if shapes is not None:
        _set(a, b, shapes)


def summary(a, b) -> PairSummary | None:
    """The selection's PairSummary, or None when nothing is selected."""
    ss, shapes = st.session_state, current(a, b)
    key = (str(a.path), str(b.path), common.folder_mtime(a.path), common.folder_mtime(b.path), shapes)
    memo = ss.get("compare_selection_memo")
    if memo is None or memo[0] != key:
        labels = a.latent["y_train"]
        mask = np.zeros(len(labels), bool)
        for m in {str(a.path): a, str(b.path): b}.values():  # each model's shapes, in its own plane
            mine = [sh for path, sh in shapes if path == str(m.path)]
            if mine:
                mask |= members(m.latent["z_train"], mine, labels, selection.sorted_z(m))
        data = common.active_data(a, quiet=True)
        images = data[0][0] if data is not None else None
        s = summarise(a.latent["z_train"], labels, mask, a.codec, len(common.class_names(a)), images)
        out = None if s is None else PairSummary(s, tuple(place(m.latent["z_train"], mask, m.codec) for m in (a, b)), pack(mask))  # fmt: skip
        ss.compare_selection_memo = memo = (key, out)
    return memo[1]


def for_plane(a, b, side: str) -> dict:
    """What plane `side` needs: Python's count (its data-selected), the mask of selected digits both planes
    highlight, this plane's own shapes (outlined) and the stamp t of the trigger answered (data-selected-t)."""
    p, m = summary(a, b), a if side == "a" else b
    return {
        "count": 0 if p is None else p.s.count,
        "mask": "" if p is None else p.mask,
        "shapes": [sh.to_dict() for path, sh in current(a, b) if path == str(m.path)],
        "t": st.session_state.get("compare_selection_t"),
    }


def agreement(places, chance: float) -> str:
    """One line comparing how much each model keeps the selected digits together."""
    a, b = (f"{100 * p.together:.0f}%" for p in places)
    return (
        f"Of each selected digit's {NEIGHBOURS} nearest neighbours in the plane, selected too: **A {a}**, "
        f"**B {b}** (by chance: {100 * chance:.0f}%). The higher, the more that model keeps these digits together."
    )


def panel_ui(a, b) -> PairSummary | None:
    """The selection panel under the planes (a one-line hint when nothing is selected); returns the PairSummary."""
    p, ss = summary(a, b), st.session_state
    note = ss.pop("compare_selection_note", None)  # said once
    if note:
        st.caption(note)
    if p is None:
        st.caption(
            "Select digits: **Box** or **Lasso** above either plane (or in its toolbar), then drag; the same "
            "digits light up in both planes. Shift adds."
        )
        return None
    s = p.s
    where = "originals from the data set" if s.originals else f"decoded by A ({a.name}) from their encodings (the data set is not available here)"  # fmt: skip
    centres = [
        (pl.image, f"{side}: {m.name}, at the centroid ({pl.centroid[0]:.2f}, {pl.centroid[1]:.2f})")
        for side, m, pl in zip("AB", (a, b), p.places, strict=True)
    ]
    selection.show(
        s, common.class_names(a), key="compare_selection", on_clear=clear, args=(a, b), centres=centres,
        where=where, rows=lambda: selected_pair(a.latent, b.latent, s.index), note=agreement(p.places, s.count / len(a.latent["y_train"])),
    )  # fmt: skip
    return p
