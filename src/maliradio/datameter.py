"""What the app spent on the network, month by month, in the user data folder.

Streams (per station, with the seconds listened: a rate in MB per hour follows), news (per
source) and logos are counted as they come, by whoever fetched them: the window, the news
refresh process and the command line write to the same small SQLite file, whose locking keeps
two processes from losing each other's counts.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("maliradio.data")

KINDS = ("stream", "news", "logo")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    month TEXT NOT NULL,      -- YYYY-MM, local time
    day INTEGER NOT NULL,     -- 1..31
    kind TEXT NOT NULL,       -- stream | news | logo
    key TEXT NOT NULL,        -- station id or address, news source id, logo address
    bytes INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (month, day, kind, key)
);
"""


def default_path() -> Path:
    from maliradio import paths

    return paths.data_dir() / "data-usage.sqlite3"


def month_of(when: float | None = None) -> str:
    return time.strftime("%Y-%m", time.localtime(time.time() if when is None else when))


class DataMeter:
    """Opens its file for each call: cheap, and safe from any thread or process."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(_SCHEMA)
        return conn

    def add(
        self, kind: str, key: str, nbytes: int, seconds: float = 0.0, when: float | None = None
    ) -> None:
        """Count `nbytes` (and `seconds` of listening) for `key`. Never raises: a count that
        cannot be written is logged, the app goes on."""
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r}")
        if nbytes <= 0 and seconds <= 0:
            return
        t = time.localtime(time.time() if when is None else when)
        month, day = time.strftime("%Y-%m", t), t.tm_mday
        try:
            conn = self._connect()
            try:
                conn.execute(
                    "INSERT INTO usage(month, day, kind, key, bytes, seconds)"
                    " VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(month, day, kind, key) DO UPDATE SET"
                    " bytes = bytes + excluded.bytes, seconds = seconds + excluded.seconds",
                    (month, day, kind, key[:500], max(0, int(nbytes)), max(0.0, seconds)),
                )
            finally:
                conn.close()
        except sqlite3.Error as exc:
            log.warning("consommation de données non enregistrée (%s) : %s", self.path, exc)

    def month(self, month: str | None = None) -> dict[str, Any]:
        """`maliradio data --json`: the month's use, in bytes."""
        month = month or month_of()
        out: dict[str, Any] = {
            "month": month,
            "total": 0,
            "streams": 0,
            "news": 0,
            "logos": 0,
            "stations": {},
            "sources": {},
            "days": {},
        }
        if not self.path.exists():
            return out
        try:
            conn = self._connect()
            try:
                rows = conn.execute(
                    "SELECT day, kind, key, bytes, seconds FROM usage WHERE month = ?", (month,)
                ).fetchall()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            log.warning("consommation de données illisible (%s) : %s", self.path, exc)
            return out
        for day, kind, key, nbytes, seconds in rows:
            out["total"] += nbytes
            out["days"][str(day)] = out["days"].get(str(day), 0) + nbytes
            if kind == "stream":
                out["streams"] += nbytes
                st = out["stations"].setdefault(key, {"bytes": 0, "seconds": 0.0})
                st["bytes"] += nbytes
                st["seconds"] = round(st["seconds"] + seconds, 1)
            elif kind == "news":
                out["news"] += nbytes
                out["sources"][key] = out["sources"].get(key, 0) + nbytes
            else:
                out["logos"] += nbytes
        return out

    def rate_per_hour(self, key: str) -> float | None:
        """Bytes per hour of listening to station `key`, over everything counted (None before
        a minute of it: too little to say)."""
        if not self.path.exists():
            return None
        try:
            conn = self._connect()
            try:
                nbytes, seconds = conn.execute(
                    "SELECT coalesce(sum(bytes), 0), coalesce(sum(seconds), 0) FROM usage"
                    " WHERE kind = 'stream' AND key = ?",
                    (key,),
                ).fetchone()
            finally:
                conn.close()
        except sqlite3.Error:
            return None
        return nbytes * 3600 / seconds if seconds >= 60 else None


def megabytes(nbytes: int) -> str:
    """« 12,3 Mo » — decimal megabytes, as phone plans count them."""
    mb = nbytes / 1e6
    text = f"{mb:.1f}" if mb < 100 else f"{mb:.0f}"
    return text.replace(".", ",") + " Mo"
