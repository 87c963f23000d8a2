"""Does a training in one browser session slow down exploring in another? Measured in headless Chromium.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.concurrency [--reps 10]

One browser context explores (slider -> decoded image, click on empty chart space -> decoded image,
timed in the page as bench/explorer_latency.py does); another context on the same server starts a
training on the Train page (the Default preset on all 60,000 digits) and, after the explorer's
measurements, presses Stop and discards it. Variants, one server each, measured one after another:
  * idle:              no training anywhere (measured first and again last, to see drift);
  * process (shipped): the trainer is a child process, nice 10, TF capped at cores-1 threads;
  * process, no caps:  a child process with TF's default thread pools and no nice;
  * server thread:     train.fit in a thread of the server itself (LATENT_EXPLORER_TRAIN_IN_PROCESS=1).
Also records the training's own speed (batches a second, from the Train page's progress text).
Writes bench/results/concurrency.json (earlier runs kept under "earlier_runs") and prints a markdown
table. Not a test: it asserts nothing. Takes about 6 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.explorer_latency import click_at, empty_spots, load_avg, open_page, summary, timed
from model.folders import store
from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, wait_for_app

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


def measure(page, spots, reps: int) -> dict:
    samples = {"slider": [], "click": []}
    for i in range(reps):
        slider = page.get_by_role("slider", name="z1")
        slider.focus()
        ms = timed(page, lambda k=("ArrowRight" if i % 2 == 0 else "ArrowLeft"): page.keyboard.press(k))
        if ms is not None:
            samples["slider"].append(ms)
        ms = timed(page, lambda s=spots[i % len(spots)]: click_at(page, s))
        if ms is not None:
            samples["click"].append(ms)
        print(
            f"  rep {i + 1}: slider {samples['slider'][-1:]} click {samples['click'][-1:]}", file=sys.stderr, flush=True
        )
    return samples


def run_variant(browser, name: str, env: dict, reps: int, lib: Path, latent) -> dict:
    proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib), "LATENT_EXPLORER_LIVE": "0", **env})
    try:
        ctx, _, _ = open_page(browser, url)  # warm-up: imports, model and figure caches; app.py's navigation
        ctx.close()
        ectx, explorer, _ = open_page(browser, url)
        spots = empty_spots(explorer, latent)
        out = {"load_avg_before": load_avg()}
        trainer = None if name.startswith("idle") else start_training(browser, url)
        start_text = trainer[1].locator(PROGRESS).inner_text() if trainer else ""
        samples = measure(explorer, spots, reps)
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

    latent = store.load_latent(store.default_model_dir() / store.LATENT_FILE)
    results = {"variants": {}}
    with tempfile.TemporaryDirectory(prefix="concurrency-lib-") as lib, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, env in [*VARIANTS.items(), ("idle (again)", {})]:
            print(f"{name}:", file=sys.stderr, flush=True)
            results["variants"][name] = run_variant(browser, name, env, args.reps, Path(lib), latent)
        browser.close()
    results.update({
        "what": "median ms from a user action in the explorer to its new decoded image, while another session trains",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "note": "shared machine: other engineers' processes ran during the measurement"},
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
