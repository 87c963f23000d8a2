"""A still picture of the latent plane: what a page shows where the live plane cannot run.

    show(bundle, view, marker=(z1, z2), key="explore_picture")   # a cross on the chosen point
    show(bundle, view, star=(z1, z2), key="upload_picture")      # a star on an uploaded digit

Not a chart: no hover, no click, no zoom; the page's sliders or boxes choose the point. Every training
encoding is a 2 x 2 px dot in its class's colour (PALETTE, the live plane's), in a fixed shuffled order so
no class hides another; z2 grows upwards, both axes at one scale. Dots and legend are drawn once per model
and view (st.cache_data); a run only adds its marker and encodes the PNG.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw, ImageFont

from model.plane.views import Box, union
from ui import active_model
from ui.model_cache import per_version

# One colour per class, read from the live plane's own list (ui/plane/js/palette.js): a class keeps its
# colour whatever the model or page, live or still.
PALETTE = tuple(re.findall(r'"(#[0-9a-f]{6})"', (Path(__file__).resolve().parent / "js" / "palette.js").read_text()))
WIDTH = 560  # px
DOT = 2  # px per encoding
CAPTION = "A still picture of the plane"  # how every picture's caption starts
INK = 0.75  # a dot's opacity over white: the black marker stays the darkest thing in the picture


def fit(view: Box, width: int = WIDTH) -> tuple[Box, int]:
    """(view grown on one axis so both share one scale, the plot's height in px: 0.55-1.25 of width)."""
    (x0, x1), (y0, y1) = view
    w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    height = int(np.clip(width * h / w, 0.55 * width, 1.25 * width))
    if height / width > h / w:  # too flat for its height: show more z2
        grow = (w * height / width - h) / 2
        return ((x0, x1), (y0 - grow, y1 + grow)), height
    grow = (h * width / height - w) / 2
    return ((x0 - grow, x1 + grow), (y0, y1)), height


def to_px(view: Box, height: int, z) -> tuple[np.ndarray, np.ndarray]:
    """Pixel columns and rows of latent points z (N, 2) in a WIDTH x height plot of `view`."""
    (x0, x1), (y0, y1) = view
    z = np.asarray(z, dtype=np.float64).reshape(-1, 2)
    return (z[:, 0] - x0) / (x1 - x0) * (WIDTH - 1), (y1 - z[:, 1]) / (y1 - y0) * (height - 1)


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def legend(classes: tuple[str, ...]) -> Image.Image:
    """A white band: a colour square and the class name per class, wrapped into rows."""
    font = ImageFont.load_default(size=13)
    band = Image.new("RGB", (WIDTH, 80), "white")
    draw, x, y = ImageDraw.Draw(band), 8, 6
    for k, name in enumerate(classes):
        need = 18 + int(draw.textlength(name, font=font)) + 14
        if x + need > WIDTH:
            x, y = 8, y + 20
        draw.rectangle((x, y + 3, x + 11, y + 14), fill=rgb(PALETTE[k % len(PALETTE)]))
        draw.text((x + 16, y), name, fill="black", font=font)
        x += need
    return band.crop((0, 0, WIDTH, y + 22))


@per_version(max_entries=32)
def dots(bundle, view: Box) -> np.ndarray:
    """(height + legend, WIDTH, 3) uint8: every training encoding in `view` over its legend; per model and view."""
    view, height = fit(view)
    z, y = bundle.latent["z_train"], np.asarray(bundle.latent["y_train"])
    order = np.random.default_rng(0).permutation(len(z))  # no class painted last over all the others
    px, py = (np.round(a[order]).astype(np.int64) for a in to_px(view, height, z))
    colours = np.array([rgb(c) for c in PALETTE], np.float64)[y[order] % len(PALETTE)]
    colours = (INK * colours + (1 - INK) * 255).astype(np.uint8)
    img = np.full((height, WIDTH, 3), 255, np.uint8)
    for dx in range(DOT):
        for dy in range(DOT):
            x, yy = px + dx, py + dy
            inside = (x >= 0) & (x < WIDTH) & (yy >= 0) & (yy < height)
            img[yy[inside], x[inside]] = colours[inside]  # repeated pixels: the later dot wins
    img[[0, -1], :] = img[:, [0, -1]] = 200  # a light frame: where the plot ends
    return np.concatenate([img, np.asarray(legend(active_model.class_names(bundle)))])


def mark(draw: ImageDraw.ImageDraw, x: float, y: float, star: bool) -> None:
    """A black cross (chosen point) or star (uploaded digit) with a white rim, set apart from every colour."""
    if star:
        r = np.where(np.arange(10) % 2 == 0, 16.0, 7.0)
        a = np.pi / 2 + np.arange(10) * np.pi / 5
        draw.polygon(
            list(zip(x + r * np.cos(a), y - r * np.sin(a), strict=True)), fill="black", outline="white", width=2
        )
        return
    for width, colour in ((6, "white"), (3, "black")):
        draw.line((x - 9, y - 9, x + 9, y + 9), fill=colour, width=width)
        draw.line((x - 9, y + 9, x + 9, y - 9), fill=colour, width=width)


def picture(bundle, view: Box, marker=None, star=None) -> bytes:
    """The PNG: the model's training encodings in `view`, a cross at `marker`, a star at `star`."""
    base = dots(bundle, view)
    shown, height = fit(view)
    img = Image.fromarray(base)
    draw = ImageDraw.Draw(img)
    for point, is_star in ((marker, False), (star, True)):
        if point is not None:
            (x,), (y,) = to_px(shown, height, point)
            mark(draw, float(np.clip(x, 0, WIDTH - 1)), float(np.clip(y, 0, height - 1)), is_star)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)  # fast; the picture is sent once per change
    return buf.getvalue()


def show(bundle, view: Box, *, key: str, marker=None, star=None) -> None:
    """The picture of `view`, grown to hold the marker and star (in a container keyed `key`, a handle for
    tests), captioned with its axes' ranges in words."""
    for point in (marker, star):
        view = view if point is None else union(view, point)
    (x0, x1), (y0, y1) = fit(view)[0]
    with st.container(key=key):
        st.image(
            picture(bundle, view, marker, star), output_format="PNG",  # its own width, or the column's if narrower
            caption=f"{CAPTION}: z1 from {x0:.1f} (left) to {x1:.1f} (right), z2 from {y0:.1f} (bottom) to "
            f"{y1:.1f} (top); {len(bundle.latent['z_train']):,} training digits, one colour per label.",
        )  # fmt: skip
