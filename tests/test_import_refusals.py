"""Issue 27: what the import refuses (a convolutional network, a bottleneck wider than 2, an unknown
activation or layer, Lambda, a pickle, mismatched shapes, a damaged file, non-finite weights, an
external link) gets one plain sentence naming what was found, and nothing is written to the library;
`python -m model import` says the same in one line and imports without TensorFlow."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from model.folders.importer import ImportRefused, import_file

ROOT = Path(__file__).resolve().parent.parent
REFUSED = {  # file -> words the sentence must hold
    "refuse-conv.keras": "convolutional network (Conv2D)",
    "refuse-nested.keras": "holds a model inside the model",
    "refuse-wide.keras": "no 2-unit layer (its narrowest has 3)",
    "refuse-lambda.keras": "Lambda layer",
    "refuse-activation.keras": "activation 'selu'",
    "refuse-layer.keras": "(LayerNormalization)",
    "refuse-nan.h5": "not finite numbers",
    "refuse-pickle.keras": "pickled Python object",
    "refuse-bad.h5": "cannot be read",
    # the layer's name is Keras's count of Dense layers made so far in this process: dense, dense_1, ...
    "refuse-shapes.h5": re.compile(r"shape \[784, 32\] where its layer 'dense(_\d+)?' needs \[784, 40\]"),
    "refuse-link.h5": "outside the file",
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_in_one_sentence_and_nothing_written(keras_files, tmp_path, name):
    """Each refusal names what it found in one plain sentence; the library folder stays empty."""
    lib = tmp_path / "lib"
    with pytest.raises(ImportRefused) as e:
        import_file(keras_files[name].read_bytes(), lib, "mine")
    text = str(e.value)
    want = REFUSED[name]
    assert want.search(text) if isinstance(want, re.Pattern) else want in text, text
    assert text.endswith(".") and "\n" not in text and str(tmp_path) not in text and "Error" not in text
    assert not lib.exists() or [p.name for p in lib.iterdir() if not p.name.startswith(".lock")] == []


def cli(*args, env_extra=None):
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "model", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)  # fmt: skip


def test_cli_import_refusal_is_one_line(keras_files, tmp_path):
    """`python -m model import` of a convolutional network exits 2 with one `error:` line."""
    out = cli("import", str(keras_files["refuse-conv.keras"]), "--name", "c",
              env_extra={"LATENT_EXPLORER_MODELS": str(tmp_path / "lib")})  # fmt: skip
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert lines[-1].startswith("error: This model is a convolutional network") and "Traceback" not in out.stderr


def test_cli_imports_the_tutorial_without_tensorflow(keras_files, mnist, tmp_path):
    """The tutorial's .keras imports from the command line, `info` opens it, and no TF module is loaded."""
    lib = tmp_path / "lib"
    code = (
        "import sys; from model.cli import main; "
        f"rc = main(['import', {str(keras_files['tutorial.keras'])!r}, '--name', 'tut']); "
        "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))"
    )
    env = {"LATENT_EXPLORER_MODELS": str(lib)}
    import os

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, **env})  # fmt: skip
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stderr[-2000:]
    info = cli("info", "--model", str(lib / "tut"))
    assert info.returncode == 0 and '"name": "tut"' in info.stdout
