"""The one validator for a model folder, used by every way in: store.load, `python -m model info`,
the app's ?model=, zip upload and the library's listing. No Keras here: the server never imports it.

Every check is bounded before anything big is read or inflated:
  meta.json   a regular file (not a link, FIFO or /dev/zero) of at most META_MAX bytes, JSON nested
              at most MAX_DEPTH deep, no number that does not fit (NaN/1e999 only in a loss
              history, ints over 15 digits refused), then each known field's type and range (check_meta);
  model.keras a zip whose members' declared sizes, total and compression ratio are capped, whose
              config.json holds only the layers this app builds, wired as it wires them, with no more
              parameters than its weights file can hold, and whose weights fit those layers
              (check_keras_archive, model/net/graph.py): what NumPy then runs;
  latent.npz  a zip with the same caps, then allow_pickle=False arrays: finite N x 2 encodings,
              integer labels 0..9, N >= 1 (load_latent);
  quality.npz optional, the same caps, then one finite float per digit of each split (load_quality).
Messages name a file by its role ("the model's meta.json ...") and never a server path.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import re
import stat
import zipfile
from pathlib import Path

import numpy as np

from model.net import graph
from model.net.config import DATASET_NAME, DATASETS, SEED, Config, ConfigError
from model.net.graph import Stack

log = logging.getLogger(__name__)

MODEL_FILE, META_FILE, LATENT_FILE = "model.keras", "meta.json", "latent.npz"
HISTORY_FILE = "history.npz"  # optional: the training's snapshots (model/net/history.py)
QUALITY_FILE = "quality.npz"  # optional: per-digit error, agreement, a VAE's σ (model/plane/quality.py)
QUALITY_MAX_TOTAL = 32 * 2**20  # 1,000,000 encodings x 3 quantities as float16 is 6 MB
HISTORY_KEYS = ("index", "y", "t", "z", "loss", "val_loss")
HISTORY_MAX_TOTAL = 32 * 2**20  # 1,000 epochs of 2,000 digits as float32 is 16 MB
LATENT_KEYS = ("z_train", "y_train", "z_test", "y_test")
META_MAX = 1 * 2**20  # a 1,000-epoch history is ~50 KB
MAX_DEPTH = 16
MAX_CLASSES = 64  # a user's data set has 2..64 classes (model/datasets/bounds.py)
MAX_INT_DIGITS = 15  # every count and seed fits; 10**12 labels and 4300-digit ints do not get this far
KERAS_MAX_MEMBER, KERAS_MAX_TOTAL = 128 * 2**20, 160 * 2**20
LATENT_MAX_TOTAL = 64 * 2**20  # 1,000,000 encodings as float64 with labels
MAX_RATIO = 50  # inflated / compressed, for members over RATIO_FLOOR (Keras stores, npz deflates ~1.1x)
RATIO_FLOOR = 2**20
MAX_PARAMS = KERAS_MAX_MEMBER // 4  # float32 weights must fit in the weights file
LAYERS = {"InputLayer", "Dense", "Sampling"}  # everything model.net.autoencoder and model.net.vae build


class ModelError(RuntimeError):
    """A model folder is missing, corrupt or not a 784-2-784 autoencoder; the message says which file and why."""


def read_capped(path: Path, cap: int, role: str) -> bytes:
    """A regular file's bytes, at most `cap`: a link, a device or a FIFO is refused before reading."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ModelError(f"the model's {role} is missing") from None
    except OSError as e:
        reason = "is a link" if path.is_symlink() else f"cannot be opened ({e.strerror})"
        raise ModelError(f"the model's {role} {reason}; copy the model folder again") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ModelError(f"the model's {role} is not a regular file")
        if st.st_size > cap:
            raise ModelError(f"the model's {role} is {st.st_size / 2**20:.1f} MB; the limit is {cap / 2**20:g} MB")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(cap + 1)
    finally:
        os.close(fd)
    if len(data) > cap:
        raise ModelError(f"the model's {role} grew while being read; refused")
    return data


