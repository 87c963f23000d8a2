"""Explore's chosen point without a page: reading ?z1=&z2=, the sliders' range and steps."""

from __future__ import annotations

import numpy as np
import pytest

from model.plane.views import nice_step, slider_box
from ui.explore_state import parse_z


@pytest.mark.parametrize(
    "z1, z2, want",
    [("1.5", "-2", (1.5, -2.0)), ("nan", "1", None), ("1", "inf", None), ("1e999", "0", None), ("-inf", "0", None),
     ("abc", "1", None), (None, "1", None), ("1", None, None), ("", "", None)],
)  # fmt: skip
def test_url_point_is_two_finite_numbers_or_nothing(z1, z2, want):
    """?z1=&z2= give a point only when both are finite numbers: nan, inf and overflowing 1e999 give none."""
    assert parse_z(z1, z2) == want


def test_slider_box_pads_the_encodings_and_ends_on_whole_steps():
    """The sliders span every encoding plus 5% each side, rounded out to whole steps."""
    z = np.array([[0, 0], [10, 2]], dtype=np.float32)
    (x0, x1), (y0, y1) = slider_box(z)
    assert x0 <= -0.5 and x1 >= 10.5 and y0 <= -0.1 and y1 >= 2.1
    assert (x0, x1) == pytest.approx((-0.5, 10.5), abs=nice_step(11)) and (y0, y1) == pytest.approx(
        (-0.1, 2.1), abs=0.01
    )
    for lo, hi in ((x0, x1), (y0, y1)):
        step = nice_step(hi - lo)
        assert abs(lo / step - round(lo / step)) < 1e-6 and abs(hi / step - round(hi / step)) < 1e-6


@pytest.mark.parametrize("lo, hi", [(-29.8, 82.3), (-85.4, 31.9), (0.0, 1.0), (-0.013, 0.021)])
def test_slider_steps_are_round_and_fine(lo, hi):
    """Slider steps are 1, 2 or 5 times a power of ten, giving a few hundred steps."""
    step = nice_step(hi - lo)
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    assert 150 <= (hi - lo) / step <= 1500
