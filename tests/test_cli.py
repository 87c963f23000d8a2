"""CLI: `python -m model train|info|encode|decode`, their output formats and their error contract.

Each command runs once as a real subprocess (`python -m model ...`: train, info, encode, decode, and an
unknown command); the other cases call cli.main() in-process, which follows the same code path without
paying a fresh interpreter's imports (TensorFlow's alone costs train a few CPU-seconds).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from model import cli
from model.data import FASHION_DIR
from model.folders import store
from model.images.preprocess import preprocess_file

pytestmark = pytest.mark.xdist_group("cli")  # its module-scoped fixtures are built once, in one worker

ROOT = Path(__file__).resolve().parent.parent
EPOCH_LINE = re.compile(r"^epoch (\d+)/(\d+) loss (\d+\.\d{4}) val_loss (\d+\.\d{4})$")


def run(*args, data=None, timeout=300) -> subprocess.CompletedProcess:
    """`python -m model ARGS` from the repository root, with LATENT_EXPLORER_DATA=data if given."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    if data is not None:
        env["LATENT_EXPLORER_DATA"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "model", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_error(code: int, out: str, err: str, *needles: str) -> None:
    """Exit status 2, nothing on stdout, and exactly one `error: ...` line on stderr, no traceback."""
    assert code == 2, err
    assert err.endswith("\n") and len(err.splitlines()) == 1, err
    assert err.startswith("error: ") and "Traceback" not in err
    for needle in needles:
        assert needle in err
    assert out == ""


def assert_proc_error(p: subprocess.CompletedProcess, *needles: str) -> None:
    assert_error(p.returncode, p.stdout, p.stderr, *needles)


def call(argv, capsys) -> tuple[int, str, str]:
    """cli.main(argv) in-process: (exit status, stdout, stderr)."""
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:  # argparse usage errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def small_data(mnist, tmp_path_factory):
    """A Keras-layout npz of 300 training and 100 test digits, for fast CLI training."""
    (xtr, ytr), (xte, yte) = mnist
    path = tmp_path_factory.mktemp("data") / "small.npz"
    np.savez(path, x_train=xtr[:300], y_train=ytr[:300], x_test=xte[:100], y_test=yte[:100])
    return path


@pytest.fixture(scope="module")
def trained(small_data, tmp_path_factory):
    """`python -m model train --config seed --epochs 2 ...` run once: (process, model folder)."""
    out = tmp_path_factory.mktemp("models") / "cli-seed"
    p = run("train", "--config", "seed", "--epochs", 2, "--batch-size", 64, "--seed", 1, "--out", out, data=small_data)
    return p, out


@pytest.fixture(scope="module")
def pngs(mnist, tmp_path_factory):
    """Three real test digits saved as 28 x 28 PNGs."""
    (_, _), (xte, _) = mnist
    folder = tmp_path_factory.mktemp("pngs")
    paths = []
    for i in range(3):
        paths.append(folder / f"digit{i}.png")
        Image.fromarray(xte[i]).save(paths[-1])
    return paths


# --- train ------------------------------------------------------------------------------------


def test_train_prints_one_line_per_epoch(trained):
    """train prints `epoch i/N loss x val_loss y` per epoch and `saved ...`; no progress bar off a tty."""
    p, out = trained
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 3 and lines[2].startswith(f"saved {out}")
    meta = store.read_meta(out)
    for i, line in enumerate(lines[:2]):
        m = EPOCH_LINE.match(line)
        assert m, line
        assert (int(m[1]), int(m[2])) == (i + 1, 2)
        assert float(m[3]) == pytest.approx(meta["loss"][i], abs=5e-5)
        assert float(m[4]) == pytest.approx(meta["val_loss"][i], abs=5e-5)
    assert p.stderr == ""


def test_train_writes_a_loadable_folder(trained):
    """The folder train writes loads, holds the seed config with the flags applied, and 51,154 params."""
    _, out = trained
    b = store.load(out)
    assert b.config.hidden == (32,) and b.config.epochs == 2 and b.config.batch_size == 64 and b.config.seed == 1
    assert b.meta["params"] == 51154 and b.latent["z_train"].shape == (300, 2)


def test_train_flags_reach_the_config(small_data, tmp_path, monkeypatch, capsys):
    """--architecture, --beta, --loss, --optimizer, --learning-rate, --latent-activation, --hidden and --subset set the config."""
    monkeypatch.setenv("LATENT_EXPLORER_DATA", str(small_data))
    argv = ["train", "--config", "seed", "--epochs", 1, "--architecture", "vae", "--beta", 0.5, "--loss", "mse",
            "--optimizer", "adagrad", "--learning-rate", 0.05, "--latent-activation", "linear", "--hidden", "16,8",
            "--subset", 100, "--out", tmp_path / "m"]  # fmt: skip
    code, out, err = call(argv, capsys)
    assert code == 0, err
    b = store.load(tmp_path / "m")
    c = b.config
    assert (c.architecture, c.beta, c.loss, c.optimizer, c.learning_rate, c.latent_activation, c.hidden, c.subset) == (
        "vae", 0.5, "mse", "adagrad", 0.05, "linear", (16, 8), 100,
    )  # fmt: skip
    assert b.models.autoencoder.get_layer("sampling").beta == 0.5  # a VAE whose sampling layer carries that beta
    assert b.latent["z_train"].shape == (100, 2) and len(out.splitlines()) == 2


def test_progress_bar_only_on_a_tty(monkeypatch, capsys):
    """On a terminal a progress bar is redrawn on stderr; the epoch lines on stdout are the same either way."""
    events = [
        {"kind": "batch", "epoch": 1, "epochs": 2, "batch": 1, "steps": 2, "fraction": 0.25, "loss": 0.5},
        {"kind": "epoch", "epoch": 1, "epochs": 2, "loss": 0.25, "val_loss": 0.125},
    ]
    for tty in (False, True):
        monkeypatch.setattr(sys.stderr, "isatty", lambda tty=tty: tty)
        on_progress = cli.progress_printer()
        for ev in events:
            on_progress(ev)
        out, err = capsys.readouterr()
        assert out == "epoch 1/2 loss 0.2500 val_loss 0.1250\n"
        assert ("\r[" in err and "batch 1/2" in err) if tty else err == ""


@pytest.mark.skipif(not FASHION_DIR.is_dir(), reason="dataset-fashion-mnist is not installed")
def test_train_fashion_mnist(tmp_path, capsys):
    """--dataset fashion-mnist reads Debian's idx files, trains on a subset and records the data set in the folder."""
    argv = ["train", "--config", "seed", "--dataset", "fashion-mnist", "--subset", 200, "--epochs", 1,
            "--out", tmp_path / "f"]  # fmt: skip
    code, out, err = call(argv, capsys)
    assert code == 0, err
    b = store.load(tmp_path / "f")
    assert b.meta["dataset"] == "fashion-mnist" and b.config.dataset == "fashion-mnist"
    assert b.latent["z_train"].shape == (200, 2) and b.latent["z_test"].shape == (10000, 2)


def test_train_missing_data(tmp_path, monkeypatch, capsys):
    """With no MNIST where LATENT_EXPLORER_DATA points, train exits 2 naming the path and the fix."""
    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv("LATENT_EXPLORER_DATA", str(missing))
    code, out, err = call(["train", "--config", "seed", "--epochs", 1, "--out", tmp_path / "m"], capsys)
    assert_error(code, out, err, str(missing), "LATENT_EXPLORER_DATA")
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--epochs", 0], "epochs must be"),
        (["--batch-size", -5], "batch_size"),
        (["--epochs", "ten"], "invalid int value"),
        (["--loss", "hinge"], "invalid choice"),
        (["--optimizer", "lbfgs"], "invalid choice"),
        (["--hidden", "a,b"], "comma-separated"),
        (["--hidden", "0"], "hidden sizes"),
        (["--dataset", "no/such"], "dataset must be"),
    ],
)
def test_train_bad_flags(argv, needle, tmp_path, capsys):
    """Bad training flags exit 2 with one error line, before any training."""
    assert_error(*call(["train", *argv, "--out", tmp_path / "m"], capsys), needle)
    assert not (tmp_path / "m").exists()


