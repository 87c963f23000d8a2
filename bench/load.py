"""Load: N light-client sessions of realistic use against one `streamlit run`, while a model trains.

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.load                 # N = 10, 30, 50; ~5 min
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.load --sessions 10 --seconds 20 --chromium 3
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.load --sessions 50 --replicas 2 --out bench/results/load_replicas.json
    git worktree add --detach /tmp/load-base d7aa58f     # then, against that version in the same run:
    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.load --chromium 0 --baseline /tmp/load-base

One server (app.py as users get it: the live plane on) on 127.0.0.1. For each N, N sessions speak the
browser's websocket protocol (tests/e2e/stclient.py: BackMsg rerun_script with widget states, fragment
ids and cached-message hashes; ForwardMsg back) for --seconds each, all in this one asyncio process,
so the server is measured and not N software-rendered browsers. Each session opens Explore, then
repeats, after a think time of 0.3-1.5 s: move a z1/z2 slider (60 %: a fragment rerun), go to a
training digit # (20 %: a fragment rerun with its 8 neighbours), open Reconstructions or Models and
come back (20 %: full page runs). Meanwhile `python -m model train --subset 2000` runs as a separate
process at nice 10, as the Train page's child process would (started once, after its first epoch
the runs begin; each run reports the epochs it completed). Latency is BackMsg sent ->
script_finished received. Errors: an exception element, a timeout, a dropped socket, a bad status.
The server's RSS and CPU come from /proc every second. --replicas K runs K servers behind Debian's
nginx (assets/deploy-nginx-replicas.conf, filled in as tests/e2e/test_proxy.py does; CPU and RSS
summed over the replicas). --chromium K adds, in the smallest N's
run, K real Chromium pages moving the z1 slider (key press -> new decoded image, timed in the page).
--baseline PATH measures a checkout of another version the same way right after (with
--baseline-replicas K, on K servers: one version's single server against another's replicas), and
prints the ratios. Writes bench/results/load.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.e2e.app_utils import CHROMIUM, CHROMIUM_ARGS, DECODED, start_streamlit, stop, wait_for_app
from tests.e2e.stclient import Session

ROOT = Path(__file__).resolve().parents[1]

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def proc_sample(pid: int) -> tuple[float, int]:
    """(CPU seconds so far, RSS bytes) of a process, from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / TICK  # utime, stime
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return cpu, rss


