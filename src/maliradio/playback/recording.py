"""Recordings: where they go, what they are called, and when a scheduled one starts.

Radio is written from the bytes the relay already receives (no second connection), in the
stream's own format; TV is remuxed by libVLC from what it plays. A file is named after the
station and the time in the broadcaster's time zone (« ORTM — 2026-12-06 20h00.mp3 »): the
evening news at 20:00 in Bamako is 21:00 in Paris in winter, and the file says 20h00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# the broadcasters' time zones, by the catalogue's country code
COUNTRY_TZ = {"ML": "Africa/Bamako", "BF": "Africa/Ouagadougou", "NE": "Africa/Niamey"}

_EXTENSIONS = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/mpga": ".mp3",
    "audio/aac": ".aac",
    "audio/aacp": ".aac",
    "audio/x-aac": ".aac",
    "audio/ogg": ".ogg",
    "application/ogg": ".ogg",
    "audio/opus": ".opus",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/x-ms-wma": ".wma",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
}


def extension_for(content_type: str | None) -> str:
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    return _EXTENSIONS.get(ctype, ".mp3" if not ctype else ".bin")


def zone(name: str | None) -> tzinfo:
    """The named time zone (IANA), or the computer's own when none or unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now().astimezone().tzinfo
    return local or UTC


def station_zone(country: str | None) -> tzinfo:
    return zone(COUNTRY_TZ.get(country or ""))


def file_name(station_name: str, when: datetime, extension: str) -> str:
    """« Station — 2026-12-06 20h00.mp3 », with nothing a file system or libVLC's stream
    chain would misread (`/`, `\\`, quotes, braces, control characters)."""
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|{}\'`,=]', " ", station_name)
    name = " ".join(name.split())[:80] or "maliradio"
    return f"{name} — {when:%Y-%m-%d %Hh%M}{extension}"


def new_path(folder: Path, station_name: str, when: datetime, extension: str) -> Path:
    """A path in `folder` not used yet (« … (2).mp3 » when the minute is taken)."""
    path = folder / file_name(station_name, when, extension)
    n = 1
    while path.exists():
        n += 1
        path = folder / file_name(station_name, when, f" ({n}){extension}")
    return path


def next_start(at: str, tz_name: str | None, now: datetime) -> datetime:
    """The next time it is `at` (« 20:00 », « 20h00 ») in `tz_name`, as an aware datetime
    (`now` must be aware). Today if still ahead, else tomorrow."""
    m = re.fullmatch(r"\s*(\d{1,2})\s*[:hH]\s*(\d{2})\s*", at)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"heure attendue au format HH:MM, pas « {at} »")
    tz = zone(tz_name)
    local_now = now.astimezone(tz)
    start = datetime.combine(local_now.date(), time(int(m.group(1)), int(m.group(2))), tz)
    if start <= local_now:
        start = datetime.combine(
            local_now.date() + timedelta(days=1), time(int(m.group(1)), int(m.group(2))), tz
        )
    return start


@dataclass
class Scheduled:
    """A recording to make: kept in the settings, so that it survives a restart."""

    station: str  # station id or stream address
    start: datetime  # aware
    duration: float  # seconds

    def to_record(self) -> dict[str, object]:
        return {
            "station": self.station,
            "start": self.start.isoformat(),
            "tz": getattr(self.start.tzinfo, "key", None),
            "duration": self.duration,
        }

    @classmethod
    def from_record(cls, rec: dict[str, object]) -> Scheduled:
        start = datetime.fromisoformat(str(rec["start"]))
        if start.tzinfo is None:
            raise ValueError("heure de début sans fuseau")
        tz_name = rec.get("tz")
        if isinstance(tz_name, str):
            start = start.astimezone(zone(tz_name))
        duration = float(rec["duration"])  # type: ignore[arg-type]
        if not 0 < duration <= 24 * 3600:
            raise ValueError("durée hors limites")
        return cls(str(rec["station"]), start, duration)

    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration)
