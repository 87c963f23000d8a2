"""Bounded decoding (issue 12, item 6) and EXIF orientation: small files that decode to huge pictures.

The hostile files in tests/fixtures/hostile/ are made by tests/hostile_images.py (6-130 KB each).
Memory is measured in a fresh subprocess with resource.getrusage (peak RSS), because Pillow's
buffers are invisible to tracemalloc.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.images.preprocess import ImageError, preprocess

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = sorted((ROOT / "tests" / "fixtures" / "hostile").iterdir())
LIMIT_MB = 200  # no upload may cost more

PROBE = """
import json, resource, sys
from model.images.preprocess import ImageError, preprocess
data = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    preprocess(data)
    outcome = "ok"
except ImageError as e:
    outcome = str(e)
print(json.dumps({"outcome": outcome, "mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}))
"""


def peak(path: Path) -> dict:
    """Preprocess one file in a fresh interpreter: its outcome and the peak memory it added (MB)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", HOSTILE, ids=[p.name for p in HOSTILE])
def test_hostile_image_costs_under_200_mb(path):
    """A 7000 x 7000 16-bit/palette/1-bit/WebP or a 1 x 49,999,999 PNG is read or refused within 200 MB."""
    assert path.stat().st_size < 200_000
    r = peak(path)
    assert r["mb"] < LIMIT_MB, r
    assert r["outcome"] == "ok" or "too large to open safely" in r["outcome"], r


def test_too_costly_images_are_refused_before_decoding():
    """The WebP and the tall PNG are refused from their headers, with a plain line naming the size."""
    for name in ("webp.webp", "tall_png.png"):
        with pytest.raises(ImageError, match=r"too large to open safely \(\d+ x \d+ pixels\)"):
            preprocess((ROOT / "tests" / "fixtures" / "hostile" / name).read_bytes())


def seven(size=120) -> Image.Image:
    """An upright 7: its bar on top, its stem leaning down to the left (no rotation of it looks the same)."""
    img = Image.new("RGB", (size, size), (255, 255, 255))
    ImageDraw.Draw(img).line([(25, 20), (95, 20), (45, 105)], fill=(0, 0, 0), width=12)
    return img


@pytest.mark.parametrize(("tag", "stored"), [(6, Image.Transpose.ROTATE_90), (8, Image.Transpose.ROTATE_270)])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_exif_orientation_is_applied(tag, stored, fmt):
    """A sideways-stored photo tagged Orientation=6 or 8 comes out upright, like the upright original."""
    upright = preprocess(save(seven(), fmt)).image
    sideways = seven().transpose(stored)
    exif = Image.Exif()
    exif[0x0112] = tag
    tagged = preprocess(save(sideways, fmt, exif=exif.tobytes())).image
    untagged = preprocess(save(sideways, fmt)).image
    assert np.abs(tagged - upright).mean() < 0.02
    assert np.abs(untagged - upright).mean() > 0.1  # the test can tell: ignoring the tag leaves it sideways


def save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()
