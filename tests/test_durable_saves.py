"""Saves survive a power cut, not only a kill: every file is fsync'ed before the rename that publishes it,
and its directory after. The order of fsync and rename calls is recorded with monkeypatch (no Keras)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from model.folders import atomic, library

FILES = {"model.keras": b"k" * 5000, "meta.json": json.dumps({"name": "m"}).encode(), "latent.npz": b"z" * 3000}


def fill(tmp: Path) -> None:
    for name, data in FILES.items():
        (tmp / name).write_bytes(data)


@pytest.fixture
def calls(monkeypatch):
    """Every fsync (the path its fd names), rename and exchange, in order; the real calls still run."""
    log: list[tuple] = []
    real_fsync, real_replace, real_exchange = os.fsync, os.replace, atomic.exchange

    def fsync(fd):
        log.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst, **kw):
        log.append(("rename", os.fspath(src), os.fspath(dst)))
        return real_replace(src, dst, **kw)

    def exchange(a, b):
        log.append(("rename", os.fspath(a), os.fspath(b)))
        return real_exchange(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(atomic, "exchange", exchange)
    return log


def at(log, *event) -> int:
    return log.index(event)


def synced_before(log, path: Path, i: int) -> bool:
    return ("fsync", str(path)) in log[:i]


def synced_after(log, path: Path, i: int) -> bool:
    return ("fsync", str(path)) in log[i + 1 :]


def test_write_file_atomic_syncs_the_file_before_its_rename_and_the_folder_after(tmp_path, calls):
    """write_file_atomic: fsync(temp file) → rename onto the name → fsync(the folder)."""
    target = tmp_path / "out.csv"
    atomic.write_file_atomic(target, lambda f: f.write(b"a,b\n1,2\n"))
    renames = [e for e in calls if e[0] == "rename"]
    assert len(renames) == 1 and renames[0][2] == str(target)
    i = at(calls, *renames[0])
    assert synced_before(calls, Path(renames[0][1]), i), calls
    assert synced_after(calls, tmp_path, i), calls
    assert target.read_bytes() == b"a,b\n1,2\n"


@pytest.mark.parametrize("before", ["nothing", "a saved model", "a real folder"])
def test_model_folder_save_syncs_every_file_before_publishing_and_the_library_after(tmp_path, calls, before):
    """A model folder's three files and the folder are synced before it gets a name; the library after the switch."""
    target = tmp_path / "mine"
    if before == "a saved model":
        atomic.write_dir(target, fill)
    elif before == "a real folder":  # from before versioned saves: swapped with renameat2
        target.mkdir()
        fill(target)
    calls.clear()
    atomic.write_dir(target, fill)
    renames = [e for e in calls if e[0] == "rename"]
    version = next(e for e in renames if ".mine.v-" in e[2])  # the filled temp folder becomes a version
    i = at(calls, *version)
    for name in FILES:
        assert synced_before(calls, Path(version[1]) / name, i), f"{name} not synced before {version}: {calls}"
    assert synced_before(calls, Path(version[1]), i)  # its entries too
    switch = renames[-1]  # the symlink onto the name (or the exchange with the old real folder)
    assert str(target) in switch[1:] and synced_after(calls, tmp_path, at(calls, *switch)), calls
    assert (target / "latent.npz").read_bytes() == FILES["latent.npz"]


def test_library_rename_syncs_the_rewritten_meta_and_the_library(tmp_path, calls):
    """Renaming a library model: its meta.json is rewritten durably, and the library synced after the switch."""
    lib = library.Library(tmp_path)
    atomic.write_dir(tmp_path / "a", fill)
    calls.clear()
    lib.rename("a", "b")
    meta_rename = next(e for e in calls if e[0] == "rename" and e[2].endswith("meta.json"))
    assert synced_before(calls, Path(meta_rename[1]), at(calls, *meta_rename))
    switch = next(e for e in calls if e[0] == "rename" and e[2] == str(tmp_path / "b"))
    assert synced_after(calls, tmp_path, at(calls, *switch)), calls
    assert json.loads((tmp_path / "b" / "meta.json").read_text())["name"] == "b"


def test_a_file_system_that_cannot_sync_folders_still_saves(tmp_path, monkeypatch):
    """Where fsync on a directory fails with EINVAL (some file systems), saves go on; a file's failure still stops them."""
    real = os.fsync

    def fsync(fd):
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic.write_dir(tmp_path / "mine", fill)
    atomic.write_file_atomic(tmp_path / "x.txt", lambda f: f.write(b"x"))
    assert (tmp_path / "mine" / "meta.json").read_bytes() == FILES["meta.json"]
    assert (tmp_path / "x.txt").read_bytes() == b"x"

    def broken(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        atomic.write_file_atomic(tmp_path / "x.txt", lambda f: f.write(b"new"))
    assert (tmp_path / "x.txt").read_bytes() == b"x"  # not published: the old file stays
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
