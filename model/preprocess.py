"""Turn any digit image (a photo of paper, a drawing, an MNIST PNG) into MNIST's format.

MNIST digits are light ink on black, cropped to the ink, scaled so the longest
side is 20 px (antialiased), and centred by centre of mass in a 28 x 28 frame.
`preprocess` repeats those steps and keeps every intermediate image, so the
upload page can show why the model sees what it sees. The CLI's `encode` uses
exactly this code.

Steps (each one is a caption in `Result.steps`):
  1. decode: first frame, EXIF rotation, alpha composited on white, greyscale;
     big images are shrunk to WORK_SIZE first (a 20 px result needs no more);
  2. polarity: ink is whichever extreme lies further from the paper's level;
     dark ink is flipped so ink is light on black, like MNIST (or `invert=`);
  3. background: a flat background is subtracted as a constant; an uneven one
     (lighting gradient, shadow) is estimated by a grey opening wider than the
     strokes (it removes the ink and keeps the lighting) and subtracted;
  4. denoise: contrast normalised to the ink, a median filter and a
     noise-relative threshold on noisy images, specks far smaller than the
     digit dropped; a clean digital image is left untouched;
  5. crop to the ink's bounding box; 6. longest side to 20 px (Lanczos);
  7. centre of mass to (14, 14) of a 28 x 28 frame, values in [0, 1].

Only ImageError leaves `preprocess`; its message is one plain line.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024  # the app's upload limit (.streamlit/config.toml maxUploadSize)
MAX_PIXELS = 50_000_000  # refuse decompression bombs before decoding (a 48 MP phone photo passes)
WORK_SIZE = 256  # longest side while cleaning: plenty for a 20 px result
FORMATS = ("PNG", "JPEG", "BMP", "DIB", "GIF", "WEBP")  # Pillow plugins tried; JPEG also opens MPO (cameras)
FORMAT_NAMES = "PNG, JPEG, BMP, GIF or WebP"
BLANK_CONTRAST = 0.08  # ink weaker than this above the paper is no ink at all
FLAT_SPREAD = 0.06  # paper whose estimated lighting varies less than this is flat
MIN_INK = 0.1  # on noisy images, fainter pixels (after normalising) are paper
NOISELESS = 0.004  # noise sigma below ~1/255: a digital image, keep every grey level
SPECK_FRACTION = 0.02  # ink components smaller than this share of the largest are specks
THIN_STROKE = 1.2  # px in the 20 px frame; thinner strokes are thickened (MNIST: 2.0-4.1, 1st-95th pct)
STROKE_TARGET = 2.4  # px in the 20 px frame, what too-thin strokes are brought to
CROP_LEVEL = 0.05  # the bounding box is of pixels above this (MNIST's boxes are the same at 0 and 0.1)
CENTRE = 14.0  # MNIST's centres of mass sit at (14.0, 14.0) in pixel indices (test-set mean)


class ImageError(ValueError):
    """The input cannot be read as a digit image; the message is one plain line."""


@dataclass
class Result:
    image: np.ndarray  # (28, 28) float32 in [0, 1], light ink on black, as MNIST
    inverted: bool  # True if dark ink on light paper was flipped
    steps: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (caption, float (H, W) in [0, 1])
    notes: list[str] = field(default_factory=list)  # one-line remarks: first frame used, mode converted…


# --- decoding ---------------------------------------------------------------------------------


SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")  # and RIFF....WEBP


def zero_size_header(data: bytes) -> bool:
    """True if the bytes start like a PNG, GIF or BMP whose header says width or height 0.

    Pillow refuses such files as unidentifiable; this lets the message say why.
    """
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            w, h = struct.unpack(">II", data[16:24])
        elif data.startswith((b"GIF87a", b"GIF89a")):
            w, h = struct.unpack("<HH", data[6:10])
        elif data.startswith(b"BM"):
            w, h = struct.unpack("<ii", data[18:26])
        else:
            return False
    except struct.error:
        return False
    return w == 0 or h == 0


def open_image(data: bytes, notes: list[str] | None = None) -> Image.Image:
    """Decode bytes to a greyscale ("L") PIL image: first frame, EXIF-rotated, alpha on white."""
    notes = [] if notes is None else notes
    if not data:
        raise ImageError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ImageError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=FORMATS)
            if img.width == 0 or img.height == 0:
                raise ImageError("the image has zero size")
            if img.width * img.height > MAX_PIXELS:
                raise ImageError(f"the image is too large ({img.width} x {img.height} pixels)")
            frames = getattr(img, "n_frames", 1)
            if frames > 1:
                notes.append(f"animated image with {frames} frames: only the first frame is used")
                img.seek(0)
            if img.format in ("JPEG", "MPO"):
                img.draft("L", (WORK_SIZE, WORK_SIZE))  # decode at 1/2..1/8 scale: fast, less memory
            img.load()
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("the image has too many pixels to open safely") from None
    except UnidentifiedImageError:
        if zero_size_header(data):
            raise ImageError("the image has zero size") from None
        if data.startswith(SIGNATURES) or (
            data.startswith(b"RIFF") and data[8:12] == b"WEBP"
        ):  # an image's magic bytes, then garbage
            raise ImageError("the image is corrupt or truncated") from None
        raise ImageError(f"this is not an image Latent Explorer can read (use {FORMAT_NAMES})") from None
    except Exception as e:  # truncated or corrupt files raise OSError, ValueError, SyntaxError, EOFError…
        raise ImageError(f"the image is corrupt or truncated ({type(e).__name__})") from None
    factor = max(img.size) // (2 * WORK_SIZE)
    if factor >= 2:  # shrink by whole-pixel averaging before converting: 10x faster on a 40 MP photo
        try:
            img = img.reduce(factor)
        except (ValueError, NotImplementedError):  # modes reduce() does not support are converted first
            pass
    try:
        img = ImageOps.exif_transpose(img) or img  # phone photos are stored sideways plus a rotation tag
    except Exception:  # a broken EXIF block is no reason to refuse the picture
        pass
    return to_grey(img, notes)


def to_grey(img: Image.Image, notes: list[str]) -> Image.Image:
    """Any PIL mode to "L": transparency over white, 16-bit and float stretched to 8 bits."""
    mode = img.mode
    try:
        if mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
            # Pillow's convert("L") clips these at 255; stretch the image's own range instead.
            a = np.asarray(img, dtype=np.float64)
            lo, hi = float(a.min()), float(a.max())
            a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
            notes.append(f"{mode} image: its grey levels were stretched to 8 bits")
            return Image.fromarray((a * 255 + 0.5).astype(np.uint8))
        has_alpha = mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in img.info
        if has_alpha:
            rgba = img.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            img = Image.alpha_composite(white, rgba)
            notes.append("transparent parts were put on white paper")
        elif mode in ("CMYK", "YCbCr", "LAB", "HSV", "1"):
            notes.append(f"{mode} image converted to greyscale")
        return img.convert("L")
    except ImageError:
        raise
    except Exception as e:
        raise ImageError(f"unsupported image mode {mode} ({type(e).__name__})") from None


# --- small array helpers --------------------------------------------------------------------


def to_float(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float32) / 255.0


def from_float(a: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8))


def centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    total = a.sum()
    rows, cols = np.indices(a.shape)
    return float((rows * a).sum() / total), float((cols * a).sum() / total)


def square_filter(a: np.ndarray, size: int, op, pad: str = "edge") -> np.ndarray:
    """Separable min or max (op = np.min / np.max) over a size x size square; (H, W) -> (H, W)."""
    r = size // 2
    p = np.pad(a, r, mode=pad)
    p = op(np.lib.stride_tricks.sliding_window_view(p, size, axis=1), axis=-1)
    return op(np.lib.stride_tricks.sliding_window_view(p, size, axis=0), axis=-1)


def opening(a: np.ndarray, size: int) -> np.ndarray:
    """Grey opening (min filter, then max filter) over a size x size square; (H, W) -> (H, W).

    Done on an image padded once by the full reach of both filters (edge values
    repeated), so a lighting ramp is reproduced right up to the border.
    """
    r = size // 2
    p = np.pad(a, 2 * r, mode="edge")
    for op in (np.min, np.max):
        p = op(np.lib.stride_tricks.sliding_window_view(p, size, axis=1), axis=-1)
        p = op(np.lib.stride_tricks.sliding_window_view(p, size, axis=0), axis=-1)
    return p


def box_blur(a: np.ndarray, size: int) -> np.ndarray:
    """Mean over a size x size square (edges repeated), via cumulative sums: (H, W) -> (H, W)."""
    if size <= 1:
        return a
    r = size // 2
    p = np.pad(a.astype(np.float64), ((r + 1, r), (r + 1, r)), mode="edge")
    c = p.cumsum(0).cumsum(1)
    s = c[size:, size:] - c[:-size, size:] - c[size:, :-size] + c[:-size, :-size]
    return (s / (size * size)).astype(np.float32)


def otsu(a: np.ndarray) -> float:
    """Otsu's threshold of values in [0, 1] (256 bins)."""
    hist, edges = np.histogram(a, bins=256, range=(0.0, 1.0))
    p = hist.astype(np.float64) / max(1, hist.sum())
    omega = np.cumsum(p)
    mu = np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu[-1] * omega - mu) ** 2 / (omega * (1 - omega))
    between = np.nan_to_num(between)
    return float(edges[int(np.argmax(between)) + 1])


