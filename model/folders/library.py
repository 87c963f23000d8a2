"""The model library, its one owner: names, name -> folder, listing, rename, delete, adopt.

    lib = Library()                      # settings().library, else ./models
    lib.path("default")                  # a shipped model (assets/models/*, $LATENT_EXPLORER_MODEL)
    lib.path("mine")                     # library/mine; LibraryError for anything not a model name
    lib.list(); lib.rename("a", "b"); lib.delete("b"); lib.adopt(folder, "c")

Shipped models (every folder in assets/models/, `default` first; $LATENT_EXPLORER_MODEL replaces
`default`) are read-only and their names reserved. Library models are symlinks to versioned hidden
folders switched atomically under a file lock (model/folders/atomic.py), so another session or server
listing the library never sees half a model, and a crash at any instant leaves every name loadable.
Zip download and validated upload are in model/folders/modelzip.py.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from model.folders import atomic, check
from model.folders.check import ModelError
from model.net.config import Config
from model.settings import settings

DEFAULT_NAME = "default"
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "assets" / "models"
_cleaned: set[Path] = set()  # libraries whose leftovers this process has removed once


class LibraryError(ValueError):
    """A library action was refused; the message says why in plain words (never a server path)."""


@dataclass
class Entry:
    name: str
    path: Path
    shipped: bool
    meta: dict | None  # checked (model.folders.check.check_meta); None when meta.json is unusable
    size: int  # bytes on disk
    error: str | None = None

    @property
    def summary(self) -> str:
        return summary(self.meta) if self.meta else "?"


def summary(meta: dict) -> str:
    """One line for a checked meta: the training config's summary, or an imported model's chain,
    e.g. 'imported .keras: 784-32(relu)-2(relu)-32(relu)-784(sigmoid)'."""
    if meta.get("origin") != "imported" or not meta.get("layers"):
        return Config.from_dict(meta["config"]).summary()
    widths = [row.split()[1] + f"({row.split()[2]})" for row in meta["layers"] if len(row.split()) >= 3]
    kind = (meta.get("source_format") or "Keras").split()[-1]
    return f"imported {kind}: " + "-".join(["784", *widths])


def validate_name(name: str, reserved=(DEFAULT_NAME,)) -> str:
    """The stripped name, or LibraryError: 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit."""
    if not isinstance(name, str) or not name.strip():
        raise LibraryError("Give the model a name.")
    name = name.strip()
    # The messages never echo the name: it may come from a URL (a NUL, a path, markup).
    if "/" in name or "\\" in name:
        raise LibraryError("A model name cannot contain slashes.")
    if name.startswith("."):
        raise LibraryError("A model name cannot start with a dot.")
    if len(name) > 64:
        raise LibraryError("A model name can be at most 64 characters.")
    if not NAME_RE.fullmatch(name):
        raise LibraryError("A model name uses letters, digits, '_', '-' and '.' only, starting with a letter or digit.")
    if name.lower() in {r.lower() for r in reserved}:
        raise LibraryError(f"'{name}' is a shipped model's name; pick another.")
    return name


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.resolve().rglob("*") if f.is_file())


class Library:
    def __init__(self, root: str | Path | None = None, shipped_dir: Path | None = SHIPPED_DIR):
        self.root = Path(root) if root is not None else settings().library
        self.shipped_dir = shipped_dir
        if self.root.resolve() not in _cleaned and self.root.is_dir():  # a server start: leftovers of crashes
            _cleaned.add(self.root.resolve())
            with self.lock():
                atomic.cleanup(self.root)

    def lock(self):
        return atomic.dir_lock(self.root)

    # --- names ---------------------------------------------------------------------------------
    def shipped(self) -> dict[str, Path]:
        """Shipped name -> folder: `default` first, then assets/models/* by name."""
        folders = sorted(p for p in self.shipped_dir.iterdir() if p.is_dir()) if self.shipped_dir else []
        out = {DEFAULT_NAME: settings().default_model or self.shipped_dir / DEFAULT_NAME} if self.shipped_dir else {}
        out.update({p.name: p for p in folders if p.name != DEFAULT_NAME and NAME_RE.fullmatch(p.name)})
        return out

    def validate(self, name: str) -> str:
        return validate_name(name, reserved=(DEFAULT_NAME, *self.shipped()))

    def path(self, name: str) -> Path:
        """The folder a model name stands for; LibraryError if `name` is no model name (paths, '..', NUL)."""
        shipped = self.shipped()
        if name in shipped:
            return shipped[name]
        return self.root / self.validate(name)

    def exists(self, name: str) -> bool:
        return name in self.shipped() or (self.root / name).exists() or (self.root / name).is_symlink()

    def unique_name(self, base: str) -> str:
        """`base`, or base-2, base-3 ... : the first name not taken."""
        name, i = base, 1
        while self.exists(name):
            i += 1
            name = f"{base}-{i}"
        return name

    def check_free(self, name: str, overwrite: bool) -> Path:
        """root/name for a write; LibraryError if taken and not `overwrite` (never a shipped name)."""
        target = self.root / self.validate(name)
        if (target.exists() or target.is_symlink()) and not overwrite:
            raise LibraryError(f"A model named '{target.name}' already exists; confirm to replace it, or pick another name.")  # fmt: skip
        return target

    # --- listing ---------------------------------------------------------------------------------
    def entry(self, name: str, path: Path, shipped: bool = False) -> Entry:
        try:
            meta, error = check.read_meta(path), None
        except ModelError as e:
            meta, error = None, str(e)
        size = folder_size(path) if path.is_dir() else 0
        return Entry(name=name, path=path, shipped=shipped, meta=meta, size=size, error=error)

    def folders(self) -> dict[str, tuple[Path, bool]]:
        """Every model, name -> (folder, shipped): shipped models first (`default` first), then the library's
        by name; no hidden entries, no meta.json read (the one model list: list() and the sidebar's)."""
        out = {n: (p, True) for n, p in self.shipped().items() if p.is_dir()}
        if self.root.is_dir():
            for path in sorted(self.root.iterdir(), key=lambda p: p.name.lower()):
                # dot entries are versions and writes in flight; another name could not be opened
                if path.is_dir() and NAME_RE.fullmatch(path.name) and path.name not in out:
                    out[path.name] = (path, False)
        return out

    def list(self) -> list[Entry]:
        """folders(), each with its meta.json and size; a model renamed or deleted (by another server) while
        the list was read is left out, not listed as unreadable."""
        entries = (self.entry(n, p, shipped=s) for n, (p, s) in self.folders().items())
        return [e for e in entries if e.meta is not None or e.path.is_dir()]

    # --- changes ---------------------------------------------------------------------------------
    def _existing(self, name: str, action: str) -> Path:
        if name in self.shipped():
            raise LibraryError(f"The shipped model '{name}' cannot be {action}; download and upload it to copy it.")
        path = self.root / self.validate(name)
        if not path.is_dir():
            raise LibraryError(f"There is no model named '{name}'.")
        return path

    def delete(self, name: str) -> None:
        path = self._existing(name, "deleted")
        with self.lock():
            version = path.resolve()
            if path.is_symlink():
                path.unlink()  # one atomic step for readers
                if version.name not in atomic.referenced(self.root):
                    atomic.remove(version)
            else:  # a real folder from before versioned saves: aside in one rename, then delete
                aside = self.root / f".{name}.del-{atomic.new_id()}"
                path.rename(aside)
                atomic.remove(aside)

    def rename(self, old: str, new: str, overwrite: bool = False) -> Path:
        src = self._existing(old, "renamed")
        if self.validate(new) == old:
            return src
        return self.adopt(src, new, overwrite)

    def adopt(self, src: Path, name: str, overwrite: bool = False) -> Path:
        """Make the complete model folder (or version symlink) `src`, inside the library, the model `name`."""
        target = self.check_free(name, overwrite)
        if not Path(src).is_dir():
            raise LibraryError("There is no trained model to save.")
        with self.lock():
            self.check_free(name, overwrite)  # again under the lock: another server may have taken it
            if not Path(src).is_dir():  # ... or renamed or deleted the source meanwhile
                raise LibraryError("That model was just renamed or deleted elsewhere; nothing was changed.")
            set_meta_name(Path(src), target.name)
            atomic.commit(Path(src), target)
        return target

    @contextlib.contextmanager
    def staging(self):
        """A claimed, empty hidden folder in the library to fill and then adopt(); removed if not adopted."""
        tmp = self.root / f".staging.tmp-{atomic.new_id()}"
        with self.lock():
            fd = atomic.claim(tmp)
            tmp.mkdir(mode=0o777 & ~atomic.umask())
        try:
            yield tmp
        finally:
            atomic.remove(tmp)
            atomic.release(tmp, fd)


def set_meta_name(folder: Path, name: str) -> None:
    """Rewrite meta.json's name in place (atomically); the rest of the file is kept as it is."""
    raw = check.parse_json(check.read_capped(folder / check.META_FILE, check.META_MAX, check.META_FILE), "meta.json")
    if isinstance(raw, dict):
        raw["name"] = name
        text = json.dumps(check.json_safe(raw), indent=2, allow_nan=False) + "\n"
        atomic.write_file_atomic(folder.resolve() / check.META_FILE, lambda f: f.write(text.encode()))
