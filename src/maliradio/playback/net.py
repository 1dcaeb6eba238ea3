"""A minimal HTTP/1.0 client for live streams.

Why not a general HTTP library: Shoutcast v1 servers answer `ICY 200 OK`, which strict clients
reject, and we must keep the raw socket to relay the stream (and strip ICY metadata) without
opening a second connection. The timeout is on silence: each read may wait `timeout` seconds.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from maliradio import __version__

USER_AGENT = f"maliradio/{__version__} (libVLC)"
MAX_REDIRECTS = 5


class StreamError(Exception):
    """A failure to open a stream, with a French message for the user; `status`: the HTTP
    status the server answered, when it answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    sock: socket.socket
    head: bytes = b""  # body bytes already read along with the headers
    head_bytes: int = 0  # the status line and headers, as received
    _closed: bool = field(default=False, repr=False)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def recv(self, n: int = 16384) -> bytes:
        if self.head:
            data, self.head = self.head[:n], self.head[n:]
            return data
        return self.sock.recv(n)

    def read_up_to(self, limit: int) -> bytes:
        """Read until EOF or `limit` bytes (for playlists)."""
        chunks, total = [], 0
        while total < limit:
            data = self.recv(min(65536, limit - total))
            if not data:
                break
            chunks.append(data)
            total += len(data)
        return b"".join(chunks)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                self.sock.close()
            except OSError:
                pass


def _connect(url: str, timeout: float) -> tuple[socket.socket, dict[str, str] | None]:
    """A socket ready for the request of `url`, and the proxy's headers when a plain-HTTP
    request goes to the proxy (None: the request goes to the server itself). HTTPS goes through
    the proxy in a tunnel. The TLS context and the proxies are the app's (`maliradio.net`)."""
    from maliradio import net

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise StreamError(f"Adresse non prise en charge : {url}")
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = net.proxy_for(url)
    proxy_headers: dict[str, str] | None = None
    target = (host, port)
    if proxy is not None:
        address, proxy_headers = net.proxy_credentials(proxy)
        p = urlsplit(address)
        target = (p.hostname or "", p.port or 8080)
    try:
        sock = socket.create_connection(target, timeout=timeout)
    except socket.gaierror as exc:
        raise StreamError(f"Serveur introuvable : {host} (pas de réseau ?)") from exc
    except TimeoutError as exc:
        raise StreamError(f"Le serveur {host} ne répond pas") from exc
    except ConnectionRefusedError as exc:
        raise StreamError(
            f"Connexion impossible à {host} : le serveur refuse la connexion"
        ) from exc
    except OSError as exc:
        raise StreamError(f"Connexion impossible à {host} : {exc.strerror or exc}") from exc
    if parts.scheme == "https":
        try:
            if proxy_headers is not None:
                _tunnel(sock, host, port, proxy_headers)
                proxy_headers = None
            sock = net.tls_context().wrap_socket(sock, server_hostname=host)
        except (ssl.SSLError, OSError, StreamError) as exc:
            sock.close()
            if isinstance(exc, StreamError):
                raise
            raise StreamError(f"Connexion sécurisée impossible à {host} : {exc}") from exc
    return sock, proxy_headers


def _tunnel(sock: socket.socket, host: str, port: int, headers: dict[str, str]) -> None:
    """CONNECT through the proxy `sock` is connected to."""
    lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace"))
    status, _headers, _head, _size = _read_head(sock)
    if status != 200:
        raise StreamError(f"Le proxy refuse la connexion à {host} (erreur {status})", status)


def open_stream(
    url: str,
    *,
    user_agent: str | None = None,
    referrer: str | None = None,
    icy: bool = True,
    timeout: float = 10.0,
) -> Response:
    """GET `url` (following redirects) and return once the headers are read."""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        sock, proxy_headers = _connect(url, timeout)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        if proxy_headers is not None:  # through a proxy: the whole address
            path = f"{parts.scheme}://{host}{path}"
        lines = [
            f"GET {path} HTTP/1.0",
            f"Host: {host}",
            f"User-Agent: {user_agent or USER_AGENT}",
            "Accept: */*",
            "Connection: close",
        ]
        if icy:
            lines.append("Icy-MetaData: 1")
        if referrer:
            lines.append(f"Referer: {referrer}")
        lines += [f"{k}: {v}" for k, v in (proxy_headers or {}).items()]
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace"))
            status, headers, head, head_bytes = _read_head(sock)
        except TimeoutError as exc:
            sock.close()
            raise StreamError(f"Le serveur {parts.hostname} ne répond pas") from exc
        except OSError as exc:
            sock.close()
            raise StreamError(f"Connexion coupée par {parts.hostname} : {exc}") from exc
        except BaseException:  # an unreadable answer (StreamError) or anything else
            sock.close()
            raise
        if status in (301, 302, 303, 307, 308) and "location" in headers:
            sock.close()
            url = urljoin(url, headers["location"])
            continue
        if status >= 400:
            sock.close()
            raise StreamError(_status_message(status), status=status)
        return Response(
            url=url, status=status, headers=headers, sock=sock, head=head, head_bytes=head_bytes
        )
    raise StreamError("Trop de redirections")


def _status_message(status: int) -> str:
    return {
        401: "Ce flux demande un identifiant (erreur 401)",
        403: "Accès refusé par le serveur (erreur 403, flux peut-être réservé à un pays)",
        404: "Flux introuvable sur le serveur (erreur 404)",
        503: "Serveur du flux saturé ou indisponible (erreur 503)",
    }.get(status, f"Le serveur a répondu par une erreur {status}")


def _read_head(sock: socket.socket) -> tuple[int, dict[str, str], bytes, int]:
    buf = b""
    while b"\r\n\r\n" not in buf and b"\n\n" not in buf:
        data = sock.recv(4096)
        if not data:
            raise StreamError("Le serveur a fermé la connexion sans répondre")
        buf += data
        if len(buf) > 65536:
            raise StreamError("Réponse du serveur illisible")
    sep = b"\r\n\r\n" if b"\r\n\r\n" in buf else b"\n\n"
    raw, head = buf.split(sep, 1)
    headers_size = len(raw) + len(sep)
    lines = raw.decode("latin-1").splitlines()
    first = lines[0].split(None, 2)
    if len(first) < 2 or not (first[0].startswith("HTTP/") or first[0] == "ICY"):
        raise StreamError("Réponse du serveur illisible")
    try:
        status = int(first[1])
    except ValueError as exc:
        raise StreamError("Réponse du serveur illisible") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers, head, headers_size
