"""Build dist/maliradio_<version>_<arch>.deb from the PyInstaller bundle (`make package`).

    python packaging/linux/build_deb.py [--bundle dist/maliradio] [--icons build/icons] [--out dist]

The package carries the one-folder bundle in /usr/lib/maliradio, a launcher on PATH
(/usr/bin/maliradio, a symbolic link to the bundle's executable), the .desktop file, the AppStream
metainfo and the hicolor icons. Its Depends are the system libraries the bundle's ELF files need,
as dpkg-shlibdeps finds them on the build machine (Debian 12), plus libVLC and its plugins
(loaded by python-vlc with dlopen, so invisible to dpkg-shlibdeps). No maintainer scripts: dpkg's
triggers refresh the icon cache and the desktop database, and removing the package leaves the
users' own folders alone. See packaging/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "org.maliradio.Maliradio"
PREFIX = "usr/lib/maliradio"

# dlopen()ed by python-vlc, so not in the ELF files' NEEDED entries: libVLC, its base plugins
# (HTTP/HLS/DASH access, demuxers, avcodec, PulseAudio/ALSA output) and its X11/GL video outputs
VLC_DEPENDS = ["libvlc5 (>= 3.0.16)", "vlc-plugin-base", "vlc-plugin-video-output"]
RECOMMENDS = [
    "ca-certificates",  # the system's trust store for HTTPS (certifi in the bundle otherwise)
    "xdg-utils",  # « Ouvrir dans le navigateur »
]
DESCRIPTION = """\
radio, TV and news from Mali, Burkina Faso and Niger
 maliradio plays the live radio and TV streams of the Sahel's public
 broadcasters (ORTM, RTB, RTN Télé Sahel...) and the region's international
 services through libVLC, and shows the latest news from the region's sites
 beside the player, cached so that it reads offline. The interface is in
 French.
 .
 This package carries the application's own Python and Qt 6 (a PyInstaller
 bundle in /usr/lib/maliradio) and uses the system's libVLC."""


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def version() -> str:
    text = (ROOT / "src" / "maliradio" / "__init__.py").read_text(encoding="utf-8")
    m = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not m:
        raise SystemExit("no __version__ in src/maliradio/__init__.py")
    return m.group(1)


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def normalize_modes(tree: Path) -> None:
    """0755 for folders and executables, 0644 for the rest (PyInstaller keeps whatever the
    wheels had)."""
    for dirpath, _dirnames, filenames in os.walk(tree):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_symlink():
                continue
            mode = p.stat().st_mode
            p.chmod(0o755 if mode & 0o111 else 0o644)


def shlib_depends(stage: Path) -> str:
    """`${shlibs:Depends}` for every ELF file of the bundle, from dpkg-shlibdeps."""
    bundle = stage / PREFIX
    elfs = sorted(str(p) for p in bundle.rglob("*") if is_elf(p))
    private = sorted({str(Path(e).parent) for e in elfs if ".so" in Path(e).name})
    with tempfile.TemporaryDirectory() as tmp:  # dpkg-shlibdeps wants a debian/control
        (Path(tmp) / "debian").mkdir()
        (Path(tmp) / "debian" / "control").write_text(
            "Source: maliradio\n\nPackage: maliradio\nArchitecture: any\n"
        )
        proc = subprocess.run(
            ["dpkg-shlibdeps", "-O", "--warnings=0", "--ignore-missing-info",
             *(f"-l{d}" for d in private), *elfs],
            cwd=tmp, capture_output=True, text=True,
        )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"dpkg-shlibdeps failed:\n{proc.stderr}")
    m = re.search(r"^shlibs:Depends=(.*)$", proc.stdout, re.M)
    if not m:
        raise SystemExit(f"dpkg-shlibdeps printed no Depends:\n{proc.stdout}")
    return m.group(1).strip()


def validate_metadata(stage: Path) -> None:
    desktop = stage / "usr/share/applications" / f"{APP_ID}.desktop"
    metainfo = stage / "usr/share/metainfo" / f"{APP_ID}.metainfo.xml"
    for tool, args in (
        ("desktop-file-validate", [str(desktop)]),
        ("appstreamcli", ["validate", "--no-net", str(metainfo)]),
    ):
        if shutil.which(tool) is None:
            print(f"    ({tool} is not installed: not validated here)")
            continue
        proc = subprocess.run([tool, *args], capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"{tool} failed:\n{proc.stdout}{proc.stderr}")
        print(f"    {tool}: ok")


def stage_tree(stage: Path, bundle: Path, icons: Path) -> None:
    shutil.copytree(bundle, stage / PREFIX, symlinks=True)
    (stage / "usr/bin").mkdir(parents=True)
    (stage / "usr/bin/maliradio").symlink_to("../lib/maliradio/maliradio")
    share = stage / "usr/share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(LINUX / f"{APP_ID}.desktop", share / "applications")
    (share / "metainfo").mkdir()
    shutil.copy(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo")
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    (share / "doc/maliradio").mkdir(parents=True)
    shutil.copy(LINUX / "copyright", share / "doc/maliradio/copyright")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", type=Path, default=ROOT / "dist" / "maliradio")
    ap.add_argument("--icons", type=Path, default=ROOT / "build" / "icons")
    ap.add_argument("--out", type=Path, default=ROOT / "dist")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    if not (args.bundle / "maliradio").is_file():
        raise SystemExit(f"no bundle at {args.bundle}: run pyinstaller packaging/maliradio.spec")
    if not (args.icons / "hicolor").is_dir():
        raise SystemExit(f"no icons at {args.icons}: run packaging/make_icons.py")
    ver = version()
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    stage = ROOT / "build" / "deb" / f"maliradio_{ver}_{arch}"
    if stage.exists():
        shutil.rmtree(stage)
    step(f"staging {stage.relative_to(ROOT)}")
    stage_tree(stage, args.bundle, args.icons)
    normalize_modes(stage)
    validate_metadata(stage)
    step("computing Depends (dpkg-shlibdeps on the bundle's ELF files)")
    depends = ", ".join([shlib_depends(stage), *VLC_DEPENDS])
    installed_kb = (
        sum(p.lstat().st_size for p in stage.rglob("*") if p.is_file() or p.is_symlink()) // 1024
    )
    control = (
        f"Package: maliradio\nVersion: {ver}\nArchitecture: {arch}\n"
        "Maintainer: maliradio <packaging@maliradio.invalid>\n"
        f"Installed-Size: {installed_kb}\nSection: sound\nPriority: optional\n"
        f"Depends: {depends}\nRecommends: {', '.join(RECOMMENDS)}\n"
        f"Description: {DESCRIPTION}\n"
    )
    (stage / "DEBIAN").mkdir(mode=0o755)
    (stage / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    print(control)
    args.out.mkdir(parents=True, exist_ok=True)
    deb = args.out / f"maliradio_{ver}_{arch}.deb"
    step(f"dpkg-deb --build -> {deb}")
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(deb)], check=True
    )
    size_mb = deb.stat().st_size / 1e6
    print(
        f"{deb.name}: {size_mb:.1f} MB to download, {installed_kb / 1024:.0f} MiB installed "
        f"({time.monotonic() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
