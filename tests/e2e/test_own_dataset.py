"""A model trained on the user's own data set (colour JPEG/PNG class folders) explores in Chromium with its class names."""

from __future__ import annotations

import re

import numpy as np
import pytest

from model import cli
from model.data import FASHION_DIR
from model.datasets import registry
from tests import dataset_sets
from tests.e2e.app_utils import assert_no_exception, serving, wait_for_app
from tests.e2e.plane_view import TO_PAGE, V, points, view
from tests.e2e.thumb_utils import DRAWN, last_thumbnail

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not FASHION_DIR.is_dir(), reason="dataset-fashion-mnist is not installed"),
]
CH = "explore_plane"
NAMES = ["sneaker", "trouser", "tshirt"]


@pytest.fixture
def own_app(tmp_path, monkeypatch):
    """A server whose library holds a model trained (1 epoch) on a folder of 64 x 64 colour clothes pictures."""
    sets, models = tmp_path / "sets", tmp_path / "models"
    monkeypatch.setenv("LATENT_EXPLORER_DATASETS", str(sets))
    folder = dataset_sets.fashion_folder(tmp_path / "clothes", per_class=20)
    argv = ["train", "--data", str(folder), "--config", "seed", "--epochs", "1", "--batch-size", "16"]
    assert cli.main([*argv, "--out", str(models / "clothes-ae")]) == 0
    env = {"LATENT_EXPLORER_MODELS": str(models), "LATENT_EXPLORER_DATASETS": str(sets), "LATENT_EXPLORER_LIVE": "1"}
    with serving(env) as url:
        yield url


def test_own_data_set_explores_with_its_class_names(page, own_app):
    """The plane's legend names the set's classes, its own images are the thumbnails, and a click names the picked item's class."""
    page.goto(own_app + "/?model=clothes-ae")
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)
    assert view(page, CH)["classes"][:3] == NAMES  # the legend's names
    page.wait_for_function(
        f"() => {{ const T = ({V})('{CH}').thumbnails; return T.want > 0 && T.drawn.length === T.want; }}",
        timeout=60_000,
    )  # 54 items: few enough that each is drawn as its own picture at once
    index, drawn = last_thumbnail(page, CH)
    x_train = registry.load("clothes")[0][0]
    inner = (slice(1, 27), slice(1, 27))  # the frame in the class's colour covers the outer ring
    assert np.abs(drawn[inner].astype(int) - x_train[index][inner]).max() <= 1
    z1, z2 = points(page, CH)[0]
    page.mouse.click(*page.evaluate(TO_PAGE, [CH, z1, z2]))
    page.wait_for_function(
        "() => /#\\d+ \\(label /.test(document.querySelector('[data-testid=\"lp-chosen\"]').innerText)"
    )
    m = re.search(r"#(\d+) \(label ([^)]+)\)", page.get_by_test_id("lp-chosen").inner_text())
    assert m.group(2) == NAMES[int(registry.load("clothes")[0][1][int(m.group(1))])]  # the picked item's own class
    assert_no_exception(page)
