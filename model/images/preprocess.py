"""Turn any digit image (a photo of paper, a drawing, an MNIST PNG) into MNIST's format.

MNIST digits are light ink on black, cropped to the ink, scaled so the longest
side is 20 px (antialiased), and centred by centre of mass in a 28 x 28 frame.
`preprocess` repeats those steps and keeps every intermediate image, so the
upload page can show why the model sees what it sees. The CLI's `encode` uses
exactly this code.

Steps (each one is a caption in `Result.steps`):
  1. decode: first frame, EXIF rotation, alpha composited on white, grey or RGB;
     memory bounded from the header (decode_cost) and conversion done in shrunk
     strips; big images end at WORK_SIZE (a 20 px result needs no more), small noisy
     photos are enlarged to ENLARGE_TO so a 1 px pen line survives the 3 x 3 steps;
  2. polarity: ink is whichever extreme lies further from the paper's level, or,
     for coloured ink, the side its coloured pixels lie on; dark ink is flipped
     so ink is light on black, like MNIST (or `invert=`);
  3. background: a flat background is subtracted as a constant; an uneven one
     (lighting gradient, shadow) is estimated by a grey opening wider than the
     strokes (it removes the ink and keeps the lighting) and subtracted; the
     colour difference from the paper is added to the brightness difference;
  4. denoise: contrast normalised to the ink, a median filter and a
     noise-relative threshold on noisy images, specks far smaller than the
     digit dropped; a clean digital image is left untouched;
  5. crop to the ink's bounding box; thin strokes widened to MNIST's with a
     round grey dilation; 6. longest side to 20 px (Lanczos);
  7. centre of mass to (14, 14) of a 28 x 28 frame, values in [0, 1].

Only ImageError leaves `preprocess`; its message is one plain line.
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, UnidentifiedImageError
from scipy import ndimage

from model.images.pixels import to_uint8

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024  # the app's upload limit (.streamlit/config.toml maxUploadSize)
MAX_PIXELS = 50_000_000  # refuse decompression bombs before decoding (a 48 MP phone photo passes)
WORK_SIZE = 256  # longest side while cleaning: plenty for a 20 px result
DECODE_BUDGET = 160 * 2**20  # bytes a decoded upload may take before it is shrunk; refused above
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}  # Pillow's storage; else 4
DECODER_BYTES = {"WEBP": 16}  # libwebp decodes RGBA and Pillow copies it: measured 750 MB for 7000 x 7000
ROW_BYTES = 8  # Pillow keeps a pointer per row: a 1 x 50,000,000 PNG costs 400 MB in them alone
STRIP_BYTES = 8 * 2**20  # converted at full resolution at a time
TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
             5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
             8: Image.Transpose.ROTATE_90}  # EXIF orientation -> the turn that makes the picture upright  # fmt: skip
FORMATS = ("PNG", "JPEG", "BMP", "DIB", "GIF", "WEBP")  # Pillow plugins tried; JPEG also opens MPO (cameras)
FORMAT_NAMES = "PNG, JPEG, BMP, GIF or WebP"
BLANK_CONTRAST = 0.08  # ink weaker than this above the paper is no ink at all
FLAT_SPREAD = 0.06  # paper whose estimated lighting varies less than this is flat
FLAT_RELATIVE = 0.15  # ... and less than this share of the ink's contrast (pale ink on shaded paper is not flat)
MIN_INK = 0.1  # on noisy images, fainter pixels (after normalising) are paper
MIN_INK_SMALL = 0.4  # the same for small photos (under SMALL px): 0.1 left blotches that moved 30-60 px crops
SMALL = 100
ENLARGE_TO = 128  # px: small noisy photos are cleaned at this size
NOISELESS = 0.004  # noise sigma below ~1/255: a digital image, keep every grey level
SPECK_FRACTION = 0.02  # ink components smaller than this share of the largest are specks
THIN_STROKE = 2.0  # px in the 20 px frame; a photo's thinner strokes are thickened (MNIST: 2.0-4.1, 1st-95th pct)
THIN_STROKE_CLEAN = 1.5  # the same for a clean digital image: MNIST's own thinnest digits stay as they are
STROKE_TARGET = 2.8  # px in the 20 px frame, what too-thin strokes are brought to: MNIST's median (training set)
UPSCALE_TO = 80  # px: thin strokes of smaller crops are enlarged to this before thickening
MIN_CHROMA = 0.05  # ink whose colour differs less than this from the paper's is judged by brightness alone
DARK = 0.1  # brightness below which a pixel's colour is not trusted (dark ink: noise / a small number)
CHROMA_WEIGHT = 0.5  # colour vs brightness difference; 1.0 let JPEG chroma blur widen strokes
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
    """Decode bytes to a small "L" or "RGB" PIL image: first frame, EXIF-rotated, alpha on white.

    Memory is bounded before any pixel is decoded: the header's size and mode give what the
    decoded picture will cost (decode_cost), and a picture over DECODE_BUDGET is refused.
    """
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
                img.draft("RGB", (WORK_SIZE, WORK_SIZE))  # decode at 1/2..1/8 scale: fast, less memory
            if decode_cost(img) > DECODE_BUDGET:
                raise ImageError(f"the image is too large to open safely ({img.width} x {img.height} pixels)")
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
    except Exception:  # truncated or corrupt files raise OSError, ValueError, SyntaxError, EOFError…
        log.info("upload refused as corrupt or truncated", exc_info=True)
        raise ImageError("the image is corrupt or truncated") from None
    return to_working(img, notes)


def decode_cost(img: Image.Image) -> int:
    """Bytes Pillow will hold for the decoded picture: pixels x the mode's (or decoder's) bytes + row pointers."""
    per_pixel = DECODER_BYTES.get(img.format, BYTES_PER_PIXEL.get(img.mode, 4))
    return img.height * (img.width * per_pixel + ROW_BYTES)


def orientation(img: Image.Image) -> int:
    """The EXIF orientation tag (1 = upright); a broken EXIF block is no reason to refuse the picture."""
    try:
        return int(img.getexif().get(0x0112, 1))
    except Exception:
        log.info("unreadable EXIF orientation, taken as upright", exc_info=True)
        return 1


def to_working(img: Image.Image, notes: list[str]) -> Image.Image:
    """Any PIL mode and size -> "L" (grey sources) or "RGB", longest side at most 2 x WORK_SIZE, upright.

    Converting happens strip by strip, each shrunk by whole-pixel averaging (reduce) straight away,
    so no full-size converted copy ever exists: a 7000 x 7000 palette PNG costs its 49 MB of
    indices plus one strip, not 650 MB of RGBA. 16-bit and float images are stretched to 8 bits
    over their own range (Pillow's convert would clip them at 255).
    """
    mode = img.mode
    try:
        stretch = mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F")
        alpha = mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in img.info
        grey = mode in ("L", "1", "LA", "La") or stretch
        factor = max(1, max(img.size) // (2 * WORK_SIZE))
        rows = max(1, STRIP_BYTES // (4 * img.width * factor)) * factor  # whole reduce blocks per strip
        lo, hi = value_range(img, rows) if stretch else (0.0, 1.0)
        out = Image.new("L" if grey else "RGB", (-(-img.width // factor), -(-img.height // factor)))
        for top in range(0, img.height, rows):
            piece = img.crop((0, top, img.width, min(img.height, top + rows)))
            if stretch:
                a = np.nan_to_num(np.asarray(piece, dtype=np.float32), nan=lo, posinf=hi, neginf=lo)
                piece = Image.fromarray(to_uint8((a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)))
            elif alpha:
                rgba = piece.convert("RGBA")
                piece = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
            piece = piece.convert(out.mode)
            out.paste(piece.reduce(factor) if factor > 1 else piece, (0, top // factor))
    except ImageError:
        raise
    except Exception:
        log.info("image mode %s could not be converted", mode, exc_info=True)
        raise ImageError(f"unsupported image mode {mode}") from None
    if stretch:
        notes.append(f"{mode} image: its grey levels were stretched to 8 bits")
    elif alpha:
        notes.append("transparent parts were put on white paper")
    elif mode in ("CMYK", "YCbCr", "LAB", "HSV", "1"):
        notes.append(f"{mode} image converted")
    turn = TRANSPOSE.get(orientation(img))
    return out.transpose(turn) if turn is not None else out  # phone photos: stored sideways plus a rotation tag


def value_range(img: Image.Image, rows: int) -> tuple[float, float]:
    """Finite (min, max) of a 16-bit, 32-bit or float image, strip by strip."""
    if img.mode != "F":  # integers are finite: Pillow's own scan copies nothing
        lo, hi = img.getextrema()
        return float(lo), float(hi)
    lo, hi = np.inf, -np.inf
    for top in range(0, img.height, rows):
        a = np.asarray(img.crop((0, top, img.width, min(img.height, top + rows))), dtype=np.float32)
        a = a[np.isfinite(a)]
        if a.size:
            lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
    return (lo, hi) if lo <= hi else (0.0, 0.0)


# --- small array helpers (scipy.ndimage does the image operations) ----------------------------


def to_float(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float32) / 255.0


centre_of_mass = ndimage.center_of_mass  # (H, W) -> (row, col) floats


def opening(a: np.ndarray, size: int) -> np.ndarray:
    """Grey opening over a size x size square, (H, W) -> (H, W), on an edge-padded copy.

    Padding by the full reach of both filters (edge values repeated) reproduces a lighting
    ramp right up to the border, where scipy's own border modes would flatten it.
    """
    r = 2 * (size // 2)
    return ndimage.grey_opening(np.pad(a, r, mode="edge"), size=(size, size))[r : r + a.shape[0], r : r + a.shape[1]]


def otsu(a: np.ndarray) -> float:
    """Otsu's threshold of values in [0, 1] (256 bins). scipy has none, and one is not worth scikit-image."""
    hist, edges = np.histogram(a, bins=256, range=(0.0, 1.0))
    p = hist.astype(np.float64) / max(1, hist.sum())
    omega, mu = np.cumsum(p), np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = np.nan_to_num((mu[-1] * omega - mu) ** 2 / (omega * (1 - omega)))
    return float(edges[int(np.argmax(between)) + 1])


def noise_sigma(a: np.ndarray) -> float:
    """Pixel noise from neighbour differences (robust to ink edges and smooth lighting)."""
    d = np.concatenate([np.diff(a, axis=0).ravel(), np.diff(a, axis=1).ravel()])
    return float(1.4826 * np.median(np.abs(d)) / np.sqrt(2.0)) if d.size else 0.0


def stroke_width(mask: np.ndarray) -> float:
    """Typical stroke width in pixels of a bool mask: 2 x area / boundary length.

    Local, unlike the distance transform's mean: a dark shadow caught in the mask adds its
    rim, not its depth (on a lit-from-one-side photo the distance transform read 48 px for 16 px strokes).
    """
    area = int(mask.sum())
    if area == 0:
        return 1.0
    boundary = max(1, int((mask & ~ndimage.binary_erosion(mask)).sum()))  # erosion treats outside as paper
    return max(1.0, 2.0 * area / boundary)


def components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """8-connected components of a bool (H, W) mask: labels (H, W) int (0 = none), sizes (n + 1,)."""
    labels, _ = ndimage.label(mask, structure=np.ones((3, 3), bool))
    return labels, np.bincount(labels.ravel())


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
    sigma = 0.0
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


def local_level(a: np.ndarray) -> np.ndarray:
    """The large-scale level of (H, W) `a`: a median over a third of the picture, (H, W).

    A median ignores strokes of either polarity (they cover under half of so wide a window) and
    keeps the step of a shadow's edge. Worked out on a subsample of at most 64 px: lighting is smooth.
    """
    h, w = a.shape
    step = -(-max(h, w) // 64)
    small = a[::step, ::step]
    m = ndimage.median_filter(small, size=max(3, odd(max(small.shape) / 3)), mode="nearest")
    return np.repeat(np.repeat(m, step, axis=0), step, axis=1)[:h, :w]


def decide_polarity(a: np.ndarray, ink: np.ndarray | None = None) -> bool:
    """True if the ink is darker than the paper.

    Against a robust fit of the paper's level and lighting, compare how much lies far
    below it with how much lies far above: the heavier side is ink. A global median
    would be fooled by a lighting gradient (half the paper looks "dark"). Where the ink
    is known from its colour (`ink`, a weight (H, W) >= 0), only those pixels are weighed.
    """
    surface, sigma = paper_surface(a)
    r = a - surface
    if sigma > 0:  # a photo: a shadow's edge or a bright patch is no plane; take its local level out too
        r = r - local_level(r)
    if ink is not None:
        return float((r * ink).sum()) < 0
    t = max(0.04, 3.0 * sigma)  # ignore paper grain
    return float(np.clip(-r - t, 0, None).sum()) > float(np.clip(r - t, 0, None).sum())


def colour_contrast(rgb: np.ndarray) -> np.ndarray | None:
    """How far each pixel's colour (not brightness) lies from the paper's, or None if the ink has no colour.

    rgb (H, W, 3) in [0, 1] -> (H, W) >= 0. The two opponent axes (red-green, yellow-blue) are
    orthonormal to grey, so the result is the RGB distance left after brightness is taken out.
    Each axis gets its own fitted paper plane: blue ballpoint on pink paper differs from it
    mainly here, with little change of brightness.
    """
    lum = rgb.mean(axis=-1)
    # Chromaticity (each pixel divided by its brightness, in units of the picture's median brightness):
    # a shadow or a lighting gradient scales R, G and B together, so it changes brightness, not colour.
    rgb = rgb * (float(np.median(lum)) / np.maximum(lum, DARK))[..., None]
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    axes = ((r - g) / np.sqrt(2.0), (r + g - 2 * b) / np.sqrt(6.0))
    d2, noise = np.zeros(r.shape, np.float32), 0.0
    for c in axes:
        surface, sigma = paper_surface(c)
        d2 += (c - surface) ** 2
        noise = max(noise, sigma)
    d = np.sqrt(d2)
    strength = float(np.percentile(d, 99.5))
    return d if strength > max(MIN_CHROMA, 6.0 * noise) else None


def remove_background(a: np.ndarray) -> tuple[np.ndarray, bool]:
    """Light-ink image minus its paper: a constant if flat, else a grey opening wider than the strokes.

    Returns (residual (H, W) >= 0, flat). The opening (min then max filter) removes
    anything narrower than its window, i.e. the strokes, and keeps the lighting; a
    window tied to the image size instead of the stroke width eats thick strokes.
    """
    ink = a > otsu(a)
    paper = ~ink if (~ink).any() else np.ones_like(ink)
    w = stroke_width(ink)
    size = odd(min(max(3.0 * w + 1, max(a.shape) / 6, 5), max(3, min(a.shape))))
    bg = opening(a, size)
    spread = float(np.percentile(bg[paper], 95) - np.percentile(bg[paper], 5))
    level = float(np.median(a[paper]))
    strength = float(np.percentile(a[ink], 90)) - level if ink.any() else 1.0
    if spread < min(FLAT_SPREAD, FLAT_RELATIVE * strength):
        return np.clip(a - level, 0, None), True
    bg = ndimage.uniform_filter(bg, odd(size / 2), mode="nearest")
    return np.clip(a - bg, 0, None), False


def drop_specks(a: np.ndarray) -> np.ndarray:
    """Zero ink components far smaller than the largest (dust, paper grain); (H, W) -> (H, W)."""
    labels, sizes = components(a > 0)
    if len(sizes) <= 2:
        return a
    keep = sizes >= SPECK_FRACTION * sizes[1:].max()
    keep[0] = False
    return np.where(keep[labels], a, 0.0).astype(np.float32)


def thicken_strokes(a: np.ndarray, thin: float = THIN_STROKE) -> np.ndarray | None:
    """Thin strokes (a ballpoint, a small photo) brought to MNIST's width; cropped (h, w) -> (h', w').

    MNIST strokes are 2-4 px wide once the digit is 20 px tall; a pen line 1/100 of the
    digit's height would be a faint sub-pixel trace. The crop is first enlarged (bicubic) to
    at least UPSCALE_TO px, so a 1-2 px stroke of a 40 px photo can be measured and widened
    smoothly, then a grey dilation adds the missing width. Returns None when the strokes are
    at least `thin` px wide in the 20 px frame. Bold strokes are not thinned: erosion erases thin parts.
    """
    side = max(a.shape)
    if side < UPSCALE_TO:  # measured at a 1-2 px stroke's own size, every line would read 2 px wide
        f = UPSCALE_TO / side
        size = (max(1, round(a.shape[1] * f)), max(1, round(a.shape[0] * f)))
        a = np.clip(np.asarray(Image.fromarray(a.astype(np.float32), mode="F").resize(size, Image.BICUBIC)), 0, 1)
        side = max(a.shape)
    w20 = stroke_width(a > 0.5) * 20.0 / side  # stroke width in the final 20 px frame
    if w20 >= thin:
        return None
    size = odd((STROKE_TARGET - w20) * side / 20.0 + 1)
    if size < 3:
        return None
    yy, xx = np.mgrid[-(size // 2) : size // 2 + 1, -(size // 2) : size // 2 + 1]
    disk = xx**2 + yy**2 <= (size / 2) ** 2  # a round pen, not a square one
    p = ndimage.grey_dilation(np.pad(a, size // 2), footprint=disk)  # room to grow; zeros are paper
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
            img = to_working(data, notes)
        else:
            raise ImageError(f"expected image bytes, got {type(data).__name__}")
        return pipeline(img, invert, notes)
    except ImageError:
        raise
    except MemoryError:
        raise ImageError("the image is too large to process") from None
    except Exception:  # a bug must not take the page down: one plain line for the user, the cause in the log
        log.exception("preprocess failed on an upload")
        raise ImageError("the image could not be processed") from None


def pipeline(img: Image.Image, invert: bool | None, notes: list[str]) -> Result:
    """The MNIST steps on an "L" or "RGB" PIL image."""
    # Work at a bounded size: a 12 MP photo needs no more than 256 px to make 20 px.
    if max(img.size) > WORK_SIZE:
        scale = WORK_SIZE / max(img.size)
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.LANCZOS, reducing_gap=3.0)
    small = max(img.size) < SMALL
    enlarged = small and noise_sigma(to_float(img.convert("L"))) >= NOISELESS  # (bicubic then hides the grain)
    if enlarged:
        # A small photo (a 30-60 px crop) is enlarged before cleaning: at its own size a pen line is
        # 1 px wide, and every 3 x 3 step (blank check, median, stroke width) would treat it as noise.
        f = ENLARGE_TO / max(img.size)
        img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))), Image.BICUBIC)
    a = to_float(img.convert("L"))  # (H, W), paper and ink in either polarity
    chroma = colour_contrast(to_float(img)) if img.mode == "RGB" and min(a.shape) >= 8 else None
    steps = [("input (greyscale)" if chroma is None else "input (brightness)", a)]

    if invert is not None:
        inverted = bool(invert)
    elif chroma is not None:  # the coloured pixels are the ink: are they darker or lighter than the paper?
        # Only thin colour differences count (the background removed): an over-exposed or shaded patch
        # of tinted paper changes colour too, over an area no pen stroke covers.
        c, _ = remove_background(chroma)
        inverted = decide_polarity(a, np.clip(c - 0.5 * float(np.percentile(c, 99.5)), 0, None))
    else:
        inverted = decide_polarity(a)
    if inverted:
        a = 1.0 - a
    steps.append(("ink made light" + (" (inverted)" if inverted else ""), a))

    grain = noise_sigma(a)  # measured before the paper is removed: clipping it at 0 hides half the grain
    a, flat = remove_background(a)
    if chroma is not None:  # ink = whatever differs from the paper in brightness or in colour
        steps.append(("colour difference from the paper", np.clip(chroma / max(1e-6, chroma.max()), 0, 1)))
        c, c_flat = remove_background(chroma)
        a, flat = np.sqrt(a**2 + (CHROMA_WEIGHT * c) ** 2).astype(np.float32), flat and c_flat
    steps.append(("paper removed" + (" (flat)" if flat else " (uneven light)"), np.clip(a, 0, 1)))

    # Blank: even the strongest (slightly smoothed) ink barely rises above the paper.
    sigma = noise_sigma(a)
    smooth = ndimage.uniform_filter(a, 3, mode="nearest") if min(a.shape) >= 16 else a
    if float(smooth.max()) < max(BLANK_CONTRAST, 2.0 * sigma):
        raise ImageError("no ink found: the image looks blank")

    # Normalise so the ink's core is 1, like MNIST's strokes.
    noisy = enlarged or max(sigma, grain) >= NOISELESS or not flat
    floor = max(4.0 * sigma, 1e-6) if noisy else 1e-6
    core = a[a > max(floor, 0.25 * float(smooth.max()))]
    peak = float(np.percentile(core, 90)) if core.size else float(a.max())
    a = np.clip(a / peak, 0.0, 1.0)
    if noisy:
        if min(a.shape) >= 16 and stroke_width(a > 0.5) >= 3:  # a 3 x 3 median would erase thinner strokes
            a = ndimage.median_filter(a, size=3, mode="nearest")
        min_ink = MIN_INK_SMALL if small else MIN_INK
        a = np.where(a < max(min_ink, 4.0 * sigma / peak), 0.0, a).astype(np.float32)
        a = drop_specks(a)
    steps.append(("denoised" if noisy else "contrast normalised", a))

    # Crop to the ink's bounding box; resampling haloes (a few /255) do not count as ink.
    rows, cols = np.nonzero(a > CROP_LEVEL)
    if len(rows) == 0:
        raise ImageError("no ink found: the image looks blank")
    a = a[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    steps.append(("cropped to the ink", a))
    thick = thicken_strokes(a, THIN_STROKE if noisy else THIN_STROKE_CLEAN)
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
