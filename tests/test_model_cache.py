"""ui/model_cache.py: a computation cached per model is done again when the model is saved again, never otherwise."""

from __future__ import annotations

import types

import pytest

from model.folders import store
from ui.model_cache import per_version

pytestmark = pytest.mark.usefixtures("fresh_st_caches")


def save(target, text: str) -> None:
    store.write_atomic_dir(target, lambda tmp: (tmp / store.META_FILE).write_text(text))


def test_a_save_under_the_same_name_is_a_new_version(tmp_path):
    """Each save of a folder has its own saved_version; reading it again gives the same; no folder gives ""."""
    target = tmp_path / "mine"
    save(target, "{}")
    first = store.saved_version(target)
    assert first and store.saved_version(target) == first
    save(target, "{}")
    assert store.saved_version(target) not in ("", first)
    assert store.saved_version(tmp_path / "absent") == ""


def test_per_version_computes_once_per_model_version_and_argument(tmp_path):
    """The same model and argument: one computation; another argument or a re-saved model: one more each."""
    calls = []

    @per_version()
    def double(model, k: int) -> int:
        calls.append((model.version, k))
        return 2 * k

    old = types.SimpleNamespace(path=tmp_path / "mine", version="v-1")
    assert [double(old, 3), double(old, 3), double(old, 4)] == [6, 6, 8]
    new = types.SimpleNamespace(path=tmp_path / "mine", version="v-2")  # saved again under its name
    assert double(new, 3) == 6
    assert calls == [("v-1", 3), ("v-1", 4), ("v-2", 3)]
