"""Loopback stream servers for the tests: a live Icecast/Shoutcast-style MP3 stream, a static
HTTP server (HLS folders, playlists, generated routes), a server that answers and then goes
silent, and a URL where nothing listens.

Everything binds to 127.0.0.1 on a free port; nothing here ever reaches the network.

Every server has ``start()`` (returns the server), ``stop()`` (closes the listening socket and
every live client connection at once), context-manager support, ``url(path)``, ``port`` and the
counters:

* ``connections``: ``collections.Counter`` of requests per path (as sent by the client),
* ``bytes_sent``: total body bytes sent (everything after the response headers),
* ``requests``: list of ``(path, headers)`` with header names lower-cased,
* ``active_connections``: number of client connections open right now.
"""

from __future__ import annotations

import collections
import http.server
import mimetypes
import os
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

__all__ = [
    "ICY_TITLES",
    "IcecastServer",
    "SilentServer",
    "StaticServer",
    "CONTENT_TYPES",
    "dead_url",
    "free_port",
    "make_asx",
    "make_m3u",
    "make_pls",
    "make_xspf",
    "icy_title_block",
    "wait_until",
]

HOST = "127.0.0.1"

# One UTF-8 title and one Latin-1 title (whose bytes are invalid UTF-8): the ``icecast``
# fixture's cycle. (Latin-1 has no en dash, hence the plain hyphen in the second.)
ICY_TITLES = [
    ("Salif Keïta – Mandjou", "utf-8"),
    ("Oumou Sangaré - Wassoulou", "latin-1"),
]

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".aac": "audio/aac",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".pls": "audio/x-scpls",
    ".m3u": "audio/x-mpegurl",
    ".xspf": "application/xspf+xml",
    ".asx": "video/x-ms-asf",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
}


def wait_until(predicate: Callable[[], object], timeout: float = 5.0, interval: float = 0.02):
    """Poll ``predicate`` until it returns a truthy value (returned) or ``timeout`` passes
    (returns the last falsy value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def dead_url(path: str = "/") -> str:
    """An http://127.0.0.1:<port>/ URL where nothing listens: connecting is refused."""
    if not path.startswith("/"):
        path = "/" + path
    return f"http://{HOST}:{free_port()}{path}"


# --------------------------------------------------------------------------------------------
# Common machinery
# --------------------------------------------------------------------------------------------


