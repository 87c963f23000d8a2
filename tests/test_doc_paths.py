"""Docs that cannot go stale: every repository path a doc, docstring or comment names exists, and every
`python -m X` a doc gives names a module that exists.

A path is a word such as `ui/plane/bundle.py`, `docs/`, `ui/plane/js/*.js` or `model/plane/selection.pack`
(a module's attribute): one whose first part is a top-level entry of the repository, or that ends in a
source file's extension. Paths made at run time (RUNTIME) are not in the repository and are not checked.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import io
import re
import subprocess
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACKED = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
FILES = set(TRACKED)
TOP = {p.split("/")[0] for p in TRACKED}
DIRS = {"/".join(p.split("/")[:i]) for p in TRACKED for i in range(1, p.count("/") + 1)}  # every tracked folder
# Made at run time or outside the repository: the app's static files, caches, the model library, venvs.
RUNTIME = ("static/", "app/static/", "models/", ".venv/", ".cache/", ".pytest_cache/", "tests/e2e/apps/static/", "bench/results/")  # fmt: skip
EXT = r"(?:py|js|md|css|wat|json|toml|txt|npz|npy|keras|png|sh)"
PATH = re.compile(rf"(?<![\w./~:@$<>{{-])((?:\.?[\w-]+/)+(?:[\w.*-]*[\w*]/?)?|[\w-]+\.{EXT})(?![\w/(])")
MODULE = re.compile(r"python3? -m (\w+(?:\.\w+)*)")


def is_path(word: str) -> bool:
    """A path of the repository: its first part is a top-level entry or the name of a tracked folder
    (`e2e/conftest.py` in a map of tests/), not a placeholder such as `name/meta.json`."""
    first = word.split("/")[0]
    return "/" in word and (first in TOP or first in {d.rsplit("/", 1)[-1] for d in DIRS})


def _found(word: str) -> bool:
    """In the repository as a fresh clone has it (tracked files and their folders; a glob matches one)."""
    if "*" in word:
        return any(fnmatch.fnmatch(p, word) for p in TRACKED)
    if word in FILES or word in DIRS:
        return True
    stem, _, attr = word.rpartition(".")  # model/plane/selection.pack: a module's attribute
    return bool(stem) and f"{stem}.py" in FILES and not re.fullmatch(EXT, attr)


def exists(word: str) -> bool:
    """Whether `word` names something in the repository, from its root or from a folder (a layout map's
    indented entries); paths made at run time count as there."""
    word = word.rstrip("/")
    return f"{word}/".startswith(RUNTIME) or any(_found(w) for w in (word, *(f"{d}/{word}" for d in DIRS)))


def module_exists(name: str) -> bool:
    parts = name.split(".")
    if parts[0] in TOP:
        base = ROOT.joinpath(*parts)
        return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file() or (base / "__main__.py").is_file()
    return importlib.util.find_spec(parts[0]) is not None


def stale(text: str, commands: bool = True) -> list[str]:
    """The paths (and, in a doc, `python -m` modules) `text` names that do not exist."""
    out = [w for w in PATH.findall(text) if is_path(w) and not exists(w)]
    if commands:
        out += [f"python -m {m}" for m in MODULE.findall(text) if not module_exists(m)]
    return out


def prose(path: Path) -> str:
    """What a file says to its reader: a doc whole, a Python file's docstrings and comments, a JS file's comments."""
    text = path.read_text()
    if path.suffix == ".md":
        return text
    if path.suffix == ".js":
        return "\n".join(re.findall(r"//.*|/\*[\s\S]*?\*/", text))
    docs = [ast.get_docstring(n) or "" for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)]  # fmt: skip
    comments = [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
    return "\n".join(docs + comments)


def sources() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "*.md", "*.py", "*.js"], cwd=ROOT, capture_output=True, text=True).stdout.split()  # fmt: skip
    return [ROOT / n for n in names if (ROOT / n).is_file() and not n.startswith("tests/fixtures/")]


def test_every_path_and_module_named_in_docs_and_comments_exists():
    """No doc, docstring or comment names a repository path, and no doc a `python -m` module, that is gone."""
    found = {str(p.relative_to(ROOT)): stale(prose(p), commands=p.suffix == ".md") for p in sources()}
    assert not {k: v for k, v in found.items() if v}


def test_a_made_up_path_or_module_is_caught():
    """A fixture naming a file that does not exist, or a benchmark that was removed, fails the check."""
    text = "The plane's code is in ui/plane/no_such_file.py; time it with `python -m bench.no_such_bench`."
    assert stale(text) == ["ui/plane/no_such_file.py", "python -m bench.no_such_bench"]
    assert stale("Edit ui/plane/js/*.js, built by ui/plane/bundle.py; the payload goes to static/lp/.") == []
