"""Make docs/img/live-plane.png, the README's picture of the live plane, from the running app.

Run from the repository root (Debian chromium and Playwright as for the e2e tests; with MNIST the
picture includes the clicked digit's original):

    LATENT_EXPLORER_DATA=/path/to/mnist.npz python -m docs.make_screenshot [--out docs/img/live-plane.png]

It starts `streamlit run app.py` on a free 127.0.0.1 port with an empty model library (so the
sidebar lists the shipped models only), opens Explore in headless Chromium at 1440 x 900 (the
plane-first layout: the plot, its toolbar and the large decoded digit beside it fill the window),
waits until the plane is drawn, clicks a training digit near the middle of the view (the cross and its
ringed neighbours appear), then rests the pointer on the plane beside it so the digit under the
pointer is decoded in the browser. The capture is saved as a 256-colour PNG
(well under 300 KB). Every wait is on a condition in the page, never a fixed sleep.
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

from PIL import Image

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, ROOT, start_streamlit, stop, wait_for_app

PLOT = '[data-testid="lp-plot"][data-drawn="1"]'
# Page pixels of every training encoding inside the plot area, from the plane's test view
# (ui/plane/js/view.js): [[x, y], ...] for the first `n` encodings that fall in view.
IN_VIEW = """(n) => {
    const v = window.latentPlane.view("explore_plane"), z = v.points().z, r = document.querySelector('[data-testid="lp-plot"]').getBoundingClientRect();
    const out = [];
    for (let i = 0; i < z.length / 2 && out.length < n; i++) {
        const [x, y] = v.toPage(z[2 * i], z[2 * i + 1]), px = x - r.left - v.area.left, py = y - r.top - v.area.top;
        if (px > 0 && px < v.area.w && py > 0 && py < v.area.h) out.push([x, y]);
    }
    return out;
}"""


def capture(url: str, out: Path, width: int, height: int) -> None:
    """Open Explore at `url`, click a digit, hover beside it, and save a small PNG of the viewport."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(60_000)
        page.goto(url + "/")
        wait_for_app(page)
        page.wait_for_selector(PLOT, timeout=180_000)
        box = page.get_by_test_id("lp-plot").bounding_box()
        cx, cy = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.55
        points = page.evaluate(IN_VIEW, 5000)
        x, y = min(points, key=lambda q: (q[0] - cx) ** 2 + (q[1] - cy) ** 2)  # a digit near the middle
        page.mouse.click(x, y)
        page.get_by_test_id("lp-chosen").filter(has_text="training digit #").wait_for()
        wait_for_app(page)
        # Hover a little to the side of the chosen digit: the preview now shows the decoded pointer.
        coords = page.get_by_test_id("lp-coords")
        before = coords.text_content()
        page.mouse.move(x + 40, y - 30, steps=5)
        page.wait_for_function(
            "(b) => { const t = document.querySelector('[data-testid=\"lp-coords\"]').textContent;"
            " return t !== b && t.includes('z1 ='); }",
            arg=before,
        )
        png = page.screenshot()
        browser.close()
    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, optimize=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs/img/live-plane.png")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as lib:
        proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": lib, "LATENT_EXPLORER_LIVE": "1"}, timeout=180)
        try:
            capture(url, args.out, args.width, args.height)
        finally:
            stop(proc)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
