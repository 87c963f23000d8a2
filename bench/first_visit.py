"""First visit: how long the live plane takes for three visitors (the first visitor of a fresh server,
a new visitor of a warm server, a returning visitor), against a baseline checkout and a bare
Streamlit page (the floor) in the same run; and how much memory the server holds.

    git worktree add --detach /tmp/baseline df0bd0a      # the baseline: main before issue 25
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.first_visit --baseline /tmp/baseline
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.first_visit --baseline /tmp/baseline --runs 3 --walks 0

Each run starts, for this checkout, the baseline checkout and the bare page in turn (the order rotates),
a fresh `streamlit run` on 127.0.0.1 (the live plane on, an empty model library) and, once its health
check answers, opens it in Debian Chromium:
  first      the first visitor, with an empty browser cache (a new persistent browser profile):
             page.goto("/") until the live plane's points are on screen (its plot has data-painted="1":
             ui/plane/js/firstpaint.js's quick canvas) and until it is interactive (data-drawn="1": Plotly
             has drawn; what tests/e2e waits on); the server imports and loads everything meanwhile.
             A checkout without the quick paint has no data-painted: its points are on screen when
             Plotly has drawn, so both figures are that time;
  new        a new visitor of the now warm server, with an empty cache (a fresh browser context;
             median of --later visits);
  returning  the first visitor coming back, in a new tab of the same profile (its HTTP cache and
             V8's code cache warm; median of --later visits: Chromium keeps compiled code for a
             script from its second load on);
  rss        in the first --walks runs: a visitor opens every page with each shipped model
             (default, seed, vae, fashion; ?model=), waiting for each run to finish and for the live
             plane on Explore; then the server's VmRSS from /proc.
Each server starts without its static/ folder, as a fresh deployment does: the files the plane
fetches (plotly.js, its own code, the payload, the tiles) are written during the first visit, so their age, which
sets how long a browser may keep a copy without asking (a tenth of the age it had when fetched, where
a file carries only Last-Modified), is what a new deployment's is.
The bare page (st.html of one line, the same .streamlit/config.toml) is measured the same way; both of
its figures are the time that line is on screen. For every visit the bytes that came over HTTP and
how each app/static/ file arrived (network 200/206, revalidated 304, or from the browser's cache)
are noted from Chromium's DevTools protocol.
With --server, each run also starts one more fresh server per checkout and opens Explore from the
protocol client of tests/e2e/stclient.py (no browser): server_first_s and server_later_s are the
server's own share of a first and a later visit (rerun sent -> script_finished).
Medians over the runs, the ratio baseline / this checkout, the load average before and after;
writes bench/results/first_visit.json and prints a table.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app  # noqa: E402

DRAWN = '[data-testid="lp-plot"][data-drawn="1"]'
BARE_DRAWN = '[data-testid="floor"][data-drawn="1"]'
BARE_APP = """import streamlit as st

