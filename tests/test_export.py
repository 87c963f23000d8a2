"""Export of a model's encodings (split, index, label, z1, z2) as CSV and NPZ, from Python and the CLI."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from model import cli
from model.folders import store
from model.folders.export import COLUMNS, csv_bytes, export, npz_bytes


@pytest.fixture
def latent():
    """A small latent.npz-like dict: 4 training and 3 test encodings."""
    return {
        "z_train": np.array([[0.5, -1.25], [1e-8, 3], [-7.123456789, 0], [2, 2]], np.float32),
        "y_train": np.array([5, 0, 4, 1], np.uint8),
        "z_test": np.array([[9, 9], [-1, -2], [0.1, 0.2]], np.float32),
        "y_test": np.array([7, 2, 1], np.uint8),
    }


def check_table(cols, latent):
    """cols (a dict of columns) holds every encoding, training digits first, with its split and index."""
    assert list(cols["split"]) == ["train"] * 4 + ["test"] * 3
    assert list(cols["index"]) == [0, 1, 2, 3, 0, 1, 2]
    assert list(cols["label"]) == [5, 0, 4, 1, 7, 2, 1]
    z = np.vstack([latent["z_train"], latent["z_test"]])
    np.testing.assert_allclose(np.c_[cols["z1"], cols["z2"]], z, rtol=1e-6)


def test_csv_bytes(latent):
    """The CSV has the header split,index,label,z1,z2 and one row per digit with float32-exact values."""
    text = csv_bytes(latent).decode()
    assert text.splitlines()[0] == "split,index,label,z1,z2"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 7
    cols = {c: [r[c] for r in rows] for c in COLUMNS}
    cols |= {c: [int(v) for v in cols[c]] for c in ("index", "label")}
    cols |= {c: [float(v) for v in cols[c]] for c in ("z1", "z2")}
    check_table(cols, latent)


def test_npz_bytes(latent):
    """The NPZ holds one array per column and loads without pickle."""
    with np.load(io.BytesIO(npz_bytes(latent)), allow_pickle=False) as f:
        assert sorted(f.files) == sorted(COLUMNS)
        assert f["z1"].dtype == np.float32 and f["label"].dtype == np.uint8
        check_table({c: f[c] for c in COLUMNS}, latent)


def test_export_refuses_other_formats(latent, tmp_path):
    """Only .csv and .npz are written; anything else is a ValueError and leaves no file."""
    with pytest.raises(ValueError, match=r"\.csv or \.npz"):
        export(latent, tmp_path / "z.json")
    assert list(tmp_path.iterdir()) == []


def test_cli_export_shipped_model(tmp_path, capsys):
    """`python -m model export --out F.csv|F.npz` writes all 70,000 encodings of the shipped model."""
    shipped = store.load_latent(store.SHIPPED / store.LATENT_FILE)
    for name in ("all.csv", "all.npz"):
        assert cli.main(["export", "--model", str(store.SHIPPED), "--out", str(tmp_path / name)]) == 0
        assert capsys.readouterr().out.strip() == str(tmp_path / name)
    with np.load(tmp_path / "all.npz", allow_pickle=False) as f:
        assert len(f["z1"]) == 70000 and (f["split"] == "test").sum() == 10000
        np.testing.assert_array_equal(f["z2"][:60000], shipped["z_train"][:, 1])
        np.testing.assert_array_equal(f["label"][60000:], shipped["y_test"])
    lines = (tmp_path / "all.csv").read_text().splitlines()
    assert len(lines) == 70001 and lines[60001].startswith("test,0,")


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--out", "z.txt"], ".csv or .npz"), (["--model", "nowhere", "--out", "z.csv"], "no such model folder")],
)
def test_cli_export_errors(args, needle, tmp_path, monkeypatch, capsys):
    """A bad output suffix or a missing model folder is one plain error line and status 2, no file."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and needle in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_help_lists_export(capsys):
    """`python -m model --help` lists the export command."""
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    assert e.value.code == 0 and "export" in capsys.readouterr().out
