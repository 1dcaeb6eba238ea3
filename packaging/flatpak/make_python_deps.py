"""Write packaging/flatpak/python3-deps.json: the Flatpak module that installs maliradio's Python
dependencies (all but PySide6, which io.qt.PySide.BaseApp brings) offline in the sandbox.

    .venv/bin/python packaging/flatpak/make_python_deps.py

The versions are the ones installed in this venv (the ones the tests ran with), found from
maliradio's own requirements. Each file is taken from PyPI's simple index with its SHA-256:
a pure-Python wheel where there is one, else the manylinux wheels of the runtime's Python
(CPython 3.12 in KDE 6.8) for x86_64 and aarch64, each limited to its architecture.
Run it again after a dependency changes (as flatpak-pip-generator would, without its pip run).
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.utils import canonicalize_name, parse_wheel_filename

OUT = Path(__file__).resolve().parent / "python3-deps.json"
PROVIDED = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}  # the BaseApp's
PYTHON = "312"
ARCHES = {"x86_64": "x86_64", "aarch64": "aarch64"}


def closure(root: str = "maliradio") -> dict[str, str]:
    """{distribution name: installed version} of everything `root` needs (extras asked for
    included), PROVIDED excepted."""
    seen: dict[str, str] = {}
    done: set[tuple[str, str]] = set()
    todo: list[tuple[str, str]] = [(root, "")]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in done:
            continue
        done.add((name, extra))
        for spec in metadata.distribution(name).requires or []:
            req = Requirement(spec)
            if req.marker and not req.marker.evaluate({"extra": extra}):
                continue
            if not req.marker and extra:
                continue  # already taken with the plain distribution
            key = canonicalize_name(req.name)
            if key in PROVIDED:
                continue
            seen[key] = metadata.version(req.name)
            todo += [(req.name, "")] + [(req.name, e) for e in req.extras]
    return dict(sorted(seen.items()))


def index_files(name: str, version: str) -> list[tuple[str, str, str]]:
    """(filename, url, sha256) of `name`'s files of `version` on PyPI."""
    with urllib.request.urlopen(f"https://pypi.org/simple/{name}/", timeout=60) as resp:
        page = resp.read().decode()
    files = []
    for url, sha in re.findall(r'href="([^"#]+)#sha256=([0-9a-f]{64})"', page):
        filename = url.rsplit("/", 1)[1]
        if filename.endswith(".whl"):
            _, ver, _, _ = parse_wheel_filename(filename)
            if str(ver) == version:
                files.append((filename, url, sha))
    return files


def pick(name: str, version: str) -> list[dict]:
    files = index_files(name, version)
    for filename, url, sha in files:
        if any(t.abi == "none" and t.platform == "any" for t in parse_wheel_filename(filename)[3]):
            return [{"type": "file", "url": url, "sha256": sha}]
    sources = []
    for arch in ARCHES:
        wanted = [Tag(f"cp{PYTHON}", abi, f"manylinux_2_{g}_{arch}")
                  for abi in (f"cp{PYTHON}", "abi3") for g in range(39, 16, -1)]  # fmt: skip
        for filename, url, sha in files:
            tags = parse_wheel_filename(filename)[3]
            if any(t == w or _abi3_match(t, w) for t in tags for w in wanted):
                sources.append({"type": "file", "url": url, "sha256": sha, "only-arches": [arch]})
                break
        else:
            raise SystemExit(f"no wheel of {name} {version} for CPython {PYTHON} on {arch}")
    return sources


def _abi3_match(have: Tag, want: Tag) -> bool:
    """An abi3 wheel built for an older CPython fits a newer one."""
    return (
        have.abi == "abi3" == want.abi
        and have.platform.split("_", 3)[-1] == want.platform.split("_", 3)[-1]
        and have.platform.startswith("manylinux")
        and _glibc(have.platform) <= _glibc(want.platform)
        and int(have.interpreter[2:]) <= int(PYTHON)
    )


def _glibc(platform: str) -> tuple[int, int]:
    m = re.match(r"manylinux_(\d+)_(\d+)_", platform) or re.match(r"manylinux(2014)_", platform)
    if m and m.group(1) == "2014":
        return (2, 17)
    return (int(m.group(1)), int(m.group(2))) if m else (99, 99)


def main() -> int:
    deps = closure()
    sources = []
    for name, version in deps.items():
        sources += pick(name, version)
    pins = " ".join(f'"{n}=={v}"' for n, v in deps.items())
    module = {
        "name": "python3-deps",
        "buildsystem": "simple",
        "build-commands": [
            "pip3 install --verbose --exists-action=i --no-index --find-links=file://${PWD} "
            f"--prefix=${{FLATPAK_DEST}} --no-build-isolation {pins}"
        ],
        "sources": sources,
    }
    OUT.write_text(json.dumps(module, indent=2) + "\n", encoding="utf-8")
    print(f"{len(deps)} distributions, {len(sources)} files -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
