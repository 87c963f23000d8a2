"""The files the live plane fetches (ui/plane/publish.py): the pinned plotly.js bundle and the payloads,
content-addressed, written once, few, and dated so that browsers keep them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import ui.plane.component as component
import ui.plane.publish as sp
from model.folders import store

ROOT = Path(__file__).resolve().parents[1]


def test_publish_writes_the_bytes_once_under_their_hash(tmp_path):
    """The file holds exactly the bytes, is named by their hash, and a second publish leaves it alone."""
    body = bytes(range(256)) * 40
    ref = sp.publish(body, tmp_path)
    sha = hashlib.sha256(body).hexdigest()[:16]
    assert ref == {"url": f"app/static/lp/{sha}.bin", "sha": sha, "nbytes": len(body)}
    path = tmp_path / "lp" / f"{sha}.bin"
    assert path.read_bytes() == body
    before = path.stat().st_mtime_ns
    assert sp.publish(body, tmp_path) == ref
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in (tmp_path / "lp").iterdir()] == [path.name]  # no temp file left behind
    assert sp.present(ref, tmp_path)
    path.unlink()
    assert not sp.present(ref, tmp_path)


def test_only_the_newest_files_this_process_wrote_stay(tmp_path, monkeypatch):
    """Past KEEP payloads, the oldest this process wrote are removed; the newest stay."""
    monkeypatch.setattr(sp, "KEEP", 3)
    monkeypatch.setattr(sp, "_written", sp.deque())
    refs = [sp.publish(b"payload %d" % i, tmp_path) for i in range(5)]
    left = sorted(p.name for p in (tmp_path / "lp").iterdir())
    assert left == sorted(f"{r['sha']}.bin" for r in refs[2:])


def test_unwritable_folder_gives_none(tmp_path):
    """Where the static folder cannot be written, publish says None (the page then shows the still picture)."""
    blocker = tmp_path / "static"
    blocker.write_text("a file, not a folder")
    assert sp.publish(b"x" * 10, blocker) is None


def test_unwritable_static_folder_means_the_still_picture_with_one_line(monkeypatch):
    """No static folder to publish to: the plane does not run (its megabytes never travel in the data); one line says why."""
    monkeypatch.setattr(component, "publish", lambda body, folder=None, ext="bin": None)
    bundle, classes = store.load(), tuple(str(i) for i in range(10))
    data, why = component.payload(bundle, "unserved_plane", classes)
    assert data is None and why == component.UNSERVED
    line = component.unavailable(bundle, "unserved_plane", classes)
    assert line.startswith("The live plane cannot run here") and "static folder" in line and "still picture" in line
    assert component.live_plane(bundle, key="unserved_plane", classes=classes).ok is False


def test_the_vendored_plotly_is_the_pinned_gl2d_bundle_with_its_licence():
    """assets/vendor/plotly holds the pinned plotly.js partial bundle (SHA-256 checked) with its MIT licence."""
    pin = json.loads((sp.VENDOR / "plotly.json").read_text())
    assert "scattergl" in pin["traces"]
    head = sp.PLOTLY_JS.read_bytes()[:200].decode()
    assert f"plotly.js (gl2d - minified) v{pin['version']}" in head
    assert "MIT License" in (sp.VENDOR / "LICENSE").read_text()
    check = subprocess.run([sys.executable, str(sp.VENDOR / "fetch.py"), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_plotly_is_served_under_its_version_as_the_plane_loads_it(tmp_path, monkeypatch):
    """ensure_plotly_js copies the vendored bundle to the name ui/plane/js/plot.js fetches, dated SETTLED."""
    monkeypatch.setitem(sp._served, "dir", sp._served["dir"])  # it names the folder served: put it back after
    target = sp.ensure_plotly_js.__wrapped__(tmp_path)
    assert target == tmp_path / sp.PLOTLY_NAME
    assert target.read_bytes() == sp.PLOTLY_JS.read_bytes()
    assert target.stat().st_mtime == sp.SETTLED
    plot_js = (ROOT / "ui" / "plane" / "js" / "plot.js").read_text()
    assert f'const PLOTLY_URL = "{sp.URL}";' in plot_js


def test_files_named_by_their_content_carry_an_old_date(tmp_path):
    """A payload's file is dated SETTLED, so its Last-Modified lets a returning browser keep it."""
    ref = sp.publish(b"payload bytes" * 100, tmp_path)
    assert (tmp_path / "lp" / f"{ref['sha']}.bin").stat().st_mtime == sp.SETTLED


def test_the_planes_code_and_style_are_files_named_by_their_content(monkeypatch, tmp_path):
    """code_ref writes the joined module and plane.css under static/lp/, named by their hash; the component's
    own code is the loader, a few lines, so no rerun carries the plane's code."""
    monkeypatch.setitem(sp._served, "dir", tmp_path)
    ref = component.code_ref()
    js, css = (tmp_path / "lp" / ref[k].rsplit("/", 1)[-1] for k in ("module", "style"))
    assert js.read_text() == component.bundle() and js.name.endswith(".js")
    assert css.read_bytes() == (ROOT / "ui" / "plane" / "plane.css").read_bytes() and css.name.endswith(".css")
    assert js.stat().st_mtime == sp.SETTLED  # a returning browser keeps it (test_files_named_by_their_content...)
    assert ref["module"] == "app/static/lp/" + hashlib.sha256(js.read_bytes()).hexdigest()[:16] + ".js"
    js.unlink()  # a cleaned static folder: the next run writes it again
    assert component.code_ref() == ref and js.is_file()
    loader = (ROOT / "ui" / "plane" / "loader.js").read_text()
    assert len(loader) < 4000 and "import(absolute(module))" in loader
    assert "makeDecoder" not in loader  # none of the plane itself
