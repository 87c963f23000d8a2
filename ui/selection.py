"""The box / lasso selection of the live plane: its state, its URL and its panel.

    sel = selection.current(bundle)                  # tuple of shapes (model/plane/selection.py), URL read once
    live_plane(..., selection=selection.for_plane(bundle), on_select=lambda v: selection.on_select(bundle, v))
    selection.panel_ui(bundle)                       # count, histogram, gallery, centroid digit, downloads
    selection.show(summary, names, key=..., ...)     # the panel itself (ui/compare_selection.py uses it too)

State: `selection` = (model path, shapes), durable (survives page switches); a change of model drops it.
`selection_memo` = (model path, shapes, Summary): the summary is computed once per selection.
A selection that is one box (no hidden classes) is shared by the URL's ?box=x0,x1,y0,y1; a first
visit's ?box= selects that box (a bad one is ignored, with one line saying so).
"""

from __future__ import annotations

import streamlit as st

from model.folders.export import selected, table_csv, table_npz
from model.plane.selection import Box, by_z2, members, parse_box, parse_shape
from model.plane.selection_summary import mosaic, summarise
from ui import common

MAX_SHAPES = 64  # Shift-added shapes kept at most: a union of more is refused, politely
TILE_PX = 2  # gallery: screen pixels per MNIST pixel (at most; narrower on a phone)
CENTROID_PX = 112


def current(bundle) -> tuple:
    """The active model's selection (shapes); on the session's first call, the URL's ?box=."""
    ss, model = st.session_state, str(bundle.path)
    if "selection" not in ss:
        text = st.query_params.get("box")
        box = parse_box(text)
        ss.selection = (model, (box,) if box else ())
        ss.selection_note = None if box or text is None else "The link's box was not understood, so nothing is selected."  # fmt: skip
        if text is not None and not box:
            del st.query_params["box"]  # a bad link's box is not kept in the URL
    if ss.selection[0] != model:  # another model's plane: its encodings mean something else
        ss.selection = (model, ())
    return ss.selection[1]


def _set(bundle, shapes: tuple) -> None:
    st.session_state.selection = (str(bundle.path), shapes)
    st.session_state.selection_note = None
    sync_url(shapes)


def sync_url(shapes: tuple) -> None:
    """?box= while the selection is one box (without hidden classes); no ?box= otherwise."""
    qp = st.query_params
    box = shapes[0] if len(shapes) == 1 and isinstance(shapes[0], Box) and not shapes[0].hidden else None
    if box is not None and qp.get("box") != box.text():
        qp["box"] = box.text()
    elif box is None and "box" in qp:
        del qp["box"]


def read_trigger(value, prefix: str, held: tuple, tag=lambda shape: shape) -> tuple | None:
    """A plane's selection trigger, {"kind": "box"|"lasso", "x", "y", "hidden", "add", "t"} or {"kind":
    "clear", "t"}, read for the selection kept under the session keys `prefix`_t (the stamp the plots echo)
    and `prefix`_note (a line to say once): the selection's new shapes (() for Clear; Shift adds tag(shape)
    to `held`), or None when it stays as it is. Explore's and Compare's selections both read it here."""
    if not isinstance(value, dict):
        return None
    ss, t = st.session_state, value.get("t")
    ss[f"{prefix}_t"] = t if isinstance(t, int | float) and not isinstance(t, bool) else None
    if value.get("kind") == "clear":
        return ()
    shape = parse_shape(value)
    if shape is None:
        ss[f"{prefix}_note"] = "That selection could not be read; draw it again."
        return None
    old = held if value.get("add") is True else ()
    if len(old) >= MAX_SHAPES:
        ss[f"{prefix}_note"] = f"A selection holds at most {MAX_SHAPES} shapes; Clear it to start again."
        return None
    return (*old, tag(shape))


def on_select(bundle, value) -> None:
    """The plane's trigger (read_trigger): the selection follows it."""
    shapes = read_trigger(value, "selection", current(bundle))
    if shapes is not None:
        _set(bundle, shapes)


def clear(bundle) -> None:
    _set(bundle, ())


@st.cache_resource(show_spinner=False, max_entries=8)
def _by_z2(path: str, mtime: float, _z):
    """The training encodings sorted by z2, once per model version: a lasso then needs no sort."""
    return by_z2(_z)


def sorted_z(bundle):
    """by_z2 of the model's training encodings (model/plane/selection.py), cached per model version."""
    return _by_z2(str(bundle.path), common.folder_mtime(bundle.path), bundle.latent["z_train"])


def summary(bundle):
    """The selection's Summary (model/plane/selection_summary.py), or None when nothing is selected."""
    ss, shapes = st.session_state, current(bundle)
    memo = ss.get("selection_memo")
    if memo is None or memo[:2] != (str(bundle.path), shapes):
        lat, data = bundle.latent, common.active_data(bundle, quiet=True)
        mask = members(lat["z_train"], shapes, lat["y_train"], sorted_z(bundle))
        images = data[0][0] if data is not None else None
        s = summarise(lat["z_train"], lat["y_train"], mask, bundle.codec, len(common.class_names(bundle)), images)
        ss.selection_memo = memo = (str(bundle.path), shapes, s)
    return memo[2]


