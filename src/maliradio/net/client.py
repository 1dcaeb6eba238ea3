"""GET with bounds, for what comes from servers the app does not control (feeds, article
pages, pictures, station logos), on the pool managers of `maliradio.net`.

- Redirects followed here, at most MAX_REDIRECTS, their statuses recorded (`Response.history`:
  the news store follows a feed that moved for good). A redirect's body is read, not decoded,
  up to DRAIN_LIMIT to keep its connection; past that the connection is dropped (urllib3's own
  `drain_conn` reads it to the end, however long). Credentials and conditional headers
  (If-None-Match...) are not sent on to another origin (scheme, host, port).
- The body is decoded (gzip, deflate) as it comes, at most CHUNK bytes at a time (urllib3
  >= 2.6.3 bounds each decompression to what is asked), and counted against `max_bytes` as
  it is decoded: a gzip bomb stops at the cap, after ~1 KB of it per MB decoded.
- What crossed the wire is counted (`wire_bytes`), both ways, the redirects included: what
  was sent (request lines and headers, counted as they go out: `net.bytes_sent`), and what
  came, the headers (near enough) and the body as received, before decoding (urllib3's
  `tell()`, which `read1` keeps, chunked or not). TLS's own bytes (handshakes, record
  headers) are not seen from here.
- A deadline for the whole GET, redirects included: a watchdog thread shuts the socket down
  when it passes, so a server that trickles a byte now and then (which the silence timeout
  never catches) is given up on even while a read waits.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3 import exceptions as u3

from maliradio import net

MAX_REDIRECTS = 10  # feeds seen chain 1 to 3; a loop ends after 10 round trips, not 20
DRAIN_LIMIT = 64 * 1024
CHUNK = 64 * 1024
# not sent on to another origin after a redirect: urllib3's list plus the conditional ones (the
# validators belong to the first server's copy)
REMOVE_ON_REDIRECT = frozenset(
    {h.lower() for h in urllib3.Retry.DEFAULT_REMOVE_HEADERS_ON_REDIRECT}
    | {"if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range"}
)


class HttpError(Exception):
    """Base of this client's errors; `wire_bytes`: what the attempt cost until then."""

    wire_bytes = 0


class ConnectError(HttpError):
    """No connection: name not found, refused, unreachable, connect timeout, TLS refused."""


class SilenceTimeout(HttpError):
    """The server said nothing for the read (silence) timeout."""


class DeadlineExceeded(HttpError):
    """The whole GET took longer than its deadline."""


class TooManyRedirects(HttpError):
    pass


class TooLarge(HttpError):
    """The body, decoded, passed `max_bytes`; `announced`: the Content-Length that said so
    before any of it came (None: cut off as it came)."""

    def __init__(self, message: str, announced: int | None = None) -> None:
        super().__init__(message)
        self.announced = announced


class DecodingError(HttpError):
    """A gzip or deflate body that does not decode."""


class InvalidURL(HttpError):
    pass


class Cancelled(HttpError):
    pass


class NetworkError(HttpError):
    """The connection broke (reset, closed before the announced length...)."""


@dataclass
class Response:
    status: int
    reason: str
    headers: Any  # urllib3's HTTPHeaderDict: case-insensitive .get()
    url: str  # after redirects
    body: bytes  # decoded
    history: tuple[int, ...]  # the statuses of the redirects followed, in order
    wire_bytes: int  # sent and received, redirects included
    sent_bytes: int = 0  # of which sent (request lines and headers)


