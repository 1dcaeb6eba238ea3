"""Self-checks of the loopback stream servers (plain sockets and urllib), plus one libVLC check
proving that libVLC can play them."""

from __future__ import annotations

import configparser
import socket
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from streamservers import (
    CONTENT_TYPES,
    ICY_TITLES,
    IcecastServer,
    SilentServer,
    StaticServer,
    dead_url,
    icy_title_block,
    make_asx,
    make_m3u,
    make_pls,
    make_xspf,
    wait_until,
)

RATE = 16000  # 128 kbit/s


# --- a tiny raw HTTP client -------------------------------------------------------------------


def open_stream(url: str, icy: bool = True, timeout: float = 5.0):
    """GET ``url`` over a plain socket; returns (socket, status line, headers, first body bytes)."""
    u = urlsplit(url)
    sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
    req = f"GET {u.path or '/'} HTTP/1.0\r\nHost: {u.netloc}\r\n"
    if icy:
        req += "Icy-MetaData: 1\r\n"
    sock.sendall((req + "\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(4096)
        if not data:
            break
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return sock, status, headers, rest


def read_for(sock: socket.socket, seconds: float) -> bytes:
    """Everything received during ``seconds`` (stops early at EOF)."""
    out = bytearray()
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data = sock.recv(65536)
        except TimeoutError:
            break
        if not data:
            break
        out += data
    return bytes(out)


def read_to_eof(sock: socket.socket, timeout: float = 5.0) -> bytes:
    out = bytearray()
    sock.settimeout(timeout)
    while data := sock.recv(65536):
        out += data
    return bytes(out)


def split_icy(data: bytes, metaint: int) -> tuple[bytes, list[bytes]]:
    """Split an ICY body into audio and metadata payloads (b"" for a zero-length block);
    a trailing incomplete block is ignored."""
    audio, metas, pos = bytearray(), [], 0
    while len(data) - pos > metaint:
        audio += data[pos : pos + metaint]
        pos += metaint
        n = data[pos] * 16
        if pos + 1 + n > len(data):
            break
        block = data[pos + 1 : pos + 1 + n]
        if n:
            assert block.endswith(b"\x00") or block.endswith(b"';")
        metas.append(block.rstrip(b"\x00"))
        pos += 1 + n
    return bytes(audio), metas


def stream_title(text: str, encoding: str) -> bytes:
    return b"StreamTitle='" + text.encode(encoding) + b"';"


# --- Icecast --------------------------------------------------------------------------------


def test_icecast_headers_and_mp3_body_without_metadata(icecast):
    sock, status, headers, rest = open_stream(icecast.url(), icy=False)
    with sock:
        assert status == "HTTP/1.0 200 OK"
        assert headers["content-type"] == "audio/mpeg"
        assert headers["icy-br"] == "128"
        assert headers["icy-name"]
        assert "icy-metaint" not in headers
        body = rest + read_for(sock, 0.3)
    assert body[:2] in (b"\xff\xfb", b"\xff\xfa")  # an MPEG-1 Layer III frame, no ID3 tag
    assert len(body) >= 2 * RATE  # the ~2 s burst-on-connect
    assert icecast.connections[icecast.path] == 1
    path, req_headers = icecast.requests[0]
    assert path == "/stream.mp3" and "icy-metadata" not in req_headers


def test_icecast_metadata_titles_keep_their_encoding(icecast):
    utf8_title, latin1_title = ICY_TITLES
    icecast.set_titles([utf8_title])
    sock, _, headers, rest = open_stream(icecast.url())
    with sock:
        assert headers["icy-metaint"] == "8192"
        body = rest + read_for(sock, 0.2)
        icecast.set_titles([latin1_title])
        deadline = time.monotonic() + 3  # metadata every 8192 bytes = every 0.512 s
        while stream_title(*latin1_title) not in body and time.monotonic() < deadline:
            body += read_for(sock, 0.1)
        body += read_for(sock, 0.05)
    assert icecast.requests[0][1]["icy-metadata"] == "1"
    audio, metas = split_icy(body, 8192)
    titles = [m for m in metas if m]
    assert titles[0] == stream_title(*utf8_title)
    assert titles[0].decode("utf-8") == f"StreamTitle='{utf8_title[0]}';"
    assert stream_title(*latin1_title) in titles
    latin1 = titles[titles.index(stream_title(*latin1_title))]
    assert latin1.decode("latin-1") == f"StreamTitle='{latin1_title[0]}';"
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    # Like Icecast, an unchanged title is sent as an empty block.
    assert b"" in metas
    assert audio[:2] in (b"\xff\xfb", b"\xff\xfa")


def test_icecast_cycles_titles(mp3_file):
    titles = [("Un", "utf-8"), ("Deux", "latin-1")]
    with IcecastServer(mp3_file, titles=titles, metaint=1000, title_interval=0.2) as server:
        sock, _, headers, rest = open_stream(server.url())
        with sock:
            body = rest + read_for(sock, 1.2)
    _, metas = split_icy(body, 1000)
    seen = [m for m in metas if m]
    assert stream_title("Un", "utf-8") in seen and stream_title("Deux", "latin-1") in seen
    assert all(a != b for a, b in zip(seen, seen[1:], strict=False))  # only changes are sent


def test_icy_block_format(mp3_file):
    block = icy_title_block("Ali Farka Touré", "utf-8")
    payload = stream_title("Ali Farka Touré", "utf-8")
    assert block[0] * 16 == len(block) - 1 >= len(payload)
    assert block[1:].rstrip(b"\x00") == payload and (len(block) - 1) % 16 == 0
    assert icy_title_block(None) == b"\x00"
    with pytest.raises(ValueError, match="latin-1"):  # Latin-1 has no en dash
        IcecastServer(mp3_file, titles=[("Oumou Sangaré – Wassoulou", "latin-1")])


def test_icecast_is_paced_in_real_time(icecast):
    sock, _, _, rest = open_stream(icecast.url(), icy=False)
    with sock:
        t0 = time.monotonic()
        first = rest + read_for(sock, 0.5)
        later = read_for(sock, 1.5)
        elapsed = time.monotonic() - t0
    burst_and_half_second = 2 * RATE + 0.5 * RATE
    assert 0.85 * burst_and_half_second <= len(first) <= 1.15 * burst_and_half_second
    assert 0.8 * 1.5 * RATE <= len(later) <= 1.2 * 1.5 * RATE
    assert abs(icecast.bytes_sent - (2 * RATE + elapsed * RATE)) < 0.15 * 2 * RATE


def test_icecast_cut_after_bytes_closes_each_connection(icecast):
    icecast.cut_after_bytes = 20000
    for _ in range(2):
        sock, _, _, rest = open_stream(icecast.url())
        with sock:
            body = rest + read_to_eof(sock, timeout=3)
        assert len(body) == 20000
    assert icecast.connections["/stream.mp3"] == 2
    assert icecast.bytes_sent == 40000
    assert wait_until(lambda: icecast.active_connections == 0, timeout=2)


def test_icecast_cut_after_bytes_applies_to_open_connections(icecast):
    sock, _, _, rest = open_stream(icecast.url(), icy=False)
    with sock:
        got = rest + read_for(sock, 0.3)
        # counted from what the server has sent (some may still be on its way): a paced chunk
        # is 1,600 bytes, so the cut lands ahead of the server's position
        icecast.cut_after_bytes = icecast.bytes_sent + 5000
        got += read_to_eof(sock, timeout=3)
    assert len(got) == icecast.cut_after_bytes


def test_icecast_cut_all_closes_now(icecast):
    sock, _, _, rest = open_stream(icecast.url())
    sock2, _, _, _ = open_stream(icecast.url())
    with sock, sock2:
        read_for(sock, 0.2)
        assert icecast.active_connections == 2
        t0 = time.monotonic()
        assert icecast.cut_all() == 2
        read_to_eof(sock, timeout=2)  # EOF (FIN), not a timeout
        assert time.monotonic() - t0 < 0.5
    # The server still accepts new connections, which can be reset instead.
    sock, _, _, _ = open_stream(icecast.url())
    with sock:
        read_for(sock, 0.1)
        icecast.cut_all(reset=True)
        with pytest.raises(ConnectionResetError):
            read_to_eof(sock, timeout=2)


def test_icecast_stall_and_resume(icecast):
    sock, _, _, rest = open_stream(icecast.url())
    with sock:
        read_for(sock, 0.2)
        icecast.stall()
        read_for(sock, 0.2)  # what was in flight
        assert read_for(sock, 0.6) == b""
        # A connection opened during the stall gets its headers, then nothing.
        sock2, status, _, rest2 = open_stream(icecast.url())
        with sock2:
            assert status.endswith("200 OK") and rest2 + read_for(sock2, 0.3) == b""
        icecast.resume()
        assert len(read_for(sock, 0.5)) > 0.3 * RATE


def test_icecast_stall_after_bytes(icecast):
    icecast.stall_after_bytes = 10000
    sock, _, _, rest = open_stream(icecast.url())
    with sock:
        got = rest + read_for(sock, 0.8)
        assert len(got) == 10000
        assert icecast.active_connections == 1  # still open, just silent


@pytest.mark.parametrize("status", [404, 503])
def test_icecast_fail_status(icecast, status):
    icecast.fail_status = status
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(icecast.url(), timeout=5)
    assert err.value.code == status


def test_stop_closes_listener_and_live_connections(mp3_file):
    server = IcecastServer(mp3_file).start()
    url = server.url()
    sock, _, _, _ = open_stream(url)
    with sock:
        read_for(sock, 0.1)
        t0 = time.monotonic()
        server.stop()
        read_to_eof(sock, timeout=2)
        assert time.monotonic() - t0 < 1.0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((urlsplit(url).hostname, urlsplit(url).port), timeout=2)


# --- static server and playlists -------------------------------------------------------------


def test_static_server_serves_hls_with_content_types(hls_server, hls_dir):
    with urllib.request.urlopen(hls_server.url("/index.m3u8"), timeout=5) as resp:
        assert resp.headers["Content-Type"] == "application/vnd.apple.mpegurl"
        playlist = resp.read().decode()
    assert playlist.startswith("#EXTM3U") and "#EXT-X-ENDLIST" in playlist
    segments = [line for line in playlist.splitlines() if line.endswith(".ts")]
    assert len(segments) >= 15
    with urllib.request.urlopen(hls_server.url(segments[0]), timeout=5) as resp:
        assert resp.headers["Content-Type"] == "video/mp2t"
        data = resp.read()
    assert data == (hls_dir / segments[0]).read_bytes() and data[0] == 0x47  # TS sync byte
    assert hls_server.connections["/index.m3u8"] == 1
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(hls_server.url("/../../etc/passwd"), timeout=5)
    assert err.value.code == 404


def test_static_server_types_routes_and_ranges(static_server):
    for ext in (".pls", ".m3u", ".xspf", ".asx", ".aac", ".mp3", ".m3u8", ".ts"):
        (static_server.root / f"f{ext}").write_bytes(b"0123456789")
        with urllib.request.urlopen(static_server.url(f"/f{ext}"), timeout=5) as resp:
            assert resp.headers["Content-Type"] == CONTENT_TYPES[ext]
    assert CONTENT_TYPES[".pls"] == "audio/x-scpls" and CONTENT_TYPES[".asx"] == "video/x-ms-asf"
    req = urllib.request.Request(static_server.url("/f.mp3"), headers={"Range": "bytes=2-5"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 206 and resp.read() == b"2345"
        assert resp.headers["Content-Range"] == "bytes 2-5/10"
    url = static_server.add_route("/gen", b"hello", "text/plain", headers={"X-Test": "1"})
    with urllib.request.urlopen(url + "?q=1", timeout=5) as resp:
        assert resp.read() == b"hello" and resp.headers["X-Test"] == "1"
    static_server.add_route("/gone", b"", "text/plain", status=410)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(static_server.url("/gone"), timeout=5)
    assert err.value.code == 410
    with StaticServer(routes={"/r": (200, "audio/x-scpls", b"[playlist]")}) as srv:
        assert urllib.request.urlopen(srv.url("/r"), timeout=5).read() == b"[playlist]"


URLS = ["http://127.0.0.1:1/a.mp3", "http://127.0.0.1:1/b?x=1&y=2"]


def test_make_pls_parses_back():
    cp = configparser.ConfigParser(interpolation=None)
    cp.read_string(make_pls(URLS, titles=["Radio A", "Radio B"]).decode())
    pl = cp["playlist"]
    assert [pl["File1"], pl["File2"]] == URLS
    assert pl["Title2"] == "Radio B" and pl["NumberOfEntries"] == "2" and pl["Version"] == "2"


def test_make_m3u_parses_back():
    text = make_m3u(URLS, extvlcopt=["network-caching=1000", "http-user-agent=X"]).decode()
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    assert [line for line in lines if not line.startswith("#")] == URLS
    assert lines.count("#EXTVLCOPT:network-caching=1000") == 2
    assert sum(line.startswith("#EXTINF:-1,") for line in lines) == 2
    only_b = make_m3u(URLS, extvlcopt={URLS[1]: ["a=b"]}).decode().splitlines()
    assert only_b.index("#EXTVLCOPT:a=b") == only_b.index(URLS[1]) - 1
    assert only_b.count("#EXTVLCOPT:a=b") == 1


def test_make_xspf_and_asx_parse_back():
    ns = {"x": "http://xspf.org/ns/0/"}
    root = ET.fromstring(make_xspf(URLS))
    assert [e.text for e in root.findall("x:trackList/x:track/x:location", ns)] == URLS
    asx = ET.fromstring(make_asx(URLS))
    assert asx.get("version") == "3.0"
    assert [e.get("href") for e in asx.findall("entry/ref")] == URLS


# --- silent and dead ---------------------------------------------------------------------------


def test_silent_server_answers_then_says_nothing():
    with SilentServer() as server:
        sock, status, headers, rest = open_stream(server.url("/live.mp3"))
        with sock:
            assert status == "HTTP/1.0 200 OK" and headers["content-type"] == "audio/mpeg"
            assert rest + read_for(sock, 0.5) == b""
            t0 = time.monotonic()
            server.stop()
            read_to_eof(sock, timeout=2)
            assert time.monotonic() - t0 < 1.0
        assert server.connections["/live.mp3"] == 1 and server.bytes_sent == 0


def test_dead_url_refuses():
    u = urlsplit(dead_url("/x.mp3"))
    assert u.hostname == "127.0.0.1" and u.path == "/x.mp3"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((u.hostname, u.port), timeout=2)


# --- the real thing --------------------------------------------------------------------------


def test_libvlc_plays_icecast_and_hls(icecast, hls_server):
    vlc = pytest.importorskip("vlc")
    instance = vlc.Instance("--aout=dummy --vout=dummy --no-video-title-show")
    if instance is None:
        pytest.skip("libVLC could not be loaded")
    icecast.set_titles([ICY_TITLES[0]])  # a UTF-8 title: libVLC drops non-UTF-8 ones
    try:
        for url in (icecast.url(), hls_server.url("/index.m3u8")):
            media = instance.media_new(url)
            player = instance.media_player_new()
            player.set_media(media)
            try:
                assert player.play() == 0
                playing = wait_until(
                    lambda p=player: p.get_state() == vlc.State.Playing and p.get_time() > 500,
                    timeout=10,
                )
                assert playing, f"{url}: state {player.get_state()}, time {player.get_time()}"
                t1 = player.get_time()
                assert wait_until(lambda p=player, t1=t1: p.get_time() > t1 + 200, timeout=3)
                stats = vlc.MediaStats()
                media.get_stats(stats)
                assert stats.demux_read_bytes > 0
                if url == icecast.url():
                    assert media.get_meta(vlc.Meta.NowPlaying) == ICY_TITLES[0][0]
            finally:
                player.stop()
                player.release()
                media.release()
    finally:
        instance.release()
    assert any(h.get("icy-metadata") == "1" for _, h in icecast.requests)
    assert hls_server.connections["/index.m3u8"] >= 1
    assert any(path.endswith(".ts") for path in hls_server.connections)
