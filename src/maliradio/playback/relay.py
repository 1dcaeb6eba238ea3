"""Relay a live HTTP stream to libVLC over loopback, taking the ICY titles out on the way.

One upstream connection (the one that was opened to find out what the URL is) carries both the
audio and the titles: the relay strips the ICY metadata blocks, decodes each title as UTF-8 with
a cp1252 fallback (libVLC 3.0 drops Latin-1 titles altogether), and serves the pure audio to
libVLC on 127.0.0.1. It also knows when bytes last arrived, which the player's watchdog uses.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
import unicodedata
from collections.abc import Callable
from typing import BinaryIO

from maliradio.playback import threads
from maliradio.playback.net import Response

log = logging.getLogger("maliradio.player")

BUFFER_CAP = 4 * 1024 * 1024


TITLE_MAX = 300  # characters: a long title is cut, never the window's layout


def clean_title(text: str) -> str:
    """A title as shown: no control or format characters (escape sequences, bidi overrides),
    one space between words, cut to TITLE_MAX characters."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    out = " ".join(kept.split())
    return out if len(out) <= TITLE_MAX else out[: TITLE_MAX - 1].rstrip() + "…"


def decode_title(raw: bytes) -> str:
    """UTF-8 first, then cp1252 (what Shoutcast servers send as 'Latin-1')."""
    raw = raw.rstrip(b"\0")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return clean_title(text)


def parse_stream_title(block: bytes) -> bytes | None:
    """The raw bytes of StreamTitle='...'; in one metadata block, or None."""
    block = block.rstrip(b"\0")
    start = block.find(b"StreamTitle='")
    if start < 0:
        return None
    start += len(b"StreamTitle='")
    # the value ends at the last "';" before the next key (StreamUrl=...) or at the block's end
    nxt = block.find(b"';StreamUrl='", start)
    if nxt < 0:
        nxt = block.rfind(b"';")
    if nxt < start:
        nxt = len(block) - (1 if block.endswith(b"'") else 0)
    return block[start:nxt]


class IcyDemuxer:
    """Splits a stream with ICY metadata every `metaint` bytes into audio and titles."""

    def __init__(self, metaint: int, on_title: Callable[[str], None]) -> None:
        self.metaint = metaint
        self.on_title = on_title
        self._left = metaint  # audio bytes until the next length byte
        self._meta_len: int | None = None
        self._meta = bytearray()
        self._last: str | None = None

    def feed(self, data: bytes) -> bytes:
        if self.metaint <= 0:
            return data
        out = bytearray()
        i, n = 0, len(data)
        while i < n:
            if self._meta_len is None and self._left > 0:
                take = min(self._left, n - i)
                out += data[i : i + take]
                i += take
                self._left -= take
            elif self._meta_len is None:
                self._meta_len = data[i] * 16
                i += 1
                if self._meta_len == 0:
                    self._meta_len = None
                    self._left = self.metaint
            else:
                take = min(self._meta_len - len(self._meta), n - i)
                self._meta += data[i : i + take]
                i += take
                if len(self._meta) == self._meta_len:
                    self._emit(bytes(self._meta))
                    self._meta.clear()
                    self._meta_len = None
                    self._left = self.metaint
        return bytes(out)

    def _emit(self, block: bytes) -> None:
        raw = parse_stream_title(block)
        if raw is None:
            return
        title = decode_title(raw)
        if title != self._last:
            self._last = title
            self.on_title(title)


# Seamless reconnection: when the upstream drops, the relay opens it again while libVLC plays
# what it has buffered, so the listener hears no gap. A connection that brought less than
# GOOD_CONNECTION bytes counts as a failure; after RECONNECT_TRIES of those in a row (waiting a
# little longer before each) the relay gives up and lets the player's own policy decide.
GOOD_CONNECTION = 16 * 1024
RECONNECT_TRIES = 3
SILENCE_RECONNECT = 4.0  # seconds without a byte from upstream: treated as a drop


