"""The news fetcher's HTTP/1.1 client: what a refresh needs and nothing more, on the standard
library's `http.client`.

- GET only, redirects followed (at most 20), each one recorded (`Response.history`).
- Connect timeout, then a silence timeout on every read (not a total: a slow link that keeps
  sending is never cut off).
- gzip / deflate asked for and decoded as the body streams in; what came on the wire counted.
- Keep-alive connections reused per host (the article pages and pictures of a source live on
  its host); a kept connection the server closed meanwhile is replaced, once.
- HTTPS checked against certifi's authorities (the same on every OS, and in a built app), or
  those of SSL_CERT_FILE / SSL_CERT_DIR when set.
- Proxies as the system says (`urllib.request.getproxies`: environment variables, and the
  Windows or macOS settings), HTTPS through a CONNECT tunnel.

httpx did this before, for about three times the CPU per request: a refresh of 20 sources
spent ~60 ms more, and every refresh process ~0.1 s more importing it.
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
import ssl
import threading
import urllib.request
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 20
_IDLE_PER_HOST = 4
_DRAIN_LIMIT = 64 * 1024  # a redirect's body read to keep its connection, up to this
# characters left as they are in a request target (the rest is percent-encoded, as browsers do)
_SAFE = "/:@!$&'()*+,;=-._~%?"


class HttpError(Exception):
    """Base of this client's errors (socket and `http.client` errors pass as they are)."""


class ConnectError(HttpError):
    """No connection: name not found, refused, unreachable, connect timeout, TLS refused."""


class ReadTimeout(HttpError):
    """The server said nothing for the silence timeout."""


class TooManyRedirects(HttpError):
    pass


class DecodingError(HttpError):
    """A gzip or deflate body that does not decode."""


class InvalidURL(HttpError):
    pass


