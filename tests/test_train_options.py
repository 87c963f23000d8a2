"""Every Train-page option trains for an epoch, and the background TrainJob stops, saves and previews."""

from __future__ import annotations

import threading
import time

import keras
import numpy as np
import pytest

from model.folders import store
from model.jobs import job_worker
from model.jobs.job import TrainJob, wait_until_finished
from model.jobs.job_worker import PREVIEW_DIGITS
from model.net.config import LOSSES, OPTIMIZERS, Config
from model.net.train import fit

SMALL = {"epochs": 1, "batch_size": 100, "subset": 300}


def tiny(mnist, n_test=200):
    (xtr, ytr), (xte, yte) = mnist
    return (xtr[:300], ytr[:300]), (xte[:n_test], yte[:n_test])


# Each optimizer once, the two losses alternating, so every option is trained without 10 runs.
@pytest.mark.parametrize("optimizer,loss", [(o, LOSSES[i % 2]) for i, o in enumerate(OPTIMIZERS)])
def test_one_epoch_with_each_loss_and_optimizer(mnist, optimizer, loss):
    """One epoch on 300 digits gives finite losses and a finite 2-D encoding of the test digits."""
    config = Config(
        optimizer=optimizer, loss=loss, learning_rate=0.01, hidden=(64, 16), latent_activation="linear", **SMALL
    )
    result = fit(config, data=tiny(mnist))
    assert (
        result.epochs_done == 1
        and np.isfinite(result.history["loss"][0])
        and np.isfinite(result.history["val_loss"][0])
    )
    assert result.z_test.shape == (200, 2) and np.isfinite(result.z_test).all()
    assert isinstance(result.models.autoencoder, keras.Model)
    assert 0 < result.test_bce < 1


def test_job_trains_in_a_process_saves_and_previews(mnist, tmp_path):
    """A finished TrainJob (a real child process) saves itself under its name, with history and a preview."""
    job = TrainJob(Config(epochs=2, batch_size=100), name="jobbed", library_dir=tmp_path, data=tiny(mnist)).start()
    snap = wait_until_finished(job)
    assert snap.state == "saved" and snap.saved_path == tmp_path / "jobbed", snap.error
    assert len(snap.history["loss"]) == 2 and len(snap.history["val_loss"]) == 2 and snap.fraction == 1.0
    assert snap.preview["z"].shape == (200, 2) and snap.preview["recons"].shape == (PREVIEW_DIGITS, 28, 28)
    assert store.load(snap.saved_path).meta["epochs"] == 2
    # no pending folder left behind: besides the name, only its live version and the library's lock file
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["jobbed"]
    hidden = {p.name for p in tmp_path.iterdir() if p.name.startswith(".")}
    assert hidden == {".latent-explorer.lock", (tmp_path / "jobbed").readlink().name}


def test_stopped_job_is_kept_only_when_saved(mnist, tmp_path):
    """Stop ends training after the current batch; nothing shows in the library until save()."""
    job = TrainJob(
        Config(epochs=50, batch_size=10), name="stopme", library_dir=tmp_path, data=tiny(mnist), in_process=True
    )
    job.stop()  # stop before the first batch ends: fit sees it after that batch
    snap = wait_until_finished(job.start())
    assert snap.state == "stopped" and snap.stopped and snap.history["loss"] == []
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []
    job.save("kept")
    assert job.snapshot().state == "saved" and store.read_meta(tmp_path / "kept")["stopped_early"] is True
    assert store.read_meta(tmp_path / "kept")["name"] == "kept"


def test_discarded_job_leaves_nothing(mnist, tmp_path):
    """Discarding a stopped run removes its pending folder."""
    job = TrainJob(
        Config(epochs=50, batch_size=10), name="drop", library_dir=tmp_path, data=tiny(mnist), in_process=True
    )
    job.stop()
    assert wait_until_finished(job.start()).state == "stopped"
    job.discard()
    assert [p.name for p in tmp_path.iterdir()] in ([], [".latent-explorer.lock"])  # at most the library's lock


def test_two_trainings_started_together_run_one_after_the_other(mnist, tmp_path, monkeypatch):
    """Two trainings started at once: the second waits, queued, until the first has finished, then trains; one whose
    name was taken meanwhile reports it instead of overwriting, and is saved over it only when confirmed."""
    real, lock, active, peak = job_worker.work, threading.Lock(), [0], [0]

    def counted_work(*args):  # the trainer itself, counting how many train at the same moment
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            real(*args)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(job_worker, "work", counted_work)
    config = Config(epochs=2, batch_size=50)
    a, b = (TrainJob(config, name=n, library_dir=tmp_path, data=tiny(mnist), in_process=True) for n in ("a", "b"))
    (tmp_path / "b").mkdir()  # the name "b" is taken before b finishes
    a.start(), b.start()
    busy = ("starting", "loading", "running")
    seen = []  # (state of a, state of b), sampled until both are finished
    while not (a.join(0) and b.join(0)):
        seen.append((a.snapshot().state, b.snapshot().state))
        time.sleep(0.02)
    assert peak[0] == 1, "two trainings ran at the same time"
    assert not any(sa in busy and sb in busy for sa, sb in seen)
    assert any(sa in busy and sb == "queued" for sa, sb in seen) or any(
        sb in busy and sa == "queued" for sa, sb in seen
    )
    assert a.snapshot().state == "saved"
    snap = b.snapshot()
    assert snap.state == "done" and "already exists" in snap.error and list((tmp_path / "b").iterdir()) == []
    b.save("b", overwrite=True)
    assert b.snapshot().state == "saved" and store.read_meta(tmp_path / "b")["name"] == "b"
