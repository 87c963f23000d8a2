"""Does a training in one browser session slow down exploring in another? Measured in headless Chromium.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.concurrency [--reps 10]

One browser context explores with the live plane (slider -> decoded image, click on a training digit on
the plane -> decoded image, each from the press to the new image loaded, timed in the page with
performance.now()); another context on the same server starts a training on the Train page (the Default
preset on all 60,000 digits) and, after the explorer's measurements, presses Stop and discards it.
The baseline is the same explorer with no training. Variants, one server each, measured one after another:
  * idle:              no training anywhere (measured first and again last, to see drift);
  * process (shipped): the trainer is a child process, nice 10, TF capped at cores-1 threads;
  * process, no caps:  a child process with TF's default thread pools and no nice;
  * server thread:     train.fit in a thread of the server itself (LATENT_EXPLORER_TRAIN_IN_PROCESS=1).
Also records the training's own speed (batches a second, from the Train page's progress text).
Writes bench/results/concurrency.json (earlier runs kept under "earlier_runs") and prints a markdown
table. Not a test: it asserts nothing. Takes about 6 minutes (more on a loaded machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.live_plane import open_explore, spots
from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, DECODED, start_streamlit, wait_for_app

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "bench" / "results" / "concurrency.json"
VARIANTS = {
    "idle": {},
    "process (shipped)": {},
    "process, no caps": {"LATENT_EXPLORER_TRAIN_THREADS": "0", "LATENT_EXPLORER_TRAIN_NICE": "0"},
    "server thread": {"LATENT_EXPLORER_TRAIN_IN_PROCESS": "1"},
}
PROGRESS = ".st-key-train_progress"
EPOCH_BATCH = re.compile(r"epoch (\d+)/\d+ · batch (\d+)/(\d+) · (?:(\d+):)?(\d+):(\d\d) elapsed")
# Arm: remember when the next key or mouse press happens, and resolve when the decoded <img> shows a
# different, loaded picture. window.__done then holds (image time - press time) in ms, or null after 30 s.
ARM = f"""(old) => {{
    window.__t0 = null;
    document.addEventListener('keydown', () => {{ window.__t0 ??= performance.now(); }}, {{capture: true, once: true}});
    document.addEventListener('mousedown', () => {{ window.__t0 ??= performance.now(); }}, {{capture: true, once: true}});
    window.__done = new Promise(resolve => {{
        setTimeout(() => resolve(null), 30000);
        const check = () => {{
            const img = document.querySelector('{DECODED}');
            if (!img || img.getAttribute('src') === old) return;
            obs.disconnect();
            const fin = () => resolve(performance.now() - window.__t0);
            if (img.complete && img.naturalWidth) fin(); else img.addEventListener('load', fin, {{once: true}});
        }};
        const obs = new MutationObserver(check);
        obs.observe(document.body, {{subtree: true, childList: true, attributes: true, attributeFilter: ['src']}});
    }});
}}"""


def load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def summary(samples: list[float]) -> dict:
    s = sorted(samples)
    return {"median_ms": round(statistics.median(s), 1), "min_ms": round(s[0], 1),
            "p90_ms": round(s[min(len(s) - 1, int(0.9 * len(s)))], 1), "n": len(s),
            "samples_ms": [round(x, 1) for x in samples]}  # fmt: skip


def timed(page, action) -> float | None:
    """ms from the press `action` makes to the new decoded image, measured in the page (None: no image)."""
    old = page.get_attribute(DECODED, "src")
    page.evaluate(ARM, old)
    action()
    ms = page.evaluate("() => window.__done")
    wait_for_app(page)
    return None if ms is None else float(ms)


def batches_done(text: str) -> tuple[int, float] | None:
    """(batches done, seconds elapsed) from the Train page's progress text."""
    m = EPOCH_BATCH.search(text)
    if not m:
        return None
    epoch, batch, steps, h, mins, secs = (int(g) if g else 0 for g in m.groups())
    return (epoch - 1) * steps + batch, h * 3600 + mins * 60 + secs


