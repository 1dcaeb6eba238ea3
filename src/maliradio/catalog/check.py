"""`maliradio check`: does each stream of the catalogue really deliver audio (or video) now?

Each stream is opened the way the player opens it (`playback.resolver.probe`: same request,
same sniffing, playlists expanded into their entries), then a few KB are read and must be
recognised as media (`frames.recognise`): a 200 answer alone proves nothing (a web page, an
error text, or a server that answers and then sends nothing). HLS: the manifest, then the
variant playlist with the lowest bandwidth (a master), then one media segment.

Nothing is played: no libVLC here. Streams are checked in parallel, at most PER_HOST at a time
on one server (several stations share the same restream host). Every outcome is recorded in
the stream history (`health`), so the player then tries the address that works first.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from maliradio.catalog import frames, playlists
from maliradio.catalog.models import Station, StreamRef

STATUSES = ("ok", "dead", "timeout", "not-audio", "error")
DEFAULT_TIMEOUT = 10.0
WORKERS = 8
PER_HOST = 2
READ_CAP = 256 * 1024  # bytes read from a stream or segment before giving up recognising it
MANIFEST_CAP = 1024 * 1024
MAX_ENTRIES = 5  # playlist entries tried, as the player would try them in turn
MAX_DEPTH = 3  # a playlist naming a playlist naming...


@dataclass
class StreamCheck:
    station: str
    url: str
    status: str = "error"
    http: int | None = None
    content_type: str | None = None
    codec: str | None = None
    bitrate: int | None = None  # kbit/s
    icy_name: str | None = None
    variants: list[dict[str, Any]] | None = None
    seconds: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "station": self.station,
            "url": self.url,
            "status": self.status,
            "http": self.http,
            "content_type": self.content_type,
            "codec": self.codec,
            "bitrate": self.bitrate,
            "icy_name": self.icy_name,
            "variants": self.variants,
            "seconds": round(self.seconds, 2),
            "error": self.error,
        }


@dataclass
class _Found:
    """What one attempt found (merged into the StreamCheck of the station's URL)."""

    status: str
    error: str | None = None
    http: int | None = None
    content_type: str | None = None
    codec: str | None = None
    bitrate: int | None = None
    icy_name: str | None = None
    variants: list[dict[str, Any]] | None = field(default=None)


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end


# -- one stream -------------------------------------------------------------------------------


def check_stream(
    ref: StreamRef, station: str = "", timeout: float = DEFAULT_TIMEOUT
) -> StreamCheck:
    """Check one stream address (blocking: up to a few times `timeout`)."""
    start = time.monotonic()
    # the silence timeout is per read; the whole check of one address gets three of them
    found = _check(ref, timeout, _Deadline(3 * timeout), 0)
    result = StreamCheck(station=station, url=ref.url, **vars(found))
    result.seconds = time.monotonic() - start
    return result


def _check(ref: StreamRef, timeout: float, deadline: _Deadline, depth: int) -> _Found:
    from maliradio.playback.net import StreamError
    from maliradio.playback.resolver import probe

    scheme = ref.url.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        return _Found("error", f"adresse {scheme}:// : la vérification ne sait lire que HTTP(S)")
    try:
        found = probe(ref, timeout=timeout)
    except StreamError as exc:
        return _failure(exc)
    except Exception as exc:  # noqa: BLE001 - a check reports, it never crashes
        return _Found("error", f"erreur inattendue : {exc}")
    if found.kind == "media" and found.response is not None:
        return _check_media(found.response, deadline)
    if found.kind == "hls":
        return _check_hls(found.ref, timeout, deadline)
    if found.kind == "playlist":
        if depth >= MAX_DEPTH:
            return _Found("error", "listes de lecture imbriquées trop profondément")
        return _check_entries(found.entries or [], timeout, deadline, depth)
    return _Found("not-audio", "le serveur envoie un contenu qui n'est pas reconnu comme un flux")


def _check_entries(
    entries: Sequence[StreamRef], timeout: float, deadline: _Deadline, depth: int
) -> _Found:
    """A playlist works when one of its entries does (the player tries them in turn)."""
    first: _Found | None = None
    for n, entry in enumerate(entries[:MAX_ENTRIES], start=1):
        if deadline.passed:
            break
        found = _check(entry, timeout, deadline, depth + 1)
        if found.status == "ok":
            return found
        if first is None:
            first = found
            first.error = f"liste de lecture, flux n°{n} ({entry.url}) : {found.error}"
    return first or _Found("timeout", "délai dépassé avant d'essayer la liste de lecture")


def _failure(exc: Exception) -> _Found:
    """The probe's StreamError, sorted: refused or gone (dead), silent (timeout), not a
    stream (not-audio), anything else (error)."""
    message = str(exc)
    cause = exc.__cause__
    http = getattr(exc, "status", None)
    if isinstance(cause, TimeoutError):
        return _Found("timeout", message)
    if isinstance(cause, ssl.SSLError | ssl.CertificateError):
        return _Found("error", message)
    if isinstance(cause, ConnectionRefusedError | socket.gaierror):
        return _Found("dead", message)
    if isinstance(http, int):
        return _Found("dead", message, http=http)
    if "page web" in message or "aucun flux" in message:
        return _Found("not-audio", message, http=200)
    return _Found("error", message)


def _read_media(resp: Any, deadline: _Deadline) -> tuple[frames.Media | None, int, str | None]:
    """Read until the bytes are recognised as media: (media, bytes read, why it stopped)."""
    metaint = resp.headers.get("icy-metaint", "")
    icy = frames.IcyFilter(int(metaint) if metaint.isdigit() else 0)
    data = bytearray(icy.feed(resp.head))
    resp.head = b""
    total = len(data)
    try:
        while True:
            media = frames.recognise(bytes(data))
            if media is not None:
                return media, total, None
            if total >= READ_CAP:
                return None, total, None
            if deadline.passed:
                return None, total, "timeout"
            chunk = resp.sock.recv(16384)
            if not chunk:
                return None, total, "closed"
            total += len(chunk)
            data += icy.feed(chunk)
    except TimeoutError:
        return None, total, "timeout"
    except OSError as exc:
        return None, total, f"connexion coupée : {exc}"
    finally:
        resp.close()


def _check_media(resp: Any, deadline: _Deadline) -> _Found:
    headers = resp.headers
    found = _Found(
        "error",
        http=resp.status,
        content_type=resp.content_type or None,
        icy_name=(headers.get("icy-name") or "").strip()[:200] or None,
    )
    icy_br = headers.get("icy-br", "").split(",")[0].strip()
    media, total, stop = _read_media(resp, deadline)
    if media is not None:
        found.status = "ok"
        found.codec = media.codec
        found.bitrate = int(icy_br) if icy_br.isdigit() else media.bitrate
        return found
    if stop == "timeout":
        found.status = "timeout"
        found.error = (
            f"le serveur répond mais n'envoie plus rien après {total} octets"
            if total
            else "le serveur répond mais n'envoie rien"
        )
    elif stop == "closed" and total == 0:
        found.status = "dead"
        found.error = "le serveur a fermé la connexion sans rien envoyer"
    elif stop and stop != "closed":
        found.error = stop
    else:
        found.status = "not-audio"
        found.error = f"{total} octets reçus, ni audio ni vidéo reconnus"
    return found


# -- HLS --------------------------------------------------------------------------------------

_ATTR_RE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^",]*)')


def _attrs(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in _ATTR_RE.findall(line.split(":", 1)[-1])}


def _fetch(ref: StreamRef, url: str, timeout: float) -> tuple[Any, bytes]:
    from maliradio.playback.net import open_stream

    resp = open_stream(
        url, user_agent=ref.user_agent, referrer=ref.referrer, icy=False, timeout=timeout
    )
    try:
        return resp, resp.read_up_to(MANIFEST_CAP)
    finally:
        resp.close()


def _variants(text: str, base: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    lines = [ln.strip() for ln in text.splitlines()]
    for i, line in enumerate(lines):
        if not line.upper().startswith("#EXT-X-STREAM-INF"):
            continue
        uri = next((ln for ln in lines[i + 1 :] if ln and not ln.startswith("#")), None)
        if uri is None:
            continue
        a = _attrs(line)
        bandwidth = a.get("BANDWIDTH", "")
        out.append(
            {
                "bandwidth": int(bandwidth) if bandwidth.isdigit() else None,
                "resolution": a.get("RESOLUTION"),
                "codecs": a.get("CODECS"),
                "url": urljoin(base, uri),
            }
        )
    return out


def _check_hls(ref: StreamRef, timeout: float, deadline: _Deadline) -> _Found:
    from maliradio.playback.net import StreamError

    found = _Found("error")
    try:
        resp, body = _fetch(ref, ref.url, timeout)
        found.http, found.content_type = resp.status, resp.content_type or None
        text = playlists.decode_text(body)
        base = resp.url
        if "#EXT-X-STREAM-INF" in text.upper():
            found.variants = _variants(text, base)
            if not found.variants:
                found.status, found.error = "not-audio", "liste HLS principale sans variante"
                return found
            chosen = min(found.variants, key=lambda v: v["bandwidth"] or 0)
            if chosen["bandwidth"]:
                found.bitrate = round(chosen["bandwidth"] / 1000)
            resp, body = _fetch(ref, chosen["url"], timeout)
            text, base = playlists.decode_text(body), resp.url
        segments = [ln.strip() for ln in text.splitlines() if ln.strip()]
        segments = [ln for ln in segments if not ln.startswith("#")]
        if "#EXTINF" not in text.upper() or not segments:
            found.status, found.error = "not-audio", "liste HLS sans segment"
            return found
        encrypted = re.search(r"#EXT-X-KEY:.*METHOD=(?!NONE)", text, re.I) is not None
        segment = _open_segment(ref, urljoin(base, segments[-1]), timeout)
    except StreamError as exc:
        failed = _failure(exc)
        failed.variants, failed.bitrate = found.variants, found.bitrate
        failed.content_type = found.content_type
        return failed
    media, total, stop = _read_media(segment, deadline)
    if media is not None or (encrypted and total >= 1024):
        found.status = "ok"
        found.codec = media.codec if media is not None else "chiffré (AES)"
        return found
    if stop == "timeout":
        found.status, found.error = "timeout", "le segment HLS n'arrive pas"
    else:
        found.status = "not-audio"
        found.error = f"segment HLS de {total} octets sans audio ni vidéo reconnus"
    return found


def _open_segment(ref: StreamRef, url: str, timeout: float) -> Any:
    from maliradio.playback.net import open_stream

    return open_stream(
        url, user_agent=ref.user_agent, referrer=ref.referrer, icy=False, timeout=timeout
    )


# -- many stations ----------------------------------------------------------------------------


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _interleave(jobs: list[tuple[int, str, StreamRef]]) -> list[tuple[int, str, StreamRef]]:
    """Jobs in an order that spreads the hosts (a worker waiting for a busy host is idle)."""
    by_host: dict[str, list[tuple[int, str, StreamRef]]] = defaultdict(list)
    for job in jobs:
        by_host[_host(job[2].url)].append(job)
    queues = list(by_host.values())
    out = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def check_stations(
    stations: Iterable[Station],
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = WORKERS,
    per_host: int = PER_HOST,
    on_result: Callable[[StreamCheck], object] | None = None,
) -> list[StreamCheck]:
    """Check every stream of `stations`; results in catalogue order. `on_result` is called
    (on this thread) with each one in that order, as soon as it and those before it are done."""
    jobs = [
        (n, s.id, ref) for n, (s, ref) in enumerate((s, r) for s in stations for r in s.streams)
    ]
    if not jobs:
        return []
    limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
    limits_lock = threading.Lock()

    def run(job: tuple[int, str, StreamRef]) -> StreamCheck:
        _n, sid, ref = job
        with limits_lock:
            limit = limits[_host(ref.url)]
        with limit:
            return check_stream(ref, sid, timeout)

    results: list[StreamCheck | None] = [None] * len(jobs)
    done = threading.Condition()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="check") as pool:

        def submit(job: tuple[int, str, StreamRef]) -> None:
            def finish(fut: Any) -> None:
                try:
                    res = fut.result()
                except Exception as exc:  # noqa: BLE001
                    res = StreamCheck(job[1], job[2].url, error=f"erreur inattendue : {exc}")
                with done:
                    results[job[0]] = res
                    done.notify()

            pool.submit(run, job).add_done_callback(finish)

        for job in _interleave(jobs):
            submit(job)
        for i in range(len(jobs)):
            with done:
                while (result := results[i]) is None:
                    done.wait()
            if on_result is not None:
                on_result(result)
    return [r for r in results if r is not None]


def outcomes(results: Iterable[StreamCheck]) -> list[Any]:
    """The results as stream-history outcomes (`health.record`)."""
    from maliradio.catalog.health import Outcome

    now = time.time()
    return [
        Outcome(r.url, r.ok, now, None if r.ok else f"{r.status} : {r.error or ''}".strip(" :"))
        for r in results
    ]


def summary(stations: Sequence[Station], results: Sequence[StreamCheck]) -> dict[str, Any]:
    """Counts per status, and the stations left without a working stream."""
    counts = {status: 0 for status in STATUSES}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    ok_ids = {r.station for r in results if r.ok}
    checked = [s for s in stations if s.streams]
    return {
        "event": "summary",
        "streams": len(results),
        **counts,
        "stations": len(checked),
        "stations_ok": sum(1 for s in checked if s.id in ok_ids),
        "stations_down": [s.id for s in checked if s.id not in ok_ids],
        "no_stream": [s.id for s in stations if not s.streams],
    }
