"""Click -> Python on the live planes, this checkout against a baseline checkout in the same run, alternating:

    git worktree add --detach /tmp/main-base <commit>
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.click_baseline --baseline /tmp/main-base

Starts `streamlit run app.py` from this checkout and from --baseline (each on its own empty model library, the
shipped models). Each round opens a page on both servers at once (new browser contexts) and clicks them in
turn, click by click (which of the two goes first alternates), so both see the same moment's load; it times:
  * Explore: bench/live_plane.py's click -> Python has the point (the pointer moves onto a training digit,
    clicks it, until the URL carries the server's ?z1= for it);
  * Compare: a click on a training digit in plane A until plane B shows it chosen (Python's answer, which
    reaches B through the rerun's state).
Medians (min-p90) over every round, and the ratio this / baseline. Writes bench/results/click_baseline.json
(every sample too).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.live_plane import RACE, open_explore, spots, summary, timed_clicks
from bench.selection import write
from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "click_baseline.json"
B = "window.latentPlane.view('compare_plane_b')"
# Page pixels [index, x, y] of up to n training digits in the middle 70 % of plane A's view, spread over the set.
SPOTS_A = """(n) => { const v = window.latentPlane.view('compare_plane_a'), P = v.points(), N = P.y.length, out = [];
    const inner = (q, [a, b]) => q > a + 0.15 * (b - a) && q < b - 0.15 * (b - a);
    for (let k = 0; k < N && out.length < n; k += Math.floor(N / (4 * n)) + 1) {
        const a = P.z[2 * k], b = P.z[2 * k + 1];
        if (inner(a, v.range.x) && inner(b, v.range.y)) out.push(v.toPage(a, b));
    }
    return out; }"""
# Arms window.__urlWait (RACE reads it): ms from now until plane B's chosen digit is another than `old`.
CHOSEN_WAIT = f"""(old) => {{ window.__urlWait = new Promise((res) => {{ const t0 = performance.now();
    const f = () => {{ const c = {B}.chosen; if (c && c.index !== null && c.index !== old) res(performance.now() - t0);
        else setTimeout(f, 2); }}; f(); }}); }}"""


def open_compare(browser, url: str):
    """A new context on Compare with both planes drawn: (context, page, the page pixels of digits in plane A)."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(url + "/compare")
    page.wait_for_function('() => document.querySelectorAll(\'[data-testid="lp-plot"][data-drawn="1"]\').length === 2')
    wait_for_app(page)
    return ctx, page, page.evaluate(SPOTS_A, 20)


def compare_click(page, at) -> float | None:
    """ms from a click at page pixel `at` in plane A to plane B showing the digit chosen; None: lost."""
    old = page.evaluate(f"() => {B}.chosen?.index ?? null")
    page.mouse.move(*at)
    page.evaluate(CHOSEN_WAIT, old)
    page.mouse.click(*at)
    return page.evaluate(RACE)


def explore_click(page, at) -> float | None:
    """bench/live_plane.py's click -> Python has the point, once, at page pixel `at`."""
    got = timed_clicks(page, 1, lambda _: at, pause=0, move_first=True)
    return got[0] if got else None


def paired(browser, servers: dict, reps: int, k: int, got: dict) -> None:
    """Round k: each page open on both servers at once, then click by click, this and baseline taking turns
    (the first of each pair alternating), so both see the same moment's machine load."""
    for page_name, opener, click in (
        ("explore", open_explore_live, explore_click),
        ("compare", open_compare, compare_click),
    ):
        opened = {n: opener(browser, url) for n, (_, url) in servers.items()}
        try:
            for i in range(reps):
                for name in list(servers)[:: 1 if (i + k) % 2 == 0 else -1]:
                    _, page, spots = opened[name]
                    ms = click(page, spots[i % len(spots)])
                    if ms is not None:
                        got[name][page_name].append(ms)
                    time.sleep(0.3)
        finally:
            for ctx, _, _ in opened.values():
                ctx.close()


def open_explore_live(browser, url: str):
    ctx, page, _ = open_explore(browser, url, True)
    time.sleep(1)
    return ctx, page, spots(page, 20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="a checkout of the baseline (git worktree add)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=10, help="clicks per page per round")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    say = lambda *a: print(*a, file=sys.stderr, flush=True)  # noqa: E731
    roots = {"this": ROOT, "baseline": args.baseline.resolve()}
    servers = {n: start_streamlit({"LATENT_EXPLORER_MODELS": tempfile.mkdtemp(prefix="bench-lib-"), "LATENT_EXPLORER_LIVE": "1"}, root=r) for n, r in roots.items()}  # fmt: skip
    got = {n: {"explore": [], "compare": []} for n in roots}
    load_before = os.getloadavg()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for _, url in servers.values():  # warm: the first loads read the models
                ctx, _, _ = open_explore(browser, url, True)
                ctx.close()
            for k in range(args.rounds):
                say(f"round {k + 1}")
                paired(browser, servers, args.reps, k, got)
            browser.close()
    finally:
        for proc, _ in servers.values():
            stop(proc)
    res = {n: {page: summary(v) for page, v in pages.items()} for n, pages in got.items()}
    write(OUT, {"rounds": args.rounds, "reps": args.reps, "load_avg_before": load_before, **res, "samples_ms": got})
    print(table(res, args.rounds * args.reps))


def table(res: dict, n: int) -> str:
    f = lambda s: f"{s['median']:,.0f} ({s['min']:,.0f}–{s['p90']:,.0f}), {s['n']} of {n}" if s["median"] else "–"  # noqa: E731
    rows = ["| click → Python, ms | this checkout | baseline | this / baseline | target |", "|---|---|---|---|---|"]
    for page, what in (
        ("explore", "Explore: the URL carries the point"),
        ("compare", "Compare: plane B shows the digit chosen"),
    ):
        a, b = res["this"][page], res["baseline"][page]
        ratio = f"{a['median'] / b['median']:.2f}×" if a["median"] and b["median"] else "–"
        rows.append(f"| {what} | {f(a)} | {f(b)} | {ratio} | ≤ 1.1× |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
