"""The live plane's payload by reference (static file) vs inline bytes: the cost of an Explore rerun.

    mkdir -p /tmp/lp-base && git archive 96a75a5 | tar -x -C /tmp/lp-base   # the baseline: the payload as inline bytes
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.plane_payload --baseline /tmp/lp-base

For each checkout in turn (the order alternates per round), a fresh `streamlit run app.py` (live plane on),
S protocol sessions (tests/e2e/stclient.py) open Explore, then each moves the z1 slider R times, all
sessions at once: every move is a fragment rerun that mounts the live plane again. Reported: the median
rerun time (BackMsg sent -> script_finished) and the server's CPU milliseconds per rerun (from /proc),
medians over the rounds, with the ratio baseline / this checkout and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.load import proc_sample
from tests.e2e.app_utils import start_streamlit, stop
from tests.e2e.stclient import Session

ROOT = Path(__file__).resolve().parents[1]


async def session(url: str, moves: int, i: int) -> list[float]:
    async with Session(url, timeout=180) as s:
        await s.open("explore")
        w = s.widgets["explore_z1"].proto
        lo, hi = w.min, w.max
        times = []
        for k in range(moves):
            value = lo + (hi - lo) * (0.2 + 0.6 * ((k * 7 + i * 3) % 11) / 10)
            times.append((await s.set_widget("explore_z1", round(value, 2))).seconds)
        return times


async def all_sessions(url: str, n: int, moves: int) -> list[float]:
    return [t for ts in await asyncio.gather(*(session(url, moves, i) for i in range(n))) for t in ts]


def measure(root: Path, n: int, moves: int) -> dict:
    with tempfile.TemporaryDirectory() as lib:
        proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": lib, "LATENT_EXPLORER_LIVE": "1"}, root=root)
        try:
            asyncio.run(all_sessions(url, 1, 2))  # warm: the model, the payload and its caches
            cpu0 = proc_sample(proc.pid)[0]
            times = asyncio.run(all_sessions(url, n, moves))
            cpu = proc_sample(proc.pid)[0] - cpu0
        finally:
            stop(proc)
    return {"rerun_ms": 1000 * statistics.median(times), "cpu_ms_per_rerun": 1000 * cpu / len(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="a checkout of the baseline commit")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--moves", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "plane_payload.json")
    args = ap.parse_args()
    if os.environ.get("LATENT_EXPLORER_DATA"):  # the baseline runs from another folder
        os.environ["LATENT_EXPLORER_DATA"] = str(Path(os.environ["LATENT_EXPLORER_DATA"]).resolve())
    variants = {"this": ROOT, "baseline": args.baseline.resolve()}
    rows: dict[str, list[dict]] = {k: [] for k in variants}
    load_before = os.getloadavg()
    for r in range(args.rounds):
        for name in list(variants)[:: 1 if r % 2 == 0 else -1]:
            rows[name].append(measure(variants[name], args.sessions, args.moves))
            print(name, {k: round(v, 1) for k, v in rows[name][-1].items()}, flush=True)
    med = {n: {k: round(statistics.median(x[k] for x in rs), 1) for k in rs[0]} for n, rs in rows.items()}
    out = {
        "sessions": args.sessions, "moves": args.moves, "rounds": args.rounds, "cores": os.cpu_count(),
        "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "median": med,
        "ratio_baseline_over_this": {k: round(med["baseline"][k] / med["this"][k], 2) for k in med["this"]},
        "rows": rows, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1))
    print(json.dumps({k: out[k] for k in ("median", "ratio_baseline_over_this", "loadavg_before", "loadavg_after")}))


if __name__ == "__main__":
    main()
