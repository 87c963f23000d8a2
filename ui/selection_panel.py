"""The selection's panel, for one model (Explore, Upload) and for a pair (Compare): the count and top
classes with Clear, the class histogram beside the digit(s) decoded at the centroid, the gallery, and
the two downloads. The selection itself is ui/selection.py's.

    selection_panel.panel_ui(models)     # models = (bundle,) or (a, b); returns the Selected or None
"""

from __future__ import annotations

import streamlit as st

from model.folders.export import selected, selected_pair, table_csv, table_npz
from model.plane.selection_summary import NEIGHBOURS, mosaic
from ui import active_model, selection
from ui.images import to_png

TILE_PX = 2  # gallery: screen pixels per MNIST pixel (at most; narrower on a phone)
CENTROID_PX = 112
HINT = (
    "Select digits: **Box select** or **Lasso select** in the plane's toolbar, then drag; Shift adds.",
    "Select digits: **Box** or **Lasso** above either plane (or in its toolbar), then drag; the same "
    "digits light up in both planes. Shift adds.",
)


def histogram_spec(names, counts) -> dict:
    """A Vega-Lite bar chart of the selection's classes, in class order. A plain dict: st.bar_chart builds
    it through Altair and validates its schema, which takes most of the panel's time (docs/performance.md)."""
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


def agreement(places, chance: float) -> str:
    """One line comparing how much each model keeps the selected digits together."""
    a, b = (f"{100 * p.together:.0f}%" for p in places)
    return (
        f"Of each selected digit's {NEIGHBOURS} nearest neighbours in the plane, selected too: **A {a}**, "
        f"**B {b}** (by chance: {100 * chance:.0f}%). The higher, the more that model keeps these digits together."
    )


def panel_ui(models: tuple):
    """The selection panel (a one-line hint when nothing is selected); returns the Selected or None."""
    p, ss, key, a = selection.summary(models), st.session_state, selection.prefix(models), models[0]
    # The URL follows the selection only when it changes (selection._set): writing ?box= again after a page
    # switch would push a history entry on every arrival, and Back would land on Explore again and again.
    note = ss.pop(f"{key}_note", None)  # said once
    if note:
        st.caption(note)
    if p is None:
        st.caption(HINT[len(models) > 1])
        return None
    s = p.s
    if len(models) == 1:
        z1, z2 = s.centroid
        centres, note = [(s.centroid_image, f"decoded at the centroid ({z1:.2f}, {z2:.2f})")], None
        where = "originals from the data set" if s.originals else "decoded from their encodings (the data set is not available here)"  # fmt: skip
        rows = lambda: selected(a.latent, s.index)  # noqa: E731
    else:
        centres = [
            (pl.image, f"{side}: {m.name}, at the centroid ({pl.centroid[0]:.2f}, {pl.centroid[1]:.2f})")
            for side, m, pl in zip("AB", models, p.places, strict=True)
        ]
        where = "originals from the data set" if s.originals else f"decoded by A ({a.name}) from their encodings (the data set is not available here)"  # fmt: skip
        rows = lambda: selected_pair(a.latent, models[1].latent, s.index)  # noqa: E731
        note = agreement(p.places, s.count / len(a.latent["y_train"]))
    show(
        s, active_model.class_names(a), key=key, on_clear=selection.clear, args=(models,), centres=centres,
        where=where, rows=rows, note=note,
    )  # fmt: skip
    return p


def show(s, names, *, key: str, on_clear, args, centres, where: str, rows, note: str | None = None) -> None:
    """A selection's panel. s: a Summary; key: the prefix of every element's key ({key}_panel, _clear,
    _gallery, _csv, _npz) and the downloads' file name; on_clear(*args): Clear's callback; centres: [(28 x 28
    image, caption)]; where: what the gallery's images are; rows(): the table to download (built only when
    a button is pressed); note: a line under the count."""
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
                st.image(to_png(image, CENTROID_PX), caption=caption, width=width, output_format="PNG")
        tiles = mosaic(s.gallery)
        # Sent at 1 pixel per MNIST pixel (4x fewer to encode) and shown TILE_PX times larger, crisp
        # (ui/router.py's CSS: image-rendering: pixelated inside .st-key-{key}_gallery).
        with st.container(key=f"{key}_gallery"):
            st.image(to_png(tiles, 0), caption=f"{len(s.shown)} of {s.count:,} selected digits: {where}", width=tiles.shape[1] * TILE_PX, output_format="PNG")  # fmt: skip
        with st.container(horizontal=True):
            for kind, write, mime in (("CSV", table_csv, "text/csv"), ("NPZ", table_npz, "application/octet-stream")):
                st.download_button(
                    f"Download selection ({kind})", lambda w=write: w(rows()), file_name=f"{key}.{kind.lower()}",
                    mime=mime, key=f"{key}_{kind.lower()}", on_click="ignore", icon=":material/download:",
                )  # fmt: skip
