"""Crash-safe model folders: a name is a symlink to a versioned hidden folder, switched atomically.

    parent/mine -> .mine.v-3f9a0c1e/      (model.keras, meta.json, latent.npz)

A save fills `.mine.tmp-<id>/`, renames it to `.mine.v-<id>/`, makes a symlink to it under a
temporary name and renames that symlink over `mine` (rename(2) replaces a symlink atomically),
then removes the old version. A SIGKILL at any instant leaves `mine` pointing at a complete
folder, old or new (tests/test_crash_safe.py kills a save at every step via FAULT_HOOK). A model
folder from before this layout (a real directory) is swapped for the symlink with
renameat2(RENAME_EXCHANGE), also atomic; only where the kernel lacks it do two renames remain.
Every file is fsync'ed before the rename that publishes it, and its directory after (fsync()), so a
power cut too leaves the old model or the new one, never an empty or partial file under the name.

Writers in one directory are serialised with flock on `.latent-explorer.lock` there, held for the
short create and commit steps. A temp folder being filled (minutes for a training's pending folder)
is "claimed": its `<path>.lock` sidecar is flocked by its writer, which the kernel releases when the
writer dies. cleanup() removes unclaimed leftovers (`.tmp-`, `.old-`, `.link-`, `.del-`,
`.pending-`, and versions no symlink points at), on the next save and when a library is first used.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

LOCK_NAME = ".latent-explorer.lock"
LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old|del|link|v)-[0-9a-f]{12}")
PENDING = re.compile(r"\.pending-.+")
FAULT_HOOK: Callable[[str], None] | None = None  # tests: called at each step; may kill the process


def fault(step: str) -> None:
    if FAULT_HOOK is not None:
        FAULT_HOOK(step)


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def umask() -> int:
    """The process umask without changing it (os.umask would race with other threads)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


@contextlib.contextmanager
def dir_lock(parent: Path):
    """Exclusive flock on parent/.latent-explorer.lock (other processes and threads wait)."""
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666 & ~umask())
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def claim(path: Path) -> int:
    """Mark `path` (about to be created) as in use by this process until release(); call under dir_lock."""
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o666 & ~umask())
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def release(path: Path, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(f"{path}.lock")
    os.close(fd)


def claimed(path: Path) -> bool:
    try:
        fd = os.open(f"{path}.lock", os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def fsync(path: str | os.PathLike | int) -> None:
    """Flush a file's data (a path or an open fd), or a directory's entries, to disk. A rename is atomic
    but not durable: after a power cut the new name may lead to an empty or partial file unless the file
    was synced before the rename that publishes it and its directory after. Directories that a file
    system cannot sync are skipped."""
    if isinstance(path, int):
        os.fsync(path)
        return
    is_dir = os.path.isdir(path) and not os.path.islink(path)
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if is_dir else 0))
    except OSError:
        if is_dir:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as e:
        if not (is_dir and e.errno in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES, errno.EPERM)):
            raise
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """fsync every regular file under `folder` (no links, FIFOs or devices), then each folder, deepest first."""
    for dirpath, _dirs, files in sorted(os.walk(folder), key=lambda w: -w[0].count(os.sep)):
        for file in (os.path.join(dirpath, name) for name in files):
            if os.path.isfile(file) and not os.path.islink(file):
                fsync(file)
        fsync(dirpath)


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def referenced(parent: Path) -> set[str]:
    """Names of the versions some symlink in `parent` points at."""
    refs = set()
    for p in parent.iterdir():
        if p.is_symlink():
            refs.add(os.path.basename(os.readlink(p)))
    return refs


def cleanup(parent: Path, name: str | None = None) -> list[str]:
    """Remove unclaimed leftovers in `parent` (only those of `name` if given); call under dir_lock."""
    if not parent.is_dir():
        return []
    removed, versions = [], []
    for p in parent.iterdir():
        if p.name == LOCK_NAME or p.name.endswith(".lock"):
            continue
        m = LEFTOVER.fullmatch(p.name)
        pending = name is None and m is None and PENDING.fullmatch(p.name)
        if not (m or pending) or (m and name is not None and m["name"] != name) or claimed(p):
            continue
        if m and m["kind"] == "v":
            versions.append(p)
            continue
        remove(p)
        removed.append(p.name)
    refs = referenced(parent)
    for p in versions:
        if p.name not in refs:
            remove(p)
            removed.append(p.name)
    for p in parent.glob("*.lock"):  # sidecars of leftovers just removed, or of dead writers
        base = Path(str(p)[: -len(".lock")])
        if p.name != LOCK_NAME and not base.exists() and not base.is_symlink() and not claimed(base):
            p.unlink(missing_ok=True)
    return removed


def exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); OSError where unsupported."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) != 0:  # AT_FDCWD, RENAME_EXCHANGE
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def commit(src: Path, target: Path) -> Path:
    """Make `target` name the model at `src` (a filled folder, or a symlink to a version), atomically;
    the version `target` named before is removed if nothing else names it. Call under dir_lock."""
    parent, old = target.parent, os.readlink(target) if target.is_symlink() else None
    if not src.is_symlink():  # a filled folder: version it and point a fresh symlink at it
        ver, link = parent / f".{target.name}.v-{new_id()}", parent / f".{target.name}.link-{new_id()}"
        fsync_tree(src)  # its files on disk before any name can lead to them
        os.replace(src, ver)
        try:
            fault("versioned")
            os.symlink(ver.name, link)
            fault("linked")
        except BaseException:  # an error (not a kill) before the switch: leave no trace of the new version
            remove(link)
            remove(ver)
            raise
        src = link
    if target.is_dir() and not target.is_symlink():  # a real folder from before versioned saves
        try:
            exchange(src, target)
            fault("swapped")
        except OSError:
            aside = parent / f".{target.name}.old-{new_id()}"
            os.replace(target, aside)
            fault("set-aside")  # the one window without `target`; only without renameat2
            os.replace(src, target)
            src = aside
            fault("swapped")
        remove(src)
    else:
        os.replace(src, target)
        fault("swapped")
    fsync(parent)  # the switch itself (and the version's rename, the symlink) on disk
    if old is not None and os.path.basename(old) not in referenced(parent):
        remove(parent / os.path.basename(old))
    fault("committed")
    return target


def write_dir(target: Path, fill: Callable[[Path], None]) -> Path:
    """Call fill(tmp_folder) then commit it as `target`; leftovers of `target` are cleaned first."""
    target = Path(target)
    parent = target.parent
    with dir_lock(parent):
        cleanup(parent, target.name)
        tmp = parent / f".{target.name}.tmp-{new_id()}"
        fd = claim(tmp)
        tmp.mkdir(mode=0o777 & ~umask())
    try:
        fault("created")
        fill(tmp)
        fault("filled")
        with dir_lock(parent):
            commit(tmp, target)
    finally:
        remove(tmp)  # only still there if fill or commit failed
        release(tmp, fd)
    return target


def write_file_atomic(target: str | os.PathLike, write) -> Path:
    """Call write(binary file) on a temp file beside `target`, then rename it into place.

    The file gets an existing target's permissions, else 0666 less the umask (not mkstemp's 0600).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            mode = target.stat().st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            fsync(f.fileno())  # the bytes on disk before the name leads to them (the fd: mode may deny reading)
        os.replace(tmp, target)
        fsync(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
