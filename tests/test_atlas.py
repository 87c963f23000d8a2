"""model/images/atlas.py: the thumbnails' PNG atlas carries exactly the digits asked for."""

from __future__ import annotations

import numpy as np

from model.images.atlas import MAX_INDICES, atlas, clean_indices, unpack


def test_atlas_round_trips_the_requested_digits_in_order():
    """Every tile of the atlas is the digit at its index, in the order asked."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    header, tiles = unpack(atlas(x, [7, 3, 49, 0, 12], channel="p", req=4))
    assert header["indices"] == [7, 3, 49, 0, 12] and header["req"] == 4 and header["channel"] == "p"
    assert (tiles == x[[7, 3, 49, 0, 12]]).all()


def test_clean_indices_keeps_only_distinct_in_range_integers():
    """Junk from the browser (strings, NaN, floats with a fraction, out of range, repeats) is dropped."""
    raw = [3, "4", 5.0, 5, -1, 10, float("nan"), 2.5, True, None, 9]
    assert clean_indices(raw, 10) == [3, 5, 9]
    assert clean_indices("1,2", 10) == [] and clean_indices(None, 10) == []
    assert len(clean_indices(list(range(5000)), 10_000)) == MAX_INDICES
