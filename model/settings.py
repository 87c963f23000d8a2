"""Every LATENT_EXPLORER_* environment variable, read in this one place.

    from model.settings import settings
    settings().library        # Path of the model library

settings() reads os.environ on every call (cheap), so tests and servers that change the
environment see the change; the result is a frozen dataclass, so nobody edits it in place.
A value that does not parse falls back to the default rather than stopping the server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "LATENT_EXPLORER_"
DATA_HOST = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"  # where Keras downloads both data sets
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")  # Debian's dataset-fashion-mnist package


@dataclass(frozen=True)
class Settings:
    datasets: Path  # DATASETS: the folder where added data sets are stored, converted (model/datasets/registry.py)
    data: str | None  # DATA: a mnist.npz or a folder of idx files; None = Keras's cache, else none until downloaded
    fashion: str | None  # FASHION: Fashion-MNIST's .npz or idx folder; None = Keras's cache, else Debian's
    data_host: str  # DATA_HOST: the URL folder both data sets are downloaded from (Keras's host)
    keras_home: Path  # KERAS_HOME: Keras's cache folder (datasets/ inside it); else $KERAS_HOME, else ~/.keras
    debian_fashion: Path  # DEBIAN_FASHION: Debian's Fashion-MNIST folder
    default_model: Path | None  # MODEL: overrides the shipped `default` model folder
    library: Path  # MODELS: the model library (user-trained and uploaded models)
    train_threads: int  # TRAIN_THREADS: TF threads of in-app training (0 = TF's default)
    train_nice: int  # TRAIN_NICE: niceness of the training process
    train_in_process: bool  # TRAIN_IN_PROCESS=1: train in a server thread (bench/concurrency.py, page tests)
    live: bool  # LIVE=0: the still picture of the plane instead of the in-browser live plane (AppTest, benchmarks)


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(PREFIX + name) or default)
    except ValueError:
        return default


def settings() -> Settings:
    env = os.environ.get
    return Settings(
        data=env(PREFIX + "DATA") or None,
        fashion=env(PREFIX + "FASHION") or None,
        datasets=Path(env(PREFIX + "DATASETS") or ROOT / "datasets"),
        data_host=env(PREFIX + "DATA_HOST") or DATA_HOST,
        keras_home=Path(env(PREFIX + "KERAS_HOME") or env("KERAS_HOME") or Path.home() / ".keras"),
        debian_fashion=Path(env(PREFIX + "DEBIAN_FASHION") or DEBIAN_FASHION),
        default_model=Path(env(PREFIX + "MODEL")) if env(PREFIX + "MODEL") else None,
        library=Path(env(PREFIX + "MODELS") or ROOT / "models"),
        train_threads=_int("TRAIN_THREADS", max(1, (os.cpu_count() or 2) - 1)),
        train_nice=_int("TRAIN_NICE", 10),
        train_in_process=env(PREFIX + "TRAIN_IN_PROCESS") == "1",
        live=env(PREFIX + "LIVE") != "0",
    )
