"""Small files that decode to huge images (issue 12, item 6), shared by tests and bench/fuzz_upload.py.

Each maker returns encoded bytes (6-200 KB) whose decoded picture would take hundreds of MB if
converted at full size. A digit-like bar is drawn in each so a bounded decoder still finds ink.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

SIDE = 7000


def save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def bar(img: Image.Image, fill) -> Image.Image:
    """A thick "1" in the middle third."""
    w, h = img.size
    ImageDraw.Draw(img).rectangle((w * 9 // 20, h // 5, w * 11 // 20, h * 4 // 5), fill=fill)
    return img


def png16() -> bytes:
    """7000 x 7000 16-bit greyscale PNG (Pillow mode I;16)."""
    img = Image.new("I;16", (SIDE, SIDE), 60000)
    return save(bar(img, 1000), "PNG")


def webp() -> bytes:
    """7000 x 7000 WebP (decodes to RGB)."""
    return save(bar(Image.new("RGB", (SIDE, SIDE), (250, 250, 250)), (10, 10, 10)), "WEBP", quality=10, method=0)


def palette_png() -> bytes:
    """7000 x 7000 palette PNG whose paper colour is transparent."""
    img = bar(Image.new("P", (SIDE, SIDE), 0), 1)
    img.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    return save(img, "PNG", transparency=0)


def palette_gif() -> bytes:
    """7000 x 7000 GIF with a transparent colour."""
    img = bar(Image.new("P", (SIDE, SIDE), 0), 1)
    img.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    return save(img, "GIF", transparency=0)


def tall_png() -> bytes:
    """1 x 49,999,999 greyscale PNG: under the pixel cap, absurd in shape."""
    return save(Image.new("L", (1, 49_999_999), 255), "PNG")


def bilevel_png() -> bytes:
    """7000 x 7000 1-bit PNG (Pillow mode 1)."""
    return save(bar(Image.new("1", (SIDE, SIDE), 1), 0), "PNG")


HOSTILE = {
    "16-bit PNG 7000x7000": png16,
    "WebP 7000x7000": webp,
    "palette PNG 7000x7000, transparent": palette_png,
    "GIF 7000x7000, transparent": palette_gif,
    "PNG 1x49,999,999": tall_png,
    "1-bit PNG 7000x7000": bilevel_png,
}
