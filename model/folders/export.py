"""Export a model's encodings of every digit: split, index, label, z1, z2.

    python -m model export [--model DIR] --out encodings.csv      # or encodings.npz
    from model.folders.export import csv_bytes, npz_bytes                 # for a download button
    table_csv(selected(latent, idx)), table_npz(...)                      # some training digits only
    table_csv(selected_pair(latent_a, latent_b, idx))                     # ... in two models (Compare)

`latent` is a model folder's latent.npz as a dict (store.load(...).latent or store.load_latent).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np

COLUMNS = ("split", "index", "label", "z1", "z2")
FORMATS = (".csv", ".npz")


def table(latent: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One row per digit, training digits first: split ('train'/'test'), index within its split,
    label, z1, z2. Arrays of length N_train + N_test."""
    parts = [(s, latent[f"z_{s}"], latent[f"y_{s}"]) for s in ("train", "test")]
    return {
        "split": np.concatenate([np.full(len(y), s, dtype="<U5") for s, _, y in parts]),
        "index": np.concatenate([np.arange(len(y), dtype=np.int32) for _, _, y in parts]),
        "label": np.concatenate([np.asarray(y, dtype=np.uint8) for _, _, y in parts]),
        "z1": np.concatenate([np.asarray(z[:, 0], dtype=np.float32) for _, z, _ in parts]),
        "z2": np.concatenate([np.asarray(z[:, 1], dtype=np.float32) for _, z, _ in parts]),
    }


def selected(latent: dict[str, np.ndarray], idx: np.ndarray) -> dict[str, np.ndarray]:
    """The training digits at `idx` (a selection): index, label, z1, z2, one row each in idx's order."""
    idx = np.asarray(idx, dtype=np.int64)
    z = latent["z_train"][idx]
    return {
        "index": idx.astype(np.int32),
        "label": np.asarray(latent["y_train"][idx], dtype=np.uint8),
        "z1": np.asarray(z[:, 0], dtype=np.float32),
        "z2": np.asarray(z[:, 1], dtype=np.float32),
    }


def selected_pair(latent_a: dict[str, np.ndarray], latent_b: dict[str, np.ndarray], idx) -> dict[str, np.ndarray]:
    """The training digits at `idx` in two models of the same data set (Compare): index, label, and each
    model's encoding (a_z1, a_z2: model A's; b_z1, b_z2: model B's), one row each in idx's order."""
    a, b = selected(latent_a, idx), selected(latent_b, idx)
    return {
        "index": a["index"],
        "label": a["label"],
        "a_z1": a["z1"],
        "a_z2": a["z2"],
        "b_z1": b["z1"],
        "b_z2": b["z2"],
    }


def table_csv(t: dict[str, np.ndarray]) -> bytes:
    """UTF-8 CSV of columns with a header line; floats with 7 significant digits (float32's precision)."""
    fmt = ",".join("{:.7g}" if t[c].dtype.kind == "f" else "{}" for c in t)
    rows = zip(*(t[c].tolist() for c in t), strict=True)
    lines = [",".join(t)] + [fmt.format(*r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def table_npz(t: dict[str, np.ndarray]) -> bytes:
    """A compressed .npz with one array per column (no pickled objects: np.load(allow_pickle=False))."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **t)
    return buf.getvalue()


def csv_bytes(latent: dict[str, np.ndarray]) -> bytes:
    """Every encoding (table()) as CSV."""
    return table_csv(table(latent))


def npz_bytes(latent: dict[str, np.ndarray]) -> bytes:
    """Every encoding (table()) as a compressed .npz."""
    return table_npz(table(latent))


def export(latent: dict[str, np.ndarray], out: str | os.PathLike) -> Path:
    """Write the table to `out` (.csv or .npz, by its suffix) atomically; returns the path.
    Raises ValueError for any other suffix."""
    from model.folders.store import write_file_atomic

    out = Path(out)
    kind = out.suffix.lower()
    if kind not in FORMATS:
        raise ValueError(f"{out}: the output must be a .csv or .npz file")
    data = csv_bytes(latent) if kind == ".csv" else npz_bytes(latent)
    return write_file_atomic(out, lambda f: f.write(data))
