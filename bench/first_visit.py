"""First visit: how long a fresh server's first visitor waits for the live plane, how long a later
visitor waits, and how much memory the server holds once a visitor has seen everything.

    git worktree add --detach /tmp/baseline 9801990      # the baseline: main before issue 19
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.first_visit --baseline /tmp/baseline
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.first_visit --baseline /tmp/baseline --runs 3 --walks 1

Each run starts, for this checkout and the baseline checkout in turn (which goes first alternates),
a fresh `streamlit run app.py` on 127.0.0.1 (the live plane on, an empty model library) and, once
its health check answers, opens it in Debian Chromium (a fresh browser context per visitor):
  first   the first visitor: page.goto("/") until the live plane's points are on screen (its plot
          has data-painted="1": ui/plane/js/firstpaint.js's quick canvas) and until it is interactive
          (data-drawn="1": Plotly has drawn; what tests/e2e waits on); the server imports and loads
          everything during this visit. A checkout without the quick paint (the baseline) has no
          data-painted: its points are on screen when Plotly has drawn, so both figures are that time;
  later   a second visitor, the same way (median of --later visits);
  rss     in the first --walks runs: a visitor opens every page with each shipped model
          (default, seed, vae, fashion; ?model=), waiting for each run to finish and for the live
          plane on Explore; then the server's VmRSS from /proc.
With --server, each run also starts one more fresh server per checkout and opens Explore from the
protocol client of tests/e2e/stclient.py (no browser): server_first_s and server_later_s are the
server's own share of a first and a later visit (rerun sent -> script_finished), apart from what
the browser spends loading and drawing, which on a busy machine dominates the browser figures.
Medians over the runs, the ratio baseline / this checkout, the load average before and after;
writes bench/results/first_visit.json and prints a table.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app  # noqa: E402

DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
# The wall-clock times (ms) at which the plot first got data-painted="1" and data-drawn="1", noted in the
# page as they happen: Playwright's polling cannot see the quick paint, as plotly.js's evaluation
# holds the page's main thread right after it.
MARKS = """window.__firstVisit = {};
new MutationObserver((records) => {
  for (const r of records) {
    const name = r.attributeName;
    if (r.target.getAttribute(name) === "1" && !window.__firstVisit[name]) window.__firstVisit[name] = Date.now();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-painted", "data-drawn"] });"""
PAGES = ("explore", "reconstructions", "compare", "upload", "train", "models")
MODELS = ("default", "seed", "vae", "fashion")


def visit(browser, url: str) -> tuple[float, float]:
    """Seconds from page.goto to the live plane's points on screen, and to the plane interactive
    (Plotly's plot drawn), for a visitor with an empty browser cache."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(MARKS)
    page = context.new_page()
    t0 = time.time()
    page.goto(url + "/")
    page.wait_for_selector(DRAWN, timeout=180_000)
    marks = page.evaluate("() => window.__firstVisit")
    context.close()
    drawn = marks["data-drawn"] / 1000 - t0
    return marks.get("data-painted", marks["data-drawn"]) / 1000 - t0, drawn


def walk(browser, url: str) -> None:
    """Every page with every shipped model, as one visitor."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(180_000)
    for name in MODELS:
        for path in PAGES:
            page.goto(f"{url}/{path}?model={name}")
            wait_for_app(page)
            if path == "explore":
                page.wait_for_selector(DRAWN)
    context.close()


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


def measure(browser, root: Path, later: int, do_walk: bool) -> dict:
    """One fresh server of the checkout at `root`: first visit, later visits, RSS after the walk."""
    with tempfile.TemporaryDirectory() as lib:
        proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": lib, "LATENT_EXPLORER_LIVE": "1"}, root=root)
        try:
            out = dict(zip(("first_painted_s", "first_s"), visit(browser, url), strict=True))
            visits = [visit(browser, url) for _ in range(later)]
            out["later_painted_s"] = statistics.median(v[0] for v in visits)
            out["later_s"] = statistics.median(v[1] for v in visits)
            out["rss_after_first_mb"] = rss_mb(proc.pid)
            if do_walk:
                walk(browser, url)
                out["rss_mb"] = rss_mb(proc.pid)
            return out
        finally:
            stop(proc)


def server_side(root: Path) -> dict:
    """A fresh server's time to finish the first visitor's Explore run, and a second visitor's."""
    import asyncio

    from tests.e2e.stclient import Session

    async def visit(url: str) -> float:
        async with Session(url, timeout=180) as s:
            return (await s.open("explore")).seconds

    def open_explore(url: str) -> float:  # in a thread: Playwright's sync API holds this thread's event loop
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, visit(url)).result()

    with tempfile.TemporaryDirectory() as lib:
        proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": lib, "LATENT_EXPLORER_LIVE": "1"}, root=root)
        try:
            return {"server_first_s": open_explore(url), "server_later_s": open_explore(url)}
        finally:
            stop(proc)


def median(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if key in r]
    return round(statistics.median(values), 3) if values else None


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="a checkout of the baseline commit")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--later", type=int, default=3, help="later visits per run (their median counts)")
    ap.add_argument("--walks", type=int, default=3, help="runs that also walk every page for the RSS")
    ap.add_argument("--server", action="store_true", help="also the server's share of a visit (see above)")
    ap.add_argument("--no-browser", action="store_true", help="only the --server figures")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "first_visit.json"))
    args = ap.parse_args()
    variants = {"this": ROOT, "baseline": args.baseline.resolve()}
    if os.environ.get("LATENT_EXPLORER_DATA"):  # a relative path would mean another file from the baseline's folder
        os.environ["LATENT_EXPLORER_DATA"] = str(Path(os.environ["LATENT_EXPLORER_DATA"]).resolve())
    rows = {name: [] for name in variants}
    load_before = os.getloadavg()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for i in range(args.runs):
            order = list(variants) if i % 2 == 0 else list(reversed(variants))
            for name in order:
                row = {} if args.no_browser else measure(browser, variants[name], args.later, i < args.walks)
                if args.server:
                    row.update(server_side(variants[name]))
                rows[name].append(row)
                print(json.dumps({"run": i, "variant": name, **row}), file=sys.stderr, flush=True)
        browser.close()
    keys = (
        "first_painted_s",
        "first_s",
        "later_painted_s",
        "later_s",
        "rss_mb",
        "rss_after_first_mb",
        "server_first_s",
        "server_later_s",
    )
    summary = {name: {k: median(rs, k) for k in keys} for name, rs in rows.items()}
    ratio = {k: round(summary["baseline"][k] / summary["this"][k], 2) for k in keys if summary["this"][k]}
    result = {
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": args.runs,
        "median": summary,
        "ratio_baseline_over_this": ratio,
        "rows": rows,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print("| | this checkout | baseline | ratio |\n|---|---|---|---|")
    labels = {"first_painted_s": "first visit, points on screen (s)", "first_s": "first visit, interactive (s)",
              "later_painted_s": "later visit, points on screen (s)", "later_s": "later visit, interactive (s)",
              "rss_mb": "server RSS, every page x model (MB)",
              "rss_after_first_mb": "server RSS after the first visit (MB)",
              "server_first_s": "server's share of the first visit (s)",
              "server_later_s": "server's share of a later visit (s)"}  # fmt: skip
    for k in keys:
        if summary["this"][k] is None:
            continue
        print(f"| {labels[k]} | {summary['this'][k]} | {summary['baseline'][k]} | {ratio.get(k, '')} |")
    print(f"load average before {result['load_average_before']}, after {result['load_average_after']}")


if __name__ == "__main__":
    main()
