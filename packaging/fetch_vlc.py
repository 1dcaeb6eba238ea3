"""Download the pinned official VLC build, check its SHA-256, and unpack its libVLC.

    python packaging/fetch_vlc.py --target windows-x86_64 --dest build/vlc
    python packaging/fetch_vlc.py --target macos-arm64 --dest build/vlc      (on macOS: hdiutil)
    python packaging/fetch_vlc.py --record      (once, by a maintainer: fills packaging/vlc.lock)

Prints the folder to give packaging/bundle_vlc.py as --vlc: the unpacked vlc-<version>
(Windows) or VLC.app/Contents/MacOS (macOS). A file whose SHA-256 differs from packaging/vlc.lock,
or a lock without a hash for it, stops everything: nothing unchecked reaches a bundle.
`--record` downloads every file of the lock, compares each with the .sha256 file VideoLAN
publishes beside it, and writes the hashes into the lock for review and commit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

LOCK = Path(__file__).resolve().parent / "vlc.lock"


def download(url: str, dest: Path) -> str:
    """Stream `url` to `dest`; returns its SHA-256."""
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=60) as resp, dest.open("wb") as out:
        while chunk := resp.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def published_sha256(url: str) -> str:
    with urllib.request.urlopen(url + ".sha256", timeout=60) as resp:
        return resp.read().decode().split()[0].lower()


def unpack(archive: Path, target: str, dest: Path, version: str) -> Path:
    if target.startswith("windows"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
        root = dest / f"vlc-{version}"
        if not (root / "libvlc.dll").is_file():
            raise SystemExit(f"no libvlc.dll in {root}")
        return root
    mount = Path(tempfile.mkdtemp(prefix="vlc-dmg-"))
    subprocess.run(
        ["hdiutil", "attach", "-nobrowse", "-readonly", "-mountpoint", str(mount), str(archive)],
        check=True,
    )
    try:
        app = dest / "VLC.app"
        if app.exists():
            shutil.rmtree(app)
        subprocess.run(["ditto", str(mount / "VLC.app"), str(app)], check=True)
    finally:
        subprocess.run(["hdiutil", "detach", str(mount)], check=False)
    root = app / "Contents" / "MacOS"
    if not (root / "lib" / "libvlc.dylib").is_file():
        raise SystemExit(f"no lib/libvlc.dylib in {root}")
    return root


def record(lock: dict) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for target, entry in lock["files"].items():
            got = download(entry["url"], Path(tmp) / "file")
            theirs = published_sha256(entry["url"])
            if got != theirs:
                raise SystemExit(f"{target}: {got} but VideoLAN publishes {theirs}")
            print(f"{target}: {got}")
            entry["sha256"] = got
    LOCK.write_text(json.dumps(lock, indent=2) + "\n", encoding="utf-8")
    print(f"written to {LOCK}: review and commit it")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", choices=["windows-x86_64", "macos-arm64", "macos-x86_64"])
    ap.add_argument("--dest", type=Path, default=Path("build") / "vlc")
    ap.add_argument("--record", action="store_true", help="fill the lock's hashes (maintainers)")
    args = ap.parse_args(argv)
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    if args.record:
        return record(lock)
    if not args.target:
        ap.error("--target is needed")
    entry = lock["files"][args.target]
    if len(entry["sha256"]) != 64:
        raise SystemExit(
            f"packaging/vlc.lock has no SHA-256 for {args.target} yet: run "
            "`python packaging/fetch_vlc.py --record` where videolan.org can be reached"
        )
    args.dest.mkdir(parents=True, exist_ok=True)
    archive = args.dest / entry["url"].rsplit("/", 1)[1]
    got = download(entry["url"], archive)
    if got != entry["sha256"]:
        archive.unlink()
        raise SystemExit(f"{archive.name}: SHA-256 {got}, expected {entry['sha256']}: refused")
    print(f"{archive.name}: SHA-256 matches packaging/vlc.lock", file=sys.stderr)
    print(unpack(archive, args.target, args.dest, lock["version"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