class Relay:
    """Serves one upstream Response to libVLC at `self.url` (http://127.0.0.1:PORT/TOKEN).

    The upstream can come later (`attach`): the player starts libVLC on the relay while it is
    still finding out what the URL is, and libVLC's request waits for the answer. Should the
    URL not be one to relay, `close()` drops libVLC's waiting request.

    Only a request for the relay's own unguessable path is served, one client at a time: another
    local program cannot take the stream from libVLC. With `reopen` (given to `attach`), a
    dropped upstream is opened again without libVLC noticing (see GOOD_CONNECTION)."""

    def __init__(
        self,
        upstream: Response | None,
        on_title: Callable[[str], None],
        on_end: Callable[[str], None] | None = None,
        reopen: Callable[[], Response] | None = None,
    ) -> None:
        self.upstream: Response | None = None
        self.on_title = on_title
        self.on_end = on_end
        self.demux = IcyDemuxer(0, on_title)
        self.content_type = "audio/mpeg"
        self.bytes_in = 0  # received from upstream: headers and body, every connection
        self.reported = 0  # of those, already counted by the player's data meter
        self.reconnects = 0  # upstream connections opened again after a drop
        self.last_data = time.monotonic()
        self._reopen: Callable[[], Response] | None = None
        self._tee: BinaryIO | None = None  # a recording: the audio is written there too
        self.tee_error = ""  # why the recording stopped (a full disk...)
        self._buf = bytearray()
        self._cond = threading.Condition()
        self._closed = False
        self._eof = False
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self._listener.settimeout(0.5)
        self.port = self._listener.getsockname()[1]
        self.path = "/" + secrets.token_urlsafe(18)
        self.url = f"http://127.0.0.1:{self.port}{self.path}"
        self._client: socket.socket | None = None
        self._sockets: set[socket.socket] = set()  # every accepted socket not yet closed
        threads.start("relay-accept", self._accept)
        if upstream is not None:
            self.attach(upstream, reopen)

    @property
    def attached(self) -> bool:
        return self.upstream is not None

    def attach(self, upstream: Response, reopen: Callable[[], Response] | None = None) -> None:
        """The upstream connection to relay (once): its audio starts flowing to libVLC."""
        with self._cond:
            if self._closed:
                upstream.close()
                return
            self._reopen = reopen
            self.content_type = upstream.headers.get("content-type", "audio/mpeg")
            self._use(upstream)
            self._cond.notify_all()
        threads.start("relay-upstream", self._pump)

    def set_tee(self, file: BinaryIO | None) -> None:
        """Write the audio to `file` as well (a recording), from now on; None stops."""
        with self._cond:
            self._tee = file
            self.tee_error = ""

    def _use(self, upstream: Response) -> None:
        metaint = 0
        try:
            metaint = int(upstream.headers.get("icy-metaint", "0"))
        except ValueError:
            metaint = 0
        self.demux = IcyDemuxer(metaint, self.on_title)
        self.last_data = time.monotonic()
        self.upstream = upstream
        self.bytes_in += upstream.head_bytes

    # upstream -> buffer
    def _pump(self) -> None:
        reason = "fin du flux"
        failures = 0  # connections in a row that brought (almost) nothing
        upstream: Response | None = self.upstream
        try:
            while not self._closed:
                if upstream is not None:
                    received, reason = self._relay(upstream)
                    upstream.close()
                    failures = 0 if received >= GOOD_CONNECTION else failures + 1
                if self._reopen is None or self._closed or failures >= RECONNECT_TRIES:
                    break
                if failures and self._sleep(0.5 * failures):
                    break
                log.info("relais : flux coupé (%s), reconnexion", reason)
                try:
                    upstream = self._reopen()
                except Exception as exc:  # noqa: BLE001 - any failure is one more try
                    reason = f"reconnexion impossible ({exc})"
                    upstream = None
                    failures += 1
                    continue
                with self._cond:
                    if self._closed:
                        upstream.close()
                        break
                    self._use(upstream)
                    self.reconnects += 1
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()
            if not self._closed and self.on_end is not None:
                self.on_end(reason)

    def _relay(self, upstream: Response) -> tuple[int, str]:
        """Copy one upstream connection's audio into the buffer until it ends; the bytes it
        brought and why it ended."""
        received = 0
        try:
            upstream.sock.settimeout(1.0)
            while not self._closed:
                try:
                    data = upstream.recv(16384)
                except TimeoutError:
                    if time.monotonic() - self.last_data > SILENCE_RECONNECT:
                        return received, "le serveur n'envoie plus rien"
                    continue
                if not data:
                    return received, "fin du flux"
                received += len(data)
                self.bytes_in += len(data)
                self.last_data = time.monotonic()
                audio = self.demux.feed(data)
                if audio:
                    with self._cond:
                        if self._tee is not None:
                            self._write_tee(audio)
                        self._buf += audio
                        if len(self._buf) > BUFFER_CAP:
                            del self._buf[: len(self._buf) - BUFFER_CAP]
                        self._cond.notify_all()
        except OSError as exc:
            return received, f"connexion coupée ({exc})"
        return received, "relais fermé"

    def _write_tee(self, audio: bytes) -> None:
        assert self._tee is not None
        try:
            self._tee.write(audio)
        except (OSError, ValueError) as exc:  # a full disk, a file closed meanwhile
            self.tee_error = str(exc)
            self._tee = None
            log.warning("enregistrement interrompu : %s", exc)

    def _sleep(self, seconds: float) -> bool:
        """Wait, unless the relay closes meanwhile (then True)."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed, seconds)
            return self._closed

    # buffer -> libVLC
    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._cond:
                if self._closed:
                    conn.close()
                    return
                self._sockets.add(conn)
            threads.start("relay-client", self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            req = b""
            while b"\r\n\r\n" not in req and len(req) < 16384:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                req += chunk
            parts = req.split(b"\r\n", 1)[0].split()
            if len(parts) < 2 or parts[0] != b"GET" or parts[1] != self.path.encode():
                conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            with self._cond:  # libVLC's request waits until the upstream is known
                if self._client is not None:
                    busy = True
                else:
                    busy = False
                    self._client = conn
            if busy:  # two readers would split the audio between them
                conn.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
                return
            with self._cond:
                while self.upstream is None and not self._closed:
                    self._cond.wait(1.0)
                if self._closed:
                    return
            conn.sendall(
                (
                    "HTTP/1.0 200 OK\r\n"
                    f"Content-Type: {_header_value(self.content_type)}\r\n"
                    "Cache-Control: no-cache\r\n\r\n"
                ).encode("latin-1", "replace")
            )
            conn.settimeout(None)
            while True:
                with self._cond:
                    while not self._buf and not self._eof and not self._closed:
                        self._cond.wait(1.0)
                    if self._closed or (self._eof and not self._buf):
                        return
                    data = bytes(self._buf)
                    self._buf.clear()
                conn.sendall(data)
        except OSError:
            pass
        finally:
            with self._cond:
                if self._client is conn:
                    self._client = None
                self._sockets.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def seconds_since_data(self) -> float:
        return time.monotonic() - self.last_data

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            upstream = self.upstream
            clients = list(self._sockets)
            self._cond.notify_all()
        if upstream is not None:
            upstream.close()
        try:
            self._listener.close()
        except OSError:
            pass
        for c in clients:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _header_value(value: str) -> str:
    """A header value from upstream, safe to repeat: no line breaks, a sane length."""
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f")[:200] or "audio/mpeg"
