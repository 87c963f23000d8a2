"""The model library: list, name, rename and delete model folders (no UI here).

The library is one folder of model folders (pages.common.library_dir()); the shipped default
lives elsewhere and is listed first under the reserved name "default". Every change is a rename
or an atomic folder write, so another session listing the library never sees half a model.
Zip download and validated upload are in model/modelzip.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from model import store
from model.config import Config

DEFAULT_NAME = "default"
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class LibraryError(ValueError):
    """A library action was refused; the message says why in plain words."""


@dataclass
class Entry:
    name: str
    path: Path
    shipped: bool
    meta: dict | None  # None when meta.json is unreadable
    size: int  # bytes on disk
    error: str | None = None

    @property
    def summary(self) -> str:
        return Config.from_dict(self.meta["config"]).summary() if self.meta else "?"


def validate_name(name: str) -> str:
    """The stripped name, or LibraryError: 1-64 of A-Z a-z 0-9 _ . -, not starting with a dot or dash."""
    name = (name or "").strip()
    if not name:
        raise LibraryError("Give the model a name.")
    if "/" in name or "\\" in name:
        raise LibraryError(f"'{name}': a name cannot contain slashes.")
    if name.startswith("."):
        raise LibraryError(f"'{name}': a name cannot start with a dot.")
    if len(name) > 64:
        raise LibraryError(f"'{name[:20]}…': a name can be at most 64 characters.")
    if not NAME_RE.fullmatch(name):
        raise LibraryError(f"'{name}': use letters, digits, '_', '-' and '.' only, starting with a letter or digit.")
    if name.lower() == DEFAULT_NAME:
        raise LibraryError(f"'{DEFAULT_NAME}' is the shipped model's name; pick another.")
    return name


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def entry(name: str, path: Path, shipped: bool = False) -> Entry:
    try:
        meta, error = store.read_meta(path), None
    except store.ModelError as e:
        meta, error = None, str(e)
    size = folder_size(path) if path.is_dir() else 0
    return Entry(name=name, path=path, shipped=shipped, meta=meta, size=size, error=error)


def list_models(library: Path, shipped: Path | None = None) -> list[Entry]:
    """The shipped default (if present) first, then the library's model folders by name."""
    shipped = Path(shipped) if shipped else store.default_model_dir()
    entries = [entry(DEFAULT_NAME, shipped, shipped=True)] if shipped.is_dir() else []
    if Path(library).is_dir():
        for path in sorted(Path(library).iterdir(), key=lambda p: p.name.lower()):
            if path.is_dir() and not path.name.startswith("."):  # dot folders are writes in flight
                entries.append(entry(path.name, path))
    return entries


def exists(library: Path, name: str) -> bool:
    return name == DEFAULT_NAME or (Path(library) / name).exists()


def unique_name(library: Path, base: str) -> str:
    """`base`, or base-2, base-3 ... : the first name not taken in the library."""
    name, i = base, 1
    while exists(library, name):
        i += 1
        name = f"{base}-{i}"
    return name


def check_free(library: Path, name: str, overwrite: bool) -> Path:
    """library/name for a write; LibraryError if taken and not `overwrite` (never the default)."""
    name = validate_name(name)
    target = Path(library) / name
    if target.exists() and not overwrite:
        raise LibraryError(f"A model named '{name}' already exists; confirm to replace it, or pick another name.")
    return target


def set_meta_name(folder: Path, name: str) -> None:
    meta = json.loads((folder / store.META_FILE).read_text())
    meta["name"] = name
    store.write_file_atomic(folder / store.META_FILE, lambda f: f.write((json.dumps(meta, indent=2) + "\n").encode()))


def remove_dir(path: Path) -> None:
    """Rename aside first (one atomic step for readers), then delete."""
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.del-", dir=path.parent))
    os.replace(path, aside / "x")
    shutil.rmtree(aside, ignore_errors=True)


def delete(library: Path, name: str) -> None:
    if name == DEFAULT_NAME:
        raise LibraryError("The shipped default model cannot be deleted.")
    path = Path(library) / validate_name(name)
    if not path.is_dir():
        raise LibraryError(f"There is no model named '{name}'.")
    remove_dir(path)


def rename(library: Path, old: str, new: str, overwrite: bool = False) -> Path:
    if old == DEFAULT_NAME:
        raise LibraryError("The shipped default model cannot be renamed; download and upload it to copy it.")
    src = Path(library) / validate_name(old)
    if not src.is_dir():
        raise LibraryError(f"There is no model named '{old}'.")
    if validate_name(new) == old:
        return src
    target = check_free(library, new, overwrite)
    if target.exists():
        remove_dir(target)
    set_meta_name(src, target.name)
    os.replace(src, target)
    return target
