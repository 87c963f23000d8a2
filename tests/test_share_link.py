"""A shared view's link (ui/plane/share.py): each part is read when it is sound and left out, by name,
when it is not."""

from __future__ import annotations

import pytest

from ui.plane.share import parse


def test_a_whole_link_is_read():
    """View, layers, colouring, range and replay position all come back as the plane needs them."""
    out, bad = parse(
        {"view": "-10,20.5,-3,4", "layers": "density,map", "color": "error", "range": "0.1,0.2", "replay": "3.5"}
    )
    assert bad == []
    assert out == {"view": [[-10, 20.5], [-3, 4]], "layers": ["map", "density"], "color": "error",
                   "range": [0.1, 0.2], "replay": 3.5}  # fmt: skip


def test_no_layers_is_a_choice():
    """An empty ?layers= turns every layer off (labels too); no parameter at all restores nothing."""
    assert parse({"layers": ""}) == ({"layers": []}, [])
    assert parse({}) == ({}, [])


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"view": "1,0,0,1"}, "view"),
        ({"view": "0,1,0"}, "view"),
        ({"view": "0,nan,0,1"}, "view"),
        ({"view": "0,1e999,0,1"}, "view"),
        ({"view": "0,1e9,0,1"}, "view"),
        ({"layers": "map,<script>"}, "layers"),
        ({"color": "../etc"}, "color"),
        ({"range": "0.1,0.2"}, "range"),  # a range needs a measure
        ({"color": "agree", "range": "0.5,0.1"}, "range"),
        ({"replay": "-1"}, "replay"),
        ({"replay": "x"}, "replay"),
    ],
)
def test_a_bad_part_is_left_out_by_name(params, name):
    """Unordered, non-finite, huge or unknown values are refused; the rest of the link still counts."""
    out, bad = parse(params)
    assert bad == [name] and name not in out
