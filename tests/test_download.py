"""model/download.py and model/fetch_jobs.py against a stand-in host on 127.0.0.1: a verified file is
kept where Keras keeps it and read; a wrong checksum, a dropped connection or an oversized answer
leaves nothing behind; the download imports no TensorFlow."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model import data, download, fetch_jobs
from tests.test_data import assert_same, synthetic, write_npz

ROOT = Path(__file__).resolve().parent.parent


def publish(monkeypatch, host, body: bytes, digest: str | None = None) -> None:
    """Serve `body` as mnist.npz, with `digest` (default: its own) as the one known SHA-256."""
    host.files["mnist.npz"] = body
    digest = digest or hashlib.sha256(body).hexdigest()
    monkeypatch.setitem(download.FILES, "mnist", {"mnist.npz": (len(body), {digest: "test"})})


def leftovers(tmp_path) -> list[str]:
    folder = tmp_path / "keras" / "datasets"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_verified_download_is_kept_where_keras_keeps_it_and_read(monkeypatch, data_host, tmp_path):
    """The file is fetched from the host, checked, written to datasets/mnist.npz, and load_dataset reads it."""
    arrays = synthetic(seed=1)
    body = write_npz(tmp_path / "m.npz", arrays).read_bytes()
    publish(monkeypatch, data_host, body)
    seen = []
    download.fetch("mnist", seen.append)
    assert sum(seen) == len(body) and leftovers(tmp_path) == ["mnist.npz"]
    assert (tmp_path / "keras" / "datasets" / "mnist.npz").read_bytes() == body
    assert_same(data.load_dataset("mnist"), arrays)
    download.fetch("mnist")  # already there with a known digest: nothing is fetched again
    data_host.files.clear()
    download.fetch("mnist")


def test_a_wrong_checksum_is_refused_and_nothing_is_left(monkeypatch, data_host, tmp_path):
    """A file whose SHA-256 is not the known one is refused in one sentence; no file, whole or partial, stays."""
    publish(monkeypatch, data_host, b"not the data set" * 1000, digest="0" * 64)
    with pytest.raises(download.DownloadError, match="checksum") as e:
        download.fetch("mnist")
    assert "\n" not in str(e.value) and str(tmp_path) not in str(e.value)
    assert leftovers(tmp_path) == []
    with pytest.raises(data.DataError):
        data.load_dataset("mnist")


def test_a_dropped_connection_leaves_no_partial_file(monkeypatch, data_host, tmp_path):
    """The host closes the connection half-way: the download fails and no partial file remains."""
    publish(monkeypatch, data_host, bytes(200_000))
    data_host.drop.add("mnist.npz")
    with pytest.raises(download.DownloadError, match="broke off|failed"):
        download.fetch("mnist")
    assert leftovers(tmp_path) == []


def test_an_answer_larger_than_the_file_is_refused(monkeypatch, data_host, tmp_path):
    """An answer over the file's size bound is refused before it is read whole; nothing remains."""
    body = bytes(100)
    publish(monkeypatch, data_host, body)
    data_host.files["mnist.npz"] = bytes(100 + download.SLACK + 1)
    with pytest.raises(download.DownloadError, match="larger"):
        download.fetch("mnist")
    assert leftovers(tmp_path) == []


def test_no_host_is_one_sentence(monkeypatch, data_host, tmp_path):
    """A host that does not answer (404 here) is a plain DownloadError, and nothing is written."""
    monkeypatch.setitem(download.FILES, "mnist", {"mnist.npz": (10, {"0" * 64: "test"})})
    with pytest.raises(download.DownloadError, match="404"):
        download.fetch("mnist")
    assert leftovers(tmp_path) == []


def test_the_background_job_is_shared_and_reports_progress(monkeypatch, data_host, tmp_path):
    """fetch_jobs.start twice runs one download; its progress ends DONE with every byte counted."""
    body = write_npz(tmp_path / "m.npz", synthetic(seed=2)).read_bytes()
    publish(monkeypatch, data_host, body)
    monkeypatch.setattr(fetch_jobs, "_jobs", {})
    fetch_jobs.start("mnist")
    fetch_jobs.start("mnist")
    deadline = time.monotonic() + 30
    while fetch_jobs.progress("mnist").state == fetch_jobs.RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    p = fetch_jobs.progress("mnist")
    assert p.state == fetch_jobs.DONE and p.done == p.total == len(body) and p.fraction == 1.0
    assert leftovers(tmp_path) == ["mnist.npz"]


def test_a_failed_background_job_says_why(monkeypatch, data_host):
    """A refused download ends FAILED with its one sentence, and a new start tries again."""
    publish(monkeypatch, data_host, b"x" * 100, digest="0" * 64)
    monkeypatch.setattr(fetch_jobs, "_jobs", {})
    fetch_jobs.start("mnist")
    deadline = time.monotonic() + 30
    while fetch_jobs.progress("mnist").state == fetch_jobs.RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    p = fetch_jobs.progress("mnist")
    assert p.state == fetch_jobs.FAILED and "checksum" in p.message


def test_the_known_digests_are_keras_files_and_debians():
    """Each file's first digest is the published one; Debian's Fashion-MNIST files, where installed, are known."""
    assert next(iter(download.FILES["mnist"]["mnist.npz"][1])).startswith("731c5ac6")
    debian = data.FASHION_DIR
    if debian.is_dir():
        for file, (_, digests) in download.FILES["fashion-mnist"].items():
            assert download.sha256(debian / file) in digests, file


def test_the_download_imports_no_tensorflow(tmp_path):
    """Importing and running the downloader (to a host that is not there) leaves TF and Keras out."""
    code = """
import os, sys
os.environ["LATENT_EXPLORER_DATA_HOST"] = "http://127.0.0.1:9/"
os.environ["LATENT_EXPLORER_KERAS_HOME"] = sys.argv[1]
from model import download, fetch_jobs, data
try:
    data.load_dataset("fashion-mnist", source=None, download=True)
except data.DataError:
    pass
print(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras")))
"""
    env_free = {k: v for k, v in __import__("os").environ.items() if not k.startswith("LATENT_EXPLORER_")}
    env_free["LATENT_EXPLORER_DEBIAN_FASHION"] = str(tmp_path / "none")
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "k")], cwd=ROOT, env=env_free, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
