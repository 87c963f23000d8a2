"""The still picture of the plane (the fallback where the live plane cannot run): dots, colours, marker."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from ui.plane.picture import PALETTE, WIDTH, fit, picture, rgb, to_px

VIEW = ((-10.0, 10.0), (-5.0, 5.0))


@pytest.fixture
def bundle(tmp_path):
    """A fake model: four training digits of classes 0-3 at known places, in a 20 x 10 plane."""
    z = np.array([[-8, 4], [8, 4], [-8, -4], [8, -4]], np.float32)
    latent = {"z_train": z, "y_train": np.arange(4, dtype=np.uint8)}
    return SimpleNamespace(path=tmp_path, latent=latent, meta={"dataset": "mnist"})


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_fit_keeps_one_scale_on_both_axes():
    """A wide view gets a height that keeps z1 and z2 at the same pixels per unit; no view is stretched."""
    for view in (VIEW, ((0, 100), (0, 1)), ((0, 1), (0, 100))):
        (x0, x1), (y0, y1) = shown = fit(view)[0]
        height = fit(view)[1]
        assert (WIDTH - 1) / (x1 - x0) == pytest.approx((height - 1) / (y1 - y0), rel=0.01)
        assert x0 <= view[0][0] and x1 >= view[0][1] and y0 <= view[1][0] and y1 >= view[1][1], shown


def test_each_digit_is_a_dot_in_its_class_colour_and_z2_grows_upwards(bundle, fresh_st_caches):
    """Every training encoding is drawn where it lies (top left is high z2, low z1), in its label's colour."""
    img = pixels(picture(bundle, VIEW))
    shown, height = fit(VIEW)
    xs, ys = to_px(shown, height, bundle.latent["z_train"])
    assert ys[0] < height / 2 and xs[0] < WIDTH / 2  # (-8, 4): upper left
    for k, (x, y) in enumerate(zip(np.round(xs).astype(int), np.round(ys).astype(int), strict=True)):
        colour = img[y, x]
        want = np.array(rgb(PALETTE[k]))
        assert np.abs(colour - (0.75 * want + 0.25 * 255)).max() <= 2, (k, colour)
    assert (img[height // 2, WIDTH // 2] == 255).all()  # no digit at the centre: white


def test_the_chosen_point_is_marked_in_black(bundle, fresh_st_caches):
    """A marker puts a black cross on the chosen point; moving it moves the cross."""
    plain = pixels(picture(bundle, VIEW))
    shown, height = fit(VIEW)
    for z in ((0.0, 0.0), (5.0, -2.0)):
        img = pixels(picture(bundle, VIEW, marker=z))
        (x,), (y,) = (np.round(a).astype(int) for a in to_px(shown, height, z))
        assert img[y, x].max() < 60  # black at the point
        assert (np.abs(img - plain).sum(axis=2) > 0).sum() < 600  # only the cross changed


def test_palette_has_64_distinct_colours_shared_with_the_browser():
    """64 distinct colours (a data set's most classes), Tableau 10 first, read from the one list the live plane imports."""
    from pathlib import Path

    js = Path(__file__).resolve().parent.parent / "ui/plane/js"
    assert len(set(PALETTE)) == 64 and PALETTE[:3] == ("#1f77b4", "#ff7f0e", "#2ca02c")
    owners = [f.name for f in js.glob("*.js") if "export const PALETTE" in f.read_text()]
    assert owners == ["palette.js"]
