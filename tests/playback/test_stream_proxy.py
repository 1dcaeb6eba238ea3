"""Radio through the system's proxy (a school's or a company's network): the player's own
stream reader goes through it like the rest of the app."""

from __future__ import annotations

import base64
import socket
import threading

from maliradio.playback.engine import State


class ForwardProxy:
    """A plain-HTTP forward proxy on 127.0.0.1 that knows one site, radio.sahel.example, and
    sends its requests to `target` (host, port). Records each request line and its headers."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, uri, version = lines[0].split(" ")
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            self.requests.append((uri, headers))
            prefix = "http://radio.sahel.example"
            if method != "GET" or not uri.startswith(prefix):
                client.sendall(b"HTTP/1.0 502 Bad Gateway\r\n\r\n")
                return
            kept = [f"{method} {uri[len(prefix) :] or '/'} {version}"]
            kept += [f"{k}: {v}" for k, v in headers.items() if k != "Proxy-Authorization"]
            with socket.create_connection(self.target) as upstream:
                upstream.sendall(("\r\n".join(kept) + "\r\n\r\n").encode("latin-1"))
                try:
                    while data := upstream.recv(65536):
                        client.sendall(data)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def test_a_station_plays_through_the_proxy_with_its_titles(engine, rec, icecast, qtbot,
                                                           monkeypatch):  # fmt: skip
    proxy = ForwardProxy(("127.0.0.1", icecast.port))
    monkeypatch.setenv("http_proxy", f"http://auditeur:s%C3%A9same@127.0.0.1:{proxy.port}")
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        engine.play_url("http://radio.sahel.example" + icecast.path)
        rec.wait_state(qtbot, State.PLAYING, timeout=10)
        qtbot.waitUntil(lambda: bool(rec.titles), timeout=10_000)
    finally:
        engine.stop()
        proxy.close()
    uri, headers = proxy.requests[0]
    assert uri == "http://radio.sahel.example" + icecast.path
    expected = base64.b64encode("auditeur:sésame".encode()).decode()
    assert headers["Proxy-Authorization"] == f"Basic {expected}"
    assert rec.titles[0] in ("Salif Keïta – Mandjou", "Oumou Sangaré - Wassoulou")
