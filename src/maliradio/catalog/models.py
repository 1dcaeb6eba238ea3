"""The station catalogue's data types: a station and the stream addresses it can be played from.

Pure data, no Qt and no network: the window, the command line and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

COUNTRIES: dict[str, str] = {
    "ML": "Mali",
    "BF": "Burkina Faso",
    "NE": "Niger",
    "INT": "International",
}

KINDS: tuple[str, ...] = ("tv", "radio")

# Network schemes libVLC can open as a live stream. The catalogue asks for http, https, rtsp,
# rtmp or mms; the variants of the same protocols (TLS, tunnelled, MMS over HTTP/TCP) are
# accepted too because they name the same kind of server.
STREAM_SCHEMES: frozenset[str] = frozenset(
    {"http", "https", "rtsp", "rtsps", "rtmp", "rtmps", "rtmpt", "rtmpe", "mms", "mmsh", "mmst"}
)


def is_stream_url(url: object) -> bool:
    """True for an absolute network address libVLC can stream from (no file:, javascript:…)."""
    if not isinstance(url, str) or not url or url != url.strip():
        return False
    if any(ch.isspace() or ord(ch) < 32 or ch in '<>"' for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in STREAM_SCHEMES and bool(host)


@dataclass(frozen=True)
class StreamRef:
    """One address a station can be played from, with the HTTP headers it needs."""

    url: str
    user_agent: str | None = None
    referrer: str | None = None
    # extra libVLC media options, e.g. ":network-caching=2000" (always with a leading ':')
    options: tuple[str, ...] = ()
    title: str | None = None  # playlist entry title, if any
    bitrate: int | None = None  # kbit/s, when the catalogue says (the data saver takes the least)

    def to_record(self) -> dict[str, Any]:
        """The stream as stored in stations.json: only the fields that are set."""
        rec: dict[str, Any] = {"url": self.url}
        if self.user_agent:
            rec["user_agent"] = self.user_agent
        if self.referrer:
            rec["referrer"] = self.referrer
        if self.options:
            rec["options"] = list(self.options)
        if self.title:
            rec["title"] = self.title
        if self.bitrate:
            rec["bitrate"] = self.bitrate
        return rec


@dataclass
class Station:
    id: str
    name: str
    country: str  # ML | BF | NE | INT
    kind: str  # "tv" | "radio"
    languages: list[str] = field(default_factory=list)  # ISO 639 codes: "fr", "bm", "mos"…
    logo: str | None = None
    homepage: str | None = None
    streams: list[StreamRef] = field(default_factory=list)  # first preferred, then fallbacks
    user: bool = False  # added (or overridden) by the user
    note: str | None = None  # shown to the user, in French
    # which catalogue it comes from: "bundled" (shipped with the app), "published" (the signed
    # catalogue fetched from the project's site) or "user"; and that catalogue's version
    origin: str = "bundled"
    catalogue_version: str | None = None
    # since when every stream has failed on this computer (time.time()), None when one works
    down_since: float | None = None

    @property
    def has_stream(self) -> bool:
        return bool(self.streams)

    @property
    def country_name(self) -> str:
        return COUNTRIES.get(self.country, self.country)

    def to_record(self) -> dict[str, Any]:
        """The station as stored in a stations.json file (bundled or user)."""
        rec: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "kind": self.kind,
            "languages": list(self.languages),
            "logo": self.logo,
            "homepage": self.homepage,
            "streams": [s.to_record() for s in self.streams],
        }
        if self.note:
            rec["note"] = self.note
        return rec

    def to_json(self) -> dict[str, Any]:
        """For `maliradio stations --json`: plain JSON types only."""
        return {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "country_name": self.country_name,
            "kind": self.kind,
            "languages": list(self.languages),
            "logo": self.logo,
            "homepage": self.homepage,
            "urls": [s.url for s in self.streams],
            "streams": [s.to_record() for s in self.streams],
            "has_stream": self.has_stream,
            "user": self.user,
            "note": self.note,
            "origin": "user" if self.user else self.origin,
            "catalogue_version": None if self.user else self.catalogue_version,
            "down_since": self.down_since,
        }
