"""A shared view's link: the one parser of the plane's view in the URL, beside ?model=, ?z1=&z2=
(ui/explore_state.py) and ?box= (ui/selection.py).

    ?view=x0,x1,y0,y1     the zoomed view (data ranges)
    ?layers=map,density   the layers shown (map, density, labels, lens, holes; an empty list: none)
    ?color=error          what colours the points (label, error, agree, sigma)
    ?range=a,b            Colour by's brushed range (with ?color= only)
    ?replay=p             the replay's position on its timeline (snapshot number, fractions between)

The plane's "Copy link" (ui/plane/js/share.js) writes them. from_url() reads them once per session;
a bad value is left out, with one line saying which part of the link was not understood.
restore(bundle) hands what was read to the plane of the model the link opened on.
"""

from __future__ import annotations

import math

import streamlit as st

LAYERS = ("map", "density", "labels", "lens", "holes")
COLORS = ("label", "error", "agree", "sigma")
LIMIT = 1e6  # no latent plane reaches this far; bigger numbers are a mangled link
KEY, NOTE = "share_restore", "share_note"


def _floats(text, n: int) -> tuple[float, ...] | None:
    parts = str(text).split(",")
    if len(parts) != n or len(str(text)) > 200:
        return None
    try:
        v = tuple(float(p) for p in parts)
    except ValueError:
        return None
    return v if all(math.isfinite(x) and abs(x) <= LIMIT for x in v) else None


def parse(params) -> tuple[dict, list[str]]:
    """(what the link restores, the names of the parts not understood) from a mapping of query params."""
    out, bad = {}, []
    if (text := params.get("view")) is not None:
        v = _floats(text, 4)
        if v and v[0] < v[1] and v[2] < v[3]:
            out["view"] = [[v[0], v[1]], [v[2], v[3]]]
        else:
            bad.append("view")
    if (text := params.get("layers")) is not None:
        names = [n for n in str(text).split(",") if n]
        if len(names) <= len(LAYERS) and all(n in LAYERS for n in names):
            out["layers"] = sorted(set(names), key=LAYERS.index)
        else:
            bad.append("layers")
    if (text := params.get("color")) is not None:
        (out.__setitem__("color", text) if text in COLORS else bad.append("color"))
    if (text := params.get("range")) is not None:
        r = _floats(text, 2)
        if r and r[0] <= r[1] and out.get("color", "label") != "label":
            out["range"] = list(r)
        else:
            bad.append("range")
    if (text := params.get("replay")) is not None:
        p = _floats(text, 1)
        (out.__setitem__("replay", p[0]) if p and p[0] >= 0 else bad.append("replay"))
    return out, bad


def from_url(bundle) -> None:
    """Once per session: what the link's view parameters restore, for the model it opened on."""
    ss = st.session_state
    if KEY in ss:
        return
    out, bad = parse(st.query_params)
    ss[KEY] = (str(bundle.path), out) if out else None
    ss[NOTE] = f"Part of the link was not understood ({', '.join(bad)}), so it was left out." if bad else None


def restore(bundle) -> dict | None:
    """The link's view for this model's plane, or None (another model, or no link)."""
    got = st.session_state.get(KEY)
    return got[1] if got and got[0] == str(bundle.path) else None


def note() -> str | None:
    """The one line about a link's parts that were not understood, or None."""
    return st.session_state.get(NOTE)
