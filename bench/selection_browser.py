"""Benchmark a box selection's round trip in headless Chromium, against a plain click in the same run:

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.selection_browser --reps 10

Starts `streamlit run app.py` (the live plane) on 127.0.0.1 and, on the Explore page, times in the page:
  * box -> count: from releasing the mouse after a box drag to Python's count on the plot
    (data-selected for that shape: the trigger went to Python, the membership ran, the answer came back);
  * box -> panel: to the panel showing that count with its new gallery image loaded;
  * baseline, click -> Python has the point: a click on a training digit to the URL's new ?z1= (the same
    fragment rerun, with no selection work), as bench/live_plane.py measures it.
Boxes alternate between two shapes, so every drag changes the selection. Medians (min, p90).
Writes bench/results/selection_browser.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench import live_plane as lp  # its click timing, spots and summary
from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "selection_browser.json"
VIEW = "window.latentPlane.view('explore_plane')"  # the plane's test view (ui/plane/js/view.js)
AT = f"""([fx, fy]) => {{ const v = {VIEW}, r = document.querySelector('[data-testid="lp-plot"]').getBoundingClientRect();
  return [r.left + v.area.left + fx * v.area.w, r.top + v.area.top + fy * v.area.h]; }}"""
# Arms window.__selWait: resolves with [ms to Python's count on the plot, ms to the panel shown, ms of that
# count's wait the page's main thread was busy] from the next pointerup, for a shape sent after now; null
# after 30 s. Busy: the poll below asks to run every 2 ms; a poll later than 20 ms counts its lateness
# (the page's own work: Plotly selecting and restyling the points, the rerun's rendering).
# The poll reads the plot's data-selected-t (cheap) and asks the test view (VIEW_OF below) for the shape
# sent only when that changed, so the measurement itself keeps the page's main thread free.
SEL_WAIT = """() => { const sent0 = VIEW_OF.selection.sent, old = sent0 ? sent0.t : null;
  const plot = document.querySelector('[data-testid="lp-plot"]'), img0 = document.querySelector('.st-key-selection_gallery img');
  const src0 = img0 ? img0.src : null, start = performance.now(), shown0 = plot.getAttribute('data-selected-t');
  let t0 = null, plotMs = null, sent = null, last = null, busy = 0, busyAtCount = 0;
  document.addEventListener('pointerup', () => { t0 = last = performance.now(); }, { capture: true, once: true });
  window.__selWait = new Promise((res) => { const f = () => {
    const now = performance.now(), shown = plot.getAttribute('data-selected-t');
    if (last !== null) { busy += Math.max(0, now - last - 20); last = now; }
    if (now - start > 30000) return res(null);
    if (t0 !== null && shown !== shown0 && (!sent || String(sent.t) !== shown)) sent = VIEW_OF.selection.sent;
    if (t0 !== null && sent && sent.t !== old && shown === String(sent.t)) {
      if (plotMs === null) { plotMs = now - t0; busyAtCount = busy; }
      const want = Number(plot.getAttribute('data-selected')).toLocaleString('en-US') + ' digits selected';
      const head = document.querySelector('.st-key-selection_panel strong'), img = document.querySelector('.st-key-selection_gallery img');
      if (head && head.innerText === want && img && img.src !== src0 && img.complete) return res([plotMs, now - t0, busyAtCount]);
    }
    setTimeout(f, 2); }; f(); }); }""".replace("VIEW_OF", VIEW)
BOXES = [((0.3, 0.3), (0.6, 0.7)), ((0.35, 0.2), (0.75, 0.55))]


def drag(page, a, b) -> None:
    (x0, y0), (x1, y1) = page.evaluate(AT, list(a)), page.evaluate(AT, list(b))
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8)
    page.mouse.up()


def timed_boxes(page, reps: int, pause: float, busy: list | None = None):
    """Box drags, alternating BOXES: (ms to the count, ms to the panel) of each answered one; `busy`, if
    given, gets the ms of each count's wait the page's main thread was busy."""
    plot, panel = [], []
    page.get_by_test_id("lp-drag-select").click()
    page.wait_for_function(f"() => {VIEW}.dragmode === 'select'")
    for i in range(reps + 1):  # the first (warm-up: first panel, first bar chart) is not counted
        page.evaluate(SEL_WAIT)
        drag(page, *BOXES[i % 2])
        got = page.evaluate("() => window.__selWait")
        if got and i:
            plot.append(got[0])
            panel.append(got[1])
            if busy is not None:
                busy.append(got[2])
        time.sleep(pause)
    page.get_by_test_id("lp-drag-pan").click()
    return plot, panel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--pause", type=float, default=0.5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    proc, url = start_streamlit({"LATENT_EXPLORER_LIVE": "1"})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            ctx, page, _ = lp.open_explore(browser, url, live=True)
            page.get_by_test_id("lp-plot").scroll_into_view_if_needed()
            where = lp.spots(page, args.reps + 1)
            clicks = lp.timed_clicks(page, args.reps + 1, lambda i: where[i], args.pause, move_first=True)[1:]
            plot, panel = timed_boxes(page, args.reps, args.pause)
            ctx.close()
            browser.close()
    finally:
        stop(proc)
    result = {
        "box_to_count_ms": lp.summary(plot),
        "box_to_panel_ms": lp.summary(panel),
        "baseline_click_to_python_ms": lp.summary(clicks),
        "machine": {"cpus": os.cpu_count(), "load_1min": os.getloadavg()[0]},
    }
    for k, v in result.items():
        if k != "machine":
            print(f"{k:30} median {v['median']:.0f} ms (min {v['min']:.0f}, p90 {v['p90']:.0f}, n {v['n']})")
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
