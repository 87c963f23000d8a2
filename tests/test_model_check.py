"""model/folders/check.py, the one validator: meta.json values of any shape give a clean meta or a ModelError.

Hypothesis throws arbitrary JSON (huge ints, 1e999, NaN, deep nesting, wrong types) and arbitrary
bytes at it; nothing else may escape (no TypeError, OverflowError, RecursionError), and whatever
passes can be shown the way the pages and `info` show it.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.folders import check
from model.folders.check import ModelError
from model.net.config import DEFAULT, SEED

GOOD = {"name": "m", "config": DEFAULT.to_dict(), "dataset": "mnist", "epochs": 20, "loss": [0.2], "val_loss": [0.19],
        "test_bce": 0.17, "params": 485266, "created": "2026-11-27T12:00:00+00:00"}  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=20)  # fmt: skip


def as_bytes(obj) -> bytes:
    return json.dumps(obj).encode()  # json.dumps writes NaN, Infinity and 1e999-sized ints as they come


def shown(meta: dict) -> str:
    """What the sidebar, the Models page and `info` do with a meta: must never raise."""
    side = f"{meta['epochs']} epochs · test BCE {meta['test_bce']:.4f} · {meta['params']:,} parameters"
    row = f"{meta['dataset']} {(meta['created'] or '')[:16].replace('T', ' ')} {meta['name'] or ''}"
    json.dumps(check.json_safe(meta), allow_nan=False)
    return side + row


def outcome(data: bytes):
    try:
        return check.check_meta(check.parse_json(data, "meta.json"))
    except ModelError as e:
        assert "\n" not in str(e) and "/" not in str(e).replace("I/O", ""), str(e)
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([*GOOD, "junk"]), json_values, max_size=8))
def test_any_meta_values_are_clean_or_refused(raw):
    """Any values under the known keys: a ModelError, or a meta every page can show."""
    meta = outcome(as_bytes({**GOOD, **raw}))
    if meta is not None:
        shown(meta)
        assert isinstance(meta["created"], str) and isinstance(meta["test_bce"], float)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(list(SEED.to_dict())), json_values, max_size=5))
def test_any_config_values_are_a_valid_config_or_refused(changes):
    """Any values in config: refused, or a Config whose numbers are finite and in range."""
    meta = outcome(as_bytes({**GOOD, "config": {**DEFAULT.to_dict(), **changes}}))
    if meta is not None:
        c = meta["config"]
        assert math.isfinite(c["beta"]) and math.isfinite(c["learning_rate"])
        assert c["subset"] is None or type(c["subset"]) is int
        assert all(type(h) is int for h in c["hidden"])


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_are_refused_or_clean(data):
    """Arbitrary bytes as meta.json never raise anything but ModelError."""
    meta = outcome(data)
    if meta is not None:
        shown(meta)


@given(st.integers(min_value=17, max_value=5000), st.sampled_from(["[", '{"a":']))
@settings(max_examples=30, deadline=None)
def test_deep_nesting_is_refused_without_recursion(depth, opener):
    """JSON nested far deeper than any meta.json is refused by the depth bound, not a RecursionError."""
    closer = "]" if opener == "[" else "}"
    with pytest.raises(ModelError, match="nested"):
        check.parse_json((opener * depth + "1" + closer * depth).encode(), "meta.json")


@pytest.mark.parametrize(
    "change, needle",
    [
        ({"created": 12345}, "created"),
        ({"test_bce": "x"}, "test_bce"),
        ({"test_bce": -1}, "test_bce"),
        ({"test_bce": 1e999}, "test_bce"),
        ({"epochs": 10**12}, "epochs"),
        ({"params": 10**20}, "too large"),
        ({"epochs": True}, "epochs"),
        ({"config": {**DEFAULT.to_dict(), "hidden": [1e999]}}, "hidden"),
        ({"config": {**DEFAULT.to_dict(), "beta": 1e999}}, "beta"),
        ({"config": {**DEFAULT.to_dict(), "subset": 1e999}}, "subset"),
        ({"config": {**DEFAULT.to_dict(), "subset": 2.5}}, "subset"),
        ({"config": {**DEFAULT.to_dict(), "epochs": 10**9}}, "epochs"),
        ({"config": {**DEFAULT.to_dict(), "seed": -1}}, "seed"),
        ({"config": {**DEFAULT.to_dict(), "hidden": [2**40]}}, "hidden"),
        ({"dataset": "../cifar"}, "dataset"),
    ],
)
def test_issue12_meta_values_are_refused(change, needle):
    """Issue 12 item 2 and 4: bad created/test_bce, 1e999 in config, inf beta/subset, huge ints are refused."""
    text = json.dumps({**GOOD, **change}).replace("Infinity", "1e999")
    with pytest.raises(ModelError) as e:
        check.check_meta(check.parse_json(text.encode(), "meta.json"))
    assert needle in str(e.value) and "meta.json" in str(e.value)


def test_nan_and_missing_values_become_safe_defaults():
    """NaN in a history or a missing test_bce is kept as null/NaN, never a crash when shown."""
    meta = check.check_meta(check.parse_json(b'{"config": {}, "val_loss": [NaN, 0.2], "test_bce": null}', "m"))
    assert meta["val_loss"] == [None, 0.2] and math.isnan(meta["test_bce"]) and meta["created"] == ""
    assert "nan" in shown(meta)