class Monitor(threading.Thread):
    """Samples the servers' CPU % and RSS (summed over the replicas) and the load average once a second."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.samples, self.stop_ev = pids, [], threading.Event()

    def sample(self) -> tuple[float, int]:
        both = [proc_sample(pid) for pid in self.pids]
        return sum(c for c, _ in both), sum(r for _, r in both)

    def run(self):
        cpu0, t0 = self.sample()[0], time.monotonic()
        while not self.stop_ev.wait(1.0):
            cpu, rss = self.sample()
            t = time.monotonic()
            self.samples.append({"cpu_pct": 100 * (cpu - cpu0) / (t - t0), "rss_mb": rss / 2**20,
                                 "load1": os.getloadavg()[0]})  # fmt: skip
            cpu0, t0 = cpu, t


async def user(url: str, rng: random.Random, deadline: float, start_delay: float, out: dict) -> None:
    """One session of realistic use until `deadline`; latencies by action into out, errors counted."""
    await asyncio.sleep(start_delay)

    def record(action: str, run) -> None:
        out.setdefault(action, []).append(run.seconds)
        if run.exceptions or run.status not in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):
            out["errors"].append(f"{action}: {run.status} {run.exceptions[:1]}")

    try:
        async with Session(url, timeout=60) as s:
            record("open Explore", await s.open(""))
            z1, z2 = s.widgets["explore_z1"].proto, s.widgets["explore_z2"].proto
            n = s.widgets["explore_jump"].proto.max
            while time.monotonic() < deadline:
                await asyncio.sleep(rng.uniform(0.3, 1.5))
                r = rng.random()
                if r < 0.6:
                    w = rng.choice([z1, z2])
                    key = "explore_z1" if w is z1 else "explore_z2"
                    value = round(rng.uniform(w.min, w.max) / w.step) * w.step
                    record("slider", await s.set_widget(key, value))
                elif r < 0.8:
                    record("go to digit #", await s.set_widget("explore_jump", rng.randrange(int(n) + 1)))
                else:
                    record("open another page", await s.open(rng.choice(["reconstructions", "models"])))
                    await asyncio.sleep(rng.uniform(0.3, 1.5))
                    record("open Explore", await s.open(""))
    except Exception as e:  # a timeout, a dropped socket: an error, never a crash of the benchmark
        out["errors"].append(f"{type(e).__name__}: {e}"[:200])


def chromium_sliders(url: str, pages: int, moves: int, out: list, ready: threading.Event) -> None:
    """K real Chromium pages on Explore: z1 key press -> new decoded image loaded, ms in the page."""
    from playwright.sync_api import sync_playwright

    arm = """(old) => { window.__t0 = null; window.__done = null;
        document.addEventListener('keydown', () => { window.__t0 = performance.now(); }, {once: true, capture: true});
        const iv = setInterval(() => { const im = document.querySelector('%s');
            if (window.__t0 !== null && im && im.src !== old && im.complete) {
                window.__done = performance.now() - window.__t0; clearInterval(iv); } }, 5); }""".replace("%s", DECODED)
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            tabs = []
            for _ in range(pages):
                pg = b.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                pg.set_default_timeout(120_000)
                pg.goto(url + "/")
                pg.wait_for_selector(DECODED)
                wait_for_app(pg)
                tabs.append(pg)
            ready.set()
            time.sleep(5)  # the light clients ramp up first
            for i in range(moves):
                for pg in tabs:
                    pg.get_by_role("slider", name="z1").focus()
                    pg.evaluate(arm, pg.get_attribute(DECODED, "src"))
                    pg.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                    try:
                        pg.wait_for_function("() => window.__done !== null", timeout=30_000, polling=10)
                        out.append(pg.evaluate("() => window.__done"))
                    except Exception:
                        out.append(None)
                    time.sleep(1.0)
            b.close()
    finally:
        ready.set()  # never leave the caller waiting


class Training:
    """The training session: the CLI's train on 2,000 digits, niced as in-app training is; runs until stopped.

    started() waits (at most 180 s) for its first epoch line, so the load phase runs while it really trains.
    """

    def __init__(self, out_dir: Path):
        cmd = ["nice", "-n", "10", sys.executable, "-m", "model", "train", "--config", "seed", "--subset", "2000",
               "--epochs", "1000", "--out", str(out_dir / "trained")]  # fmt: skip
        self.log = out_dir / "train.log"  # TensorFlow's warnings; the reason if it fails
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
        self.epochs, self.first = 0, threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            if line.startswith("epoch"):
                self.epochs += 1
                self.first.set()

    def started(self) -> bool:
        return self.first.wait(180)

    def stop(self) -> int:
        self.proc.terminate()
        self.proc.wait(30)
        return self.epochs


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


async def phase(url: str, n: int, seconds: float, seed: int) -> dict:
    deadline = time.monotonic() + seconds
    outs = [{"errors": []} for _ in range(n)]
    ramp = min(5.0, seconds / 4)
    await asyncio.gather(*(user(url, random.Random(seed + i), deadline, ramp * i / n, outs[i]) for i in range(n)))
    merged: dict[str, list] = {"errors": []}
    for o in outs:
        for k, v in o.items():
            merged.setdefault(k, []).extend(v)
    return merged


def run_n(url: str, pids: list[int], n: int, seconds: float, train: Training, chromium: int) -> dict:
    print(f"N = {n}: {seconds:.0f} s ...", file=sys.stderr, flush=True)
    epochs0 = train.epochs
    browser_ms: list = []
    th, ready = None, threading.Event()
    if chromium:  # its pages load first; their slider moves then run inside the phase
        th = threading.Thread(target=chromium_sliders, args=(url, chromium, 10, browser_ms, ready), daemon=True)
        th.start()
        ready.wait(300)
    mon = Monitor(pids)
    mon.start()
    load0 = os.getloadavg()[0]
    t0, cpu0 = time.monotonic(), os.times()
    merged = asyncio.run(phase(url, n, seconds, seed=1000 * n))
    wall, cpu1 = time.monotonic() - t0, os.times()
    if th:
        th.join(300)
    mon.stop_ev.set()
    epochs = train.epochs - epochs0
    training = train.proc.poll() is None and epochs > 0
    actions = {k: v for k, v in merged.items() if k != "errors"}
    done = sum(len(v) for v in actions.values())
    cpu = [s["cpu_pct"] for s in mon.samples]
    res = {
        "sessions": n, "replicas": len(pids), "seconds": round(wall, 1), "errors": len(merged["errors"]), "error_samples": merged["errors"][:5],
        "actions": done, "actions_per_s": round(done / wall, 2),
        "by_action": {k: {"n": len(v), "p50_ms": round(1000 * statistics.median(v), 1),
                          "p95_ms": round(1000 * pct(v, 0.95), 1)} for k, v in actions.items()},
        "server_cpu_pct_mean": round(statistics.mean(cpu), 1) if cpu else None,
        "server_cpu_pct_max": round(max(cpu), 1) if cpu else None,
        "server_rss_mb_max": round(max(s["rss_mb"] for s in mon.samples), 1) if mon.samples else None,
        "load1_start": round(load0, 2), "load1_max": round(max(s["load1"] for s in mon.samples), 2),
        "training": training, "training_epochs_done": epochs,
        "client_cpu_pct": round(100 * (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / wall, 1),
    }  # fmt: skip
    if chromium:
        ok = [x for x in browser_ms if x is not None]
        res["chromium"] = {"pages": chromium, "moves": len(browser_ms), "misses": len(browser_ms) - len(ok),
                           "p50_ms": round(statistics.median(ok), 1) if ok else None,
                           "p95_ms": round(pct(ok, 0.95), 1) if ok else None}  # fmt: skip
    print(json.dumps(res), file=sys.stderr, flush=True)
    return res


def replicas(r: dict) -> str:
    return f" ({r['replicas']} replicas)" if r.get("replicas", 1) > 1 else ""


def table(results: list[dict]) -> str:
    rows = [
        "| sessions | errors | actions/s | slider → finished p50 / p95 | go to digit # p50 / p95 | page open p50 / p95 "
        "| server CPU mean / max | server RSS max | load average (1 min), start → max |",
        "|---:|---:|---:|---|---|---|---|---|---|",
    ]
    for r in results:
        a = r["by_action"]

        def cell(k: str, a=a) -> str:
            return f"{a[k]['p50_ms']:,.0f} / {a[k]['p95_ms']:,.0f} ms" if k in a else "–"

        rows.append(
            f"| {r['sessions']}{replicas(r)} | {r['errors']} | {r['actions_per_s']} | {cell('slider')} | {cell('go to digit #')} "
            f"| {cell('open another page')} | {r['server_cpu_pct_mean']:.0f} % / {r['server_cpu_pct_max']:.0f} % "
            f"| {r['server_rss_mb_max']:,.0f} MB | {r['load1_start']} → {r['load1_max']} |"
        )
    return "\n".join(rows)


@contextlib.contextmanager
def behind_nginx(tmp: Path, urls: list[str]):
    """Debian's nginx on a free 127.0.0.1 port in front of the replicas, as tests/e2e/test_proxy.py runs it."""
    from tests.e2e.app_utils import free_port
    from tests.e2e.test_proxy import NGINX, nginx_conf

    if NGINX is None:
        raise SystemExit("--replicas needs Debian's nginx (apt-get install nginx-light)")
    folder, listen = tmp / "nginx", free_port()
    folder.mkdir()
    conf = nginx_conf(folder, listen, [int(u.rsplit(":", 1)[1]) for u in urls])
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{listen}"
    finally:
        proc.terminate()
        proc.wait(10)