def for_plane(bundle) -> dict:
    """What the plane needs: Python's count (its data-selected), the shapes to draw after a remount, and
    the stamp t of the trigger it answers (data-selected-t)."""
    s, t = summary(bundle), st.session_state.get("selection_t")
    return {"count": 0 if s is None else s.count, "shapes": [sh.to_dict() for sh in current(bundle)], "t": t}


def histogram_spec(names, counts) -> dict:
    """A Vega-Lite bar chart of the selection's classes, in class order. A plain dict: st.bar_chart builds
    it through Altair and validates its schema, 80 ms of the panel's time here."""
    rows = [{"class": str(n), "digits": int(c)} for n, c in zip(names, counts, strict=True)]
    return {
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "class", "type": "nominal", "sort": None, "axis": {"labelAngle": 0}},
            "y": {"field": "digits", "type": "quantitative"},
        },
    }


def top_classes(counts, names, k: int = 3) -> str:
    """'Mostly 1 (62%), 7 (20%), 4 (9%)': the k largest classes of the selection."""
    total = counts.sum()
    best = [i for i in counts.argsort(kind="stable")[::-1][:k] if counts[i]]
    return "Mostly " + ", ".join(f"{names[i]} ({100 * counts[i] / total:.0f}%)" for i in best)


def panel_ui(bundle):
    """The selection panel (or a one-line hint when nothing is selected); returns the Summary or None."""
    s, ss = summary(bundle), st.session_state
    # The URL follows the selection only when it changes (_set): writing ?box= again after a page switch
    # would push a history entry on every arrival, and Back would land on Explore again and again.
    note = ss.pop("selection_note", None)  # said once
    if note:
        st.caption(note)
    if s is None:
        st.caption("Select digits: **Box select** or **Lasso select** in the plane's toolbar, then drag; Shift adds.")
        return None
    z1, z2 = s.centroid
    where = "originals from the data set" if s.originals else "decoded from their encodings (the data set is not available here)"  # fmt: skip
    show(
        s, common.class_names(bundle), key="selection", on_clear=clear, args=(bundle,),
        centres=[(s.centroid_image, f"decoded at the centroid ({z1:.2f}, {z2:.2f})")], where=where,
        rows=lambda: selected(bundle.latent, s.index),
    )  # fmt: skip
    return s


def show(s, names, *, key: str, on_clear, args, centres, where: str, rows, note: str | None = None) -> None:
    """A selection's panel (Explore's, Upload's and Compare's): the count and top classes with Clear, the
    class histogram beside the digit(s) decoded at the centroid, the gallery, and the two downloads.

    s: a Summary; key: the prefix of every element's key ({key}_panel, _clear, _gallery, _csv, _npz) and
    the downloads' file name; on_clear(*args): Clear's callback; centres: [(28 x 28 image, caption)];
    where: what the gallery's images are; rows(): the table to download (built only when a button is
    pressed); note: a line under the count."""
    with st.container(key=f"{key}_panel", border=True):
        head, button = st.columns([4, 1], vertical_alignment="center")
        head.markdown(f"**{s.count:,} digits selected** · {top_classes(s.counts, names)}")
        button.button("Clear", key=f"{key}_clear", on_click=on_clear, args=args, icon=":material/close:")
        if note:
            st.markdown(note)
        hist, centre = st.columns([3, len(centres)])
        with hist:
            st.vega_lite_chart(histogram_spec(names, s.counts), height=170)
        with centre, st.container(horizontal=True):
            for image, caption in centres:  # one fills its column; several sit side by side at their size
                width = CENTROID_PX if len(centres) > 1 else "content"
                st.image(common.to_png(image, CENTROID_PX), caption=caption, width=width, output_format="PNG")
        tiles = mosaic(s.gallery)
        # Sent at 1 pixel per MNIST pixel (4x fewer to encode) and shown TILE_PX times larger, crisp
        # (ui/router.py's CSS: image-rendering: pixelated inside .st-key-{key}_gallery).
        with st.container(key=f"{key}_gallery"):
            st.image(common.to_png(tiles, 0), caption=f"{len(s.shown)} of {s.count:,} selected digits: {where}", width=tiles.shape[1] * TILE_PX, output_format="PNG")  # fmt: skip
        with st.container(horizontal=True):
            for kind, write, mime in (("CSV", table_csv, "text/csv"), ("NPZ", table_npz, "application/octet-stream")):
                st.download_button(
                    f"Download selection ({kind})", lambda w=write: w(rows()), file_name=f"{key}.{kind.lower()}",
                    mime=mime, key=f"{key}_{kind.lower()}", on_click="ignore", icon=":material/download:",
                )  # fmt: skip