class Client:
    """Thread-safe. Each request takes a kept connection to its host, or opens one."""

    def __init__(
        self,
        *,
        connect_timeout: float = 15.0,
        read_timeout: float = 20.0,
        headers: dict[str, str] | None = None,
        maxsize: int = 4,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.maxsize = maxsize
        self.headers = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
        self._managers: dict[str | None, urllib3.PoolManager] = {}
        self._proxies: dict[str, str] | None = None
        self._lock = threading.Lock()
        self._watchdog = _Watchdog()
        self._closed = False

    def get(
        self,
        url: str,
        *,
        max_bytes: int,
        headers: dict[str, str] | None = None,
        deadline: float | None = None,
        cancel: threading.Event | None = None,
    ) -> Response:
        """GET `url`, following redirects, its body read whole (at most `max_bytes` decoded),
        before `deadline` (a `time.monotonic()` time) when given. Raises HttpError."""
        guard = _Guard(self._watchdog, deadline) if deadline is not None else None
        token = net.socket_watch.set(guard.watch if guard is not None else None)
        sent = [0]
        sent_token = net.bytes_sent.set(sent)
        try:
            return self._get(
                url, {**self.headers, **(headers or {})}, max_bytes, guard, cancel, sent
            )
        finally:
            net.bytes_sent.reset(sent_token)
            net.socket_watch.reset(token)
            if guard is not None:
                guard.end()

    def _get(
        self,
        url: str,
        headers: dict[str, str],
        max_bytes: int,
        guard: _Guard | None,
        cancel: threading.Event | None,
        sent: list[int],
    ) -> Response:
        history: list[int] = []
        received = 0  # the redirects followed
        resp: Any = None

        def cost() -> int:
            now = _header_bytes(resp) + resp.tell() if resp is not None else 0
            return sent[0] + received + now

        try:
            while True:
                _check_url(url)
                if guard is not None:
                    guard.check()
                resp = self._open(url, headers, guard)
                location = resp.get_redirect_location()
                if not location:
                    body = _read_body(resp, max_bytes, cancel)
                    if guard is not None:
                        guard.check()  # a read ended by the watchdog is no end of body
                    answer = Response(
                        resp.status, resp.reason or "", resp.headers, url, body, tuple(history),
                        cost(), sent[0],
                    )  # fmt: skip
                    done, resp = resp, None
                    _let_go(done, guard, kept=True)  # (read whole: back in its pool already)
                    return answer
                kept = _drain(resp)
                history.append(resp.status)
                received += _header_bytes(resp) + resp.tell()
                done, resp = resp, None
                _let_go(done, guard, kept)
                if len(history) > MAX_REDIRECTS:
                    raise TooManyRedirects(f"plus de {MAX_REDIRECTS} redirections")
                try:
                    new = urljoin(url, location.strip())
                except ValueError as exc:
                    raise InvalidURL(f"redirection illisible : {location[:100]}") from exc
                if _origin(new) != _origin(url):
                    headers = {
                        k: v for k, v in headers.items() if k.lower() not in REMOVE_ON_REDIRECT
                    }
                url = new
        except HttpError as exc:
            exc.wire_bytes = cost()
            raise
        except (u3.HTTPError, OSError, http.client.HTTPException, ValueError) as exc:
            err = _translate(exc, guard)
            err.wire_bytes = cost()
            raise err from exc
        finally:
            if resp is not None:
                _let_go(resp, guard, kept=False)

    def _open(self, url: str, headers: dict[str, str], guard: _Guard | None) -> Any:
        pm = self._manager(url)
        try:
            return pm.urlopen("GET", url, headers=headers, redirect=False, preload_content=False)
        except u3.ProtocolError:
            if guard is not None and guard.expired:
                raise
        # The connection broke before an answer: most likely a kept one the server had just
        # closed. Once more, on a new one (a GET can be sent twice).
        return pm.urlopen("GET", url, headers=headers, redirect=False, preload_content=False)

    def _manager(self, url: str) -> urllib3.PoolManager:
        with self._lock:
            if self._closed:
                raise HttpError("client fermé")
            if self._proxies is None:
                self._proxies = urllib.request.getproxies()
            proxy = net.proxy_for(url, self._proxies)
            pm = self._managers.get(proxy)
            if pm is None:
                pm = self._managers[proxy] = net.pool_manager(
                    connect_timeout=self.connect_timeout,
                    read_timeout=self.read_timeout,
                    proxy=proxy,
                    # through a proxy, every plain-HTTP request shares the proxy's connections
                    maxsize=self.maxsize if proxy is None else 4 * self.maxsize,
                )
            return pm

    def close(self) -> None:
        with self._lock:
            self._closed = True
            managers = list(self._managers.values())
            self._managers.clear()
        self._watchdog.close()
        for pm in managers:
            pm.clear()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_body(resp: Any, max_bytes: int, cancel: threading.Event | None) -> bytes:
    length = resp.headers.get("content-length", "")
    if not resp.headers.get("content-encoding") and length.isdigit() and int(length) > max_bytes:
        # not downloaded for nothing
        raise TooLarge(f"plus de {max_bytes} octets annoncés", announced=int(length))
    body = bytearray()
    while True:
        chunk = resp.read1(CHUNK, decode_content=True)  # at most CHUNK bytes decoded
        if not chunk:
            return bytes(body)
        if len(body) + len(chunk) > max_bytes:
            raise TooLarge(f"plus de {max_bytes} octets")
        body += chunk
        if cancel is not None and cancel.is_set():
            raise Cancelled("annulé")


def _drain(resp: Any) -> bool:
    """Read a redirect's body as it came (not decoded), up to DRAIN_LIMIT: True when it ended
    by then (its connection can be kept)."""
    n = 0
    try:
        while n <= DRAIN_LIMIT:
            data = resp.read1(CHUNK, decode_content=False)
            if not data:
                return True
            n += len(data)
    except (u3.HTTPError, OSError, http.client.HTTPException):
        pass
    return False


def _let_go(resp: Any, guard: _Guard | None, kept: bool) -> None:
    """The connection back to its pool: to be used again when `kept` (its answer was read
    whole), else closed first. The deadline no longer watches its socket."""
    if guard is not None:
        guard.watch(None)
    if not kept:
        resp.close()
    resp.release_conn()


def _translate(exc: BaseException, guard: _Guard | None) -> HttpError:
    if guard is not None and guard.expired:
        return DeadlineExceeded("délai total dépassé")
    if isinstance(exc, (u3.NewConnectionError, u3.ProxyError)):
        cause = _root(exc)
        return ConnectError(str(cause) or type(cause).__name__)
    if isinstance(exc, (u3.ConnectTimeoutError, u3.SSLError)):  # (TLS refused: at connect time)
        return ConnectError(str(exc) or "timed out")
    if isinstance(exc, u3.ReadTimeoutError):
        return SilenceTimeout("timed out")
    if isinstance(exc, u3.DecodeError):
        return DecodingError(str(exc))
    if isinstance(exc, (u3.LocationValueError, ValueError)):
        return InvalidURL(f"adresse illisible ({exc})")
    return NetworkError(str(exc) or type(exc).__name__)


def _root(exc: BaseException) -> BaseException:
    """The error under urllib3's wrappers (whose words name Python objects)."""
    while True:
        inner = getattr(exc, "original_error", None) or exc.__cause__
        if inner is None or inner is exc:
            return exc
        exc = inner


def _check_url(url: str) -> None:
    try:
        p = urlsplit(url)
        p.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise InvalidURL(f"adresse illisible : {url[:100]}") from exc
    if p.scheme.lower() not in ("http", "https") or not p.hostname:
        raise InvalidURL(f"adresse non prise en charge : {url[:100]}")


def _origin(url: str) -> tuple[str, str, int]:
    p = urlsplit(url)
    scheme = p.scheme.lower()
    return scheme, (p.hostname or "").lower(), p.port or (443 if scheme == "https" else 80)


def _header_bytes(resp: Any) -> int:
    """Size of the status line and headers as they came on the wire (near enough)."""
    n = len(f"HTTP/1.1 {resp.status} {resp.reason or ''}\r\n") + 2
    for k, v in resp.headers.items():
        n += len(k) + len(v) + 4
    return n


# --- deadlines ------------------------------------------------------------------------------


class _Watchdog:
    """One thread per client, started with its first deadline, that ends the GETs past theirs
    (a thread per GET would cost a refresh of 100 pictures 100 threads)."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self._guards: set[_Guard] = set()
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, guard: _Guard) -> None:
        with self.lock:
            self._guards.add(guard)
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="http-deadline", daemon=True)
                self._thread.start()
            self.lock.notify()

    def remove(self, guard: _Guard) -> None:
        with self.lock:
            self._guards.discard(guard)

    def close(self) -> None:
        with self.lock:
            self._closed = True
            self.lock.notify()

    def _run(self) -> None:
        with self.lock:
            while not self._closed:
                now = time.monotonic()
                for guard in [g for g in self._guards if g.deadline <= now]:
                    self._guards.discard(guard)
                    guard.fire()
                nearest = min((g.deadline for g in self._guards), default=None)
                self.lock.wait(None if nearest is None else max(0.0, nearest - now))


class _Guard:
    """One GET's deadline; its sockets are told to it as requests are sent on them."""

    def __init__(self, watchdog: _Watchdog, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self._sock: Any = None
        self._watchdog = watchdog
        watchdog.add(self)

    def watch(self, sock: Any) -> None:
        with self._watchdog.lock:
            self._sock = sock
            if self.expired and sock is not None:
                _shut(sock)

    def fire(self) -> None:  # (the watchdog's lock held)
        self.expired = True
        if self._sock is not None:
            _shut(self._sock)

    def check(self) -> None:
        if self.expired or time.monotonic() >= self.deadline:
            self.expired = True
            raise DeadlineExceeded("délai total dépassé")

    def end(self) -> None:
        self._watchdog.remove(self)  # no firing after this
        self._sock = None


def _shut(sock: Any) -> None:
    """Shut `sock` down under the read another thread may be waiting in (which then returns);
    the socket's own level, not the TLS layer's (whose state that thread is using)."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError):
        pass
