#!/bin/sh
# Checks the system packages maliradio needs: `check-sysdeps.sh run` (the default) for the app,
# `check-sysdeps.sh test` for the tests as well, `check-sysdeps.sh package` for `make package
# package-test` too, `check-sysdeps.sh bench` for `make bench`. Installs them when run as root
# with apt-get (as in CI); otherwise names the exact command to run.
# what the app needs to run (libVLC 3 and its plugins, the X/EGL libraries Qt loads)
PKGS="libvlc5 vlc-plugin-base vlc-plugin-video-output libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0"
# what the tests add: ffmpeg makes the test streams, Xvfb is the real X server of the video
# embedding test, openssl makes the HTTPS test certificate, minisign signs test catalogues
if [ "${1:-run}" = test ] || [ "${1:-run}" = package ] || [ "${1:-run}" = bench ]; then
    PKGS="$PKGS ffmpeg xvfb openssl minisign dbus-daemon dbus-bin playerctl"
fi
# what `make bench` adds: a PulseAudio daemon and its tools (null sinks, parec), mpv and curl
# (the players and the network the app is compared with), libVLC's PulseAudio output
if [ "${1:-run}" = bench ]; then
    PKGS="$PKGS pulseaudio pulseaudio-utils mpv curl vlc-plugin-base"
fi
# what the packages add: objdump for PyInstaller, dpkg-shlibdeps for the .deb's Depends, the
# .desktop and AppStream validators, mmdebstrap for the clean Debian roots of package-test
if [ "${1:-run}" = package ]; then
    PKGS="$PKGS binutils dpkg-dev desktop-file-utils appstream mmdebstrap"
fi
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for p in $PKGS; do
        st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
        case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
    done
else
    # Not Debian: just check that libVLC can be found.
    if ! (ldconfig -p 2>/dev/null | grep -q libvlc.so) && [ ! -e /Applications/VLC.app ]; then
        echo "maliradio: libVLC 3 introuvable. Installez VLC 3 (paquet libvlc / vlc) puis relancez." >&2
        exit 1
    fi
    exit 0
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "maliradio: installation des paquets système manquants:$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    exit $?
fi
echo "maliradio: paquets système manquants:$missing" >&2
echo "Installez-les avec : sudo apt-get install$missing" >&2
exit 1
