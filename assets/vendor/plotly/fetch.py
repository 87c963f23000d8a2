"""Fetch the pinned plotly.js partial bundle that the live plane loads, and check it.

    python assets/vendor/plotly/fetch.py           # download the pinned version, verify, write
    python assets/vendor/plotly/fetch.py --check   # only verify the committed copy

The plane draws scattergl points with Plotly's layout, legend, modebar, selections and shapes; the
official `gl2d` partial bundle (traces parcoords, scatter, scattergl, splom) holds all of it in about
a third of the full bundle's bytes. plotly.json beside this file pins it: the npm package and version,
the bundle's path in the package's tarball, and its SHA-256. `npm pack` downloads the tarball (npm
checks the registry's integrity hash); this script takes the bundle and the licence out of it, checks
the bundle's SHA-256 against the pin, and writes both beside this file. The copies are committed, so
neither the app nor CI needs npm: there is no build step. To move to another version, change
plotly.json's version and sha256 (the script prints the new file's hash when they differ) and rerun.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIN = json.loads((HERE / "plotly.json").read_text())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check() -> bool:
    """Whether the committed bundle is the pinned one."""
    path = HERE / PIN["file"]
    return path.is_file() and sha256(path.read_bytes()) == PIN["sha256"]


def fetch() -> None:
    spec = f"{PIN['package']}@{PIN['version']}"
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True, text=True)
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:  # only the two named members are read, never extracted by path
            bundle = tar.extractfile(PIN["member"]).read()
            licence = tar.extractfile("package/LICENSE").read()
    if sha256(bundle) != PIN["sha256"]:
        sys.exit(f"{spec} {PIN['member']} has SHA-256 {sha256(bundle)}, not the pinned {PIN['sha256']}")
    (HERE / PIN["file"]).write_bytes(bundle)
    (HERE / "LICENSE").write_bytes(licence)
    print(f"{spec}: {PIN['file']} ({len(bundle):,} bytes) and LICENSE written")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only verify the committed copy")
    if ap.parse_args().check:
        sys.exit(0 if check() else f"{PIN['file']} is missing or not the pinned {PIN['package']} {PIN['version']}")
    fetch()


if __name__ == "__main__":
    main()