class Response:
    """One answer, its body not read yet: `iter_bytes()` then `close()` (or `with`)."""

    def __init__(
        self,
        client: Client,
        key: tuple[Any, ...],
        conn: http.client.HTTPConnection,
        raw: http.client.HTTPResponse,
        url: str,
        history: list[tuple[int, int]],
    ) -> None:
        self._client = client
        self._key = key
        self._conn = conn
        self._raw = raw
        self.status: int = raw.status
        self.reason: str = raw.reason
        self.headers = raw.msg  # case-insensitive .get()
        self.url = url
        self.history = history  # (status, wire bytes) of each redirect, in order
        self.header_bytes = _header_bytes(raw)
        self.body_bytes = 0  # as received, before decoding
        self._finished = False
        encoding = (self.headers.get("content-encoding") or "").strip().lower()
        self._decoder: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decoder = _Deflate()

    @property
    def wire_bytes(self) -> int:
        """What this answer and its redirects weighed on the wire (near enough)."""
        return sum(w for _s, w in self.history) + self.header_bytes + self.body_bytes

    def iter_bytes(self, size: int = 64 * 1024) -> Iterator[bytes]:
        """The body, decoded, as it arrives."""
        while True:
            chunk = self._read(size)
            if not chunk:
                if self._raw.length:  # closed before the Content-Length it announced
                    raise http.client.IncompleteRead(b"", self._raw.length)
                break
            self.body_bytes += len(chunk)
            if self._decoder is None:
                yield chunk
                continue
            try:
                out = self._decoder.decompress(chunk)
            except zlib.error as exc:
                raise DecodingError(str(exc)) from exc
            if out:
                yield out
        self._finished = True
        if self._decoder is not None:
            try:
                tail = self._decoder.flush()
            except zlib.error as exc:
                raise DecodingError(str(exc)) from exc
            if tail:
                yield tail

    def _read(self, size: int) -> bytes:
        try:
            return self._raw.read1(size)
        except TimeoutError as exc:
            raise ReadTimeout("timed out") from exc

    def close(self) -> None:
        """Done with it: the connection goes back to the pool when the body was read whole."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._finished and not self._raw.will_close:
            self._raw.close()  # (the answer only: its connection stays open)
            self._client._release(self._key, conn)
        else:
            self._raw.close()
            conn.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Deflate:
    """'deflate' as servers send it: zlib-wrapped, or raw (old IIS) - the first bytes tell."""

    def __init__(self) -> None:
        self._d: Any = None
        self._head = b""

    def decompress(self, data: bytes) -> bytes:
        if self._d is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            first = self._head[0]
            wrapped = first & 0x0F == 8 and (first << 8 | self._head[1]) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
        return bytes(self._d.decompress(data))

    def flush(self) -> bytes:
        if self._d is None:
            return self.decompress(b"") if self._head else b""
        return bytes(self._d.flush())


class Client:
    """Thread-safe: each request has its own connection, taken from the pool or made."""

    def __init__(
        self,
        *,
        connect_timeout: float = 15.0,
        read_timeout: float = 20.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.headers = {"Accept-Encoding": "gzip, deflate", **(headers or {})}
        self._idle: dict[tuple[Any, ...], list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None
        self._proxies: dict[str, str] | None = None
        self._closed = False

    # --- requests ---------------------------------------------------------------------------

    def open(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET `url`, following redirects; the answer's headers are in, its body is not."""
        history: list[tuple[int, int]] = []
        while True:
            key, target, proxy_auth = self._route(url)
            resp = self._send(key, target, {**self.headers, **(headers or {})}, proxy_auth, url)
            location = resp.headers.get("location")
            if resp.status not in REDIRECTS or not location:
                resp.history = history
                return resp
            _drain(resp)
            history.append((resp.status, resp.wire_bytes))
            resp.close()
            if len(history) > MAX_REDIRECTS:
                raise TooManyRedirects(f"plus de {MAX_REDIRECTS} redirections")
            try:
                url = urljoin(url, location.strip())
            except ValueError as exc:
                raise InvalidURL(f"redirection illisible : {location[:100]}") from exc
            if urlsplit(url).scheme not in ("http", "https"):
                raise InvalidURL(f"redirection vers une adresse non prise en charge : {url[:100]}")

    def _send(
        self,
        key: tuple[Any, ...],
        target: str,
        headers: dict[str, str],
        proxy_auth: str | None,
        url: str,
    ) -> Response:
        for attempt in (0, 1):
            conn, reused = self._connection(key, proxy_auth, fresh=attempt > 0)
            try:
                conn.putrequest("GET", target, skip_accept_encoding=True)
                for k, v in headers.items():
                    conn.putheader(k, v)
                if proxy_auth and key[0] == "http":
                    conn.putheader("Proxy-Authorization", proxy_auth)
                conn.endheaders()
                raw = conn.getresponse()
            except TimeoutError as exc:
                conn.close()
                raise ReadTimeout("timed out") from exc
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                conn.close()
                if reused and attempt == 0:  # the server had closed the kept connection
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            return Response(self, key, conn, raw, url, [])
        raise AssertionError("unreachable")

    def _route(self, url: str) -> tuple[tuple[Any, ...], str, str | None]:
        """(pool key, request target, Proxy-Authorization) for `url`."""
        try:
            p = urlsplit(url)
            port = p.port
        except ValueError as exc:
            raise InvalidURL(f"adresse illisible : {url[:100]}") from exc
        scheme = p.scheme.lower()
        if scheme not in ("http", "https") or not p.hostname:
            raise InvalidURL(f"adresse non prise en charge : {url[:100]}")
        host = p.hostname
        port = port or (443 if scheme == "https" else 80)
        target = quote(p.path or "/", safe=_SAFE)
        if p.query:
            target += "?" + quote(p.query, safe=_SAFE)
        proxy = self._proxy_for(scheme, host)
        auth = None
        if proxy is not None:
            pp = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
            if pp.username is not None:
                pair = f"{unquote(pp.username)}:{unquote(pp.password or '')}"
                auth = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
            proxy_host, proxy_port = pp.hostname or "", pp.port or 8080
            if scheme == "http":  # the proxy is asked for the whole address
                origin = f"http://{_netloc(host, port, 80)}"
                return ("http", proxy_host, proxy_port, None), origin + target, auth
            return ("https", host, port, (proxy_host, proxy_port)), target, auth
        return (scheme, host, port, None), target, auth

    def _proxy_for(self, scheme: str, host: str) -> str | None:
        if host in ("127.0.0.1", "::1", "localhost"):
            return None
        if self._proxies is None:
            self._proxies = urllib.request.getproxies()
        proxy = self._proxies.get(scheme) or self._proxies.get("all")
        if not proxy:
            return None
        if "://" in proxy and not proxy.lower().startswith("http://"):
            return None  # SOCKS or TLS-to-proxy: not spoken here; going direct beats failing
        try:
            if urllib.request.proxy_bypass(host):
                return None
        except OSError:
            pass
        return proxy

    # --- connections ------------------------------------------------------------------------

    def _connection(
        self, key: tuple[Any, ...], proxy_auth: str | None, fresh: bool = False
    ) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            if self._closed:
                raise HttpError("client fermé")
            idle = self._idle.get(key)
            if idle and not fresh:
                return idle.pop(), True
            stale = list(idle or []) if fresh else []  # kept as long as the one that failed
            if fresh and idle:
                idle.clear()
        for c in stale:
            c.close()
        scheme, host, port, tunnel = key
        conn: http.client.HTTPConnection
        if scheme == "https":
            if tunnel is not None:
                conn = http.client.HTTPSConnection(
                    tunnel[0], tunnel[1], timeout=self.connect_timeout, context=self._context()
                )
                extra = {"Proxy-Authorization": proxy_auth} if proxy_auth else None
                conn.set_tunnel(host, port, headers=extra)
            else:
                conn = http.client.HTTPSConnection(
                    host, port, timeout=self.connect_timeout, context=self._context()
                )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self.connect_timeout)
        try:
            conn.connect()
        except (OSError, http.client.HTTPException) as exc:  # ssl.SSLError is an OSError
            conn.close()
            reason = "timed out" if isinstance(exc, TimeoutError) else str(exc)
            raise ConnectError(reason or type(exc).__name__) from exc
        if conn.sock is not None:
            conn.sock.settimeout(self.read_timeout)  # from now on: the silence timeout
            try:
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        return conn, False

    def _context(self) -> ssl.SSLContext:
        with self._lock:
            if self._ssl is None:
                self._ssl = tls_context()
            return self._ssl

    def _release(self, key: tuple[Any, ...], conn: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if not self._closed and len(idle) < _IDLE_PER_HOST:
                idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conns = [c for idle in self._idle.values() for c in idle]
            self._idle.clear()
        for c in conns:
            c.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tls_context() -> ssl.SSLContext:
    """The authorities HTTPS is checked against: SSL_CERT_FILE / SSL_CERT_DIR when set (a
    company or school that inspects its traffic gives its own), else certifi's list, the
    same on every OS and in a built app (which cannot always reach the system's)."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile or capath:
        try:
            return ssl.create_default_context(cafile=cafile, capath=capath)
        except (OSError, ssl.SSLError):  # a wrong path: the usual list rather than none
            pass
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi is a dependency
        return ssl.create_default_context()


def _drain(resp: Response) -> None:
    """Read a redirect's small body so that its connection can be kept."""
    try:
        n = 0
        for chunk in resp.iter_bytes():
            n += len(chunk)
            if n > _DRAIN_LIMIT:
                break
    except (HttpError, OSError, http.client.HTTPException):
        pass


def _netloc(host: str, port: int, default: int) -> str:
    h = f"[{host}]" if ":" in host else host
    return h if port == default else f"{h}:{port}"


def _header_bytes(raw: http.client.HTTPResponse) -> int:
    """Size of the status line and headers as they came on the wire (near enough)."""
    n = len(f"HTTP/1.1 {raw.status} {raw.reason}\r\n") + 2
    for k, v in raw.msg.items():
        n += len(k) + len(v) + 4
    return n