def noise_sigma(a: np.ndarray) -> float:
    """Pixel noise from neighbour differences (robust to ink edges and smooth lighting)."""
    d = np.concatenate([np.diff(a, axis=0).ravel(), np.diff(a, axis=1).ravel()])
    return float(1.4826 * np.median(np.abs(d)) / np.sqrt(2.0)) if d.size else 0.0


def stroke_width(mask: np.ndarray) -> float:
    """Typical stroke width in pixels: 2 * area / boundary length of the ink mask."""
    area = int(mask.sum())
    if area == 0:
        return 1.0
    p = np.pad(mask, 1)
    interior = p[1:-1, 1:-1] & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    boundary = max(1, int((mask & ~interior).sum()))
    return max(1.0, 2.0 * area / boundary)


def components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """8-connected components of a bool (H, W) mask: labels (H, W) int (0 = none), sizes (n + 1,).

    Vectorised union-find: hook every edge's larger root onto the smaller, then
    flatten the trees by pointer jumping; a handful of rounds for any shape.
    """
    h, w = mask.shape
    idx = np.arange(h * w).reshape(h, w)
    us, vs = [], []
    for a_sl, b_sl in (
        ((slice(None), slice(0, -1)), (slice(None), slice(1, None))),  # right
        ((slice(0, -1), slice(None)), (slice(1, None), slice(None))),  # down
        ((slice(0, -1), slice(0, -1)), (slice(1, None), slice(1, None))),  # down-right
        ((slice(0, -1), slice(1, None)), (slice(1, None), slice(0, -1))),  # down-left
    ):
        both = mask[a_sl] & mask[b_sl]
        us.append(idx[a_sl][both])
        vs.append(idx[b_sl][both])
    u, v = np.concatenate(us), np.concatenate(vs)
    parent = np.arange(h * w)
    while True:
        ru, rv = parent[u], parent[v]
        lo, hi = np.minimum(ru, rv), np.maximum(ru, rv)
        if np.array_equal(lo, hi):
            break
        np.minimum.at(parent, hi, lo)
        while True:  # pointer jumping until every pixel points at its root
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    roots = np.where(mask, parent.reshape(h, w) + 1, 0)
    _, inv, counts = np.unique(roots, return_inverse=True, return_counts=True)
    inv = inv.reshape(h, w)
    if mask.all():  # no background label 0 to map onto index 0
        return inv + 1, np.concatenate([[0], counts])
    return inv, counts


