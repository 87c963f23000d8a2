"""One background download per data set, shared by every session of the server process.

    fetch_jobs.start("mnist")          # starts it, or joins the one under way; returns at once
    fetch_jobs.progress("mnist")       # Progress(state, done, total, message)

A page only starts or reads a job; the bytes move in a daemon thread, so no script run waits on the
network. Replicas (separate processes) may each download: the files are written atomically, so the
last rename wins with an identical file.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from model import download

log = logging.getLogger(__name__)
IDLE, RUNNING, DONE, FAILED = "idle", "running", "done", "failed"


@dataclass(frozen=True)
class Progress:
    state: str
    done: int = 0  # bytes so far (files already in the cache count as done)
    total: int = 0
    message: str = ""  # FAILED: one plain sentence

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


_lock = threading.Lock()
_jobs: dict[str, Progress] = {}


def progress(name: str) -> Progress:
    with _lock:
        return _jobs.get(name, Progress(IDLE))


def start(name: str) -> None:
    """Start the download of `name` in the background unless one is already under way."""
    with _lock:
        if _jobs.get(name, Progress(IDLE)).state == RUNNING:
            return
        _jobs[name] = Progress(RUNNING, 0, download.total_bytes(name))
    threading.Thread(target=_run, args=(name,), name=f"download-{name}", daemon=True).start()


def _run(name: str) -> None:
    def on_bytes(n: int) -> None:
        with _lock:
            p = _jobs[name]
            _jobs[name] = Progress(RUNNING, p.done + n, p.total)

    try:
        download.fetch(name, on_bytes)
    except download.DownloadError as e:
        _finish(name, FAILED, str(e))
    except Exception:  # never a traceback on the page; the server's log keeps it
        log.exception("download of %s", name)
        _finish(name, FAILED, f"the download of {download.LABELS[name]} failed; try again")
    else:
        _finish(name, DONE)


def _finish(name: str, state: str, message: str = "") -> None:
    with _lock:
        p = _jobs[name]
        _jobs[name] = Progress(state, p.done if state == FAILED else p.total, p.total, message)
