"""What the browser's processes spend on the pointer moving over the live plane, against a baseline checkout
in the same run:

    git worktree add --detach /tmp/baseline <commit>
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.pointer_cpu --baseline /tmp/baseline

For this checkout and the baseline in turn (the order alternates each round), a fresh `streamlit run app.py`
on 127.0.0.1 with the live plane, Explore opened in Debian Chromium at 1400 x 1000 (its software WebGL and
compositor: the machine has no GPU), then, each round: 300 Playwright mouse moves across the plane (the
digit under the pointer decoded each time; lens and density off, as the plane opens), and one reload until
the plane is drawn again. For each, the CPU seconds that Chromium's processes used (from /proc: the
renderer, the GPU process, which composites and runs WebGL, and the browser process), read when the page
has drawn its last frame. Medians over the rounds, and the ratio this / baseline. Writes
bench/results/pointer_cpu.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app  # noqa: E402

DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
TICK = os.sysconf("SC_CLK_TCK")


def chromium_cpu() -> collections.Counter:
    """CPU seconds used so far by every Chromium process, by kind (renderer, gpu, browser)."""
    out = collections.Counter()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="ignore")
            if "chromium" not in cmd:
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = "renderer" if "--type=renderer" in cmd else "gpu" if "--type=gpu" in cmd else "browser"
        out[kind] += (int(fields[11]) + int(fields[12])) / TICK
    return out


def spent(before: collections.Counter) -> dict:
    now = chromium_cpu()
    d = {k: round(now[k] - before[k], 3) for k in ("renderer", "gpu", "browser")}
    return {**d, "total": round(sum(d.values()), 3)}


def moves(page, n: int = 300) -> dict:
    box = page.locator(DRAWN).bounding_box()
    page.wait_for_timeout(1000)  # the opening's frames are over (a settle, not a measurement)
    before = chromium_cpu()
    for k in range(n):
        x = box["x"] + box["width"] * (0.2 + 0.6 * k / (n - 1))
        y = box["y"] + box["height"] * (0.3 + 0.4 * ((k * 7) % 13) / 13)
        page.mouse.move(x, y)
    page.evaluate(FRAMES)
    return spent(before)


def reload(page) -> dict:
    before = chromium_cpu()
    page.reload()
    wait_for_app(page)
    page.wait_for_selector(DRAWN, timeout=180_000)
    page.evaluate(FRAMES)
    return spent(before)


def rounds(root: Path, n: int, p) -> list[dict]:
    proc, url = start_streamlit({"LATENT_EXPLORER_LIVE": "1"}, root=root)
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(url + "/")
        wait_for_app(page)
        page.wait_for_selector(DRAWN, timeout=180_000)
        return [{"moves": moves(page), "reload": reload(page)} for _ in range(n)]
    finally:
        browser.close()
        stop(proc)


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="a checkout of the baseline commit")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per server start")
    ap.add_argument("--starts", type=int, default=2, help="server starts per checkout (alternating)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "pointer_cpu.json"))
    args = ap.parse_args()
    runs = {"this": [], "baseline": []}
    with sync_playwright() as p:
        for s in range(args.starts):
            for name in ("this", "baseline") if s % 2 == 0 else ("baseline", "this"):
                runs[name] += rounds(ROOT if name == "this" else args.baseline.resolve(), args.rounds, p)
    table = {}
    for what in ("moves", "reload"):
        for kind in ("renderer", "gpu", "browser", "total"):
            this, base = (statistics.median(r[what][kind] for r in runs[v]) for v in ("this", "baseline"))
            table[f"{what} {kind}"] = {"this": this, "baseline": base, "ratio": round(this / base, 2) if base else None}
    print("| CPU seconds (median) | this checkout | baseline | this / baseline |\n|---|---|---|---|")
    for k, v in table.items():
        print(f"| {k} | {v['this']:.2f} | {v['baseline']:.2f} | {v['ratio']} |")
    Path(args.out).write_text(json.dumps({"runs": runs, "table": table, "load": os.getloadavg()}, indent=1))


if __name__ == "__main__":
    main()
