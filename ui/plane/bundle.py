"""The live plane's browser code as one inline ES module, built from the modules in ui/plane/js/.

Streamlit Components v2 takes the JavaScript as one string, so the modules (real ES modules, with
relative imports) are joined here, deterministically, with no build step: each module's body is wrapped
in a function scope (`const __plane_x = (() => { ...; return {its exports}; })();`), in dependency
order from the entry module (main.js), and its imports become `const {a, b} = __plane_x;`. The entry
stays at the top level with its default export and its `export {...}` list (parsePayload, makeDecoder
for tests/e2e/test_live_plane_decoder.py). Supported syntax, one statement a line:
  import {a, b} from "./x.js";   import * as x from "./x.js";
  export function f / export const X / export let / export class   (and `export {a, b};` in the entry)
Anything else starting with import/export raises BundleError; so does an import cycle.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

DIR = Path(__file__).resolve().parent / "js"
ENTRY = "main"

_NAMED = re.compile(r'^import \{([^}]*)\} from "\./([a-z_]+)\.js";\s*$')
_STAR = re.compile(r'^import \* as (\w+) from "\./([a-z_]+)\.js";\s*$')
_DECL = re.compile(r"^export ((?:async )?(?:function\*?|const|let|class) +(\w+))")
_LIST = re.compile(r"^export \{([\w\s,]*)\};\s*$")


class BundleError(ValueError):
    pass


def _imports(name: str) -> list[str]:
    """The modules `name` imports, in order of appearance."""
    out = []
    for line in (DIR / f"{name}.js").read_text().splitlines():
        m = _NAMED.match(line) or _STAR.match(line)
        if m:
            out.append(m.group(2))
        elif line.startswith("import "):
            raise BundleError(f"ui/plane/js/{name}.js: unsupported import: {line.strip()}")
    return out


def order(entry: str = ENTRY) -> list[str]:
    """The modules reachable from `entry`, each after the modules it imports (entry last)."""
    done: list[str] = []
    active: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in active:
            raise BundleError("import cycle: " + " -> ".join([*active, name]))
        if not (DIR / f"{name}.js").is_file():
            raise BundleError(f"ui/plane/js/{name}.js does not exist (imported by {active[-1]})")
        active.append(name)
        for dep in _imports(name):
            visit(dep)
        active.pop()
        done.append(name)

    visit(entry)
    return done


def _module(name: str, entry: bool) -> str:
    """One module's text with its imports and exports rewritten (wrapped unless it is the entry)."""
    lines, exports = [], []
    for line in (DIR / f"{name}.js").read_text().splitlines():
        if m := _NAMED.match(line):
            names = ", ".join(n.strip().replace(" as ", ": ") for n in m.group(1).split(",") if n.strip())
            lines.append(f"const {{ {names} }} = __plane_{m.group(2)};")
        elif m := _STAR.match(line):
            lines.append(f"const {m.group(1)} = __plane_{m.group(2)};")
        elif m := _DECL.match(line):
            exports.append(m.group(2))
            lines.append(line[len("export ") :])
        elif entry and (line.startswith("export default ") or _LIST.match(line)):
            lines.append(line)
        elif (m := _LIST.match(line)) and not entry:
            exports += [n.strip() for n in m.group(1).split(",") if n.strip()]
        elif line.startswith("export "):
            raise BundleError(f"ui/plane/js/{name}.js: unsupported export: {line.strip()}")
        else:
            lines.append(line)
    body = "\n".join(lines)
    if entry:
        return f"// ---- ui/plane/js/{name}.js\n{body}\n"
    return f"// ---- ui/plane/js/{name}.js\nconst __plane_{name} = (() => {{\n{body}\nreturn {{ {', '.join(exports)} }};\n}})();\n"


def build(entry: str = ENTRY) -> str:
    """The whole plane as one ES module (see the module docstring)."""
    names = order(entry)
    head = "// The live latent plane, built by ui/plane/bundle.py from ui/plane/js/*.js: edit those, not this.\n"
    return head + "\n".join(_module(n, n == entry) for n in names)


@functools.cache
def bundle() -> str:
    """build(), once per process."""
    return build()
