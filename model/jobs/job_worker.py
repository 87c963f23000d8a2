"""The training side of model.jobs.job: runs in the child process (or a test thread).

work() reads the job from the control pipe, lowers its priority, caps TF's thread pools (possible
only before TF runs its first op, hence a fresh process), runs train.fit, saves the result into
the pending folder, and sends ("progress" | "epoch" | "finished" | "failed", payload) on `events`.
"stop" on the control pipe, or the pipe closing, ends training after the current batch.
"""

from __future__ import annotations

import os
import sys
import time
import traceback

import numpy as np

from model.net.config import Config

PREVIEW_POINTS, PREVIEW_DIGITS = 5000, 8
BATCH_REPORT_S = 0.25  # at most four batch reports a second: the page polls once a second anyway


def limit_tf_threads(n: int) -> None:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(n)
    tf.config.threading.set_inter_op_parallelism_threads(n)


def preview_sample(data) -> dict[str, np.ndarray]:
    """A fixed sample of test digits (float, N x 784) for the per-epoch preview."""
    from model.data import to_float

    _, (x_test, y_test) = data
    idx = np.random.default_rng(0).permutation(len(x_test))[:PREVIEW_POINTS]
    return {"x": to_float(x_test[idx]), "y": y_test[idx].astype(np.uint8)}


def make_preview(autoencoder, sample: dict) -> dict:
    """Latent means of the sample and a few reconstructions, with the numpy fast path."""
    from model.net.autoencoder import split
    from model.net.fast import Codec

    models = split(autoencoder)
    codec = Codec(models.encoder, models.decoder)
    z = codec.encode(sample["x"])
    few = sample["x"][:PREVIEW_DIGITS]
    recons = codec.decode(z[:PREVIEW_DIGITS])
    return {"z": z, "y": sample["y"], "originals": few.reshape(-1, 28, 28), "recons": recons.reshape(-1, 28, 28)}


class Reporter:
    """train.fit's on_progress: batch reports throttled, epoch reports with a preview."""

    def __init__(self, events, sample):
        self.events, self.sample, self.last = events, sample, 0.0

    def __call__(self, ev: dict) -> None:
        common = {k: ev[k] for k in ("epoch", "epochs", "steps", "fraction", "elapsed", "eta")}
        if ev["kind"] == "batch":
            now = time.monotonic()
            if now - self.last >= BATCH_REPORT_S:
                self.last = now
                self.events.send(("progress", {**common, "batch": ev["batch"], "loss": ev["loss"]}))
        elif not ev.get("partial"):
            preview = make_preview(ev["model"], self.sample)
            self.events.send(("epoch", {**common, "batch": ev["steps"], "loss": ev["loss"], "val_loss": ev["val_loss"], "preview": preview}))  # fmt: skip


class Control:
    """The parent's pipe: the job first, then maybe "stop". EOF (the server went away) counts as stop."""

    def __init__(self, conn):
        self.conn, self.stopped = conn, False

    def should_stop(self) -> bool:
        try:
            while not self.stopped and self.conn.poll():
                self.stopped = self.conn.recv() == "stop"
        except (EOFError, OSError):
            self.stopped = True
        return self.stopped


def work(events, control, threads: int, nice: int) -> None:
    """Run one job read from `control`; report on `events` (multiprocessing Connections)."""
    try:
        job = control.recv()
        if nice:
            os.nice(nice)  # exploring sessions in the server come first
        if threads:
            limit_tf_threads(threads)
        from model import data as data_mod
        from model.folders import store
        from model.net.train import fit

        events.send(("progress", {"state": "loading"}))
        config = Config.from_dict(job["config"])
        data = job["data"] or data_mod.load_dataset(config.dataset, download=True)
        reporter = Reporter(events, preview_sample(data))
        events.send(("progress", {"state": "running"}))
        result = fit(config, data=data, on_progress=reporter, should_stop=Control(control).should_stop)
        store.save(result, job["pending"], name=job["name"])
        events.send(("finished", {"stopped": result.stopped, "test_bce": result.test_bce, "history": result.history}))
    except Exception as e:  # reported on the page; the traceback goes to the server's log
        traceback.print_exc()
        events.send(("failed", f"{type(e).__name__}: {e}"))
    finally:
        events.close()


# python -m model.jobs.job_worker EVENTS_FD CONTROL_FD THREADS NICE (started by model.jobs.job)
if __name__ == "__main__":
    from multiprocessing.connection import Connection

    events_fd, control_fd, n_threads, niceness = map(int, sys.argv[1:5])
    work(Connection(events_fd, readable=False), Connection(control_fd, writable=False), n_threads, niceness)
