"""The plane's opening view: the dense core box, a clear opening digit, an upload's neighbourhood."""

from __future__ import annotations

import numpy as np
import pytest

from model.folders import store
from model.folders.library import SHIPPED_DIR
from model.plane.views import around, core_box, typical_index, union

SHIPPED = ("default", "seed", "vae", "fashion")


def inside(box, z) -> np.ndarray:
    (x0, x1), (y0, y1) = box
    return (z[:, 0] >= x0) & (z[:, 0] <= x1) & (z[:, 1] >= y0) & (z[:, 1] <= y1)


@pytest.mark.parametrize("name", SHIPPED)
def test_core_box_frames_most_points_in_a_smaller_area(name):
    """The core box holds at least 97% of the training encodings in a smaller area than the full extent."""
    z = store.load_latent(SHIPPED_DIR / name / store.LATENT_FILE)["z_train"]
    box = core_box(z)
    assert inside(box, z).mean() >= 0.97
    area = (box[0][1] - box[0][0]) * (box[1][1] - box[1][0])
    assert area < np.prod(z.max(axis=0) - z.min(axis=0))


@pytest.mark.parametrize("name", SHIPPED)
def test_typical_point_is_deep_inside_its_class(name):
    """The opening digit's 20 nearest training encodings all share one label, and it lies in the core box."""
    lat = store.load_latent(SHIPPED_DIR / name / store.LATENT_FILE)
    z, y = lat["z_train"], lat["y_train"]
    i = typical_index(z, y)
    d = ((z - z[i]) ** 2).sum(axis=1)
    d[i] = np.inf
    assert len(set(y[np.argsort(d)[:20]].tolist())) == 1
    assert inside(core_box(z), z[i : i + 1]).all()


def test_typical_index_falls_back_to_the_member_nearest_the_median():
    """With no pure neighbourhood anywhere (labels shuffled), it returns the largest class's member nearest its median."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(500, 2))
    y = np.r_[np.zeros(300, int), np.ones(200, int)]
    rng.shuffle(y)
    assert y[typical_index(z, y, k=50, tries=20)] == 0


def test_around_holds_the_point_and_its_neighbours_and_union_grows_to_a_point():
    """around() is centred on the point and holds its nearest encodings; union() grows a box to hold a point."""
    z = np.random.default_rng(1).normal(size=(2000, 2))
    box = around(z, (0.5, -0.2), k=100)
    assert box[0][0] < 0.5 < box[0][1] and box[1][0] < -0.2 < box[1][1]
    d = np.sqrt(((z - [0.5, -0.2]) ** 2).sum(axis=1))
    assert inside(box, z[np.argsort(d)[:100]]).all()
    grown = union(((0, 1), (0, 1)), (3, 0.5))
    assert grown[0][1] > 3 and grown[1] == (0, 1)
    assert union(((0, 1), (0, 1)), (0.5, 0.5)) == ((0, 1), (0, 1))


@pytest.mark.parametrize("name", SHIPPED)
def test_core_box_is_the_1st_to_99th_percentile_box_padded_by_8_percent(name):
    """The opening view: the 1st-99th percentile box of the encodings, widened by 8 % of its span each side."""
    z = store.load_latent(SHIPPED_DIR / name / store.LATENT_FILE)["z_train"].astype(np.float64)
    lo, hi = np.percentile(z, 1, axis=0), np.percentile(z, 99, axis=0)
    pad = 0.08 * (hi - lo)
    (x0, x1), (y0, y1) = core_box(z)
    np.testing.assert_allclose([x0, x1, y0, y1], [lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]])
