"""The live plane's browser modules (ui/plane/js/*.js): the bundle builds, every module is used, functions stay short."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from ui.plane import bundle
from ui.plane.bundle import DIR, BundleError, build, order

MAX_LINES = 80
_START = re.compile(r"\bfunction\b[^(]*\(|=>\s*\{")


def _close(text: str, i: int, open_: str, close: str) -> int:
    """The index of the bracket closing text[i] (== open_), skipping strings and // comments."""
    depth, quote = 0, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'`":
            quote = c
        elif text.startswith("//", i):
            i = text.index("\n", i) if "\n" in text[i:] else len(text)
            continue
        elif c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced brackets")


def function_lengths(text: str) -> list[tuple[int, int]]:
    """(first line, line count) of every function and arrow-function body in `text`, nested ones too."""
    out = []
    for m in _START.finditer(text):
        i = m.end() - 1
        if text[i] == "(":  # `function f(...)`: skip the parameters (defaults may hold braces)
            i = text.index("{", _close(text, i, "(", ")"))
        end = _close(text, i, "{", "}")
        first = text.count("\n", 0, m.start()) + 1
        out.append((first, text.count("\n", 0, end) + 2 - first))
    return out


def test_bundle_reaches_every_module():
    """The entry module reaches every file in ui/plane/js/, and the bundle has each one's code and the tests' exports."""
    names = order()
    assert names[-1] == "main"
    assert sorted(names) == sorted(p.stem for p in DIR.glob("*.js"))
    js = build()
    for name in names:
        assert f"// ---- ui/plane/js/{name}.js" in js
    assert "export default function" in js
    assert re.search(r"^export \{ parsePayload, makeDecoder \};$", js, re.M)
    assert not re.search(r"^import ", js, re.M)  # no relative imports left for the browser to resolve


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_bundle_is_valid_javascript(tmp_path):
    """node parses the built bundle as an ES module."""
    path = tmp_path / "plane.mjs"
    path.write_text(build())
    run = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_no_function_is_longer_than_80_lines():
    """No function in ui/plane/js/*.js runs over 80 lines (one job per function, no big closures)."""
    long = [
        f"{p.name}:{line} ({n} lines)"
        for p in sorted(DIR.glob("*.js"))
        for line, n in function_lengths(p.read_text())
        if n > MAX_LINES
    ]
    assert not long, "functions over 80 lines: " + ", ".join(long)


def test_length_counter_catches_a_long_function():
    """The line counter sees a long function, nested and arrow ones, and braces in defaults and strings."""
    body = "\n".join(f'  x += "{{{i}";' for i in range(MAX_LINES))
    text = f"function f(a, {{ b = 1 }} = {{}}) {{\n  const g = () => {{ return 1; }};\n{body}\n}}\n"
    assert function_lengths(text) == [(1, MAX_LINES + 3), (2, 1)]


def test_bundler_refuses_what_it_cannot_join(tmp_path, monkeypatch):
    """An import cycle or an import form the bundler does not handle is an error, not a broken bundle."""
    monkeypatch.setattr(bundle, "DIR", tmp_path)
    (tmp_path / "main.js").write_text('import { a } from "./a.js";\nexport default function () { a(); }\n')
    (tmp_path / "a.js").write_text('import { b } from "./main.js";\nexport function a() {}\n')
    with pytest.raises(BundleError, match="cycle"):
        order()
    (tmp_path / "a.js").write_text('import a from "./b.js";\nexport function a() {}\n')
    with pytest.raises(BundleError, match="unsupported import"):
        order()
