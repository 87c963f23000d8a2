"""The suite's own layout: every module whose fixtures are module-scoped runs in one parallel worker."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
MODULE_SCOPE = 'scope="' + 'module"'  # spelt in two pieces so that this file does not match itself


def ungrouped(folder: Path) -> list[str]:
    """Test modules under `folder` with a module-scoped fixture and no xdist_group in their pytestmark."""
    return [
        str(p.relative_to(folder))
        for p in sorted(folder.rglob("test_*.py"))
        if MODULE_SCOPE in (text := p.read_text()) and not re.search(r"^pytestmark = .*xdist_group\(", text, re.M)
    ]


def test_every_module_with_module_scoped_fixtures_is_one_xdist_group():
    """A module-scoped server or trained model is built once: its module carries an xdist_group mark."""
    assert not ungrouped(TESTS), "add pytest.mark.xdist_group to these modules' pytestmark"


def test_the_guard_sees_a_module_without_its_mark(tmp_path):
    """The check finds a module with a module-scoped fixture and no group, and passes one with its group."""
    fixture = f"@pytest.fixture({MODULE_SCOPE})\ndef served(): ...\n"
    (tmp_path / "test_bare.py").write_text(fixture)
    (tmp_path / "test_marked.py").write_text('pytestmark = pytest.mark.xdist_group("marked")\n' + fixture)
    assert ungrouped(tmp_path) == ["test_bare.py"]
