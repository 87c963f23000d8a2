"""Issue 12 items 3 and 4: every hostile folder of tests/hostile_cases.py is refused by the one
validator, on every way in (store.load, `python -m model info`, zip upload), in plain words."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

from model import cli
from model.folders import modelzip, store
from model.folders.store import ModelError
from tests import hostile_cases

ROOT = Path(__file__).resolve().parent.parent
SIZE = 300 * 2**20  # bombs inflate to 300 MB here (1 GiB in bench/hostile_models.py)
CASES = sorted(hostile_cases.big_factory(SIZE))


def info(folder, capsys):
    try:
        code = cli.main(["info", "--model", str(folder)])
    except SystemExit as e:
        code = e.code
    return (code, *capsys.readouterr())


@pytest.mark.parametrize("case", CASES)
def test_hostile_folder_is_refused_by_load_and_info(case, tmp_path, capsys):
    """store.load and `info` refuse the folder: one ModelError / one error line, no server path, exit 2."""
    folder = hostile_cases.make(case, tmp_path / "m", SIZE)
    with pytest.raises(ModelError) as e:
        store.load(folder)
    assert str(tmp_path) not in str(e.value) and "\n" not in str(e.value)
    code, out, err = info(folder, capsys)
    assert code == 2 and out == "" and err.startswith("error: ") and len(err.splitlines()) == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("case", [c for c in CASES if "inflate" in c or "Lambda" in c or "created" in c])
def test_hostile_model_zip_upload_is_refused(case, tmp_path):
    """The same folders zipped and uploaded are refused and the library stays empty."""
    folder = hostile_cases.make(case, tmp_path / "m", SIZE)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in modelzip.FILES:
            z.write(folder / f, f"m/{f}")
    lib = tmp_path / "lib"
    with pytest.raises(modelzip.LibraryError):
        modelzip.import_zip(buf.getvalue(), lib, "hostile")
    assert [p.name for p in lib.iterdir() if not p.name.startswith(".latent")] == []


def test_info_prints_strict_json_for_non_finite_history(tmp_path, capsys):
    """A history holding 1e999 (read as null) prints as null: `info`'s output is strict JSON."""
    folder = hostile_cases.copy_shipped(tmp_path / "m")
    hostile_cases.edit_meta(folder, {"val_loss": [0.2, float("inf")]})
    code, out, err = info(folder, capsys)
    assert code == 0, err
    parsed = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    shipped = json.loads((hostile_cases.SHIPPED / "meta.json").read_text())
    assert parsed["val_loss"] is None and parsed["params"] == shipped["params"]


def test_info_and_decode_of_a_good_folder_still_work(tmp_path, capsys):
    """The shipped model passes the validator: info exits 0 with its facts."""
    code, out, err = info(store.SHIPPED, capsys)
    assert code == 0 and json.loads(out)["name"] == "default", err


@pytest.mark.parametrize("k", ["0", "1001", "100000000"])
def test_cli_bounds_k(k, tmp_path, capsys):
    """`encode --k` outside 1..1000 exits 2 with one line naming --k."""
    from PIL import Image

    png = tmp_path / "x.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(png)
    code, out, err = (cli.main(["encode", str(png), "--k", k]), *capsys.readouterr())
    assert code == 2 and out == "" and err.startswith("error: ") and "--k" in err and len(err.splitlines()) == 1


def test_over_the_parameter_limit_is_refused_before_keras_builds_anything(tmp_path, monkeypatch):
    """A config.json declaring more parameters than the limit is refused from the config alone: Keras never loads it."""
    folder = hostile_cases.copy_shipped(tmp_path / "big")
    hostile_cases.keras_config_edit(folder, hostile_cases.huge_dense)  # Dense layers of 65,536 units: legal sizes
    built = []
    monkeypatch.setattr(keras.saving, "load_model", lambda *a, **k: built.append(a))
    with pytest.raises(ModelError, match=r"declares about [\d,]+ parameters; the limit is"):
        store.load(folder)
    assert built == []