def odd(x: float) -> int:
    return int(x) | 1


# --- the pipeline -----------------------------------------------------------------------------


def paper_surface(a: np.ndarray, rounds: int = 4) -> tuple[np.ndarray, float]:
    """A plane fitted to the paper around the edges (robustly), and the paper's noise sigma.

    The outer ring of a digit picture is nearly all paper, so a plane fitted there,
    refitted a few times without the worst-fitting pixels (stray ink), gives the
    paper's level and lighting gradient across the picture. A fit to the whole
    picture would bend round a bold digit in the middle. Returns (surface (H, W), sigma).
    """
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w]
    edge = np.minimum(np.minimum(yy, h - 1 - yy), np.minimum(xx, w - 1 - xx))  # distance to the border
    ring = edge < max(2, 0.2 * min(h, w))
    step = max(1, round(max(h, w) / 128))  # lighting is smooth: a subsample of the ring is plenty
    ring &= (yy % step == 0) & (xx % step == 0)
    full = np.stack([np.ones((h, w)), xx / max(1, w - 1) - 0.5, yy / max(1, h - 1) - 0.5], axis=-1)  # (H, W, 3)
    basis = full[ring]  # (n, 3)
    v = a[ring].astype(np.float64)
    coef = np.array([np.median(v), 0.0, 0.0])  # start flat at the ring's median: most of the ring is paper
    keep = np.zeros(v.size, bool)
    for _ in range(rounds + 1):
        r = v - basis @ coef
        sigma = 1.4826 * float(np.median(np.abs(r - np.median(r))))
        new_keep = np.abs(r) <= 2.5 * sigma + 1e-3
        if new_keep.sum() < 3 or np.array_equal(new_keep, keep):
            break
        keep = new_keep
        b = basis[keep]  # normal equations: a 3 x 3 solve
        coef = np.linalg.solve(b.T @ b + 1e-9 * np.eye(3), b.T @ v[keep])
    return (full @ coef).astype(np.float32), sigma