class _Conn:
    """One live client connection. Only its handler thread closes the socket; other threads
    ask for it (``closing``) and may shut the socket down so the client sees it at once."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.path = ""
        self.sent = 0  # body bytes on this connection
        self.closing: str | None = None  # None, "fin" or "rst"
        self.wake = threading.Event()

    def request_close(self, mode: str = "fin") -> None:
        if self.closing is None:
            self.closing = mode
        if mode == "rst":
            try:  # the handler's close() then sends a RST instead of a FIN
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        else:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.wake.set()


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, owner: _ServerBase, handler):
        self.owner = owner
        super().__init__((HOST, 0), handler)

    def handle_error(self, request, client_address):  # the client went away: not an error
        pass


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"
    server_version = "maliradio-test"
    sys_version = ""

    def log_message(self, format, *args):  # keep test output clean
        pass

    @property
    def owner(self):
        return self.server.owner

    def setup(self):
        super().setup()
        self.conn = self.owner._register(self.connection)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.owner._unregister(self.conn)
            if self.conn.closing == "rst":
                # SO_LINGER 0 is set: closing now sends a RST (no FIN first, which the
                # server's usual shutdown(SHUT_WR) would send).
                self.connection.close()

    def _record(self) -> None:
        self.conn.path = self.path
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.owner._record_request(self.path, headers, self.command)

    def _send_simple(self, status: int, body: bytes = b"", content_type="text/plain") -> None:
        if not body and status >= 400:
            body = f"{status} {self.responses.get(status, ('',))[0]}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self._write(body)

    def _write(self, data: bytes) -> bool:
        """Write body bytes, counting them; False when the connection is gone."""
        try:
            self.wfile.write(data)
        except OSError:
            self.close_connection = True
            return False
        self.conn.sent += len(data)
        self.owner._add_bytes(len(data))
        return True


class _ServerBase:
    _handler_class: type[_Handler] = _Handler

    def __init__(self):
        self._lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._live: dict[int, _Conn] = {}  # id(socket) -> connection
        self.connections: collections.Counter[str] = collections.Counter()
        self.bytes_sent = 0
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.fail_status: int | None = None
        self.delay = 0.0  # seconds to wait before answering each request
        self.ssl_context = None  # an ssl.SSLContext (server side) serves HTTPS instead

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context is not None else "http"

    # lifecycle -------------------------------------------------------------------------------
    def start(self):
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer(self, self._handler_class)
        if self.ssl_context is not None:
            self._httpd.socket = self.ssl_context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        self._close_live("fin")
        wait_until(lambda: not self._live, timeout=2.0, interval=0.01)
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    def url(self, path: str = "/") -> str:
        if not path.startswith("/"):
            path = "/" + path
        return f"{self.scheme}://{HOST}:{self.port}{path}"

    # bookkeeping -----------------------------------------------------------------------------
    @property
    def active_connections(self) -> int:
        with self._lock:
            return len(self._live)

    def _register(self, sock: socket.socket) -> _Conn:
        conn = _Conn(sock)
        with self._lock:
            self._live[id(sock)] = conn
        if self._stopping.is_set():
            conn.request_close("fin")
        return conn

    def _unregister(self, conn: _Conn) -> None:
        with self._lock:
            self._live.pop(id(conn.sock), None)

    def _record_request(self, path: str, headers: dict[str, str], method: str) -> None:
        with self._lock:
            self.requests.append((path, headers))
            if method == "GET":
                self.connections[path] += 1

    def _add_bytes(self, n: int) -> None:
        with self._lock:
            self.bytes_sent += n

    def _close_live(self, mode: str) -> int:
        with self._lock:
            conns = list(self._live.values())
        for conn in conns:
            conn.request_close(mode)
        return len(conns)

    def cut_all(self, reset: bool = False) -> int:
        """Close every current client connection now (FIN, or RST with ``reset=True``);
        returns how many were open. The server keeps accepting new connections."""
        return self._close_live("rst" if reset else "fin")

    def reset_counters(self) -> None:
        with self._lock:
            self.connections.clear()
            self.bytes_sent = 0
            self.requests.clear()

    def _wait(self, conn: _Conn, seconds: float) -> bool:
        """Sleep up to ``seconds``; False when the connection or the server is closing."""
        if seconds > 0:
            conn.wake.wait(seconds)
            conn.wake.clear()
        return conn.closing is None and not self._stopping.is_set()


# --------------------------------------------------------------------------------------------
# Icecast
# --------------------------------------------------------------------------------------------


def _normalize_titles(titles) -> list[tuple[str, str]]:
    out = []
    for item in titles or ():
        text, encoding = (item, "utf-8") if isinstance(item, str) else item
        try:
            text.encode(encoding)
        except UnicodeEncodeError as exc:
            raise ValueError(
                f"title {text!r} cannot be encoded in {encoding} ({exc.reason}); note that "
                "latin-1 has no '–' (en dash) while cp1252 has it"
            ) from None
        out.append((text, encoding))
    return out


def icy_title_block(text: str | None, encoding: str = "utf-8") -> bytes:
    """One ICY metadata block: a length byte N, then N*16 bytes of ``StreamTitle='...';``
    padded with NULs (N=0, a single zero byte, when ``text`` is None)."""
    if text is None:
        return b"\x00"
    payload = b"StreamTitle='" + text.encode(encoding) + b"';"
    payload = payload[: 255 * 16]
    n = -(-len(payload) // 16)
    return bytes([n]) + payload.ljust(n * 16, b"\x00")


def _strip_id3(data: bytes) -> bytes:
    """Drop ID3v2 tags at the start and an ID3v1 tag at the end so the file loops cleanly."""
    while data[:3] == b"ID3" and len(data) >= 10:
        size = 0
        for b in data[6:10]:
            size = (size << 7) | (b & 0x7F)
        footer = 10 if data[5] & 0x10 else 0
        data = data[10 + size + footer :]
    if len(data) >= 128 and data[-128:-125] == b"TAG":
        data = data[:-128]
    return data


class _IcecastHandler(_Handler):
    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        srv: IcecastServer = self.owner
        self._record()
        if srv.delay and not srv._wait(self.conn, srv.delay):
            self.close_connection = True
            return
        path = urllib.parse.urlsplit(self.path).path
        if srv.fail_status is not None:
            self._send_simple(srv.fail_status)
            return
        if path != srv.path:
            self._send_simple(404)
            return
        want_meta = self.headers.get("Icy-MetaData", "").strip() == "1"
        status = "ICY 200 OK" if srv.icy_status_line else "HTTP/1.0 200 OK"
        lines = [
            status,
            "Content-Type: audio/mpeg",
            f"icy-name: {srv.name}",
            f"icy-description: {srv.description}",
            f"icy-genre: {srv.genre}",
            f"icy-br: {srv.bitrate}",
            "icy-pub: 0",
            "Cache-Control: no-cache, no-store",
            "Server: Icecast 2.4.4",
        ]
        if want_meta:
            lines.append(f"icy-metaint: {srv.metaint}")
        lines += [f"{k}: {v}" for k, v in srv.extra_headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
        self.close_connection = True
        try:
            self.connection.sendall(head)
        except OSError:
            return
        if self.command == "HEAD":
            return
        self.connection.settimeout(0.2)
        srv._stream(self.conn, want_meta)


class IcecastServer(_ServerBase):
    """A live Icecast-style MP3 stream at ``/stream.mp3`` (``path``): loops the file forever,
    paced at ``bitrate`` kbit/s in chunks of ``chunk_seconds`` after an initial burst of
    ``burst_seconds`` of audio. With ``Icy-MetaData: 1`` from the client it answers
    ``icy-metaint: <metaint>`` and inserts a metadata block every ``metaint`` audio bytes.

    ``titles``: list of ``(text, encoding)`` (or plain str, UTF-8), cycled every
    ``title_interval`` seconds; each is encoded with its own encoding. As Icecast does, a block
    carries the title only when it changed for that connection (a zero byte otherwise), unless
    ``repeat_metadata=True``.

    Failure modes, plain attributes read continuously by every connection, so changing them
    affects open and future connections alike: ``cut_after_bytes`` (the connection is closed
    after that many body bytes), ``stall_after_bytes`` (it goes silent for good after that
    many), ``fail_status`` (every request gets that HTTP status), ``delay`` (seconds before
    answering), ``cut_reset`` (cuts send a RST instead of a FIN). Methods: ``stall()`` /
    ``resume()`` (all connections send nothing meanwhile; new ones get their headers), and
    ``cut_all()``. "Body bytes" are every byte after the headers, metadata blocks included
    (``audio_bytes_sent`` counts the audio alone).
    """

    _handler_class = _IcecastHandler

    def __init__(
        self,
        mp3_path: str | os.PathLike,
        titles: Iterable[tuple[str, str] | str] | None = None,
        metaint: int = 8192,
        *,
        title_interval: float = 2.0,
        bitrate: int = 128,
        burst_seconds: float = 2.0,
        chunk_seconds: float = 0.1,
        path: str = "/stream.mp3",
        name: str = "Radio Test Bamako",
        description: str = "maliradio loopback test stream",
        genre: str = "Test",
        cut_after_bytes: int | None = None,
        stall_after_bytes: int | None = None,
        fail_status: int | None = None,
        cut_reset: bool = False,
        repeat_metadata: bool = False,
        icy_status_line: bool = False,
        extra_headers: Mapping[str, str] | None = None,
    ):
        super().__init__()
        self.mp3_path = Path(mp3_path)
        self._audio = _strip_id3(self.mp3_path.read_bytes())
        if not self._audio:
            raise ValueError(f"{mp3_path}: no audio data")
        self.metaint = int(metaint)
        self.title_interval = float(title_interval)
        self.bitrate = int(bitrate)
        self.burst_seconds = float(burst_seconds)
        self.chunk_seconds = float(chunk_seconds)
        self.path = path
        self.name = name
        self.description = description
        self.genre = genre
        self.cut_after_bytes = cut_after_bytes
        self.stall_after_bytes = stall_after_bytes
        self.fail_status = fail_status
        self.cut_reset = cut_reset
        self.repeat_metadata = repeat_metadata
        self.icy_status_line = icy_status_line
        self.extra_headers = dict(extra_headers or {})
        self.audio_bytes_sent = 0
        self._stalled = threading.Event()
        self._titles: list[tuple[str, str]] = []
        self._titles_t0 = time.monotonic()
        self.set_titles(titles if titles is not None else [("maliradio test", "utf-8")])

    @property
    def byte_rate(self) -> int:
        return self.bitrate * 1000 // 8

    def url(self, path: str | None = None) -> str:
        return super().url(self.path if path is None else path)

    # titles ------------------------------------------------------------------------------------
    def set_titles(self, titles: Iterable[tuple[str, str] | str]) -> None:
        """Replace the title cycle; the first new title is current from now on."""
        normalized = _normalize_titles(titles)
        with self._lock:
            self._titles = normalized
            self._titles_t0 = time.monotonic()

    @property
    def titles(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._titles)

    def current_title(self) -> tuple[str, str] | None:
        with self._lock:
            if not self._titles:
                return None
            elapsed = time.monotonic() - self._titles_t0
            if self.title_interval > 0:
                i = int(elapsed / self.title_interval) % len(self._titles)
            else:
                i = 0
            return self._titles[i]

    # failure modes -----------------------------------------------------------------------------
    def stall(self) -> None:
        """Every connection keeps its socket open but sends nothing until ``resume()``."""
        self._stalled.set()

    def resume(self) -> None:
        self._stalled.clear()
        with self._lock:
            conns = list(self._live.values())
        for conn in conns:
            conn.wake.set()

    @property
    def stalled(self) -> bool:
        return self._stalled.is_set()

    # streaming ---------------------------------------------------------------------------------
    def _stream(self, conn: _Conn, want_meta: bool) -> None:
        audio = self._audio
        pos = 0  # position in the file
        since_meta = 0  # audio bytes since the last metadata block
        last_sent_title: tuple[str, str] | None = None
        pending = b""  # wire bytes prepared, not yet sent
        rate = self.byte_rate
        credit = self.burst_seconds * rate
        last = time.monotonic()

        def next_wire(n_audio: int) -> bytes:
            nonlocal pos, since_meta, last_sent_title
            parts = []
            while n_audio > 0:
                take = min(n_audio, len(audio) - pos)
                if want_meta:
                    take = min(take, self.metaint - since_meta)
                parts.append(audio[pos : pos + take])
                pos = (pos + take) % len(audio)
                n_audio -= take
                with self._lock:
                    self.audio_bytes_sent += take
                if want_meta:
                    since_meta += take
                    if since_meta == self.metaint:
                        since_meta = 0
                        title = self.current_title()
                        if title is None:
                            parts.append(b"\x00")
                        elif title != last_sent_title or self.repeat_metadata:
                            parts.append(icy_title_block(*title))
                            last_sent_title = title
                        else:
                            parts.append(b"\x00")
            return b"".join(parts)

        while self._wait(conn, 0):
            cut_after = self.cut_after_bytes
            if cut_after is not None and conn.sent >= cut_after:
                conn.request_close("rst" if self.cut_reset else "fin")
                break
            stall_after = self.stall_after_bytes
            now = time.monotonic()
            if self._stalled.is_set() or (stall_after is not None and conn.sent >= stall_after):
                last = now  # no credit while stalled: no catch-up burst on resume
                self._wait(conn, 0.05)
                continue
            chunk = max(1, int(rate * self.chunk_seconds))
            credit = min(credit + (now - last) * rate, max(credit, chunk, rate * 0.5))
            last = now
            if not pending:
                if credit < chunk:
                    self._wait(conn, min(0.1, (chunk - credit) / rate))
                    continue
                pending = next_wire(chunk)
                credit -= chunk
            limit = len(pending)
            for cap in (cut_after, stall_after):
                if cap is not None:
                    limit = min(limit, max(0, cap - conn.sent))
            if limit == 0:
                continue
            try:
                n = conn.sock.send(pending[:limit])
            except (TimeoutError, BlockingIOError):
                continue
            except OSError:
                break
            if n == 0:
                break
            pending = pending[n:]
            conn.sent += n
            self._add_bytes(n)


# --------------------------------------------------------------------------------------------
# Static files and generated routes
# --------------------------------------------------------------------------------------------


class _StaticHandler(_Handler):
    protocol_version = "HTTP/1.1"  # keep-alive, as HLS players expect

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        srv: StaticServer = self.owner
        self._record()
        if srv.delay and not srv._wait(self.conn, srv.delay):
            self.close_connection = True
            return
        if srv.fail_status is not None:
            self._send_simple(srv.fail_status)
            return
        route = srv._route_for(self.path)
        if route is not None:
            status, content_type, body, headers = route
            self._send_body(status, content_type, body, headers, allow_range=False)
            return
        file = srv._file_for(self.path)
        if file is None:
            self._send_simple(404)
            return
        self._send_body(200, srv.content_type_for(file), file.read_bytes(), {}, allow_range=True)

    def _send_body(self, status, content_type, body: bytes, headers, allow_range: bool):
        rng = self.headers.get("Range") if allow_range and status == 200 else None
        extra = dict(headers)
        if rng:
            parsed = _parse_range(rng, len(body))
            if parsed is None:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, end = parsed
            extra["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
            body = body[start : end + 1]
            status = 206
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if allow_range:
            self.send_header("Accept-Ranges", "bytes")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self._write(body)


def _parse_range(value: str, size: int) -> tuple[int, int] | None:
    unit, _, spec = value.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                return None
            return max(0, size - n), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


class StaticServer(_ServerBase):
    """Serves the files under ``root_dir`` (may be None: routes only) with the right
    Content-Type (``CONTENT_TYPES``), byte ranges and HTTP/1.1 keep-alive, plus generated
    ``routes``: ``{path: (status, content_type, body)}`` (or a 4-tuple with a headers dict).
    A route matches the exact request path first, then the path without its query string.
    Attributes ``fail_status`` (every request gets that status) and ``delay`` (seconds
    before each answer) can be changed at any time."""

    _handler_class = _StaticHandler

    def __init__(
        self,
        root_dir: str | os.PathLike | None = None,
        routes: Mapping[str, tuple] | None = None,
        *,
        fail_status: int | None = None,
        delay: float = 0.0,
    ):
        super().__init__()
        self.root = Path(root_dir).resolve() if root_dir is not None else None
        self._routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        for path, spec in (routes or {}).items():
            status, content_type, body, *rest = spec
            self.add_route(path, body, content_type, status, rest[0] if rest else None)
        self.fail_status = fail_status
        self.delay = delay

    def add_route(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "application/octet-stream",
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> str:
        """Serve ``body`` at ``path``; returns the route's URL if started, else the path."""
        if not path.startswith("/"):
            path = "/" + path
        if isinstance(body, str):
            body = body.encode("utf-8")
        with self._lock:
            self._routes[path] = (int(status), content_type, bytes(body), dict(headers or {}))
        return self.url(path) if self.running else path

    def remove_route(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def _route_for(self, raw_path: str):
        with self._lock:
            route = self._routes.get(raw_path)
            if route is None:
                route = self._routes.get(urllib.parse.urlsplit(raw_path).path)
            return route

    def _file_for(self, raw_path: str) -> Path | None:
        if self.root is None:
            return None
        rel = urllib.parse.unquote(urllib.parse.urlsplit(raw_path).path).lstrip("/")
        candidate = (self.root / rel).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None
        return candidate if candidate.is_file() else None

    @staticmethod
    def content_type_for(path: str | os.PathLike) -> str:
        suffix = Path(path).suffix.lower()
        if suffix in CONTENT_TYPES:
            return CONTENT_TYPES[suffix]
        guessed, _ = mimetypes.guess_type(str(path))
        return guessed or "application/octet-stream"


# --------------------------------------------------------------------------------------------
# Silent server
# --------------------------------------------------------------------------------------------


class _SilentHandler(_Handler):
    def do_GET(self):
        srv: SilentServer = self.owner
        self._record()
        self.close_connection = True
        if srv.send_headers:
            head = (
                "HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\nicy-name: Silent\r\n"
                "icy-br: 128\r\nCache-Control: no-cache\r\n\r\n"
            )
            try:
                self.connection.sendall(head.encode())
            except OSError:
                return
        while srv._wait(self.conn, 0.5):
            pass

    do_HEAD = do_GET


class SilentServer(_ServerBase):
    """Accepts connections, reads the request, answers ``200`` with ``Content-Type:
    audio/mpeg`` and then sends nothing, keeping the socket open until stopped (or
    ``cut_all()``). With ``send_headers=False`` it does not even answer."""

    _handler_class = _SilentHandler

    def __init__(self, send_headers: bool = True):
        super().__init__()
        self.send_headers = send_headers


# --------------------------------------------------------------------------------------------
# Playlists
# --------------------------------------------------------------------------------------------


def _titles_for(urls: Sequence[str], titles: Sequence[str] | None) -> list[str]:
    if titles is None:
        return [f"Station {i}" for i in range(1, len(urls) + 1)]
    if len(titles) != len(urls):
        raise ValueError("titles and urls differ in length")
    return list(titles)


def make_pls(urls: Sequence[str], titles: Sequence[str] | None = None) -> bytes:
    """A PLS playlist (``[playlist]``, FileN/TitleN/LengthN, NumberOfEntries, Version=2)."""
    names = _titles_for(urls, titles)
    lines = ["[playlist]"]
    for i, (url, title) in enumerate(zip(urls, names, strict=True), start=1):
        lines += [f"File{i}={url}", f"Title{i}={title}", f"Length{i}=-1"]
    lines += [f"NumberOfEntries={len(urls)}", "Version=2", ""]
    return "\n".join(lines).encode("utf-8")


def make_m3u(
    urls: Sequence[str],
    extvlcopt: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    titles: Sequence[str] | None = None,
) -> bytes:
    """An extended M3U: ``#EXTM3U``, then per entry ``#EXTINF:-1,Title``, the
    ``#EXTVLCOPT:`` lines (a list for every entry, or a dict url -> list), the URL."""
    names = _titles_for(urls, titles)
    lines = ["#EXTM3U"]
    for url, title in zip(urls, names, strict=True):
        lines.append(f"#EXTINF:-1,{title}")
        if isinstance(extvlcopt, Mapping):
            opts = extvlcopt.get(url, ())
        else:
            opts = extvlcopt or ()
        lines += [f"#EXTVLCOPT:{opt}" for opt in opts]
        lines.append(url)
    lines.append("")
    return "\n".join(lines).encode("utf-8")


def make_xspf(urls: Sequence[str], titles: Sequence[str] | None = None) -> bytes:
    """An XSPF playlist: ``<playlist version="1"><trackList><track><location>``."""
    names = _titles_for(urls, titles)
    tracks = "".join(
        f"    <track>\n      <title>{_xml_escape(t)}</title>\n"
        f"      <location>{_xml_escape(u)}</location>\n    </track>\n"
        for u, t in zip(urls, names, strict=True)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<playlist version="1" xmlns="http://xspf.org/ns/0/">\n'
        f"  <trackList>\n{tracks}  </trackList>\n</playlist>\n"
    ).encode()


def make_asx(urls: Sequence[str], titles: Sequence[str] | None = None) -> bytes:
    """An ASX 3.0 playlist: ``<asx version="3.0"><entry><ref href="..."/></entry></asx>``."""
    names = _titles_for(urls, titles)
    entries = "".join(
        f"  <entry>\n    <title>{_xml_escape(t)}</title>\n"
        f"    <ref href={_xml_quoteattr(u)}/>\n  </entry>\n"
        for u, t in zip(urls, names, strict=True)
    )
    return f'<asx version="3.0">\n  <title>maliradio test</title>\n{entries}</asx>\n'.encode()
