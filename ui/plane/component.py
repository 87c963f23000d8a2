"""The live latent plane: a Components v2 component that decodes under the pointer in the browser.

    result = live_plane(bundle, key="explore_plane", marker=(z1, z2), index=i, on_click=cb)
    if not result.ok:            # JavaScript error, or a decoder the browser cannot run
        ...                      # draw the still picture instead (ui/plane/picture.py)

One component, one channel: the plane (ui/plane/js/*.js, joined into one module by ui/plane/bundle.py, and
ui/plane/plane.css, both static files that ui/plane/loader.js, the component's own few lines, loads:
data.module and data.style) gets data = {channel, url, sha, nbytes, module, style, state}. {channel,
url, sha, nbytes} are a reference to the
model's payload (model/net/export_weights.py: decoder weights, encodings, labels), written once per
process to static/lp/<sha>.bin (ui/plane/publish.py) and fetched by the browser once per page, so the
0.6-2.8 MB never travel through a rerun's messages; `state` is this run's state for the plane (the
chosen point, its index, the uploaded star, view, link, replay, sigma, thumbnails, selection), a few
hundred bytes. The browser keeps its drawn plot while the reference stays the same. Where the static
folder cannot be written, the plane does not run (the payload would have to travel inline, megabytes
on every change of state): unavailable() says so in one line and the page shows the still picture.
`view` ((x0, x1), (y0, y1)) is the range the plane opens on (default: every point); a double-click or
the modebar's Autoscale shows every point. A click (or tap) on the plane is a trigger value {z1, z2, index|None}; on_click(z1, z2, index) runs
in its callback, before the rerun's widgets, so sliders and URL can follow it. A box or lasso drawn on
the plane is the trigger value `select`, handed to on_select(value) in its callback; `selection` is
Python's answer ({count, shapes, t}, ui/selection.py), which ui/plane/js/selection.js shows.
`link` (a group name, e.g. "compare") links the planes that share it, in the browser: the training digit
under the pointer in one is ringed, with its index and label, in all of them (no server call), and a
click picks only training digits. `pair` ("lead" or "follow", with `link`) gives two planes side by side one
toolbar: the lead's, whose every use is repeated on the follower, and one colour scale (ui/plane/js/pair.js).
unavailable(bundle, key, classes) says before mounting why a plane
cannot run (one line), or None.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from model.net.export_weights import ExportError, plane_payload
from ui.model_cache import per_version
from ui.plane import thumbs
from ui.plane.bundle import bundle
from ui.plane.publish import present, publish, static_dir
from ui.plane.quality import quality_ref

HERE = Path(__file__).resolve().parent
# The component's own code is loader.js, a few lines; the plane's code and style are static files it
# loads (code_ref), so a rerun's element never carries them (loader.js says why).
_plane = st.components.v2.component(
    "latent_explorer.live_plane",
    html='<div class="lp-root"></div>',
    js=(HERE / "loader.js").read_text(),
    isolate_styles=False,  # Plotly's CSS does not reach into a shadow root
)
UNSERVED = "the server cannot store its data in the app's static folder"


@functools.cache
def _code_refs(folder: str) -> dict | None:
    """The plane's code (ui/plane/js/*.js as one module) and style written to <folder>/lp/ once per process
    and folder, named by their hash: {"module": ref, "style": ref}, or None where it cannot be written."""
    module = publish(bundle().encode(), Path(folder), ext="js")
    style = publish((HERE / "plane.css").read_bytes(), Path(folder), ext="css")
    return None if module is None or style is None else {"module": module, "style": style}


def code_ref() -> dict | None:
    """{module, style}: the URLs of the plane's code and style under static/ (ui/plane/publish.py), or None
    where the static folder cannot be written. Every run costs two stats, as payload() does: a cleaned
    static/ is filled again."""
    folder = str(static_dir())
    refs = _code_refs(folder)
    if refs is not None and not all(present(r, Path(folder)) for r in refs.values()):
        _code_refs.cache_clear()
        refs = _code_refs(folder)
    return None if refs is None else {k: r["url"] for k, r in refs.items()}


@dataclass(frozen=True)
class LiveResult:
    ok: bool  # False: the plane cannot run here; `message` says why in one line
    message: str | None = None
    click: dict | None = None  # this run's click {z1, z2, index}, if a click caused it
    interp: dict | None = None  # the interpolation the user set up: {a: [z1, z2], b: [z1, z2], k}


@per_version(resource=True, max_entries=16)
def _payload(_bundle, key: str, classes: tuple[str, ...]) -> tuple[dict | None, str | None]:
    """({channel, url, sha, nbytes}, None): the payload's file under static/ (ui/plane/publish.py), which
    the browser fetches once; or (None, why) for a decoder the browser cannot run or a static folder
    that cannot be written. Per model version and key."""
    try:
        body = plane_payload(_bundle.codec, _bundle.latent, classes, history=getattr(_bundle, "history", None))
    except ExportError as e:
        return None, str(e)
    ref = publish(body)
    return ({"channel": key, **ref}, None) if ref is not None else (None, UNSERVED)


def payload(bundle, key: str, classes) -> tuple[dict | None, str | None]:
    args = (bundle, key, tuple(classes))
    data, why = _payload(*args)
    if isinstance(data, dict) and not present(data):  # its file was removed (static/ cleaned): write it again
        _payload.clear()
        data, why = _payload(*args)
    return data, why


def _trigger(key: str, name: str):
    """A trigger value `name` of the plane with this widget key, or None."""
    value = st.session_state.get(key)
    return value.get(name) if hasattr(value, "get") else getattr(value, name, None)


def _on_click(key: str, on_click: Callable | None) -> None:
    click = _trigger(key, "click")
    if on_click and isinstance(click, dict) and "z1" in click:
        index = click.get("index")
        on_click(float(click["z1"]), float(click["z2"]), None if index is None else int(index))


def _on_select(key: str, on_select: Callable | None) -> None:
    sel = _trigger(key, "select")
    if on_select and isinstance(sel, dict):
        on_select(sel)


def _on_error(key: str) -> None:
    err = _trigger(key, "error")
    if err:
        st.session_state[f"{key}_failed"] = str(err)[:200]


def failed(key: str) -> str | None:
    """Why the plane with this key could not run in this session (reported by its JavaScript), or None."""
    return st.session_state.get(f"{key}_failed")


def unavailable(bundle, key: str, classes) -> str | None:
    """Why the plane with this key cannot run for this model here (one line), or None."""
    if failed(key):
        return f"The live plane could not start in this browser ({failed(key)}); showing a still picture of the plane instead."
    return _reason(*payload(bundle, key, classes))


def _reason(data: dict | None, why: str | None) -> str | None:
    """The one line for payload()'s answer, or None when the plane can run."""
    if data is not None:
        return None
    if why == UNSERVED:
        return f"The live plane cannot run here ({why}); showing a still picture of the plane instead."
    return f"This model's decoder cannot run in the browser ({why}); showing a still picture of the plane instead."


