"""Copy libVLC and the plugin subset of packaging/vlc_plugins.txt into a bundle.

    python packaging/bundle_vlc.py --os windows --vlc vlc-3.0.21 --dest dist/maliradio/_internal/vlc
    python packaging/bundle_vlc.py --os macos --vlc VLC.app/Contents/MacOS \
        --dest dist/maliradio.app/Contents/Frameworks/vlc

The layout written is the one playback/bootstrap.py looks for in a frozen app
(sys._MEIPASS/vlc): libvlc.dll + libvlccore.dll (Windows), lib/libvlc.dylib +
lib/libvlccore.dylib (macOS), libvlc.so.5 + libvlccore.so.9 (Linux, tests only), with plugins/
beside them, each plugin at the same relative place as in the source. A listed plugin that the
source lacks stops the copy: the list must stay true for every OS it names.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LIST = Path(__file__).resolve().parent / "vlc_plugins.txt"
SUFFIX = {"linux": ".so", "windows": ".dll", "macos": ".dylib"}
LIBS = {
    "linux": ["libvlc.so.5", "libvlccore.so.9"],
    "windows": ["libvlc.dll", "libvlccore.dll"],
    "macos": ["lib/libvlc.dylib", "lib/libvlccore.dylib"],
}
PLACES = ("all", "windows", "macos", "test")


@dataclass(frozen=True)
class Plugin:
    category: str
    module: str
    where: str  # one of PLACES

    def filename(self, os_name: str) -> str:
        return f"lib{self.module}_plugin{SUFFIX[os_name]}"


def read_list(path: Path = LIST) -> list[Plugin]:
    plugins = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        if len(line) > 2 or "/" not in line[0] or (len(line) == 2 and line[1] not in PLACES):
            raise ValueError(f"{path.name}:{n}: expected '<category>/<module> [where]': {raw!r}")
        category, module = line[0].split("/", 1)
        plugins.append(Plugin(category, module, line[1] if len(line) == 2 else "all"))
    return plugins


def selected(plugins: list[Plugin], os_name: str, with_test: bool = False) -> list[Plugin]:
    wanted = {"all", os_name} | ({"test"} if with_test else set())
    return [p for p in plugins if p.where in wanted]


def plugin_dir(vlc: Path, os_name: str) -> Path:
    """Where the source's plugins are: plugins/ beside the libraries, or vlc/plugins (Debian's
    /usr/lib/<triplet>)."""
    for d in (vlc / "plugins", vlc / "vlc" / "plugins"):
        if d.is_dir():
            return d
    raise SystemExit(f"no plugins folder in {vlc}")


def copy_vlc(vlc: Path, dest: Path, os_name: str, with_test: bool = False) -> list[Path]:
    """Copy the libraries and the listed plugins; returns the plugin files written."""
    src_plugins = plugin_dir(vlc, os_name)
    found: dict[str, Path] = {}
    for f in src_plugins.rglob(f"*_plugin{SUFFIX[os_name]}"):
        found.setdefault(f.name, f)
    wanted = selected(read_list(), os_name, with_test)
    missing = [p for p in wanted if p.filename(os_name) not in found]
    if missing:
        names = ", ".join(f"{p.category}/{p.module}" for p in missing)
        raise SystemExit(f"{src_plugins} has no {names}: fix packaging/vlc_plugins.txt")
    dest.mkdir(parents=True, exist_ok=True)
    for name in LIBS[os_name]:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(vlc / name, target, follow_symlinks=True)
    written = []
    for p in wanted:
        src = found[p.filename(os_name)]
        target = dest / "plugins" / src.relative_to(src_plugins)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        written.append(target)
    for lic in ("COPYING.txt", "COPYING", "COPYING.LIB"):  # VLC's licence texts travel along
        if (vlc / lic).is_file():
            shutil.copy2(vlc / lic, dest / lic)
    cache_gen = vlc / ("vlc-cache-gen.exe" if os_name == "windows" else "vlc-cache-gen")
    if cache_gen.is_file() and sys.platform.startswith(
        {"windows": "win", "macos": "darwin"}.get(os_name, "linux")
    ):
        # a plugins.dat for the subset: libVLC then starts without scanning every plugin
        subprocess.run([str(cache_gen), str(dest / "plugins")], check=True)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--os", required=True, choices=sorted(SUFFIX), dest="os_name")
    ap.add_argument("--vlc", required=True, type=Path, help="the official build's libVLC folder")
    ap.add_argument("--dest", required=True, type=Path, help="the bundle's vlc folder")
    ap.add_argument("--with-test", action="store_true", help="add the tests' outputs too")
    args = ap.parse_args(argv)
    written = copy_vlc(args.vlc, args.dest, args.os_name, args.with_test)
    size = sum(f.stat().st_size for f in args.dest.rglob("*") if f.is_file())
    print(f"libVLC and {len(written)} plugins in {args.dest} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
