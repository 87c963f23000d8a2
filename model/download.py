"""Download MNIST or Fashion-MNIST without Keras: the files Keras downloads, checked, where Keras keeps them.

    download.fetch("mnist", on_bytes=print)   # ~/.keras/datasets/mnist.npz; raises DownloadError

Each file comes from settings().data_host (Keras's host by default) over plain urllib, streamed in
64 KB pieces and counted against a bound, hashed as it arrives, written to a hidden temporary file
beside its destination and renamed over it only once its SHA-256 is one of the digests below. A
wrong checksum, a dropped connection or an oversized answer leaves nothing behind. The names and
folders are Keras's (datasets/mnist.npz, datasets/fashion-mnist/*.gz), so Keras finds the files too.
A file already there with a known digest is not fetched again.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from model.data_types import LABELS, DataError, keras_cache_path
from model.settings import settings

CHUNK = 1 << 16
# file -> (the public file's size in bytes, {SHA-256: which copy}). The first digest of each is the file
# Keras downloads (Keras's own for mnist.npz; Zalando's published ones for Fashion-MNIST, which Keras
# fetches unchecked); the others are copies holding the same arrays, packed differently: Debian's
# dataset-fashion-mnist re-compresses the four files, and one known mnist.npz re-packs the same arrays.
FILES: dict[str, dict[str, tuple[int, dict[str, str]]]] = {
    "mnist": {
        "mnist.npz": (11_490_434, {
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1": "Keras's mnist.npz",
            "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64": "the same arrays, re-packed",
        }),
    },
    "fashion-mnist": {
        "train-labels-idx1-ubyte.gz": (29_515, {
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845": "Zalando's file",
            "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056": "Debian's package",
        }),
        "train-images-idx3-ubyte.gz": (26_421_880, {
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84": "Zalando's file",
            "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7": "Debian's package",
        }),
        "t10k-labels-idx1-ubyte.gz": (5_148, {
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5": "Zalando's file",
            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05": "Debian's package",
        }),
        "t10k-images-idx3-ubyte.gz": (4_422_102, {
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073": "Zalando's file",
            "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa": "Debian's package",
        }),
    },
}  # fmt: skip
SLACK = 1 << 20  # a copy may be this much larger than the public file; more is refused while it streams


class DownloadError(DataError):
    """The download failed or was refused; the message is one plain sentence."""


def destination(name: str, file: str) -> Path:
    """Where Keras keeps `file`: datasets/mnist.npz, or datasets/fashion-mnist/<file>."""
    cache = keras_cache_path(name)
    return cache if name == "mnist" else cache / file


def total_bytes(name: str) -> int:
    return sum(size for size, _ in FILES[name].values())


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def have(name: str, file: str) -> bool:
    """Whether `file` is already where Keras keeps it, with a known digest."""
    path = destination(name, file)
    return path.is_file() and sha256(path) in FILES[name][file][1]


def fetch(name: str, on_bytes: Callable[[int], None] = lambda n: None) -> None:
    """Download every file of `name` that is not already in Keras's cache; on_bytes(n) as bytes arrive."""
    if name not in FILES:
        raise DownloadError(f"unknown dataset '{name}'; choose mnist or fashion-mnist")
    for file, (size, digests) in FILES[name].items():
        if have(name, file):
            on_bytes(size)
            continue
        url = settings().data_host.rstrip("/") + "/" + file
        fetch_file(url, destination(name, file), size + SLACK, digests, on_bytes, LABELS[name])


def fetch_file(
    url: str, dest: Path, limit: int, digests: dict, on_bytes: Callable[[int], None], label: str = "the data set"
) -> None:
    """Stream `url` into `dest` atomically: only a complete file whose SHA-256 is in `digests` is kept."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError:
        raise DownloadError(f"{label} cannot be saved: Keras's data folder cannot be written") from None
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as answer:
            length = int(answer.headers.get("Content-Length") or 0)
            if length > limit:
                raise DownloadError(f"the download of {label} was refused: the file is larger than it should be")
            h, got = hashlib.sha256(), 0
            while chunk := answer.read(CHUNK):
                got += len(chunk)
                if got > limit:
                    raise DownloadError(f"the download of {label} was refused: the file is larger than it should be")
                h.update(chunk)
                out.write(chunk)
                on_bytes(len(chunk))
            if length and got != length:
                raise DownloadError(f"the download of {label} broke off; try again")
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() not in digests:
            raise DownloadError(f"the download of {label} was refused: it is not the published file (checksum)")
        os.replace(tmp, dest)  # atomic: Keras, or another server, sees the whole file or none
    except DownloadError:
        _remove(tmp)
        raise
    except (OSError, http.client.HTTPException, ValueError) as e:  # URLError, timeouts, IncompleteRead, a bad URL
        _remove(tmp)
        why = "the host answered " + str(e.code) if isinstance(e, urllib.error.HTTPError) else "no connection"
        raise DownloadError(
            f"the download of {label} failed ({why}); try again, or set the data set's variable"
        ) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
