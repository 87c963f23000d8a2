"""Colour by's file for the browser (ui/plane/quality.py): one exact float16 value per training digit,
the scale's domain, and the note of what is missing."""

from __future__ import annotations

import numpy as np

from model.folders import store
from model.folders.check import QUALITY_FILE, load_quality
from model.net.export_weights import unpack
from ui.plane.quality import body, scale


def test_the_browser_gets_every_training_value_exactly():
    """Each quantity travels as its float16 bits, one per training digit, with its name and domain."""
    b = store.load(store.SHIPPED_DIR / "vae")
    q = load_quality(b.path / QUALITY_FILE, b.latent, vae=True)
    header, arrays = unpack(body(q, None))
    assert [s["key"] for s in header["quantities"]] == ["error", "agree", "sigma"] and header["note"] is None
    for s in header["quantities"]:
        v = arrays[f"q_{s['key']}"].view(np.float16)
        assert np.array_equal(v, q[f"{s['key']}_train"])
        assert (s["lo"], s["hi"]) == scale(s["key"], v)


def test_scale_runs_from_the_minimum_to_the_99th_percentile():
    """Error and σ span min..99th percentile (outliers clamp); agreement always 0..1."""
    v = np.arange(1001, dtype=np.float16) / 1000
    assert scale("error", v) == (0.0, float(v[990]))
    assert scale("agree", v) == (0.0, 1.0)
    lo, hi = scale("sigma", np.full(5, 0.5, np.float16))
    assert hi > lo == 0.5


def test_without_the_data_set_only_agreement_and_the_note():
    """Agreement alone (no images to measure error on) goes with the one-line note that says why."""
    q = {"agree_train": np.ones(3, np.float16), "agree_test": np.ones(2, np.float16)}
    header, arrays = unpack(body(q, "Colouring by reconstruction error is off: …"))
    assert [s["key"] for s in header["quantities"]] == ["agree"] and set(arrays) == {"q_agree"}
    assert header["note"].startswith("Colouring by reconstruction error is off")