def test_train_requires_out(capsys):
    """train without --out is a usage error."""
    assert_error(*call(["train", "--config", "seed"], capsys), "--out")


def test_train_refuses_to_replace_a_non_model_folder(tmp_path, small_data, monkeypatch, capsys):
    """--out naming a folder of other files is refused before training; the files survive."""
    monkeypatch.setenv("LATENT_EXPLORER_DATA", str(small_data))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("years of work")
    assert_error(*call(["train", "--config", "seed", "--epochs", 1, "--out", tmp_path / "docs"], capsys), "not a model folder")  # fmt: skip
    assert (tmp_path / "docs" / "thesis.tex").read_text() == "years of work"


# --- info -------------------------------------------------------------------------------------


def test_info_prints_one_json_object(trained):
    """info prints a single JSON object with params, config, dataset, epochs, val_loss and test_bce."""
    _, out = trained
    p = run("info", "--model", out)
    assert p.returncode == 0 and p.stderr == ""
    assert len(p.stdout.splitlines()) == 1
    info = json.loads(p.stdout)
    meta = store.read_meta(out)
    assert info["params"] == 51154 and info["dataset"] == "mnist" and info["epochs"] == 2
    assert info["config"] == meta["config"] and info["val_loss"] == meta["val_loss"][-1]
    assert info["test_bce"] == meta["test_bce"]