st.html('<p data-testid="floor" data-painted="1" data-drawn="1">A bare Streamlit page.</p>')
"""
# The wall-clock times (ms) at which an element first had data-painted="1" and data-drawn="1" (set on
# the live plane's plot, or born with them on the bare page), noted in the page as they happen:
# Playwright's polling cannot see the quick paint, as plotly.js's evaluation holds the page's main
# thread right after it.
MARKS = """window.__firstVisit = {};
const names = ["data-painted", "data-drawn"];
const note = (e) => { for (const a of names) if (e.getAttribute(a) === "1" && !window.__firstVisit[a]) window.__firstVisit[a] = Date.now(); };
new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === "attributes") note(r.target);
    else for (const n of r.addedNodes) if (n.nodeType === 1) { note(n); n.querySelectorAll("[data-painted], [data-drawn]").forEach(note); }
  }
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: names });"""
PAGES = ("explore", "reconstructions", "compare", "upload", "train", "models")
MODELS = ("default", "seed", "vae", "fashion")
VIEWPORT = {"width": 1400, "height": 1000}
VISITORS = ("first", "new", "returning")


class Network:
    """What came over HTTP during one visit, from Chromium's DevTools protocol: bytes, and how each
    app/static/ file arrived ("200", "206" from the server, or "cache": the browser's own copy)."""

    def __init__(self, page):
        self.bytes, self.static, self._kinds = 0, {}, {}
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _response(self, e):
        url = e["response"]["url"]
        if "/app/static/" in url:
            kind = (
                "plotly"
                if "plotly" in url
                else "tiles"
                if "/tiles-" in url
                else "code"
                if url.endswith((".js", ".css"))
                else "payload"
            )
            self._kinds[e["requestId"]] = (kind, str(e["response"]["status"]))

    def _finished(self, e):
        n = e.get("encodedDataLength", 0)
        self.bytes += n
        if e["requestId"] in self._kinds:
            kind, status = self._kinds.pop(e["requestId"])
            self.static.setdefault(kind, []).append(status if n else "cache")


def visit(context, url: str, drawn: str = DRAWN) -> dict:
    """Seconds from page.goto to the live plane's points on screen and to the plane interactive
    (Plotly's plot drawn), in a new tab of `context`; the bytes over HTTP; how app/static/ arrived."""
    page = context.new_page()
    net = Network(page)
    t0 = time.time()
    page.goto(url + "/")
    page.wait_for_selector(drawn, timeout=180_000)
    marks = page.evaluate("() => window.__firstVisit")
    page.wait_for_load_state("networkidle")  # the tiles and the rest, for the byte count
    page.close()
    painted = marks.get("data-painted", marks["data-drawn"]) / 1000 - t0
    return {
        "painted_s": painted,
        "drawn_s": marks["data-drawn"] / 1000 - t0,
        "kb": net.bytes / 1024,
        "static": net.static,
    }


def walk(browser, url: str) -> None:
    """Every page with every shipped model, as one visitor."""
    context = browser.new_context(viewport=VIEWPORT)
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


def bare_root(tmp: Path) -> Path:
    """A folder with the bare page and the project's .streamlit/config.toml."""
    (tmp / ".streamlit").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", tmp / ".streamlit" / "config.toml")
    (tmp / "bare.py").write_text(BARE_APP)
    return tmp


def measure(p, browser, root: Path, later: int, do_walk: bool, bare: bool = False) -> dict:
    """One fresh server of the checkout at `root` (or the bare page): the three visitors, the RSS."""
    with tempfile.TemporaryDirectory() as lib, tempfile.TemporaryDirectory() as profile:
        shutil.rmtree(root / "static", ignore_errors=True)  # as on a fresh deployment: nothing written yet
        env = {"LATENT_EXPLORER_MODELS": lib, "LATENT_EXPLORER_LIVE": "1"}
        proc, url = start_streamlit(env, root=root, script="bare.py" if bare else "app.py")
        drawn = BARE_DRAWN if bare else DRAWN
        own = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=VIEWPORT
        )
        try:
            own.add_init_script(MARKS)
            visits = {"first": [visit(own, url, drawn)], "new": [], "returning": []}
            for _ in range(later):
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(MARKS)
                visits["new"].append(visit(context, url, drawn))
                context.close()
            visits["returning"] = [visit(own, url, drawn) for _ in range(later)]
            out = {"rss_after_visits_mb": rss_mb(proc.pid), "visits": visits}
            for who, vs in visits.items():
                out[f"{who}_painted_s"] = statistics.median(v["painted_s"] for v in vs)
                out[f"{who}_s"] = statistics.median(v["drawn_s"] for v in vs)
                out[f"{who}_kb"] = statistics.median(v["kb"] for v in vs)
            if do_walk and not bare:
                walk(browser, url)
                out["rss_mb"] = rss_mb(proc.pid)
            return out
        finally:
            own.close()
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
    values = [r[key] for r in rows if r.get(key) is not None]
    return round(statistics.median(values), 3) if values else None


