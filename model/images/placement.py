"""Where an image lands in a model's latent plane: preprocess -> encode -> nearest -> vote, in one place.

The command line's `encode` and the Upload page both call `place`; everything a caller needs to word
its answer honestly is in `Placement`: how many neighbours agree (`votes` of `k`), how far the
encoding is from every training digit compared with how far apart training digits usually sit
(`remoteness`, `far`), and whether the picture held digit-like ink at all (`digit_like`).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from model.images.preprocess import Result, preprocess
from model.plane.neighbors import content_key, nearest, tree

FAR_QUANTILE = 99.9  # nearer than this share of training digits' own nearest-neighbour gaps is "among" them
# Digit-like ink in the 28 x 28 image: over 99.6% of the MNIST test digits pass both checks.
INK_SHARE = (0.02, 0.45)  # share of the 784 pixels above 0.5
MAIN_PART = 0.6  # share of the ink mass in the largest connected part


@dataclass
class Placement:
    image: np.ndarray  # (28, 28) float32 in [0, 1]: what the model sees
    inverted: bool  # the preprocessing flipped dark ink on light paper
    steps: list[tuple[str, np.ndarray]]  # (caption, float (H, W) in [0, 1]) for each preprocessing step
    notes: list[str]  # one-line remarks from decoding (first frame used, mode converted, ...)
    z: np.ndarray  # (2,) float32 encoding
    recon: np.ndarray  # (28, 28) float32 reconstruction of z
    idx: np.ndarray  # (k,) indices into the training encodings, nearest first
    dist: np.ndarray  # (k,) their Euclidean distances, ascending
    labels: np.ndarray  # (k,) int labels of those training digits
    majority: int  # the most common label among them (a tie goes to the nearer group)
    votes: int  # how many of the k carry it
    k: int  # neighbours asked for (len(idx) may be smaller for a tiny training set)
    spacing: float  # median distance from a training encoding to its nearest other one
    remoteness: float  # dist[0] / spacing: 1 is a typical gap, 50 is far out
    far: bool  # dist[0] exceeds FAR_QUANTILE % of the training digits' own nearest gaps
    digit_like: bool  # the 28 x 28 image holds one main stroke of a digit's amount of ink
    ink_notes: list[str] = field(default_factory=list)  # why it is not digit-like, in plain words
    sigma: np.ndarray | None = None  # (2,) a VAE encoder's standard deviation around z; None for a plain AE

    @property
    def prep(self) -> Result:
        """The preprocessing part alone, as preprocess() returns it."""
        return Result(self.image, self.inverted, self.steps, self.notes)


def vote(labels: np.ndarray, dist: np.ndarray) -> tuple[int, int]:
    """(label, count) of the most common label; a tie goes to the label whose members are nearer in total."""
    counts = Counter(labels.tolist())
    best = max(counts.values())
    tied = [lab for lab, c in counts.items() if c == best]
    return int(min(tied, key=lambda lab: float(dist[labels == lab].sum()))), best


_GAPS: dict[bytes, tuple[float, float]] = {}
_GAPS_LOCK = threading.Lock()  # sessions run in threads: one may clear the cache while another reads it


def gaps(z_train: np.ndarray) -> tuple[float, float]:
    """(median, FAR_QUANTILE percentile) of each training encoding's distance to its nearest other one.

    A k-d tree query of every point is costly (docs/performance.md), so the answer is kept per array content.
    """
    key = content_key(z_train)
    with _GAPS_LOCK:
        hit = _GAPS.get(key)  # one read: never a check, then a read of an entry cleared in between
    if hit is not None:
        return hit
    d = tree(z_train).query(z_train, k=2)[0][:, 1] if len(z_train) > 1 else np.ones(1)
    d = d[d > 0] if (d > 0).any() else np.ones(1)  # duplicates say nothing about spacing
    hit = (float(np.median(d)), float(np.percentile(d, FAR_QUANTILE)))
    with _GAPS_LOCK:
        if len(_GAPS) > 8:
            _GAPS.clear()
        _GAPS[key] = hit
    return hit


def ink_check(image: np.ndarray) -> list[str]:
    """Plain-words reasons the 28 x 28 image does not look like one handwritten digit; [] if it does."""
    share = float((image > 0.5).mean())
    if share < INK_SHARE[0]:
        return ["very little ink: the strokes are faint or tiny"]
    if share > INK_SHARE[1]:
        return ["most of the picture is ink: perhaps the paper was taken for ink (try Invert colours)"]
    labels, n = ndimage.label(image > 0.2, structure=np.ones((3, 3)))
    mass = ndimage.sum(image, labels, range(1, n + 1)) if n else np.zeros(1)
    if mass.max() < MAIN_PART * mass.sum():
        return ["the ink is in many separate pieces, not one digit"]
    return []


def place(codec, latent, data, k: int = 8, invert: bool | None = None) -> Placement:
    """Preprocess `data`, encode it, find its k nearest training digits and let them vote.

    `data`: image bytes, a PIL image, or a preprocess() Result already made (the page caches that
    step; `invert` is then ignored). `latent` holds "z_train" (N, 2) and "y_train" (N,).
    Raises ImageError only (from preprocess), with a one-line message.
    """
    prep = data if isinstance(data, Result) else preprocess(data, invert)
    z = codec.encode(prep.image.reshape(1, 784))[0]
    sigma = codec.sigma(prep.image.reshape(1, 784)) if hasattr(codec, "sigma") else None  # (1, 2) or None
    recon = codec.decode(z[None, :])[0].reshape(28, 28)
    z_train = latent["z_train"]
    idx, dist = nearest(z_train, z, k)
    labels = np.asarray(latent["y_train"])[idx].astype(int)
    majority, votes = vote(labels, dist)
    spacing, far_gap = gaps(z_train)
    reasons = ink_check(prep.image)
    return Placement(
        image=prep.image, inverted=prep.inverted, steps=prep.steps, notes=prep.notes,
        z=z, recon=recon, idx=idx, dist=dist, labels=labels, majority=majority, votes=votes, k=k,
        spacing=spacing, remoteness=float(dist[0] / spacing), far=bool(dist[0] > far_gap),
        digit_like=not reasons, ink_notes=reasons, sigma=None if sigma is None else sigma[0],
    )  # fmt: skip
