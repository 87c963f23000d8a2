"""Colour by: a model's per-digit quality (model/plane/quality.py) for the live plane, published under
static/ like the payload (ui/plane/publish.py), so the browser fetches it once and a rerun sends a
reference.

    ref = quality_ref(bundle)   # {url, sha, nbytes, quantities: [{key, name}], note} or None

The file is model/net/export_weights.pack's layout: header {"quantities": [{key, name, lo, hi, worse}],
"note"}, and per quantity `q_<key>` (N_train,) uint16, the float16 bits of each training digit's value
(the browser reads them exactly, so its counts equal NumPy's on the same float16 values). [lo, hi] is
the colour scale's domain (scale()); `worse` says which end is where the model is wrong.
"""

from __future__ import annotations

import logging

import numpy as np

from model.net.export_weights import pack
from model.plane import quality
from ui import active_model, data_status
from ui.model_cache import per_version
from ui.plane.publish import present, publish

log = logging.getLogger(__name__)
WORSE = {"error": "high", "agree": "low", "sigma": "high"}


def scale(key: str, v: np.ndarray) -> tuple[float, float]:
    """The colour scale's domain: 0..1 for agreement; else the minimum to the 99th percentile (the
    sorted value at floor(0.99 (N - 1))), so a few outliers do not wash out the rest."""
    if key == "agree":
        return 0.0, 1.0
    s = np.sort(v.astype(np.float64))
    lo, hi = float(s[0]), float(s[int(0.99 * (len(s) - 1))])
    return lo, hi if hi > lo else lo + 1e-3


def body(q: dict[str, np.ndarray], note: str | None) -> bytes:
    """The browser's quality file for the training digits (see the module doc)."""
    specs, arrays = [], {}
    for key in quality.QUANTITIES:
        v = q.get(f"{key}_train")
        if v is None:
            continue
        v = np.asarray(v, np.float16)
        lo, hi = scale(key, v)
        specs.append({"key": key, "name": quality.NAMES[key], "lo": lo, "hi": hi, "worse": WORSE[key]})
        arrays[f"q_{key}"] = v.view(np.uint16)
    return pack({"layers": [], "quantities": specs, "note": note}, arrays)


@per_version(resource=True, show_spinner="Measuring where the model is wrong…", max_entries=8)
def _quality(_bundle) -> tuple[dict, str | None]:
    """quality.ensure once per model version: read, else computed (and saved where it can be)."""
    name = active_model.dataset_of(_bundle)
    data = data_status.load_data(name) if data_status.data_available(name) else None
    return quality.ensure(_bundle.path, _bundle.meta, _bundle.codec, _bundle.latent, data)


@per_version(resource=True, show_spinner=False, max_entries=8)
def _ref(_bundle) -> dict | None:
    q, note = _quality(_bundle)
    specs = [{"key": k, "name": quality.NAMES[k]} for k in quality.QUANTITIES if f"{k}_train" in q]
    ref = publish(body(q, note))
    if ref is None:
        log.warning("colour by is off: the quality file could not be published")
        return None
    return {**ref, "quantities": specs, "note": note}


def quality_ref(bundle) -> dict | None:
    """The reference the plane's data carries for Colour by, or None where it cannot be published."""
    ref = _ref(bundle)
    if ref is not None and not present(ref):
        _ref.clear()
        ref = _ref(bundle)
    return ref


def quality_of(bundle) -> tuple[dict, str | None]:
    """The model's quality arrays (both splits) and the one-line note of what is missing, or None."""
    return _quality(bundle)
