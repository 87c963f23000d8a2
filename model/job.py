"""A training run in a background thread, for the Train page (no UI here).

    job = TrainJob(config, name="mine", library=Path("models"), overwrite=False)
    job.start()                 # train.fit in a daemon thread, as the CLI runs it
    job.snapshot()              # a consistent copy of progress, history and preview, any time
    job.stop()                  # fit's should_stop sees it after the current batch
    job.save("mine-stopped")    # a stopped run is kept only if the user asks

Streamlit reruns page scripts in their own threads, so a Stop click can only be seen if the
training runs elsewhere; the page keeps the job in session_state and polls snapshot() from a
fragment. A finished (not stopped) run saves itself, so closing the tab does not lose it.
Only one training runs per server at a time (RUN_LOCK): two would fight over the same cores
and over Keras's process-wide random seed; a second waits in state "queued".
"""

from __future__ import annotations

import dataclasses
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model import data as data_mod
from model import library, store
from model.autoencoder import split
from model.config import Config
from model.fast import Codec

RUN_LOCK = threading.Lock()
PREVIEW_POINTS, PREVIEW_DIGITS = 5000, 8
FINISHED = ("saved", "stopped", "done", "failed")  # "done": finished but the auto-save failed


@dataclass
class Snapshot:
    state: str = "queued"  # queued, loading, running, then one of FINISHED
    epoch: int = 0
    epochs: int = 0
    batch: int = 0
    steps: int = 0
    fraction: float = 0.0
    elapsed: float = 0.0
    eta: float | None = None
    loss: float = float("nan")  # the running loss of the current epoch
    history: dict[str, list[float]] = field(default_factory=lambda: {"loss": [], "val_loss": []})
    preview: dict | None = None  # after each epoch: z, y (PREVIEW_POINTS), originals, recons (28 x 28)
    error: str | None = None
    saved_path: Path | None = None
    test_bce: float | None = None


class TrainJob:
    def __init__(self, config: Config, name: str, library_dir: Path, overwrite: bool = False, data=None):
        self.config, self.name, self.library_dir, self.overwrite = config, name, Path(library_dir), overwrite
        self.data = data  # ((x_train, y_train), (x_test, y_test)); None: load config.dataset
        self.result = None  # train.Result once finished
        self._snap = Snapshot(epochs=config.epochs)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"train-{name}", daemon=True)

    def start(self) -> TrainJob:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

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
        from model.train import fit  # imported here: keeps `import model.job` light for the page

        try:
            while not RUN_LOCK.acquire(timeout=0.2):  # queued behind another session's training
                if self._stop.is_set():
                    self._update(state="failed", error="Stopped while waiting for another training to finish.")
                    return
            try:
                self._update(state="loading")
                data = self.data or data_mod.load_dataset(self.config.dataset)
                self._sample = preview_sample(data)
                self._update(state="running")
                self.result = fit(self.config, data=data, on_progress=self._on_progress, should_stop=self._stop.is_set)
            finally:
                RUN_LOCK.release()
        except Exception as e:  # shown on the page; the traceback goes to the server log
            traceback.print_exc()
            self._update(state="failed", error=f"{type(e).__name__}: {e}")
            return
        r = self.result
        self._update(history={k: list(v) for k, v in r.history.items()}, test_bce=r.test_bce, eta=0.0)
        if r.stopped:
            self._update(state="stopped")
            return
        try:
            self.save(self.name, self.overwrite)
        except (library.LibraryError, OSError) as e:
            self._update(state="done", error=str(e))

    def _on_progress(self, ev: dict) -> None:
        common = {k: ev[k] for k in ("epoch", "epochs", "steps", "fraction", "elapsed", "eta")}
        if ev["kind"] == "batch":
            self._update(batch=ev["batch"], loss=ev["loss"], **common)
        elif not ev.get("partial"):
            preview = make_preview(ev["model"], self._sample)  # outside the lock: a few ms of numpy
            with self._lock:
                for k in ("loss", "val_loss"):
                    self._snap.history[k].append(ev[k])
                self._snap.preview = preview
                for k, v in common.items():
                    setattr(self._snap, k, v)

    def save(self, name: str, overwrite: bool = False) -> Path:
        """Save the finished (or stopped) result as library/name; LibraryError on a bad or taken name."""
        if self.result is None:
            raise library.LibraryError("There is no trained model to save yet.")
        target = library.check_free(self.library_dir, name, overwrite)
        path = store.save(self.result, target, name=target.name)
        self._update(state="saved", saved_path=path, error=None)
        self.name = target.name
        return path


def preview_sample(data) -> dict[str, np.ndarray]:
    """A fixed sample of test digits (float, N x 784) for the per-epoch preview."""
    _, (x_test, y_test) = data
    idx = np.random.default_rng(0).permutation(len(x_test))[:PREVIEW_POINTS]
    return {"x": data_mod.to_float(x_test[idx]), "y": y_test[idx].astype(np.uint8)}


def make_preview(autoencoder, sample: dict) -> dict:
    """Latent means of the sample and a few reconstructions, with the numpy fast path."""
    models = split(autoencoder)
    codec = Codec(models.encoder, models.decoder)
    z = codec.encode(sample["x"])
    few = sample["x"][:PREVIEW_DIGITS]
    recons = codec.decode(z[:PREVIEW_DIGITS])
    return {"z": z, "y": sample["y"], "originals": few.reshape(-1, 28, 28), "recons": recons.reshape(-1, 28, 28)}


def wait_until_finished(job: TrainJob, poll: float = 0.2) -> Snapshot:
    """Block until the job is finished (tests and benchmarks)."""
    while not job.join(poll):
        time.sleep(0)
    return job.snapshot()