KEYS = [f"{who}_{what}" for who in VISITORS for what in ("painted_s", "s", "kb")]
KEYS += ["rss_after_visits_mb", "rss_mb", "server_first_s", "server_later_s"]
LABELS = {
    "painted_s": "points on screen (s)",
    "s": "interactive (s)",
    "kb": "over HTTP (KB)",
    "rss_mb": "server RSS, every page x model (MB)",
    "rss_after_visits_mb": "server RSS after the visits (MB)",
    "server_first_s": "server's share of the first visit (s)",
    "server_later_s": "server's share of a later visit (s)",
}


def label(key: str) -> str:
    who, _, what = key.partition("_")
    return f"{who} visitor, {LABELS[what]}" if who in VISITORS else LABELS[key]


def arrivals(rows: list[dict], who: str) -> dict:
    """How each app/static/ file reached this kind of visitor, over every run: {kind: {how: count}}."""
    out: dict = {}
    for r in rows:
        for v in r.get("visits", {}).get(who, []):
            for kind, hows in v["static"].items():
                for how in hows:
                    out.setdefault(kind, {}).setdefault(how, 0)
                    out[kind][how] += 1
    return out


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="a checkout of the baseline commit")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--later", type=int, default=3, help="new and returning visits per run (their median counts)")
    ap.add_argument("--walks", type=int, default=3, help="runs that also walk every page for the RSS")
    ap.add_argument("--server", action="store_true", help="also the server's share of a visit (see above)")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare Streamlit page (the floor)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "first_visit.json"))
    args = ap.parse_args()
    if os.environ.get("LATENT_EXPLORER_DATA"):  # a relative path would mean another file from the baseline's folder
        os.environ["LATENT_EXPLORER_DATA"] = str(Path(os.environ["LATENT_EXPLORER_DATA"]).resolve())
    bare_dir = tempfile.TemporaryDirectory()
    variants = {"this": ROOT, "baseline": args.baseline.resolve()}
    if not args.no_bare:
        variants["bare"] = bare_root(Path(bare_dir.name))
    rows = {name: [] for name in variants}
    load_before = os.getloadavg()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for i in range(args.runs):
            names = list(variants)
            for name in names[i % len(names) :] + names[: i % len(names)]:
                row = measure(p, browser, variants[name], args.later, i < args.walks, bare=name == "bare")
                if args.server and name != "bare":
                    row.update(server_side(variants[name]))
                rows[name].append(row)
                brief = {k: round(v, 3) for k, v in row.items() if k in KEYS}
                print(json.dumps({"run": i, "variant": name, **brief}), file=sys.stderr, flush=True)
        browser.close()
    bare_dir.cleanup()
    summary = {name: {k: median(rs, k) for k in KEYS} for name, rs in rows.items()}
    ratio = {k: round(summary["baseline"][k] / summary["this"][k], 2) for k in KEYS if summary["this"][k]}
    result = {
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": args.runs,
        "later": args.later,
        "median": summary,
        "ratio_baseline_over_this": ratio,
        "this_over_baseline": {k: round(1 / r, 2) for k, r in ratio.items() if r},
        "static_arrivals": {n: {who: arrivals(rs, who) for who in VISITORS} for n, rs in rows.items()},
        "rows": rows,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print("| | this checkout | baseline | this / baseline | bare page |\n|---|---|---|---|---|")
    for k in KEYS:
        if summary["this"][k] is None:
            continue
        floor = summary.get("bare", {}).get(k)
        share = round(summary["this"][k] / summary["baseline"][k], 2) if summary["baseline"][k] else ""
        print(f"| {label(k)} | {summary['this'][k]} | {summary['baseline'][k]} | {share} | {floor or ''} |")
    print("how app/static/ reached a returning visitor:", json.dumps(result["static_arrivals"]["this"]["returning"]))
    print(f"load average before {result['load_average_before']}, after {result['load_average_after']}")


if __name__ == "__main__":
    main()