def live_plane(
    bundle,
    *,
    key: str,
    classes=tuple(str(i) for i in range(10)),
    marker: tuple[float, float] | None = None,
    index: int | None = None,
    star: tuple[float, float] | None = None,
    view=None,
    link: str | None = None,
    on_click: Callable[[float, float, int | None], None] | None = None,
    replay: bool = False,
    sigma: tuple[float, float] | None = None,
    selection: dict | None = None,
    on_select: Callable[[dict], None] | None = None,
    restore: dict | None = None,
    share: bool = False,
    pair: str | None = None,
) -> LiveResult:
    """Mount the live plane (always with this key); see the module docstring."""
    if failed(key):  # as unavailable() says, with one payload look-up per run instead of two
        return LiveResult(False, unavailable(bundle, key, classes))
    ref, why = payload(bundle, key, classes)
    code = code_ref()
    if ref is None or code is None:
        return LiveResult(False, _reason(None, why if ref is None else UNSERVED))
    state = {
        "marker": None if marker is None else [float(marker[0]), float(marker[1])],
        "index": index,
        "star": None if star is None else [float(star[0]), float(star[1])],
        # ((x0, x1), (y0, y1)) to open on; applied when the plot is drawn and whenever it changes
        "view": None if view is None else [[float(v) for v in view[0]], [float(v) for v in view[1]]],
        "link": link,  # planes of the same group ring each other's hovered digit
        "replay": bool(replay),  # show the Replay training row (ui/plane/js/replay.js)
        # a VAE's encoder sigma around the star: ellipses and Resample (ui/plane/js/uncertainty.js)
        "sigma": None if sigma is None else [float(sigma[0]), float(sigma[1])],
        # zoomed in: "originals" fetched as static tiles from "tiles", or "decoded" / "unserved" in the browser
        **thumbs.state(bundle),
        "selection": selection,  # Python's answer to a box / lasso: {count, shapes, t} (ui/selection.py)
        "quality": quality_ref(bundle),  # Colour by's file {url, sha, nbytes, quantities, note} (js/colorby.js)
        "restore": restore,  # a shared link's layers, colouring, range, replay (ui/plane/share.py; js/share.js)
        "share": bool(share),  # offer Copy link (a page whose URL holds its view: Explore)
        "pair": pair if link and pair in ("lead", "follow") else None,  # one toolbar for two planes (js/pair.js)
    }
    result = _plane(
        key=key, data={**ref, **code, "state": state},
        on_click_change=lambda: _on_click(key, on_click),
        on_error_change=lambda: _on_error(key),
        on_interp_change=lambda: None,
        on_select_change=lambda: _on_select(key, on_select),
    )  # fmt: skip
    if failed(key):  # reported during this run's callbacks: say so now
        return LiveResult(False, f"The live plane could not start in this browser ({failed(key)}); showing a still picture of the plane instead.")  # fmt: skip
    return LiveResult(True, None, getattr(result, "click", None), getattr(result, "interp", None))
