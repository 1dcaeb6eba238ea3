#!/bin/sh
# Build dist/maliradio.app with the pinned official libVLC, sign it ad hoc, smoke-test it and
# pack it as dist/maliradio-<version>-macos-<arch>.dmg. Run on a Mac of that architecture
# (the release workflow runs it on macos-15 for arm64 and macos-15-intel for x86_64), from the
# checkout, with the venv of `pip install -e . -r packaging/requirements-build.txt` active:
#   sh packaging/macos/build_dmg.sh arm64|x86_64
# Real signing and notarization: see packaging/README.md ("macOS: signing for real").
set -eu
arch="$1"
case "$arch" in arm64|x86_64) ;; *) echo "usage: $0 arm64|x86_64" >&2; exit 2 ;; esac
[ "$(uname -m)" = "$arch" ] || { echo "this Mac is $(uname -m), not $arch" >&2; exit 2; }
version=$(python -c "import maliradio; print(maliradio.__version__)")
export MALIRADIO_VERSION="$version"

echo "==> libVLC from the pinned official VLC build (SHA-256 checked)"
vlc=$(python packaging/fetch_vlc.py --target "macos-$arch" --dest build/vlc)

echo "==> icons, PyInstaller .app"
python packaging/make_icons.py build/icons
pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/maliradio.spec
app=dist/maliradio.app

echo "==> libVLC and the plugin subset into the .app"
python packaging/bundle_vlc.py --os macos --vlc "$vlc" --dest "$app/Contents/Frameworks/vlc"
# VLC's licence is text: Resources, not Frameworks (code signing wants only code there)
mkdir -p "$app/Contents/Resources/vlc"
for f in "$app"/Contents/Frameworks/vlc/COPYING*; do
    [ -e "$f" ] && mv "$f" "$app/Contents/Resources/vlc/"
done

echo "==> ad-hoc signature (inside out: every dylib, then the app)"
find "$app/Contents/Frameworks/vlc" -name '*.dylib' -exec codesign --force --sign - {} +
codesign --force --deep --sign - "$app"
codesign --verify --deep --strict "$app"

echo "==> smoke test of the .app"
python packaging/smoke_play.py "$app/Contents/MacOS/maliradio" --version "$version"

echo "==> disk image"
stage=build/dmg
rm -rf "$stage" && mkdir -p "$stage"
ditto "$app" "$stage/maliradio.app"
ln -s /Applications "$stage/Applications"
dmg="dist/maliradio-$version-macos-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "maliradio $version" -srcfolder "$stage" -fs HFS+ -format UDZO \
    -ov "$dmg"
codesign --force --sign - "$dmg"
du -sh "$app" "$dmg"
