"""Typed settings with defaults. A corrupt file gives the defaults and a logged warning."""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from maliradio import paths
from maliradio.util import atomic_write_json

log = logging.getLogger("maliradio.settings")

# the interface languages (the source language, French, and the translations in the .ts files)
LANGUAGES = ("", "fr", "en")


@dataclass
class Settings:
    volume: int = 80  # 0..100
    muted: bool = False
    last_station: str | None = None
    resume_last_station: bool = False
    favourites: list[str] = field(default_factory=list)
    news_refresh_minutes: int = 30  # 0 = no automatic refresh
    news_fetch_full_articles: bool = True
    # data saver: news without pictures or article pages, refreshed half as often; HLS at
    # its lightest variant
    data_saver: bool = False
    data_budget_mb: int = 0  # the month's mobile data plan, in MB (0: none): notices at 80 %
    # recordings to make (playback/recording.py Scheduled.to_record), kept across restarts
    scheduled_recordings: list[dict[str, object]] = field(default_factory=list)
    # the signed station catalogue on the project's site, fetched once a day (catalog/published.py)
    catalogue_url: str = "https://maliradio.org/catalogue/stations.json"
    # closing the window while something plays keeps it playing in the tray (where there is one)
    close_to_tray: bool = True
    tray_notice_shown: bool = False  # the one-time "still playing in the tray" notice
    notify_titles: bool = False  # a tray notification when the title changes
    language: str = ""  # "" = the system's; else one of LANGUAGES

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or paths.settings_file()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("Réglages illisibles (%s) : %s ; réglages par défaut utilisés", path, exc)
            return cls()
        if not isinstance(raw, dict):
            log.warning("Réglages illisibles (%s) : objet JSON attendu", path)
            return cls()
        s = cls()
        for f in dataclasses.fields(cls):
            if f.name not in raw:
                continue
            value = raw[f.name]
            default = getattr(s, f.name)
            ok = (
                (isinstance(default, bool) and isinstance(value, bool))
                or (
                    isinstance(default, int)
                    and not isinstance(default, bool)
                    and isinstance(value, int)
                    and not isinstance(value, bool)
                )
                or (isinstance(default, list) and isinstance(value, list))
                or (f.name == "last_station" and (value is None or isinstance(value, str)))
                or (f.name == "catalogue_url" and str(value).startswith(("https://", "http://")))
                or (f.name == "language" and value in LANGUAGES)
            )
            if ok:
                setattr(s, f.name, value)
            else:
                log.warning("Réglage « %s » invalide dans %s : %r ignoré", f.name, path, value)
        s.volume = max(0, min(100, s.volume))
        s.favourites = [x for x in s.favourites if isinstance(x, str)]
        return s

    def save(self, path: Path | None = None) -> None:
        atomic_write_json(path or paths.settings_file(), dataclasses.asdict(self))
