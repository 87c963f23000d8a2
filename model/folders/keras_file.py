"""A user's own Keras file (.keras zip or legacy .h5) -> the NumPy stacks of its Dense autoencoder.

read(data) is the one validator of an imported file. It never unpickles, never runs a Lambda or custom
layer and never imports Keras or TensorFlow: the config is JSON read with zipfile or h5py, walked by
model/net/chain.py; the weights are read with h5py (model/folders/keras_weights.py) and folded by
model/net/fold.py. Bounds as for the app's own files (model/folders/check.py): the file's size, a
capped zip, a bounded JSON config, the parameter count, hard-linked float datasets of the declared
shapes, finite weights. Every refusal is ImportRefused with one plain sentence.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from model.folders import check
from model.folders.keras_weights import h5_weights, keras3_weights
from model.net import fold
from model.net.chain import RUNS, chain
from model.net.chain_graph import ChainError
from model.net.fold import Stack

MAX_FILE = check.KERAS_MAX_MEMBER  # 128 MB: a model with MAX_PARAMS float32 weights
ZIP, HDF5 = b"PK\x03\x04", b"\x89HDF\r\n\x1a\n"


class ImportRefused(ValueError):
    """The file is not a Dense autoencoder the app can run; str() is one plain sentence."""


@dataclass
class Imported:
    encoder: Stack
    decoder: Stack
    log_var: Stack | None  # a VAE's log-variance stack (fast.Codec.sigma)
    kind: str  # "Keras 3 .keras", "HDF5 .h5"
    keras: str  # the Keras version that saved it, "" if unknown

    @property
    def layers(self) -> list[str]:
        """The chain as the app runs it, e.g. ["Dense 32 relu", "Dense 2 relu (latent)", ...]."""
        rows = [f"Dense {k.shape[1]} {a}" for k, _, a in (*self.encoder, *self.decoder)]
        rows[len(self.encoder) - 1] += " (latent, z_mean)" if self.log_var else " (latent)"
        return rows


def read(data: bytes) -> Imported:
    """The checked stacks of a .keras or .h5 file's bytes; ImportRefused otherwise."""
    if len(data) > MAX_FILE:
        raise ImportRefused(f"This file is {len(data) / 2**20:.0f} MB; the limit is {MAX_FILE // 2**20} MB.")
    try:
        if data.startswith(ZIP):
            return _keras3(data)
        if data.startswith(HDF5):
            return _h5(data)
    except ChainError as e:
        raise ImportRefused(f"This model {e}.") from None
    except check.ModelError:
        raise ImportRefused("This file's model config is not valid JSON or is nested too deeply.") from None
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise ImportRefused(f"This file is a pickled Python object, which the app never opens; {RUNS}, saved as .keras or .h5.")  # fmt: skip
    raise ImportRefused("This file is neither a Keras .keras file nor an HDF5 .h5 file.")


def _build(cfg, weights, kind: str, version: str) -> Imported:
    ch = chain(cfg)
    if fold.params(ch) > check.MAX_PARAMS:
        raise ChainError(f"declares about {fold.params(ch):,} parameters; the limit is {check.MAX_PARAMS:,}")
    enc, dec, log_var = fold.stacks(ch, lambda step, shapes: weights(ch, step, shapes))
    return Imported(enc, dec, log_var, kind, version[:32] if isinstance(version, str) else "")


def _keras3(data: bytes) -> Imported:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused("This .keras file is a damaged zip archive.") from None
    names = {i.filename: i for i in infos}
    if len(infos) > 16 or "config.json" not in names or "model.weights.h5" not in names:
        raise ImportRefused("This zip is not a Keras .keras file (it needs config.json and model.weights.h5).")
    if sum(i.file_size for i in infos) > check.KERAS_MAX_TOTAL or names["config.json"].file_size > check.META_MAX:
        raise ImportRefused("This .keras file would inflate to more than the app's limits; refused.")
    try:
        cfg = check.parse_json(z.read("config.json"), "config.json")
        meta = check.parse_json(z.read("metadata.json"), "metadata.json") if "metadata.json" in names else {}
        h5 = z.read("model.weights.h5")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ImportRefused("This .keras file is a damaged zip archive.") from None
    version = meta.get("keras_version", "") if isinstance(meta, dict) else ""
    return _with_h5(h5, lambda f: _build(cfg, keras3_weights(f), "Keras .keras", version))


def _h5(data: bytes) -> Imported:
    def build(f):
        raw = f.attrs.get("model_config")
        if raw is None:
            raise ImportRefused("This .h5 file holds weights only, with no model config; save the whole model.")
        raw = raw.encode() if isinstance(raw, str) else bytes(raw)
        if len(raw) > check.META_MAX:
            raise ImportRefused("This .h5 file's model config is over 1 MB; refused.")
        version = f.attrs.get("keras_version", b"")
        version = version.decode(errors="replace") if isinstance(version, bytes) else str(version)
        return _build(check.parse_json(raw, "model config"), h5_weights(f), "HDF5 .h5", version)

    return _with_h5(data, build)


def _with_h5(data: bytes, build) -> Imported:
    import h5py  # only here and in keras_weights: the readers of weights files

    try:
        with h5py.File(io.BytesIO(data), "r") as f:
            return build(f)
    except (ImportRefused, ChainError, check.ModelError):
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise ImportRefused("This file's weights cannot be read (a damaged or unusual HDF5 file).") from None
