"""How many thumbnail blocks, digits and bytes a zoomed-in view fetches, for several block sizes:

    LATENT_EXPLORER_DATA=../shared/data/mnist.npz python -m bench.thumb_blocks [--views 200]

For the default model's 60,000 training digits grouped by model/images/tiles.py (k-d tree leaves of at
most `size` digits), takes square views around random training digits, each holding 400 digits (the
most the plane draws as thumbnails) or 1,000 (where it starts fetching them), and counts the blocks whose
box meets the view: the files the browser GETs, and the digits and bytes they hold. No timing, so the
figures do not depend on the machine. Prints a table; writes bench/results/thumb_blocks.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from model.data_cache import mapped  # noqa: E402
from model.folders import store  # noqa: E402
from model.images.atlas import block_file  # noqa: E402
from model.images.tiles import blocks, boxes  # noqa: E402

SIZES = (64, 128, 256, 512, 1024)
IN_VIEW = (400, 1000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--views", type=int, default=200)
    args = ap.parse_args()
    bundle = store.load()
    z = np.asarray(bundle.latent["z_train"], np.float32)
    x = mapped(bundle.meta.get("dataset", "mnist"))[0][0]
    rng = np.random.default_rng(0)
    centres = z[rng.integers(len(z), size=args.views)]
    rows = []
    for size in SIZES:
        groups = blocks(z, size)
        box = boxes(z, groups)
        nbytes = np.array([len(block_file(x, g)) for g in groups])
        counts = np.array([len(g) for g in groups])
        for n in IN_VIEW:
            met = []
            for c in centres:
                h = np.sort(np.max(np.abs(z - c), axis=1))[n]
                met.append((box[:, 0] <= c[0] + h) & (box[:, 1] >= c[0] - h) & (box[:, 2] <= c[1] + h) & (box[:, 3] >= c[1] - h))  # fmt: skip
            nb = [m.sum() for m in met]
            rows.append({
                "size": size, "blocks": len(groups), "in_view": n,
                "files": float(np.median(nb)), "files_p90": float(np.percentile(nb, 90)),
                "digits": float(np.median([counts[m].sum() for m in met])),
                "kb": float(np.median([nbytes[m].sum() for m in met]) / 1000),
                "kb_per_file": float(nbytes.mean() / 1000),
            })  # fmt: skip
            r = rows[-1]
            print(f"size {size:5d} ({r['blocks']:4d} blocks, {r['kb_per_file']:5.1f} KB each)  {n:5d} in view: "
                  f"{r['files']:4.1f} files (p90 {r['files_p90']:4.1f}), {r['digits']:6.0f} digits, {r['kb']:6.0f} KB")  # fmt: skip
    out = ROOT / "bench" / "results" / "thumb_blocks.json"
    out.write_text(json.dumps({"views": args.views, "rows": rows}, indent=2) + "\n")
    print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main()
