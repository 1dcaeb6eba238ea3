"""What this computer has learnt about each stream address: when it last played or passed a
check, and when it last failed.

Every play (window and `maliradio play`) and every `maliradio check` records its outcome per
URL in one small JSON file in the user data folder (`stream-health.json`). From it:

- `order_streams(station)`: the station with its streams best first (the one that worked last
  first, those never tried next in the catalogue's order, those failing now last), so a
  station whose first address has died starts at once on the one that works;
- `down_since(station)`: when every stream of the station has failed since (greyed in the list,
  « ne répond plus depuis 3 jours »), None as soon as one answered.

Two processes may record at once (the window playing while `maliradio check` runs): a writer
takes a lock file, reads the file again, merges its outcomes into it and replaces it
atomically, so neither loses the other's. Readers take no lock (the file is replaced whole).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maliradio import paths
from maliradio.catalog.models import Station
from maliradio.util import atomic_write_json

log = logging.getLogger("maliradio.catalog")

FILE_VERSION = 1
MAX_URLS = 2000  # the oldest are forgotten past this: a user adding and removing stations
MAX_ERROR = 200
LOCK_WAIT = 3.0  # seconds a writer waits for another's lock
LOCK_STALE = 15.0  # a lock older than this was left by a process that died: taken over


def history_file() -> Path:
    return paths.data_dir() / "stream-health.json"


@dataclass(frozen=True)
class Outcome:
    """One attempt on one URL."""

    url: str
    ok: bool
    when: float  # time.time()
    error: str | None = None


@dataclass(frozen=True)
class UrlHealth:
    ok: float | None = None  # last success
    fail: float | None = None  # last failure
    since: float | None = None  # first failure after the last success (None: not failing)
    error: str | None = None  # the last failure's reason

    @property
    def failing(self) -> bool:
        return self.since is not None

    def with_outcome(self, o: Outcome) -> UrlHealth:
        if o.ok:
            ok = max(self.ok or 0.0, o.when)
            since = self.since if self.since is not None and self.since > ok else None
            return dataclasses.replace(self, ok=ok, since=since)
        if self.fail is not None and o.when < self.fail:
            error = self.error  # an older failure: its reason is not the latest
        else:
            error = (o.error or "")[:MAX_ERROR] or None
        fail = max(self.fail or 0.0, o.when)
        since = self.since
        if o.when > (self.ok or 0.0):
            since = o.when if since is None else min(since, o.when)
        return UrlHealth(ok=self.ok, fail=fail, since=since, error=error)

    def merged(self, other: UrlHealth) -> UrlHealth:
        """Both histories of one URL, as if every attempt had been recorded in one place."""
        ok = max(self.ok or 0.0, other.ok or 0.0) or None
        fail = max(self.fail or 0.0, other.fail or 0.0) or None
        sinces = [s for s in (self.since, other.since) if s is not None and s > (ok or 0.0)]
        latest = self if (self.fail or 0.0) >= (other.fail or 0.0) else other
        return UrlHealth(ok, fail, min(sinces) if sinces else None, latest.error)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, raw: Any) -> UrlHealth | None:
        if not isinstance(raw, dict):
            return None

        def num(key: str) -> float | None:
            v = raw.get(key)
            return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

        err = raw.get("error")
        return cls(num("ok"), num("fail"), num("since"), err if isinstance(err, str) else None)

    @property
    def last_seen(self) -> float:
        return max(self.ok or 0.0, self.fail or 0.0)


History = dict[str, UrlHealth]

# -- reading ----------------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple[int, int], History]] = {}
_cache_lock = threading.Lock()


def _read(path: Path) -> History:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Historique des flux illisible (%s) : %s ; il repart de zéro", path, exc)
        return {}
    urls = doc.get("urls") if isinstance(doc, dict) else None
    out: History = {}
    if isinstance(urls, dict):
        for url, raw in urls.items():
            h = UrlHealth.from_json(raw)
            if isinstance(url, str) and h is not None:
                out[url] = h
    return out


def load(path: Path | None = None) -> History:
    """The history as on disk; read again only when the file changed (a stat otherwise)."""
    path = path or history_file()
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return {}
    with _cache_lock:
        hit = _cache.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    history = _read(path)
    with _cache_lock:
        _cache[path] = (stamp, history)
    return history


# -- writing ----------------------------------------------------------------------------------


class _FileLock:
    """A lock file beside the history (O_EXCL works on every OS and file system)."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")
        self.held = False

    def __enter__(self) -> _FileLock:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    if time.time() - self.path.stat().st_mtime > LOCK_STALE:
                        self.path.unlink(missing_ok=True)
                        continue
                except OSError:
                    continue
                if time.monotonic() > deadline:
                    # better one outcome lost to a race than a check that never ends
                    log.warning("Historique des flux : verrou %s toujours pris", self.path)
                    return self
                time.sleep(0.02)
                continue
            os.close(fd)
            self.held = True
            return self

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)


