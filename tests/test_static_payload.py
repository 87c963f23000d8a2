"""The live plane's payload files (ui/plane/publish.py): content-addressed, written once, few."""

from __future__ import annotations

import hashlib

import ui.plane.publish as sp


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
    """Where the static folder cannot be written, publish says None (the bytes then travel inline)."""
    blocker = tmp_path / "static"
    blocker.write_text("a file, not a folder")
    assert sp.publish(b"x" * 10, blocker) is None
