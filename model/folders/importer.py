"""Import a user's Keras autoencoder into the library: check it, encode a data set, write a model folder.

    import_file(data, library, name, dataset="mnist", on_progress=print) -> the new folder

The file is checked by model/folders/keras_file.py (ImportRefused: one sentence, nothing written),
the chosen data set is encoded with NumPy, and the folder (model.keras in the app's own layout,
meta.json with "origin": "imported", latent.npz) is filled in a staging folder and adopted by the
library in one atomic step, then loaded once through the app's own validator. An imported model has
no training history, so it has no history.npz and Replay says why.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from model.data import DataError, checksum, load_dataset, to_float
from model.folders import canonical, store
from model.folders.check import LATENT_FILE, META_FILE, MODEL_FILE, json_safe
from model.folders.keras_file import Imported, ImportRefused, read
from model.folders.library import Library, LibraryError
from model.net.config import Config
from model.net.fast import Codec, bce
from model.plane.metrics import knn_accuracy

__all__ = ["ImportRefused", "import_file", "quality_call_site"]


def _config(imp: Imported, dataset: str) -> Config:
    """The nearest Config the library's table can show; meta.json's "layers" holds the real chain."""
    hidden = [min(k.shape[1], 4096) for k, _, _ in imp.encoder[:-1]] or [min(imp.decoder[0][0].shape[1], 4096)]
    acts = [a for _, _, a in imp.encoder[:-1]]
    act = acts[0] if acts and acts[0] in ("relu", "silu") else "relu"
    latent = imp.encoder[-1][2] if imp.encoder[-1][2] in ("relu", "linear") else "linear"
    arch = "vae" if imp.log_var else "ae"
    return Config(hidden=tuple(hidden), activation=act, latent_activation=latent, architecture=arch,
                  epochs=1, dataset=dataset)  # fmt: skip


def quality_call_site(folder: Path, codec: Codec, data, latent: dict) -> None:
    """The one place the per-digit quality file (quality.npz) is written for an imported model, as for
    a trained one (model/plane/quality.py)."""
    from model.plane import quality

    quality.write(folder, quality.compute(codec, "bce", data, latent))


def import_file(
    data: bytes,
    library: Library | Path,
    name: str,
    dataset: str = "mnist",
    overwrite: bool = False,
    on_progress: Callable[[str, float], None] | None = None,
) -> Path:
    """Check `data` (a .keras or .h5 file's bytes), encode `dataset`, install the model as `name`.
    ImportRefused, LibraryError or DataError with one sentence; the library is unchanged on any failure."""
    say = on_progress or (lambda text, fraction: None)
    lib = library if isinstance(library, Library) else Library(library)
    lib.check_free(name, overwrite)
    say("Checking the model file", 0.05)
    imp = read(data)
    say("Reading the data set", 0.15)
    (x_train, y_train), (x_test, y_test) = load_dataset(dataset)
    codec = Codec(imp.encoder, imp.decoder, log_var=imp.log_var)
    say("Encoding the training images", 0.3)
    z_train = codec.encode(to_float(x_train))
    say("Encoding and decoding the test images", 0.7)
    xt = to_float(x_test)
    z_test = codec.encode(xt)
    if not (np.isfinite(z_train).all() and np.isfinite(z_test).all()):
        raise ImportRefused("This model gives encodings that are not finite numbers for some images; check its weights.")  # fmt: skip
    test_bce = bce(xt, codec.decode(z_test))
    knn5 = knn_accuracy(z_train, y_train, z_test, y_test, k=5)
    params = sum(k.size + b.size for k, b, _ in (*imp.encoder, *imp.decoder, *(imp.log_var or [])[-1:]))
    meta = {
        "name": name, "config": _config(imp, dataset).to_dict(), "dataset": dataset, "epochs": 0,
        "loss": [], "val_loss": [], "test_bce": round(test_bce, 6), "knn5": round(knn5, 4), "params": int(params),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "keras": imp.keras,
        "data_checksum": checksum(x_train, y_train, x_test, y_test),
        "origin": "imported", "source_format": imp.kind, "layers": imp.layers,
    }  # fmt: skip
    say("Saving the model to the library", 0.9)
    with lib.staging() as tmp:
        canonical.write(tmp / MODEL_FILE, imp.encoder, imp.decoder, imp.log_var)
        (tmp / META_FILE).write_text(json.dumps(json_safe(meta), indent=2, allow_nan=False) + "\n")
        np.savez_compressed(tmp / LATENT_FILE, z_train=z_train.astype(np.float32), y_train=y_train.astype(np.uint8),
                            z_test=z_test.astype(np.float32), y_test=y_test.astype(np.uint8))  # fmt: skip
        latent = store.load_latent(tmp / LATENT_FILE)
        quality_call_site(tmp, codec, ((x_train, y_train), (x_test, y_test)), latent)
        try:
            store.load(tmp)  # the app's own validator, as for every model folder
        except store.ModelError as e:
            raise ImportRefused(f"The imported model did not pass the app's checks: {e}.") from None
        out = lib.adopt(tmp, name, overwrite)
    say("Done", 1.0)
    return out


__all__ += ["DataError", "LibraryError"]
