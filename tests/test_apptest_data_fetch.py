"""AppTest of a page without its data set: the plane still shows, one line says what is off, and its
button downloads the data set in the background from the data host (a stand-in on 127.0.0.1)."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from model import fetch_jobs
from tests.apptest_utils import plane_state
from tests.test_data import synthetic, write_npz
from tests.test_download import publish

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_explore_without_mnist_offers_the_download_and_then_has_the_data(
    monkeypatch, data_host, tmp_path, fresh_st_caches
):
    """No variable, an empty Keras cache: Explore shows the plane, one line and a button; after it, the data is there."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fetch_jobs, "_jobs", {})
    publish(monkeypatch, data_host, write_npz(tmp_path / "m.npz", synthetic(n_train=60000, n_test=10000)).read_bytes())
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception and plane_state(at)["marker"]
    notes = [i.value for i in at.info]
    assert len(notes) == 1 and "download it below" in notes[0] and "LATENT_EXPLORER_DATA" in notes[0]
    at.button(key="data_fetch_mnist").click().run()
    deadline = time.monotonic() + 60
    while fetch_jobs.progress("mnist").state == fetch_jobs.RUNNING and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fetch_jobs.progress("mnist").state == fetch_jobs.DONE
    at.run()
    assert not at.exception and not at.warning
    assert not [i for i in at.info if "not available" in i.value]
    assert (tmp_path / "keras" / "datasets" / "mnist.npz").is_file()


def test_a_refused_download_says_so_in_one_sentence_and_offers_the_button_again(
    monkeypatch, data_host, tmp_path, fresh_st_caches
):
    """A download refused for its checksum shows one plain warning and the button, no traceback, no path."""
    monkeypatch.setattr(fetch_jobs, "_jobs", {})
    publish(monkeypatch, data_host, b"junk" * 100, digest="0" * 64)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.button(key="data_fetch_mnist").click().run()
    deadline = time.monotonic() + 30
    while fetch_jobs.progress("mnist").state == fetch_jobs.RUNNING and time.monotonic() < deadline:
        time.sleep(0.1)
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "checksum" in warnings[0] and str(tmp_path) not in warnings[0]
    assert at.button(key="data_fetch_mnist")
