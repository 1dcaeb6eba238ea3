"""Find libVLC before `import vlc`.

A frozen build ships libVLC beside the app; then PYTHON_VLC_LIB_PATH, PYTHON_VLC_MODULE_PATH and
VLC_PLUGIN_PATH are pointed at it. Otherwise the system's libVLC is used. python-vlc calls
sys.exit(1) on a bad path, which would close a windowed app silently, so paths are checked here
first and a missing libVLC becomes a LibVlcMissing error with a message naming what to install.
"""

from __future__ import annotations

import ctypes.util
import logging
import os
import shlex
import sys
from pathlib import Path
from types import ModuleType

log = logging.getLogger("maliradio.player")

INSTALL_HINT = {
    "linux": (
        "sudo apt-get install libvlc5 vlc-plugin-base vlc-plugin-video-output "
        "(ou le paquet VLC 3 de votre distribution)"
    ),
    "darwin": (
        "Installez VLC 3 dans Applications depuis https://www.videolan.org/vlc/download-macosx.html"
    ),
    "win32": (
        "Installez VLC 3 (64 bits) depuis https://www.videolan.org/vlc/download-windows.html"
    ),
}


def install_hint(platform: str | None = None) -> str:
    """What to install for libVLC on this OS: the apt line on Linux, VLC's download page on
    Windows and macOS."""
    return INSTALL_HINT.get(platform or sys.platform, INSTALL_HINT["linux"])


class LibVlcMissing(RuntimeError):
    """libVLC 3 could not be found or loaded; the message says what to install."""


_vlc: ModuleType | None = None


def _bundled_dir() -> Path | None:
    base = getattr(sys, "_MEIPASS", None)
    if not base:
        return None
    d = Path(base) / "vlc"
    return d if d.is_dir() else None


def _configure_bundled(d: Path) -> None:
    names = {"win32": "libvlc.dll", "darwin": "lib/libvlc.dylib"}
    lib = d / names.get(sys.platform, "libvlc.so.5")
    core = lib.with_name(lib.name.replace("libvlc", "libvlccore").replace(".so.5", ".so.9"))
    plugins = d / "plugins"
    if lib.exists() and plugins.is_dir():
        try:  # loaded first, so that libvlc links to this one and not to a system copy
            ctypes.CDLL(str(core))
        except OSError as exc:  # then loading libvlc fails too, and says so
            log.warning("libvlccore embarquée illisible : %s", exc)
        os.environ["PYTHON_VLC_LIB_PATH"] = str(lib)
        os.environ["PYTHON_VLC_MODULE_PATH"] = str(d)
        os.environ["VLC_PLUGIN_PATH"] = str(plugins)
        log.info("libVLC embarquée : %s", lib)


def load_vlc() -> ModuleType:
    """Import python-vlc with a usable libVLC, or raise LibVlcMissing."""
    global _vlc
    if _vlc is not None:
        return _vlc
    hint = install_hint()
    bundled = _bundled_dir()
    if bundled is not None:
        _configure_bundled(bundled)
    path = os.environ.get("PYTHON_VLC_LIB_PATH")
    if path and not Path(path).exists():
        raise LibVlcMissing(f"libVLC introuvable à {path}. {hint}")
    if not path and sys.platform.startswith("linux") and not ctypes.util.find_library("vlc"):
        raise LibVlcMissing(f"libVLC 3 n'est pas installée. {hint}")
    real_exit = sys.exit
    try:
        # python-vlc exits on a bad plugin path
        sys.exit = _raise_instead_of_exit  # type: ignore[assignment]
        import vlc
    except (OSError, ImportError, _VlcExit) as exc:
        raise LibVlcMissing(f"libVLC n'a pas pu être chargée ({exc}). {hint}") from exc
    finally:
        sys.exit = real_exit
    _vlc = vlc
    module: ModuleType = vlc
    return module


class _VlcExit(Exception):
    pass


def _raise_instead_of_exit(code: object = None) -> None:
    raise _VlcExit(f"python-vlc a voulu quitter ({code})")


def vlc_args() -> list[str]:
    """libVLC arguments: our defaults plus MALIRADIO_VLC_ARGS."""
    args = ["--no-video-title-show", "--stats"]
    if not os.environ.get("MALIRADIO_DEBUG"):
        args.append("--quiet")
    extra = os.environ.get("MALIRADIO_VLC_ARGS", "")
    if extra.strip():
        args += shlex.split(extra)
    return args
