"""Issue 27 end to end: Keras models imported into the library (the tutorial's, and one with tanh and
leaky_relu at widths 33, 17, 3, 31) explore in the browser like shipped models; the browser's
encodings and decodes equal Keras's within 1e-4, on the WebAssembly path; no Replay, and why."""

from __future__ import annotations

import numpy as np
import pytest

from model.folders import store
from model.folders.importer import import_file
from tests.e2e.app_utils import assert_no_exception, start_streamlit, stop, wait_for_app
from tests.e2e.plane_view import V, points, view
from tests.test_import import keras_parts

CH = "explore_plane"

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("import_explore")]


@pytest.fixture(scope="module")
def imported_url(keras_files, mnist, tmp_path_factory):
    """A server whose library holds the tutorial's .keras and the tanh / leaky_relu .h5, imported."""
    lib = tmp_path_factory.mktemp("import-library")
    import_file(keras_files["tutorial.keras"].read_bytes(), lib, "tutorial")
    import_file(keras_files["tanh-leaky.h5"].read_bytes(), lib, "tanhleaky")
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib), "LATENT_EXPLORER_LIVE": "1"})
    yield url, lib
    stop(proc)


@pytest.mark.parametrize(("name", "file"), [("tutorial", "tutorial.keras"), ("tanhleaky", "tanh-leaky.h5")])
def test_imported_model_explores_and_decodes_as_keras(page, imported_url, keras_files, mnist, name, file):
    """Explore opens the imported model's live plane; its points are Keras's encodings and the browser's
    decoder (WebAssembly) gives Keras's reconstructions, within 1e-4; Replay is absent and says why."""
    url, lib = imported_url
    page.goto(f"{url}/explore?model={name}")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="lp-plot"][data-drawn="1"]', timeout=180_000)
    assert_no_exception(page, "explore")
    assert view(page, CH)["decoder"] == "wasm"
    encoder, ae = keras_parts(keras_files[file])
    x = (mnist[0][0][:20].reshape(20, -1) / 255).astype(np.float32)
    z_browser = points(page, CH)[:20].astype(np.float32)
    np.testing.assert_allclose(z_browser, encoder.predict(x, verbose=0), atol=1e-4)
    decoded = page.evaluate(f"([ch, zs]) => zs.map(([a, b]) => ({V})(ch).decode(a, b))", [CH, z_browser.tolist()])
    np.testing.assert_allclose(np.asarray(decoded, np.float32), ae.predict(x, verbose=0).reshape(20, 784), atol=1e-4)
    assert page.get_by_test_id("lp-replay").is_hidden()
    assert page.get_by_text(f"No Replay for {name}: it was imported from a Keras file").is_visible()
    assert store.load(lib / name).meta["origin"] == "imported"