class NonFinite(float):
    """NaN, Infinity or 1e999 as read: accepted (as null) only inside a loss history; refused elsewhere,
    because type checks below ask for exactly int or float."""


def _finite(text: str) -> float:
    v = float(text)
    return v if math.isfinite(v) else NonFinite("nan")


def parse_json(data: bytes, role: str):
    """JSON bounded in depth and number size: ModelError, never RecursionError or OverflowError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ModelError(f"the model's {role} is not UTF-8 text") from None
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', "", text).encode()  # strings removed: brackets in them do not nest
    codes = np.frombuffer(bare, np.uint8)
    step = np.isin(codes, (ord("["), ord("{"))).astype(np.int32) - np.isin(codes, (ord("]"), ord("}")))
    if len(step) and np.cumsum(step).max() > MAX_DEPTH:
        raise ModelError(f"the model's {role} is nested more than {MAX_DEPTH} levels deep")

    def bounded_int(s: str) -> int:
        if len(s.lstrip("-")) > MAX_INT_DIGITS:
            raise ModelError(f"the model's {role} holds a number too large to be real ({s[:12]}…)")
        return int(s)

    try:
        return json.loads(text, parse_int=bounded_int, parse_float=_finite, parse_constant=lambda _: NonFinite("nan"))
    except ValueError as e:
        raise ModelError(f"the model's {role} is not valid JSON ({getattr(e, 'msg', 'bad syntax')})") from None


def _config(raw) -> Config:
    """Config from meta's dict: every field's JSON type checked against the preset's, then Config's ranges."""
    if not isinstance(raw, dict):
        raise ModelError("the model's meta.json has a bad config: it must be an object")
    d = dict(raw)
    for f in dataclasses.fields(Config):
        if f.name not in d:
            continue
        v, default = d[f.name], getattr(SEED, f.name)
        if isinstance(default, tuple):
            ok = isinstance(v, list) and 1 <= len(v) <= 64 and all(type(h) is int for h in v)
        elif isinstance(default, bool):
            ok = type(v) is bool
        elif isinstance(default, int) or (default is None and f.name == "subset"):
            ok = type(v) is int or (default is None and v is None)
        elif isinstance(default, float):
            ok = type(v) in (int, float)  # non-finite numbers were read as None and fail here
        else:
            ok = isinstance(v, str)
        if not ok:
            raise ModelError(f"the model's meta.json has a bad config: {f.name} = {_shown(v)}")
    try:
        config = Config.from_dict(d)
    except (ConfigError, TypeError, ValueError) as e:
        raise ModelError(f"the model's meta.json has a bad config: {str(e)[:120]}") from None
    if not 0 <= config.seed < 2**32:
        raise ModelError("the model's meta.json has a bad config: seed must be 0..2**32-1")
    return config


def _shown(v) -> str:
    """A refused value for a message: numbers as they are; anything else only by its kind, since a
    text from a hostile file may hold a path or markup."""
    if type(v) in (int, float, bool):
        return repr(v)[:40]
    kinds = {str: "a text", list: "a list", dict: "an object", NonFinite: "a non-finite number"}
    return kinds.get(type(v), "a value of the wrong kind")


def _num(v, lo: float, hi: float) -> bool:
    return type(v) in (int, float) and lo <= v <= hi


def _loss(x) -> bool:
    return x is None or type(x) is NonFinite or _num(x, -1e30, 1e30)  # a diverged epoch's NaN is history


META_FIELDS = {  # key: (check, default) for everything the pages and `info` show
    "name": (lambda v: isinstance(v, str) and len(v) <= 200, None),
    "dataset": (lambda v: isinstance(v, str) and (v in DATASETS or bool(DATASET_NAME.fullmatch(v))), "mnist"),
    "class_names": (lambda v: isinstance(v, list) and 1 <= len(v) <= 64 and all(isinstance(c, str) and 0 < len(c) <= 64 for c in v), None),
    "epochs": (lambda v: type(v) is int and 0 <= v <= 100_000, 0),
    "loss": (lambda v: isinstance(v, list) and len(v) <= 100_000 and all(_loss(x) for x in v), []),
    "val_loss": (lambda v: isinstance(v, list) and len(v) <= 100_000 and all(_loss(x) for x in v), []),
    "test_bce": (lambda v: v is None or _num(v, 0, 1e6), None),
    "knn5": (lambda v: _num(v, 0, 1), None),  # 5-NN label accuracy of the test encodings (model.plane.metrics)
    "params": (lambda v: type(v) is int and 0 <= v <= MAX_PARAMS, 0),
    "data_checksum": (lambda v: isinstance(v, str) and len(v) <= 200, ""),
    "dataset_checksum": (lambda v: isinstance(v, str) and len(v) <= 200, ""),  # a user's set, as stored
    "train_seconds": (lambda v: _num(v, 0, 1e9), 0.0),
    "stopped_early": (lambda v: type(v) is bool, False),
    "created": (lambda v: isinstance(v, str) and len(v) <= 64, ""),
    "keras": (lambda v: isinstance(v, str) and len(v) <= 64, ""),
    # An imported model (model/folders/importer.py): its file's kind and its chain as the app runs it.
    "origin": (lambda v: v in ("trained", "imported"), "trained"),
    "source_format": (lambda v: isinstance(v, str) and len(v) <= 64, ""),
    "layers": (lambda v: isinstance(v, list) and len(v) <= 300 and all(isinstance(x, str) and len(x) <= 80 for x in v), []),
}  # fmt: skip


def check_meta(raw) -> dict:
    """A clean meta dict: known keys only, each of its documented type (missing ones defaulted;
    test_bce is a float, NaN when unknown), so any page can format it without raising."""
    if not isinstance(raw, dict) or "config" not in raw:
        raise ModelError("the model's meta.json has no config")
    config = _config(raw["config"])
    meta = {"config": config.to_dict()}
    for key, (ok, default) in META_FIELDS.items():
        if key in raw and raw[key] is not None and not ok(raw[key]):
            raise ModelError(f"the model's meta.json has a bad {key}: {_shown(raw[key])}")
        meta[key] = default if raw.get(key) is None else raw[key]
    for key in ("loss", "val_loss"):
        meta[key] = [None if type(x) is NonFinite else x for x in meta[key]]
    meta["test_bce"] = float("nan") if meta["test_bce"] is None else float(meta["test_bce"])
    meta["dataset"] = raw.get("dataset") or config.dataset
    return meta


def folder(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.is_dir():
        raise ModelError("no such model folder")
    return path


def read_meta(path: str | os.PathLike) -> dict:
    """The folder's meta.json, bounded and checked (check_meta)."""
    path = folder(path)
    if not (path / META_FILE).exists() and not (path / META_FILE).is_symlink():
        raise ModelError(f"no {META_FILE}; is this a Latent Explorer model folder?")
    return check_meta(parse_json(read_capped(path / META_FILE, META_MAX, META_FILE), META_FILE))


