"""Model folders as zip files: download one, and install an uploaded one after checking it.

Uploaded zips are untrusted. Members are checked (no absolute paths, "..", drive letters, links or
unknown files), sizes are capped as declared and as read (zip bombs), only the known files
are read (never extractall), and the result must pass store.load (model.folders.check's validator: the
graph and weights NumPy runs, 784 -> 2 -> 784) inside a claimed staging folder before Library.adopt() puts it in the
library in one atomic rename. On any failure nothing changes.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from model.folders import store
from model.folders.library import Library, LibraryError

FILES = (store.MODEL_FILE, store.META_FILE, store.LATENT_FILE)
OPTIONAL = (store.HISTORY_FILE, store.QUALITY_FILE)  # older models have neither
MAX_ZIP_BYTES = 64 * 2**20  # the upload itself (the server's upload limit is usually lower)
MAX_UNPACKED_BYTES = 256 * 2**20  # all members, as declared and as read
JUNK = ("__MACOSX/", ".DS_Store")  # what archivers add; ignored rather than refused


def to_zip(path: Path, name: str) -> bytes:
    """The model folder as a zip of name/model.keras, name/meta.json, name/latent.npz (and name/history.npz)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in FILES + OPTIONAL:
            if f in FILES or (Path(path) / f).is_file():
                z.write(Path(path) / f, f"{name}/{f}")
    return buf.getvalue()


def read_members(data: bytes) -> dict[str, bytes]:
    """The model files (three, and history.npz if there) from an untrusted zip, or LibraryError saying what is wrong."""
    if len(data) > MAX_ZIP_BYTES:
        raise LibraryError(f"The upload is {len(data) / 2**20:.0f} MB; the limit is {MAX_ZIP_BYTES // 2**20} MB.")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise LibraryError("That file is not a zip archive.") from None
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise LibraryError(f"The zip unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB; refused.")
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        problem = member_problem(info)
        if problem:
            raise LibraryError(problem)
        p = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or info.filename.startswith(JUNK[0]) or p.name == JUNK[1]:
            continue
        if p.name not in FILES + OPTIONAL or len(p.parts) > 2:
            raise LibraryError(
                f"Unexpected file '{info.filename}' in the zip; a model zip holds only {', '.join(FILES + OPTIONAL)}."
            )
        if p.name in found:
            raise LibraryError(f"The zip holds two copies of {p.name}.")
        found[p.name] = info
    missing = [f for f in FILES if f not in found]
    if missing:
        raise LibraryError(
            f"The zip is missing {', '.join(missing)}; download a model from this page to see the layout."
        )
    try:
        return {name: read_capped(z, info) for name, info in found.items()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        raise LibraryError(f"The zip is damaged ({type(e).__name__}).") from None


def member_problem(info: zipfile.ZipInfo) -> str | None:
    """The sentence refusing an unsafe member (absolute, "..", a drive letter, a link), else None.
    Shared by every untrusted zip: model zips here, data-set zips in model/datasets/readers.py."""
    p = PurePosixPath(info.filename.replace("\\", "/"))
    if info.filename.startswith(("/", "\\")) or ".." in p.parts or re.match(r"[A-Za-z]:", info.filename):
        return f"The zip has an unsafe path '{info.filename}'; refused."
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"The zip holds a link '{info.filename}'; refused."
    return None


def read_capped(z: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int = MAX_UNPACKED_BYTES) -> bytes:
    """A member's bytes, refusing more than it declares (a lying header cannot inflate past the cap)."""
    with z.open(info) as f:
        out = f.read(min(info.file_size, cap) + 1)
    if len(out) > info.file_size:
        raise LibraryError(f"{info.filename} is larger than its zip header says; refused.")
    return out


def import_zip(data: bytes, library: Library | Path, name: str, overwrite: bool = False) -> Path:
    """Validate an uploaded model zip and install it as `name` in the library; nothing changes on failure."""
    lib = library if isinstance(library, Library) else Library(library)
    lib.check_free(name, overwrite)
    files = read_members(data)
    with lib.staging() as tmp:
        for fname, content in files.items():
            (tmp / fname).write_bytes(content)
        try:
            store.load(tmp)  # model.folders.check: caps, types, the graph and its weights, 784 -> 2 -> 784
        except store.ModelError as e:
            raise LibraryError(f"The zip is not a usable model: {e}.") from None
        return lib.adopt(tmp, name, overwrite)
