"""A training run in its own process, for the Train page (no UI here).

    job = TrainJob(config, name="mine", library_dir=Path("models"), overwrite=False).start()
    job.snapshot()              # a consistent copy of progress, history and preview, any time
    job.stop()                  # train.fit's should_stop sees it after the current batch
    job.save("mine-stopped")    # a stopped run is kept only if the user asks; job.discard() drops it

Why a process and not a thread: Streamlit runs `gc.collect(2)` and `keras.backend.clear_session()`
(another full GC, and a TF kernel-cache flush) after every script run of every session. Those hold
the GIL for hundreds of ms to seconds here, so a training thread in the server crawled (20x slower
measured) and its own polling starved it. In a child process training keeps its own GIL and TF
runtime, runs at a lower priority (nice) with a capped TF thread pool, so exploring sessions keep
the CPU they need. The child runs train.fit exactly as the CLI does, saves the result into a
hidden `.pending-*` folder in the library, and reports progress through a pipe that a listener
thread in the server turns into Snapshots. A finished run is moved into place under its name; a
stopped one stays pending until save() or discard().

Only one training runs per server at a time (RUN_LOCK): two would fight over the same cores;
a second waits in state "queued".
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from model.folders import atomic
from model.folders.library import Library, LibraryError
from model.net.config import Config
from model.settings import settings

ROOT = Path(__file__).resolve().parents[2]
RUN_LOCK = threading.Lock()
FINISHED = ("saved", "stopped", "done", "failed")  # "done": finished but the auto-save was refused


def default_threads() -> int:
    """TF threads for a training: $LATENT_EXPLORER_TRAIN_THREADS, else all cores but one (0 = TF's default)."""
    return settings().train_threads


def default_nice() -> int:
    return settings().train_nice


@dataclass
class Snapshot:
    state: str = "queued"  # queued, starting, loading, running, then one of FINISHED
    epoch: int = 0
    epochs: int = 0
    batch: int = 0
    steps: int = 0
    fraction: float = 0.0
    elapsed: float = 0.0
    eta: float | None = None
    loss: float = float("nan")  # the running loss of the current epoch
    history: dict[str, list[float]] = field(default_factory=lambda: {"loss": [], "val_loss": []})
    preview: dict | None = None  # after each epoch: z, y, originals, recons (see model.jobs.job_worker)
    error: str | None = None
    saved_path: Path | None = None
    test_bce: float | None = None
    stopped: bool = False


class TrainJob:
    def __init__(self, config: Config, name: str, library_dir: Path, overwrite=False, data=None, in_process=None):
        self.config, self.name, self.library_dir, self.overwrite = config, name, Path(library_dir), overwrite
        self.data = data  # ((x_train, y_train), (x_test, y_test)) for tests; None: the child loads config.dataset
        # A thread instead of a process: for quick unit tests, and bench/concurrency.py's comparison.
        self.in_process = settings().train_in_process if in_process is None else in_process
        self.pending: Path | None = None  # the saved-but-not-yet-named model folder
        self._claim: int | None = None  # flock held on pending's sidecar: no cleanup removes it while we live
        self._snap = Snapshot(epochs=config.epochs)
        self._lock = threading.Lock()
        self._stop = threading.Event()  # set by stop(); sent on to the trainer as "stop"
        self._control = None  # our end of the control pipe once the trainer runs
        self._listener = threading.Thread(target=self._run, name=f"train-{name}", daemon=True)

    def start(self) -> TrainJob:
        self._listener.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._control is not None:
            try:
                self._control.send("stop")
            except OSError:  # the trainer already exited
                pass

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def join(self, timeout: float | None = None) -> bool:
        self._listener.join(timeout)
        return not self._listener.is_alive()

    def snapshot(self) -> Snapshot:
        with self._lock:
            s = dataclasses.replace(self._snap)
            s.history = {k: list(v) for k, v in s.history.items()}
            return s

    def _update(self, **changes) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(self._snap, k, v)

    def _run(self) -> None:
        while not RUN_LOCK.acquire(timeout=0.2):  # queued behind another session's training
            if self._stop.is_set():
                self._update(state="failed", error="Stopped while waiting for another training to finish.")
                return
        try:
            self._update(state="starting")
            self._watch(self._launch())
        except Exception as e:  # never leave the page waiting on a dead job
            self._update(state="failed", error=f"{type(e).__name__}: {e}")
        finally:
            RUN_LOCK.release()
        snap = self.snapshot()
        if snap.state == "finished" and not snap.stopped:
            try:
                self.save(self.name, self.overwrite)
            except (LibraryError, OSError) as e:
                self._update(state="done", error=str(e))
        elif snap.state == "finished":
            self._update(state="stopped")
        else:  # failed: nothing to save; free the pending folder for cleanup
            self.discard()

    def _launch(self) -> tuple:
        """Start the trainer; returns (runner, events connection). Only the child touches TF."""
        from model.jobs.job_worker import work

        lib = Library(self.library_dir)
        with lib.lock():
            self.pending = self.library_dir / f".pending-{self.name}-{uuid.uuid4().hex[:8]}"
            self._claim = atomic.claim(self.pending)
        events_r, events_w = multiprocessing.Pipe(duplex=False)
        control_r, self._control = multiprocessing.Pipe(duplex=False)
        if self.in_process:
            runner = threading.Thread(target=work, args=(events_w, control_r, 0, 0), daemon=True)
            runner.start()
        else:
            # A fresh interpreter, not multiprocessing: its spawn re-runs the parent's __main__, which
            # under Streamlit is app.py (it would load a model and start TF before the thread cap).
            fds = (events_w.fileno(), control_r.fileno())
            cmd = [sys.executable, "-m", "model.jobs.job_worker", *map(str, (*fds, default_threads(), default_nice()))]
            runner = subprocess.Popen(cmd, pass_fds=fds, cwd=ROOT, stdin=subprocess.DEVNULL)
            events_w.close(), control_r.close()  # the child's ends; EOF on events then means it exited
        # The job goes first on the control pipe (after the start: a big one fills the pipe); "stop" may follow.
        self._control.send(
            {"config": self.config.to_dict(), "name": self.name, "pending": str(self.pending), "data": self.data}
        )
        if self._stop.is_set():  # stop() came before the pipe existed
            self._control.send("stop")
        return runner, events_r

    def _watch(self, launched) -> None:
        runner, events = launched
        try:
            while True:
                try:
                    kind, payload = events.recv()
                except EOFError:
                    code = runner.poll() if hasattr(runner, "poll") else None
                    self._update(state="failed", error=f"The training process ended unexpectedly (exit code {code}).")
                    return
                if kind == "progress":
                    self._update(**payload)
                elif kind == "epoch":
                    with self._lock:
                        for k in ("loss", "val_loss"):
                            self._snap.history[k].append(payload.pop(k))
                        for k, v in payload.items():
                            setattr(self._snap, k, v)
                elif kind == "finished":
                    self._update(state="finished", eta=0.0, **payload)
                    return
                elif kind == "failed":
                    self._update(state="failed", error=payload)
                    return
        finally:
            events.close()
            self._control.close()
            if hasattr(runner, "wait"):
                try:  # the child has saved and reported; only its exit (TF teardown) is left
                    runner.wait(30)
                except subprocess.TimeoutExpired:  # on a loaded machine that can take longer: not a failure
                    runner.kill()
                    runner.wait()
            else:
                runner.join(30)

    def save(self, name: str, overwrite: bool = False) -> Path:
        """Move the finished (or stopped) model to library/name; LibraryError on a bad or taken name."""
        if self.pending is None or not self.pending.is_dir():
            raise LibraryError("There is no trained model to save.")
        target = Library(self.library_dir).adopt(self.pending, name, overwrite)
        self._release()
        self.name = target.name
        self._update(state="saved", saved_path=target, error=None)
        return target

    def discard(self) -> None:
        """Drop a stopped run's model (nothing of it was ever visible in the library)."""
        if self.pending is not None:
            with Library(self.library_dir).lock():
                if self.pending.is_symlink():
                    atomic.remove(self.pending.resolve())
                atomic.remove(self.pending)
            self._release()

    def _release(self) -> None:
        if self._claim is not None:
            atomic.release(self.pending, self._claim)
        self.pending, self._claim = None, None


def wait_until_finished(job: TrainJob, poll: float = 0.2) -> Snapshot:
    """Block until the job is finished (tests and benchmarks)."""
    while not job.join(poll):
        pass
    return job.snapshot()