def check_archive(path: Path, role: str, max_member: int, max_total: int) -> zipfile.ZipFile:
    """The zip at `path` if its declared sizes are within caps; nothing is inflated here."""
    if not path.exists():
        raise ModelError(f"the model's {role} is missing")
    if path.is_symlink() or not path.is_file():
        raise ModelError(f"the model's {role} is not a regular file")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"the model's {role} is not a zip archive as it should be; copy or retrain the model")
    try:
        z = zipfile.ZipFile(path)
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        log.info("%s: damaged zip", path, exc_info=True)
        raise ModelError(f"the model's {role} is a damaged zip archive") from None
    if len(infos) > 16:
        raise ModelError(f"the model's {role} holds {len(infos)} files; refused")
    for i in infos:
        if i.file_size > max_member or (
            i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1)
        ):
            z.close()
            raise ModelError(
                f"the model's {role} holds {i.filename[:40]!r}, which would inflate to "
                f"{i.file_size / 2**20:.0f} MB from {i.compress_size / 2**20:.2f} MB; refused (a zip bomb?)"
            )
    if sum(i.file_size for i in infos) > max_total:
        z.close()
        raise ModelError(f"the model's {role} would inflate to more than {max_total // 2**20} MB; refused")
    return z


def _layers(cfg) -> list[dict]:
    """The layer configs of a Functional model's config.json (a nested model is refused by its class)."""
    inner = cfg.get("config") if isinstance(cfg, dict) else None
    layers = inner.get("layers") if isinstance(inner, dict) else None
    if not isinstance(layers, list) or not all(isinstance(layer, dict) for layer in layers) or len(layers) > 300:
        raise ModelError("the model's model.keras has a malformed config")
    return layers


