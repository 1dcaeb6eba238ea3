"""Every per-user path, resolved in one place.

When MALIRADIO_HOME is set, everything lives under it (portable use, tests); otherwise the
platform's user folders from platformdirs. Nothing is ever written next to the installed code.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from maliradio import APP_NAME


def _home() -> Path | None:
    value = os.environ.get("MALIRADIO_HOME")
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return _ensure(home / "config")
    import platformdirs

    return _ensure(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return _ensure(home / "data")
    import platformdirs

    return _ensure(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def cache_dir() -> Path:
    home = _home()
    if home is not None:
        return _ensure(home / "cache")
    import platformdirs

    return _ensure(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)))


def log_dir() -> Path:
    home = _home()
    if home is not None:
        return _ensure(home / "logs")
    import platformdirs

    return _ensure(Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)))


def settings_file() -> Path:
    return config_dir() / "settings.json"


def user_stations_file() -> Path:
    return config_dir() / "stations.json"


def news_db_file() -> Path:
    return data_dir() / "news.sqlite3"


def logo_cache_dir() -> Path:
    return _ensure(cache_dir() / "logos")


def image_cache_dir() -> Path:
    return _ensure(cache_dir() / "images")


def recordings_dir(video: bool) -> Path:
    """Where recordings go: the user's music folder (radio) or videos folder (TV)."""
    home = _home()
    if home is not None:
        return _ensure(home / ("videos" if video else "music"))
    import platformdirs

    folder = platformdirs.user_videos_dir() if video else platformdirs.user_music_dir()
    return _ensure(Path(folder))


@cache
def resources_dir() -> Path:
    """The bundled resources: frozen build, installed wheel or source checkout alike."""
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    here = Path(__file__).resolve().parent
    candidates.append(here / "resources")  # wheel (and the symlink in a checkout)
    candidates.append(here.parent.parent / "resources")  # source checkout
    for c in candidates:
        if (c / "stations.json").is_file():
            return c
    return candidates[-1]


def resource(name: str) -> Path:
    return resources_dir() / name


def offline() -> bool:
    """MALIRADIO_OFFLINE=1: no network use the user did not ask for (logos, automatic news
    refresh). For metered links, and for the tests, which must never reach the internet."""
    return os.environ.get("MALIRADIO_OFFLINE", "") not in ("", "0")