def decide_polarity(a: np.ndarray) -> bool:
    """True if the ink is darker than the paper.

    Against a robust fit of the paper's level and lighting, compare how much lies far
    below it with how much lies far above: the heavier side is ink. A global median
    would be fooled by a lighting gradient (half the paper looks "dark").
    """
    surface, sigma = paper_surface(a)
    r = a - surface
    t = max(0.04, 3.0 * sigma)  # ignore paper grain
    return float(np.clip(-r - t, 0, None).sum()) > float(np.clip(r - t, 0, None).sum())


def remove_background(a: np.ndarray) -> tuple[np.ndarray, bool]:
    """Light-ink image minus its paper: a constant if flat, else a grey opening wider than the strokes.

    Returns (residual (H, W) >= 0, flat). The opening (min then max filter) removes
    anything narrower than its window, i.e. the strokes, and keeps the lighting; a
    window tied to the image size instead of the stroke width eats thick strokes.
    """
    thr = otsu(a)
    ink = a > thr
    paper = ~ink if (~ink).any() else np.ones_like(ink)
    w = stroke_width(ink)
    size = odd(min(max(3.0 * w + 1, max(a.shape) / 6, 5), max(3, min(a.shape))))
    bg = opening(a, size)
    spread = float(np.percentile(bg[paper], 95) - np.percentile(bg[paper], 5))
    if spread < FLAT_SPREAD:
        return np.clip(a - float(np.median(a[paper])), 0, None), True
    bg = box_blur(bg, odd(size / 2))
    return np.clip(a - bg, 0, None), False


def drop_specks(a: np.ndarray) -> np.ndarray:
    """Zero ink components far smaller than the largest (dust, paper grain); (H, W) -> (H, W)."""
    labels, sizes = components(a > 0)
    if len(sizes) <= 2:
        return a
    keep = sizes >= SPECK_FRACTION * sizes[1:].max()
    keep[0] = False
    return np.where(keep[labels], a, 0.0).astype(np.float32)