def _member(z: zipfile.ZipFile, name: str, cap: int) -> bytes:
    try:
        info = z.getinfo(name)
    except KeyError:
        raise ModelError(f"the model's model.keras has no {name}") from None
    if info.file_size > cap:
        raise ModelError(f"the model's model.keras has a {name} over {cap / 2**20:g} MB; refused")
    try:
        return z.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ModelError("the model's model.keras is a damaged zip archive") from None


def check_keras_archive(path: Path) -> tuple[Stack, Stack, Stack | None]:
    """model.keras's sizes, layer kinds, graph, parameter count, then its weights: the (encoder,
    decoder) Dense stacks NumPy runs (model/net/graph.py). Keras is never needed to open it."""
    with check_archive(path, MODEL_FILE, KERAS_MAX_MEMBER, KERAS_MAX_TOTAL) as z:
        cfg = parse_json(_member(z, "config.json", META_MAX), f"{MODEL_FILE} (its config.json)")
        if not isinstance(cfg, dict) or cfg.get("class_name") != "Functional":
            raise ModelError("the model's model.keras is not an autoencoder this app builds")
        layers = _layers(cfg)
        for layer in layers:
            kind = layer.get("class_name")
            if not isinstance(kind, str) or kind not in LAYERS:
                raise ModelError(f"cannot load the model: it holds a layer this app never builds ({str(kind)[:40]})")
        try:
            p = graph.plan(cfg, layers)
            if p.params > MAX_PARAMS:
                raise ModelError(
                    f"the model's model.keras declares about {p.params:,} parameters; the limit is {MAX_PARAMS:,}"
                )
            return graph.weights(p, _member(z, "model.weights.h5", KERAS_MAX_MEMBER))
        except graph.GraphError as e:
            raise ModelError(f"the model's model.keras {e}") from None


def read_npz(path: Path, role: str, keys, cap: int) -> dict[str, np.ndarray]:
    """The named arrays of an .npz, its archive capped first (declared sizes, ratio); never unpickles."""
    check_archive(path, role, cap, cap).close()
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in keys}
    except KeyError as e:
        raise ModelError(f"the model's {role} lacks {e.args[0] if e.args else 'an array'}") from None
    except Exception:  # pickles (allow_pickle=False), bad headers, damaged zips
        log.info("%s: unreadable", path, exc_info=True)
        raise ModelError(f"the model's {role} is unreadable") from None


def load_latent(path: Path) -> dict[str, np.ndarray]:
    """latent.npz's four arrays, capped and checked: finite (N, 2) floats, labels 0..63, N >= 1 for train."""
    role = LATENT_FILE
    latent = read_npz(path, role, LATENT_KEYS, LATENT_MAX_TOTAL)
    for split in ("train", "test"):
        z, y = latent[f"z_{split}"], latent[f"y_{split}"]
        if z.dtype not in (np.float32, np.float64) or not np.issubdtype(y.dtype, np.integer) or y.ndim != 1:
            raise ModelError(f"the model's {role}: z_{split} must be floats and y_{split} 1-D integer labels")
        if z.ndim != 2 or z.shape[1] != 2 or len(z) != len(y) or not np.isfinite(z).all():
            raise ModelError(f"the model's {role}: z_{split} must be finite N x 2 matching y_{split}")
        if len(y) and (y.min() < 0 or y.max() >= MAX_CLASSES):
            raise ModelError(f"the model's {role}: y_{split} must hold labels 0..{MAX_CLASSES - 1}")
    if len(latent["z_train"]) == 0:
        raise ModelError(f"the model's {role} holds no encodings")
    return latent


