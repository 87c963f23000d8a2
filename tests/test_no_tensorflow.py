"""Issue 19: the app's side of model/ runs on NumPy. Importing it, loading every shipped model,
encoding, decoding and the CLI's info/encode/decode/export never import TensorFlow or Keras,
and the NumPy reader of model.keras computes what Keras's safe-mode load computes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.folders import store

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("default", "seed", "vae", "fashion")

# Every module the Streamlit server imports from model/ and ui/ (pages import these, never Keras).
SERVER_SIDE = """
import sys
import numpy as np
import model, model.cli, model.data, model.folders.store, model.folders.library, model.folders.modelzip
import model.folders.export, model.images.placement, model.images.preprocess, model.jobs.job
import model.folders.importer, model.folders.keras_file, ui.import_form
import model.net.export_weights, model.plane.views, model.plane.metrics, model.download, model.fetch_jobs
import ui.active_model, ui.router, ui.plane.component, ui.data_fetch
from model.folders import store
for name in {shipped!r}:
    b = store.load(store.SHIPPED_DIR / name)
    z = b.codec.encode(np.zeros((3, 784), np.float32))
    assert b.codec.decode(z).shape == (3, 784)
    model.net.export_weights.plane_payload(b.codec, b.latent, "0123456789")
print(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "tf_keras")))
"""


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def test_server_side_modules_and_loading_never_import_tensorflow():
    """Importing model/ and ui/ and loading, encoding and decoding every shipped model leave TF and Keras out."""
    assert run(SERVER_SIDE.format(shipped=SHIPPED)) == "[]"


def test_cli_info_encode_decode_export_never_import_tensorflow(tmp_path):
    """`python -m model info | encode | decode | export` run on NumPy: no TF or Keras module afterwards."""
    from PIL import Image

    png, ink = tmp_path / "one.png", np.zeros((28, 28), np.uint8)
    ink[4:24, 13:16] = 255  # a white stroke on black: a "1"
    Image.fromarray(ink).save(png)
    vae = store.SHIPPED_DIR / "vae"
    calls = [
        ["info", "--model", str(vae)],
        ["encode", str(png), "--model", str(vae)],
        ["decode", "0.5", "-1", "--model", str(vae), "--out", str(tmp_path / "d.png")],
        ["export", "--model", str(vae), "--out", str(tmp_path / "z.csv")],
    ]
    code = f"""
import sys
from model import cli
for args in {calls!r}:
    assert cli.main(args) in (0, None), args
print(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras")))
"""
    assert run(code) == "[]"
    assert (tmp_path / "d.png").is_file() and (tmp_path / "z.csv").stat().st_size > 1000


@pytest.mark.parametrize("name", SHIPPED)
def test_numpy_reader_equals_keras_safe_mode(name):
    """Each shipped model's NumPy encoder (a VAE's mean) and decoder give Keras's outputs."""
    b = store.load(store.SHIPPED_DIR / name)
    x = np.random.default_rng(0).random((64, 784), dtype=np.float32)
    z = b.models.encoder.predict(x, verbose=0)
    np.testing.assert_allclose(b.codec.encode(x), z, atol=2e-5)
    np.testing.assert_allclose(b.codec.decode(z), b.models.decoder.predict(z, verbose=0), atol=2e-5)
    assert sum(k.size + b_.size for k, b_, _ in b.codec.enc + b.codec.dec) <= b.models.autoencoder.count_params()


def test_any_config_json_edit_is_a_model_error_or_the_same_network(tmp_path):
    """Random damage to config.json's layer entries gives a one-line ModelError, never another exception."""
    import json
    import random
    import zipfile

    from tests import hostile_cases

    rng = random.Random(0)
    junk = [None, 0, -1, 2, 784, "x", [], {}, [None], ["image", 0, 0], {"class_name": "__keras_tensor__"}]
    for i in range(40):
        folder = hostile_cases.copy_shipped(tmp_path / f"m{i}")

        def damage(cfg):
            layer = rng.choice(cfg["config"]["layers"])
            target = layer if rng.random() < 0.5 else layer.get("config") or layer
            target[rng.choice([*target, "inbound_nodes", "units"])] = rng.choice(junk)

        hostile_cases.keras_config_edit(folder, damage)
        try:
            b = store.load(folder)
        except store.ModelError as e:
            assert "\n" not in str(e) and str(tmp_path) not in str(e)
            continue
        assert b.codec.decode(np.zeros((1, 2), np.float32)).shape == (1, 784)
    with zipfile.ZipFile(folder / "model.keras") as z:
        assert json.loads(z.read("config.json"))["class_name"] == "Functional"
