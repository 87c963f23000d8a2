"""Hostile model folders against the validator: outcome, time and peak memory per case.

    python -m bench.hostile_models            # every case of tests/hostile_cases.py, bombs of 1 GiB
    python -m bench.hostile_models --size-mb 300 --no-baseline
    python -m bench.hostile_models --one-process --no-baseline   # one TensorFlow import: a few minutes

Each case runs in a fresh child process: it builds the folder (untimed), then times store.load
(model/folders/check.py's validator, then Keras in safe mode) and reads the child's peak RSS before and
after (ru_maxrss), so "extra MB" is what that load cost on top of Python + TensorFlow. The
shipped model is loaded the same way as the reference. For the zip bombs the baseline is what
Keras / NumPy do with the same file when nothing checks it first (the code before issue 12).
Results go to bench/results/hostile_models.json and the table in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(case: str, size: int, mode: str) -> dict:
    """Build the case in a temp folder, then load it `mode` = "validated" | "unchecked"; one JSON result."""
    from tests import hostile_cases

    with tempfile.TemporaryDirectory() as tmp:
        folder = hostile_cases.SHIPPED if case == "shipped model (reference)" else hostile_cases.make(case, Path(tmp) / "m", size)  # fmt: skip
        import keras
        import numpy as np

        from model.folders import store

        before = peak_mb()
        t = time.perf_counter()
        try:
            if mode == "validated":
                store.load(folder)
            elif "latent" in case:
                with np.load(folder / "latent.npz", allow_pickle=False) as f:
                    {k: f[k] for k in f.files}
            else:
                keras.saving.load_model(folder / "model.keras", safe_mode=True, compile=False)
            outcome = "loaded"
        except store.ModelError as e:
            outcome = f"refused: {e}"
        except BaseException as e:  # the unchecked baseline's failures
            outcome = f"{type(e).__name__}"
        return {"case": case, "mode": mode, "outcome": outcome, "seconds": time.perf_counter() - t,
                "extra_mb": peak_mb() - before, "peak_mb": peak_mb()}  # fmt: skip


def run(case: str, size: int, mode: str) -> dict:
    cmd = [sys.executable, "-m", "bench.hostile_models", "--child", case, "--mode", mode,
           "--size-mb", str(size // 2**20)]  # fmt: skip
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"case": case, "mode": mode, "outcome": f"child died (exit {p.returncode})", "seconds": None,
                "extra_mb": None, "peak_mb": None, "stderr": p.stderr[-500:]}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024, help="how far the bombs inflate")
    ap.add_argument("--no-baseline", action="store_true", help="skip the unchecked loads of the bombs")
    ap.add_argument(
        "--one-process",
        action="store_true",
        help="all validated cases in this process (fast; peak RSS is then a running maximum)",
    )
    ap.add_argument("--child")
    ap.add_argument("--mode", default="validated")
    a = ap.parse_args()
    size = a.size_mb * 2**20
    if a.child:
        print(json.dumps(child(a.child, size, a.mode)))
        return
    from tests import hostile_cases

    cases = ["shipped model (reference)", *hostile_cases.big_factory(size)]
    if a.one_process:
        rows = []
        for c in cases:
            rows.append(child(c, size, "validated"))
            print(json.dumps(rows[-1]), flush=True)
    else:
        rows = [run(c, size, "validated") for c in cases]
    if not a.no_baseline:
        rows += [run(c, size, "unchecked") for c in cases if "inflate" in c]
    print("| case | load | outcome | time | extra memory |\n|---|---|---|---:|---:|")
    for r in rows:
        secs = f"{r['seconds']:.3f} s" if r["seconds"] is not None else "–"
        mb = f"{r['extra_mb']:.0f} MB" if r["extra_mb"] is not None else "–"
        print(f"| {r['case']} | {r['mode']} | {r['outcome'][:110]} | {secs} | {mb} |")
    out = ROOT / "bench" / "results" / "hostile_models.json"
    out.write_text(json.dumps({"size_mb": a.size_mb, "one_process": a.one_process, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