def load_history(path: Path, latent: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """history.npz's arrays (z as float32), capped and checked against the folder's test labels; None
    when the folder has no history (older models). Layout: model/net/history.py."""
    role = HISTORY_FILE
    if not path.exists() and not path.is_symlink():
        return None
    h = read_npz(path, role, HISTORY_KEYS, HISTORY_MAX_TOTAL)
    index, y, t, z = h["index"], h["y"], h["t"], h["z"]
    floats = (np.float16, np.float32, np.float64)
    if index.ndim != 1 or not np.issubdtype(index.dtype, np.integer) or not 1 <= len(index) <= 100_000:
        raise ModelError(f"the model's {role}: index must be 1..100,000 test positions")
    n_test = len(latent["y_test"])
    if index.min() < 0 or index.max() >= n_test or len(np.unique(index)) != len(index):
        raise ModelError(f"the model's {role}: index must name distinct test digits")
    if y.shape != index.shape or not np.array_equal(y, latent["y_test"][index]):
        raise ModelError(f"the model's {role}: its labels do not match the model's test digits")
    if t.ndim != 1 or t.dtype not in floats or not 1 <= len(t) <= 100_000 or not np.isfinite(t).all():
        raise ModelError(f"the model's {role}: t must be 1..100,000 finite snapshot times")
    if t[0] < 0 or (len(t) > 1 and not (np.diff(t) > 0).all()):
        raise ModelError(f"the model's {role}: snapshot times must start at 0 or later and increase")
    if z.dtype not in floats or z.shape != (len(t), len(index), 2) or not np.isfinite(z).all():
        raise ModelError(f"the model's {role}: z must be finite snapshots x digits x 2")
    for key in ("loss", "val_loss"):
        v = h[key]
        if v.ndim != 1 or v.dtype not in floats or np.isinf(v).any() or len(v) != int(t[-1]):
            raise ModelError(f"the model's {role}: {key} must hold one number per epoch snapshotted")
    return {**h, "index": index.astype(np.int64), "t": t.astype(np.float32), "z": z.astype(np.float32)}


def load_quality(path: Path, latent: dict[str, np.ndarray], vae: bool) -> dict[str, np.ndarray] | None:
    """quality.npz's arrays as float16, checked against the folder's encodings; None when the folder has
    none (older models). Error and agreement for both splits, σ too for a VAE (model/plane/quality.py)."""
    role = QUALITY_FILE
    if not path.exists() and not path.is_symlink():
        return None
    names = ("error", "agree", "sigma") if vae else ("error", "agree")
    keys = [f"{q}_{s}" for q in names for s in ("train", "test")]
    q = read_npz(path, role, keys, QUALITY_MAX_TOTAL)
    for key, v in q.items():
        n = len(latent[f"z_{key.split('_')[1]}"])
        if v.dtype not in (np.float16, np.float32) or v.shape != (n,) or not np.isfinite(v).all() or (v < 0).any():
            raise ModelError(f"the model's {role}: {key} must hold one finite number of 0 or more per digit")
        if key.startswith("agree") and (v > 1).any():
            raise ModelError(f"the model's {role}: {key} must be shares between 0 and 1")
    return {k: v.astype(np.float16) for k, v in q.items()}


def check_model(path: str | os.PathLike) -> tuple[dict, tuple[Stack, Stack, Stack | None], dict[str, np.ndarray]]:
    """The whole folder, checked: (clean meta, (encoder, decoder, a VAE's log-variance or None) stacks,
    latent arrays); ModelError otherwise."""
    path = folder(path)
    meta = read_meta(path)
    stacks = check_keras_archive(path / MODEL_FILE)
    return meta, stacks, load_latent(path / LATENT_FILE)


def check_folder(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray]]:
    """check_model's (clean meta, latent arrays)."""
    meta, _, latent = check_model(path)
    return meta, latent


def json_safe(obj):
    """obj with every non-finite float as None, for json.dumps(allow_nan=False)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_safe(v) for v in obj]
    return obj