def thicken_strokes(a: np.ndarray) -> np.ndarray | None:
    """Hair-thin strokes (a ballpoint photo) thickened into MNIST's range; cropped (h, w) -> (h', w').

    MNIST strokes are 2-4 px wide once the digit is 20 px tall; a pen line 1/100 of
    the digit's height would be a faint sub-pixel trace. A max filter at full
    resolution widens it. Returns None when the strokes are wide enough (MNIST's own
    always are). Bold strokes are not thinned: a min filter would erase thin parts.
    """
    side = max(a.shape)
    w20 = stroke_width(a > 0.5) * 20.0 / side  # stroke width in the final 20 px frame
    if w20 >= THIN_STROKE:
        return None
    size = odd((STROKE_TARGET - w20) * side / 20.0 + 1)
    if size < 3:
        return None
    p = np.pad(a, size // 2)  # room to grow; zeros are paper
    p = square_filter(p, size, np.max, pad="constant")
    rows, cols = np.nonzero(p > CROP_LEVEL)
    return p[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].astype(np.float32)


def preprocess(data: bytes | bytearray | Image.Image, invert: bool | None = None) -> Result:
    """MNIST-style 28 x 28 image from raw bytes or a PIL image; invert=None decides polarity."""
    notes: list[str] = []
    try:
        if isinstance(data, bytes | bytearray):
            img = open_image(bytes(data), notes)
        elif isinstance(data, Image.Image):
            if data.width == 0 or data.height == 0:
                raise ImageError("the image has zero size")
            img = to_grey(data, notes)
        else:
            raise ImageError(f"expected image bytes, got {type(data).__name__}")
        return pipeline(img, invert, notes)
    except ImageError:
        raise
    except MemoryError:
        raise ImageError("the image is too large to process") from None
    except Exception as e:  # a bug must not take the page down; say what happened in one line
        raise ImageError(f"the image could not be processed ({type(e).__name__}: {e})") from None


def pipeline(img: Image.Image, invert: bool | None, notes: list[str]) -> Result:
    """The MNIST steps on a greyscale PIL image."""
    # Work at a bounded size: a 12 MP photo needs no more than 256 px to make 20 px.
    if max(img.size) > WORK_SIZE:
        scale = WORK_SIZE / max(img.size)
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.LANCZOS, reducing_gap=3.0)
    a = to_float(img)  # (H, W), paper and ink in either polarity
    steps = [("input (greyscale)", a)]

    inverted = decide_polarity(a) if invert is None else bool(invert)
    if inverted:
        a = 1.0 - a
    steps.append(("ink made light" + (" (inverted)" if inverted else ""), a))

    a, flat = remove_background(a)
    steps.append(("paper removed" + (" (flat)" if flat else " (uneven light)"), np.clip(a, 0, 1)))

    # Blank: even the strongest (slightly smoothed) ink barely rises above the paper.
    sigma = noise_sigma(a)
    smooth = box_blur(a, 3) if min(a.shape) >= 16 else a
    if float(smooth.max()) < max(BLANK_CONTRAST, 2.0 * sigma):
        raise ImageError("no ink found: the image looks blank")

    # Normalise so the ink's core is 1, like MNIST's strokes.
    noisy = sigma >= NOISELESS or not flat
    floor = max(4.0 * sigma, 1e-6) if noisy else 1e-6
    core = a[a > max(floor, 0.25 * float(smooth.max()))]
    peak = float(np.percentile(core, 90)) if core.size else float(a.max())
    a = np.clip(a / peak, 0.0, 1.0)
    if noisy:
        if min(a.shape) >= 16 and stroke_width(a > 0.5) >= 3:  # a 3 x 3 median would erase thinner strokes
            a = to_float(from_float(a).filter(ImageFilter.MedianFilter(3)))
        a = np.where(a < max(MIN_INK, 4.0 * sigma / peak), 0.0, a).astype(np.float32)
        a = drop_specks(a)
    steps.append(("denoised" if noisy else "contrast normalised", a))

    # Crop to the ink's bounding box; resampling haloes (a few /255) do not count as ink.
    rows, cols = np.nonzero(a > CROP_LEVEL)
    if len(rows) == 0:
        raise ImageError("no ink found: the image looks blank")
    a = a[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    steps.append(("cropped to the ink", a))
    thick = thicken_strokes(a)
    if thick is not None:
        a = thick
        steps.append(("strokes thickened", a))

    # Longest side to 20 px, aspect kept, antialiased (float image: no rounding to 8 bits).
    h, w = a.shape
    scale = 20.0 / max(h, w)
    size20 = (max(1, round(w * scale)), max(1, round(h * scale)))
    if size20 != (w, h):
        a = np.asarray(Image.fromarray(a.astype(np.float32), mode="F").resize(size20, Image.LANCZOS))
        a = np.clip(a, 0.0, 1.0)  # Lanczos rings slightly below 0 and above 1
    steps.append(("longest side 20 px", a))

    # Centre of mass to (14, 14) of 28 x 28, by whole pixels as MNIST did.
    out = np.zeros((28, 28), dtype=np.float32)
    cy, cx = centre_of_mass(a) if a.sum() > 0 else ((a.shape[0] - 1) / 2, (a.shape[1] - 1) / 2)
    top = int(np.clip(round(CENTRE - cy), 0, 28 - a.shape[0]))
    left = int(np.clip(round(CENTRE - cx), 0, 28 - a.shape[1]))
    out[top : top + a.shape[0], left : left + a.shape[1]] = a
    out = np.clip(out, 0.0, 1.0)
    steps.append(("28 x 28, centred", out))
    return Result(image=out, inverted=inverted, steps=steps, notes=notes)


def read_file(path) -> bytes:
    """The bytes of an image file, at most MAX_BYTES + 1 of them; ImageError naming the path otherwise."""
    try:
        with open(path, "rb") as f:
            return f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: is a folder, not an image") from None
    except OSError as e:
        raise ImageError(f"{path}: cannot read ({e.strerror})") from None


def preprocess_file(path) -> Result:
    data = read_file(path)
    try:
        return preprocess(data)
    except ImageError as e:
        raise ImageError(f"{path}: {e}") from None