def test_info_missing_folder(tmp_path, capsys):
    """info on a folder that does not exist exits 2 with one error line."""
    assert_error(*call(["info", "--model", tmp_path / "absent"], capsys), "no such model folder")


@pytest.mark.parametrize("content", ["{truncated", '{"config": {"latent_dim": 7}}'])
def test_info_corrupt_meta(trained, tmp_path, content, capsys):
    """info on a folder with a broken meta.json exits 2 with one error line."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "meta.json").write_text(content)
    assert_error(*call(["info", "--model", tmp_path / "m"], capsys), "meta.json")


def test_info_uses_env_model(trained, monkeypatch, capsys):
    """Without --model, info reads $LATENT_EXPLORER_MODEL (else the shipped model)."""
    monkeypatch.setenv("LATENT_EXPLORER_MODEL", str(trained[1]))
    code, out, err = call(["info"], capsys)
    assert code == 0 and json.loads(out)["name"] == "cli-seed"


# --- encode -----------------------------------------------------------------------------------


def test_encode_prints_json_lines(trained, pngs):
    """encode prints one JSON line per image: its path, z, and the k nearest training digits."""
    _, out = trained
    p = run("encode", *pngs[:2], "--model", out, "--k", 3)
    assert p.returncode == 0 and p.stderr == ""
    lines = p.stdout.splitlines()
    assert len(lines) == 2
    b = store.load(out)
    for path, line in zip(pngs[:2], lines, strict=True):
        rec = json.loads(line)
        assert set(rec) == {"path", "z", "neighbors"} and rec["path"] == str(path)
        z = b.codec.encode(preprocess_file(path).image.reshape(1, 784))[0]
        np.testing.assert_allclose(rec["z"], z, atol=1e-4)
        assert len(rec["neighbors"]) == 3
        dists = [n["distance"] for n in rec["neighbors"]]
        assert dists == sorted(dists)
        for n in rec["neighbors"]:
            assert set(n) == {"index", "label", "distance"}
            assert n["label"] == int(b.latent["y_train"][n["index"]])
            assert n["distance"] == pytest.approx(float(np.linalg.norm(b.latent["z_train"][n["index"]] - z)), abs=1e-4)


def test_encode_bad_image_among_good(trained, pngs, tmp_path, capsys):
    """A non-image among the inputs gets one error line and exit 2; the good image is still encoded."""
    bad = tmp_path / "notes.png"
    bad.write_text("this is not a png\n")
    code, out, err = call(["encode", pngs[0], bad, "--model", trained[1]], capsys)
    assert code == 2
    assert len(out.splitlines()) == 1 and json.loads(out)["path"] == str(pngs[0])
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {bad}") and "Traceback" not in err


def test_encode_missing_file(trained, tmp_path, capsys):
    """encode of a file that does not exist exits 2 with one error line naming it."""
    assert_error(*call(["encode", tmp_path / "gone.png", "--model", trained[1]], capsys), str(tmp_path / "gone.png"))


def test_encode_corrupt_model(trained, pngs, tmp_path, capsys):
    """encode with a corrupt model.keras exits 2 with one error line, no Keras traceback."""
    folder = tmp_path / "broken"
    folder.mkdir()
    for f in trained[1].iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "model.keras").write_bytes(b"PK\x03\x04" + os.urandom(3000))
    assert_error(*call(["encode", pngs[0], "--model", folder], capsys), "model.keras")


@pytest.mark.parametrize("make", ["folder", "empty", "blank"])
def test_encode_unusable_images(trained, tmp_path, make, capsys):
    """A folder, an empty file and a blank image each give one error line and exit 2."""
    path = tmp_path / f"{make}.png"
    if make == "folder":
        path.mkdir()
    elif make == "empty":
        path.write_bytes(b"")
    else:
        Image.new("L", (28, 28), 0).save(path)
    assert_error(*call(["encode", path, "--model", trained[1]], capsys), str(path))


def test_encode_bad_k(trained, pngs, capsys):
    """--k below 1 is refused."""
    assert_error(*call(["encode", pngs[0], "--model", trained[1], "--k", 0], capsys), "--k")


# --- decode -----------------------------------------------------------------------------------


def test_decode_writes_scaled_png(trained, tmp_path):
    """decode Z1 Z2 --scale 4 writes a 112 x 112 greyscale PNG of the decoded digit (negative z works)."""
    out = tmp_path / "sub" / "digit.png"
    p = run("decode", "-1.5", "0.25", "--model", trained[1], "--scale", 4, "--out", out)
    assert p.returncode == 0 and p.stderr == "" and p.stdout.strip() == str(out)
    img = np.asarray(Image.open(out))
    assert img.shape == (112, 112) and img.dtype == np.uint8
    expected = store.load(trained[1]).codec.decode_image(-1.5, 0.25)
    small = img[::4, ::4].astype(np.float32) / 255
    assert np.abs(small - expected).max() <= 1 / 255 + 1e-6
    assert (img[0::4, 0::4] == img[3::4, 3::4]).all()  # nearest-neighbour blocks


def test_decode_missing_model(tmp_path, capsys):
    """decode with a model folder that does not exist exits 2 and writes nothing."""
    out = tmp_path / "digit.png"
    assert_error(*call(["decode", 0, 0, "--model", tmp_path / "absent", "--out", out], capsys), "no such model folder")
    assert not out.exists()


@pytest.mark.parametrize(
    "args, needle",
    [
        (["nan", "0", "--out", "x.png"], "finite"),
        (["0", "inf", "--out", "x.png"], "finite"),
        (["0", "0", "--out", "x.jpg"], ".png"),
        (["0", "0", "--scale", "0", "--out", "x.png"], "--scale"),
        (["0", "0", "--scale", "100", "--out", "x.png"], "--scale"),
        (["zero", "0", "--out", "x.png"], "invalid float value"),
        (["0", "0"], "--out"),
    ],
)
def test_decode_bad_arguments(trained, tmp_path, args, needle, capsys, monkeypatch):
    """Non-finite points, a non-PNG output, a silly scale or a missing --out exit 2 with one line."""
    monkeypatch.chdir(tmp_path)
    assert_error(*call(["decode", *args, "--model", trained[1]], capsys), needle)
    assert list(tmp_path.iterdir()) == []


def test_decode_unwritable_output(trained, tmp_path, capsys):
    """An output path inside a file (not a folder) exits 2 with one error line."""
    (tmp_path / "afile").write_text("x")
    assert_error(*call(["decode", 0, 0, "--model", trained[1], "--out", tmp_path / "afile" / "d.png"], capsys))


# --- usage ------------------------------------------------------------------------------------


def test_unknown_command():
    """An unknown command exits 2 with one error line listing the commands."""
    assert_proc_error(run("bogus"), "train", "decode")


def test_no_command(capsys):
    """No command at all is a usage error, one line."""
    assert_error(*call([], capsys), "required")


def test_help(capsys):
    """--help lists the four commands and exits 0."""
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for command in ("train", "info", "encode", "decode"):
        assert command in out