def start_training(browser, url: str):
    """A second session that starts a training with the Default preset; returns its page once training runs."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(url + "/train")
    wait_for_app(page)
    page.get_by_role("textbox", name="Model name").fill(f"bench-{int(time.time())}")
    page.get_by_role("textbox", name="Model name").press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => /batch [1-9]/.test(document.querySelector('{PROGRESS}')?.innerText || '')")
    return ctx, page


def stop_training(ctx, page) -> str:
    text = page.locator(PROGRESS).inner_text()
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("button", name="Discard").click(timeout=180_000)
    wait_for_app(page)
    ctx.close()
    return text


def click_at(page, xy) -> None:
    page.mouse.move(*xy)  # the plane decodes under the pointer first, as a person's click does
    page.mouse.click(*xy)


def measure(page, at, reps: int) -> dict:
    samples = {"slider": [], "click": []}
    for i in range(reps):
        slider = page.get_by_role("slider", name="z1")
        slider.focus()
        ms = timed(page, lambda k=("ArrowRight" if i % 2 == 0 else "ArrowLeft"): page.keyboard.press(k))
        if ms is not None:
            samples["slider"].append(ms)
        ms = timed(page, lambda xy=at[i % len(at)]: click_at(page, xy))
        if ms is not None:
            samples["click"].append(ms)
        print(
            f"  rep {i + 1}: slider {samples['slider'][-1:]} click {samples['click'][-1:]}", file=sys.stderr, flush=True
        )
    return samples


def run_variant(browser, name: str, env: dict, reps: int, lib: Path) -> dict:
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib), **env})
    try:
        ctx, _, _ = open_explore(browser, url, True)  # warm-up: imports, the model, the plane's payload
        ctx.close()
        ectx, explorer, _ = open_explore(browser, url, True)
        at = spots(explorer, reps)  # training digits in the plane's opening view: a new image each click
        out = {"load_avg_before": load_avg()}
        trainer = None if name.startswith("idle") else start_training(browser, url)
        start_text = trainer[1].locator(PROGRESS).inner_text() if trainer else ""
        samples = measure(explorer, at, reps)
        if trainer:
            end_text = stop_training(*trainer)
            (b0, t0), (b1, t1) = batches_done(start_text), batches_done(end_text)
            out["training_batches_per_s"] = round((b1 - b0) / max(t1 - t0, 1), 2)
        ectx.close()
        out.update({k: summary(v) for k, v in samples.items() if v})
        out["load_avg_after"] = load_avg()
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10, help="slider moves and clicks per variant")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    results = {"variants": {}}
    with tempfile.TemporaryDirectory(prefix="concurrency-lib-") as lib, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, env in [*VARIANTS.items(), ("idle (again)", {})]:
            print(f"{name}:", file=sys.stderr, flush=True)
            results["variants"][name] = run_variant(browser, name, env, args.reps, Path(lib))
        browser.close()
    results.update({
        "what": "median ms from a user action in the explorer to its new decoded image, while another session trains",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "note": "shared machine: other processes ran during the measurement"},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    })  # fmt: skip
    # Keep earlier runs: on a shared machine one run's differences can be the neighbours' load.
    old = json.loads(OUT.read_text()) if OUT.is_file() else {}
    results["earlier_runs"] = ([{k: v for k, v in old.items() if k != "earlier_runs"}] if old else []) + old.get(
        "earlier_runs", []
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwrote {OUT.relative_to(ROOT)}")


def table(results: dict) -> str:
    rows = ["| while another session… | slider → image (median) | click → image (median) | training speed |",
            "|---|---|---|---|"]  # fmt: skip
    for name, v in results["variants"].items():
        speed = f"{v['training_batches_per_s']} batches/s" if "training_batches_per_s" in v else "–"
        cells = [f"{v[k]['median_ms']:,.0f} ms" if k in v else "–" for k in ("slider", "click")]
        rows.append(f"| {name} | {cells[0]} | {cells[1]} | {speed} |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
