"""Turn any digit image (a photo of paper, a drawing, an MNIST PNG) into MNIST's format.

MNIST digits are light ink on black, cropped to the ink, scaled so the longest
side is 20 px (antialiased), and centred by centre of mass in a 28 x 28 frame.
`preprocess` repeats those steps and keeps every intermediate image, so the
upload page can show why the model sees what it sees. The CLI's `encode` uses
exactly this code.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024  # the app's upload limit
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
WORK_SIZE = 256  # longest side while cleaning: plenty for a 20 px result
INK_THRESHOLD = 0.2  # after normalising, fainter pixels are paper noise


class ImageError(ValueError):
    """The input cannot be read as a digit image; the message is one plain line."""


@dataclass
class Result:
    image: np.ndarray  # (28, 28) float32 in [0, 1], light ink on black, as MNIST
    inverted: bool  # True if dark ink on light paper was flipped
    steps: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (caption, float image in [0, 1])


def open_image(data: bytes) -> Image.Image:
    """Decode bytes to a grayscale PIL image: first frame, alpha composited on white."""
    if not data:
        raise ImageError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ImageError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.width * img.height > MAX_PIXELS:
                raise ImageError(f"the image is too large ({img.width} x {img.height} pixels)")
            if img.width == 0 or img.height == 0:
                raise ImageError("the image has zero size")
            img.seek(0)  # first frame of a GIF / animated WebP
            img.load()
    except ImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("this is not an image Latent Explorer can read (use PNG, JPEG, BMP, GIF or WebP)") from None
    except Exception as e:  # truncated or corrupt files raise OSError, ValueError, SyntaxError...
        raise ImageError(f"the image is corrupt or truncated ({type(e).__name__})") from None
    try:
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            img = Image.alpha_composite(white, rgba)
        return img.convert("L")
    except Exception as e:
        raise ImageError(f"unsupported image mode {img.mode} ({type(e).__name__})") from None


def to_float(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float32) / 255.0


def from_float(a: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8))


def centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    total = a.sum()
    rows, cols = np.indices(a.shape)
    return float((rows * a).sum() / total), float((cols * a).sum() / total)


def preprocess(data: bytes | Image.Image, invert: bool | None = None) -> Result:
    """MNIST-style 28 x 28 image from raw bytes or a PIL image; invert=None decides polarity."""
    img = open_image(data) if isinstance(data, bytes | bytearray) else data.convert("L")
    if img.width == 0 or img.height == 0:
        raise ImageError("the image has zero size")
    steps = [("input", to_float(img))]

    # Work at a bounded size: a 12 MP photo needs no more than 256 px to make 20 px.
    if max(img.size) > WORK_SIZE:
        img = ImageOps.contain(img, (WORK_SIZE, WORK_SIZE), Image.LANCZOS)
    a = to_float(img)

    # Polarity: the border is mostly paper. Light paper means dark ink, so flip.
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    inverted = bool(np.median(border) > 0.5) if invert is None else bool(invert)
    if inverted:
        a = 1.0 - a
    steps.append(("ink light" + (" (inverted)" if inverted else ""), a))

    # Background: grey opening (min then max filter) wider than a stroke removes the ink
    # and keeps uneven lighting; blur it and subtract.
    size = max(3, (max(a.shape) // 8) | 1)
    im = from_float(a)
    bg = im.filter(ImageFilter.MinFilter(size)).filter(ImageFilter.MaxFilter(size))
    bg = to_float(bg.filter(ImageFilter.GaussianBlur(size / 2)))
    a = np.clip(a - bg, 0.0, None)
    steps.append(("background removed", np.clip(a, 0, 1)))

    # Normalise contrast to the strongest ink, then drop faint noise and specks.
    peak = float(np.percentile(a, 99.5)) if a.size > 400 else float(a.max())
    if peak < 0.08:
        raise ImageError("no ink found: the image looks blank")
    a = np.clip(a / peak, 0.0, 1.0)
    if min(a.shape) >= 16:  # a median filter would erase strokes of a tiny image
        a = to_float(from_float(a).filter(ImageFilter.MedianFilter(3)))
    a = np.where(a < INK_THRESHOLD, 0.0, a)
    steps.append(("denoised", a))

    # Crop to the ink's bounding box.
    rows, cols = np.nonzero(a > 0)
    if len(rows) == 0:
        raise ImageError("no ink found: the image looks blank")
    a = a[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    steps.append(("cropped", a))

    # Longest side to 20 px, aspect kept, antialiased.
    h, w = a.shape
    scale = 20.0 / max(h, w)
    size20 = (max(1, round(w * scale)), max(1, round(h * scale)))
    a = to_float(from_float(a).resize(size20, Image.LANCZOS))
    steps.append(("20 px", a))

    # Centre of mass to the middle of 28 x 28.
    out = np.zeros((28, 28), dtype=np.float32)
    cy, cx = centre_of_mass(a) if a.sum() > 0 else (a.shape[0] / 2, a.shape[1] / 2)
    top = int(np.clip(round(14 - cy), 0, 28 - a.shape[0]))
    left = int(np.clip(round(14 - cx), 0, 28 - a.shape[1]))
    out[top : top + a.shape[0], left : left + a.shape[1]] = a
    out = np.clip(out, 0.0, 1.0)
    steps.append(("28 x 28, centred", out))
    return Result(image=out, inverted=inverted, steps=steps)


def preprocess_file(path) -> Result:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{path}: is a folder, not an image") from None
    except OSError as e:
        raise ImageError(f"{path}: cannot read ({e.strerror})") from None
    try:
        return preprocess(data)
    except ImageError as e:
        raise ImageError(f"{path}: {e}") from None
