"""A save, rename or adopt killed (SIGKILL) at every step leaves each name loadable; leftovers are cleaned.

Each case forks a child that runs the real model/folders/atomic.py code with FAULT_HOOK sending itself
SIGKILL at step N; the parent then checks the model folder with the same validator the app uses.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import traceback
from pathlib import Path

import pytest

from model.folders import atomic, check, library, store

STEPS = ["created", "fill-1", "filled", "versioned", "linked", "swapped", "committed"]
LEGACY_STEPS = ["created", "fill-1", "filled", "versioned", "linked", "swapped", "committed"]


def fill_with(name: str):
    """A fill() that writes the shipped model's files with meta name `name` (no Keras: safe after fork)."""

    def fill(tmp: Path) -> None:
        shutil.copyfile(store.SHIPPED / "model.keras", tmp / "model.keras")
        atomic.fault("fill-1")
        meta = json.loads((store.SHIPPED / "meta.json").read_text())
        (tmp / "meta.json").write_text(json.dumps({**meta, "name": name}))
        shutil.copyfile(store.SHIPPED / "latent.npz", tmp / "latent.npz")

    return fill


def in_child(step: str, action) -> int:
    """Run action() in a forked child that SIGKILLs itself at `step`; its wait status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            atomic.FAULT_HOOK = lambda at: os.kill(os.getpid(), signal.SIGKILL) if at == step else None
            action()
            os._exit(0)
        except BaseException:
            os._exit(3)
    return os.waitpid(pid, 0)[1]


def leftovers(folder: Path) -> list[str]:
    live = atomic.referenced(folder) | {atomic.LOCK_NAME}
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in live)


def name_at(path: Path) -> str:
    """The meta name of the model at `path`, after the full keras-free validation (meta, archive caps, latent)."""
    meta, _ = check.check_folder(path)
    return meta["name"]


@pytest.mark.parametrize("legacy", [False, True], ids=["versioned", "real-folder"])
@pytest.mark.parametrize("step", STEPS)
def test_save_killed_at_every_step_leaves_old_or_new(tmp_path, step, legacy):
    """SIGKILL at any step of a save: --out holds the complete old model or the new one, never nothing."""
    target = tmp_path / "m"
    if legacy:  # a model folder as saved before versioned saves: a real directory
        target.mkdir()
        fill_with("old")(target)
    else:
        atomic.write_dir(target, fill_with("old"))
    status = in_child(step, lambda: atomic.write_dir(target, fill_with("new")))
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    expected = "new" if step in ("swapped", "committed") else "old"
    assert name_at(target) == expected
    atomic.write_dir(target, fill_with("next"))  # the next save cleans every leftover of the killed one
    assert name_at(target) == "next" and leftovers(tmp_path) == []


def test_first_save_killed_leaves_nothing_or_the_model(tmp_path):
    """With no old model, a kill before the switch leaves no name (nothing half-made), after it the model."""
    for step in STEPS:
        target = tmp_path / f"m-{step}"
        in_child(step, lambda t=target: atomic.write_dir(t, fill_with("new")))
        if step in ("swapped", "committed"):
            assert name_at(target) == "new"
        else:
            assert not target.exists() and not target.is_symlink()


def test_killed_leftovers_are_cleaned_when_a_library_starts(tmp_path, monkeypatch):
    """Leftovers of kills (temp, link, pending and unreferenced version folders) go when a Library is first used."""
    root = tmp_path / "lib"
    for step in ("fill-1", "filled", "versioned", "linked"):
        in_child(step, lambda: atomic.write_dir(root / "a", fill_with("a")))
    (root / ".pending-x-1234").mkdir()
    assert leftovers(root)
    monkeypatch.setattr(library, "_cleaned", set())
    library.Library(root, shipped_dir=None)
    assert leftovers(root) == []


def test_claimed_folders_survive_cleanup(tmp_path):
    """A folder still being written (its sidecar flocked by a live writer) is never cleaned away."""
    root = tmp_path / "lib"
    root.mkdir()
    pending = root / ".pending-job-1"
    with atomic.dir_lock(root):
        fd = atomic.claim(pending)
        pending.mkdir()
    with atomic.dir_lock(root):
        atomic.cleanup(root)
    assert pending.is_dir()
    atomic.release(pending, fd)
    with atomic.dir_lock(root):
        atomic.cleanup(root)
    assert not pending.exists()


@pytest.mark.parametrize("step", ["swapped", "committed"])
def test_rename_killed_keeps_the_model_under_one_name(tmp_path, step):
    """A rename killed at any step leaves the model loadable under the old or the new name."""
    root = tmp_path / "lib"
    atomic.write_dir(root / "a", fill_with("a"))
    in_child(step, lambda: library.Library(root, shipped_dir=None).rename("a", "b"))
    names = [n for n in ("a", "b") if (root / n).is_dir()]
    assert len(names) == 1 and name_at(root / names[0]) in ("a", "b")


def test_concurrent_saves_and_renames_are_serialised(tmp_path):
    """Two processes saving and renaming the same names at once: every name that exists loads, no leftovers."""
    root = tmp_path / "lib"
    atomic.write_dir(root / "a", fill_with("a"))

    def busy(tag: str):
        lib = library.Library(root, shipped_dir=None)
        for i in range(6):
            atomic.write_dir(root / "a", fill_with(f"{tag}{i}"))
            try:
                lib.rename("a", "b", overwrite=True)
            except library.LibraryError:  # the other process renamed it first
                pass

    pids = []
    for tag in ("x", "y"):
        pid = os.fork()
        if pid == 0:
            try:
                busy(tag)
                os._exit(0)
            except BaseException:
                traceback.print_exc()  # shown by pytest if the exit status check fails
                os._exit(3)
        pids.append(pid)
    assert [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids] == [0, 0]
    for n in ("a", "b"):
        if (root / n).exists():
            assert name_at(root / n)[0] in "xyab"
    assert leftovers(root) == []