def measure(root: Path, args, replicas: int) -> list[dict]:
    """Every --sessions size against `replicas` fresh servers of the checkout at `root` (one training throughout)."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as servers:
        lib = Path(tmp)
        procs = []
        for _ in range(replicas):
            proc, url = start_streamlit({"LATENT_EXPLORER_MODELS": str(lib / "library")}, root=root)
            servers.callback(stop, proc)
            procs.append((proc, url))
        if replicas > 1:
            url = servers.enter_context(behind_nginx(lib, [u for _, u in procs]))
        train = None
        try:
            for _, u in procs:  # warm-up of each replica: the imports, the model, the caches
                asyncio.run(phase(u, 1, 1, seed=0))
            train = Training(lib)  # one training for all the runs, as one session training all along
            if not train.started():
                raise SystemExit(f"the training process gave no epoch in 180 s: {train.log.read_text()[-300:]}")
            pids = [p.pid for p, _ in procs]
            return [run_n(url, pids, n, args.seconds, train, args.chromium if i == 0 else 0)
                    for i, n in enumerate(args.sessions)]  # fmt: skip
        finally:
            if train:
                train.stop()


def ratios(this: list[dict], base: list[dict]) -> str:
    """p95 of every action and actions/s, baseline / this checkout, per size (measured in the same run)."""
    rows = [
        "| sessions | actions/s, this / baseline | p95 baseline / this: slider, digit #, page open |",
        "|---:|---|---|",
    ]
    for a, b in zip(this, base, strict=True):
        keys = ("slider", "go to digit #", "open another page")
        r = [f"{b['by_action'][k]['p95_ms'] / a['by_action'][k]['p95_ms']:.1f}×" for k in keys if k in a["by_action"]]
        rows.append(f"| {a['sessions']} | {a['actions_per_s'] / b['actions_per_s']:.1f}× | {', '.join(r)} |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[10, 30, 50])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--chromium", type=int, default=3, help="real Chromium pages in the first run (0: none)")
    ap.add_argument("--replicas", type=int, default=1, help="servers behind nginx (assets/deploy-nginx-replicas.conf)")
    ap.add_argument("--baseline", type=Path, help="a checkout of another version, measured the same way after this one")
    ap.add_argument("--baseline-replicas", type=int, help="the baseline's servers (default: --replicas)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "load.json"))
    args = ap.parse_args()
    results = measure(ROOT, args, args.replicas)
    out = {"cores": os.cpu_count(), "runs": results}
    if args.baseline:
        print(f"baseline: {args.baseline}", file=sys.stderr, flush=True)
        out["baseline"] = {
            "root": str(args.baseline),
            "runs": measure(args.baseline.resolve(), args, args.baseline_replicas or args.replicas),
        }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(table(results))
    for r in results:
        if "chromium" in r:
            print(f"Chromium, {r['chromium']['pages']} pages during N = {r['sessions']}: slider → image "
                  f"p50 {r['chromium']['p50_ms']} ms, p95 {r['chromium']['p95_ms']} ms, {r['chromium']['misses']} misses")  # fmt: skip
    if args.baseline:
        print("\nbaseline:\n" + table(out["baseline"]["runs"]))
        print("\n" + ratios(results, out["baseline"]["runs"]))


if __name__ == "__main__":
    main()
