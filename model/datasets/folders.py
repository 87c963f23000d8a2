"""A data set as a folder with one subfolder of images per class (torchvision's ImageFolder layout), or a zip of one.

The files are listed, counted and sized here; they are decoded later, one at a time (convert.py). A zip
goes through the model zip's member check (absolute paths, "..", links) and capped reads
(model/folders/modelzip.py), with a ratio cap against bombs and a depth cap ([top/]class/image).
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import numpy as np

from model.datasets import bounds
from model.datasets.bounds import DataSetError
from model.datasets.readers import File, Part, Raw
from model.folders import modelzip
from model.images.preprocess import MAX_BYTES

log = logging.getLogger(__name__)

JUNK = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")
MAX_RATIO = 200  # inflated / compressed for one zip member: a blank PNG deflates well, a bomb far better


def visible(name: str) -> bool:
    return not name.startswith(".") and name not in JUNK


def read_folder(root: Path) -> Raw:
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and visible(p.name))
    files: dict[str, list[Path]] = {
        c.name: sorted(f for f in c.iterdir() if f.is_file() and not f.is_symlink() and visible(f.name))
        for c in classes
    }
    total = sum(len(v) for v in files.values())
    if classes:
        bounds.check_count(total)
    bounds.check_bytes(sum(f.stat().st_size for v in files.values() for f in v))
    return labelled({name: [(f"{name}/{f.name}", reader(f)) for f in fs] for name, fs in files.items()}, root.name)


def reader(path: Path) -> Callable[[], bytes]:
    def read_bytes() -> bytes:
        with open(path, "rb") as f:
            return f.read(MAX_BYTES + 1)  # open_image refuses more, naming the limit

    return read_bytes


def read_zip_bytes(data: bytes) -> Raw:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataSetError("That file is not a zip archive.") from None
    return read_zip(z)


def read_zip(z: zipfile.ZipFile) -> Raw:
    """A zip of class folders, optionally inside one top folder; members checked as a model zip's are."""
    try:
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataSetError("The zip is damaged.") from None
    members = []
    for info in infos:
        problem = modelzip.member_problem(info)
        if problem:
            raise DataSetError(problem)
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if info.is_dir() or not all(visible(p) for p in parts):
            continue
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 2**20:
            raise DataSetError(
                f"The zip member '{info.filename}' inflates {info.file_size // max(info.compress_size, 1)} times; refused as a zip bomb."
            )
        members.append((parts, info))
    bounds.check_bytes(sum(i.file_size for _, i in members))
    top = {p[0] for p, _ in members}
    strip = 1 if len(top) == 1 and all(len(p) >= 3 for p, _ in members) else 0  # one folder around the classes
    classes: dict[str, list[File]] = {}
    for parts, info in members:
        parts = parts[strip:]
        if len(parts) > 2:
            raise DataSetError(f"The zip nests folders too deep ('{info.filename}'); it holds class/image files only.")
        if len(parts) == 2:
            classes.setdefault(parts[0], []).append((f"{parts[0]}/{parts[1]}", zip_reader(z, info)))
    if classes:
        bounds.check_count(sum(len(v) for v in classes.values()))
    return labelled(dict(sorted(classes.items())), "The zip")


def zip_reader(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read_bytes() -> bytes:
        try:
            return modelzip.read_capped(z, info, MAX_BYTES)
        except Exception:  # a lying header (LibraryError), a damaged member: this file fails, the rest go on
            log.info("zip member %s unreadable", info.filename, exc_info=True)
            return b""

    return read_bytes


def labelled(classes: dict[str, list[File]], shown: str) -> Raw:
    if not classes:
        raise DataSetError(f"{shown} has no class subfolders; put each class's images in a subfolder named after it.")
    names = bounds.check_class_names(classes)
    files = [f for fs in classes.values() for f in fs]
    y = np.concatenate([np.full(len(fs), k, np.int64) for k, fs in enumerate(classes.values())])
    return Raw(Part(files, y), None, names)