def record(outcomes: Iterable[Outcome], path: Path | None = None) -> None:
    """Add `outcomes` to the history file (merged with what another process wrote)."""
    outcomes = list(outcomes)
    if not outcomes:
        return
    path = path or history_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _FileLock(path):
        history = dict(_read(path))
        for o in outcomes:
            history[o.url] = history.get(o.url, UrlHealth()).with_outcome(o)
        if len(history) > MAX_URLS:
            keep = sorted(history, key=lambda u: history[u].last_seen, reverse=True)[:MAX_URLS]
            history = {u: history[u] for u in keep}
        doc = {"version": FILE_VERSION, "urls": {u: h.to_json() for u, h in history.items()}}
        atomic_write_json(path, doc)
    with _cache_lock:
        _cache.pop(path, None)


_writer: ThreadPoolExecutor | None = None
_writer_lock = threading.Lock()


def record_later(outcomes: Iterable[Outcome], path: Path | None = None) -> Future[None]:
    """`record` on a writer thread of its own (the window's thread never waits on the disk).
    Pending writes finish before the interpreter exits."""
    global _writer
    with _writer_lock:
        if _writer is None:
            _writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stream-health")
        outcomes = list(outcomes)
        path = path or history_file()  # resolved now: MALIRADIO_HOME as it is at the call

    def work() -> None:
        try:
            record(outcomes, path)
        except OSError as exc:
            log.warning("Historique des flux non enregistré : %s", exc)

    return _writer.submit(work)


# -- using it ---------------------------------------------------------------------------------


def order_streams(
    station: Station, history: History | None = None, data_saver: bool = False
) -> Station:
    """`station` with its streams best first; the same object when the order does not change.

    Streams whose last attempt worked come first (the most recent success first), then those
    never tried (in the catalogue's order), then those failing now (the ones that failed
    longest ago first: they had the most time to come back). With `data_saver`, the lowest
    bitrate the catalogue names comes first among those not failing."""
    if len(station.streams) < 2:
        return station
    history = load() if history is None else history

    def key(item: tuple[int, Any]) -> tuple[int, float, float, int]:
        index, stream = item
        h = history.get(stream.url)
        cost = float(stream.bitrate or 1 << 30) if data_saver else 0.0
        if h is None or (h.ok is None and h.fail is None):
            return (0 if data_saver else 1, cost, 0.0, index)
        if not h.failing:
            return (0, cost, -(h.ok or 0.0), index)
        return (2, 0.0, h.fail or 0.0, index)

    ordered = [s for _i, s in sorted(enumerate(station.streams), key=key)]
    if ordered == station.streams:
        return station
    return dataclasses.replace(station, streams=ordered)


def down_since(station: Station, history: History | None = None) -> float | None:
    """Since when every stream of `station` has failed (None: one answered, or never tried)."""
    if not station.streams:
        return None
    history = load() if history is None else history
    sinces = []
    for stream in station.streams:
        h = history.get(stream.url)
        if h is None or h.since is None:
            return None
        sinces.append(h.since)
    return max(sinces)


def down_days(station: Station, now: float | None = None) -> int | None:
    """Whole days since every stream of `station` stopped answering (0: today), or None."""
    since = station.down_since
    if since is None:
        return None
    now = time.time() if now is None else now
    return max(0, int((now - since) // 86400))


class PlayRecorder:
    """Records what the player reports: PLAYING on a URL is a success for the station's stream
    it came from (a playlist entry counts for its playlist); a stream left for the next one
    without playing, or the ERROR that ends them all, is a failure.

    Give it the engine (anything with a `statusChanged` signal of `Status` and a `station`);
    keep a reference to it as long as the engine lives."""

    def __init__(self, engine: Any, write: Callable[[list[Outcome]], object] = record_later):
        self._engine = engine
        self._write = write
        self._station: Station | None = None
        self._current: str | None = None  # the station stream being tried
        self._played: set[str] = set()
        self._failed: set[str] = set()
        engine.statusChanged.connect(self.observe)

    def observe(self, status: Any) -> None:
        from maliradio.playback.status import State

        station = self._engine.station
        if station is not self._station:
            self._station, self._current = station, None
            self._played, self._failed = set(), set()
        if station is None or station.id == "url":  # an address typed in, not a station
            return
        roots = {s.url for s in station.streams}
        url = status.url or ""
        now = time.time()
        if status.state in (State.CONNECTING, State.BUFFERING) and url in roots:
            if self._current is not None and self._current != url:
                self._fail(self._current, status.message or "", now)
            self._current = url
        elif status.state is State.PLAYING:
            root = url if url in roots else self._current
            if root is not None and root not in self._played:
                self._played.add(root)
                self._failed.discard(root)
                self._write([Outcome(root, True, now)])
        elif status.state is State.ERROR and self._current is not None:
            self._fail(self._current, status.message or "", now)
            self._current = None

    def _fail(self, url: str, message: str, now: float) -> None:
        if url in self._played or url in self._failed:
            return  # it played since play() began: the drop is not the address's fault
        self._failed.add(url)
        self._write([Outcome(url, False, now, message or None)])
