"""What a hostile stream server can try through the player, against real libVLC on loopback.

A playlist or a manifest is written by whoever serves it (or sits on a plain-HTTP path): it must
not make libVLC write a file, open a local file, load a module or reach another local service.
"""

from __future__ import annotations

import logging
from pathlib import Path

from maliradio.catalog import playlists
from maliradio.catalog.models import Station, StreamRef
from maliradio.playback.engine import State
from maliradio.playback.relay import IcyDemuxer


def _station(url: str) -> Station:
    return Station(id="t", name="Radio Test", country="ML", kind="radio", streams=[StreamRef(url)])


def test_playlist_options_cannot_write_files_or_open_local_ones(
    engine, rec, icecast, static_server, qtbot, tmp_path, caplog
):
    written = tmp_path / "autostart" / "stolen.mp3"
    written.parent.mkdir()
    body = "\n".join(
        [
            "#EXTM3U",
            "#EXTINF:-1,Local file",
            "file:///etc/hostname",
            "#EXTINF:-1,Home",
            "/home/user/music.mp3",
            "#EXTVLCOPT:sout=#duplicate{dst=std{access=file,mux=raw,dst="
            + str(written)
            + "},dst=display}",
            "#EXTVLCOPT:input-slave=file:///etc/hostname",
            "#EXTVLCOPT:extraintf=http",
            "#EXTVLCOPT:lua-intf=cli",
            "#EXTVLCOPT:network-caching=1500",
            "#EXTINF:-1,Radio",
            icecast.url(),
        ]
    ).encode()
    static_server.add_route("/list.m3u", body, content_type="audio/x-mpegurl")
    caplog.set_level(logging.WARNING, logger="maliradio.player")

    engine.play_station(_station(static_server.url("/list.m3u")))
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    qtbot.wait(2500)  # the stream flows: a sout chain would have written by now

    assert not written.exists() and list(written.parent.iterdir()) == []
    # no local file is ever tried: a bare path is a path on the playlist's own server
    assert [r.url for r in engine._queue] == [
        static_server.url("/home/user/music.mp3"),
        icecast.url(),
    ]
    assert [r.options for r in engine._queue] == [(), (":network-caching=1500",)]
    refused = " ".join(r.getMessage() for r in caplog.records)
    for name in ("sout", "input-slave", "extraintf", "lua-intf"):
        assert name in refused


def test_playlist_parser_keeps_only_allowed_options_and_network_entries():
    body = (
        b"#EXTM3U\n"
        b"#EXTVLCOPT:sout=#file{dst=/tmp/x}\n"
        b"#EXTVLCOPT:http-user-agent=Sahel/1.0\n"
        b"#EXTVLCOPT:network-caching=abc\n"
        b"#EXTVLCOPT:http-reconnect\n"
        b"file:///etc/passwd\n"
        b"smb://host/share/a.mp3\n"
        b"http://radio.example/live\n"
    )
    entries = playlists.parse("m3u", body, "http://radio.example/list.m3u")
    assert [(e.url, e.user_agent, e.options) for e in entries] == [
        ("http://radio.example/live", "Sahel/1.0", (":http-reconnect",))
    ]


def test_catalogue_options_outside_the_list_are_refused_with_a_message(tmp_path: Path):
    import json

    from maliradio.catalog.stations import Catalog

    user = tmp_path / "stations.json"
    user.write_text(
        json.dumps(
            {
                "stations": [
                    {
                        "id": "evil",
                        "name": "Evil FM",
                        "country": "ML",
                        "kind": "radio",
                        "streams": [
                            {"url": "http://radio.example/a", "options": [":sout=#file{dst=/x}"]},
                            {"url": "http://radio.example/b", "options": ["network-caching=900"]},
                        ],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    cat = Catalog.load(user=user)
    st = cat.get("evil")
    assert st is not None
    assert [(s.url, s.options) for s in st.streams] == [
        ("http://radio.example/b", (":network-caching=900",))
    ]
    assert any("option libVLC non autorisée" in str(e) for e in cat.errors)


def test_icy_title_with_control_characters_and_4000_characters_is_cleaned():
    seen: list[str] = []
    demux = IcyDemuxer(16, seen.append)
    title = "Journal\x1b[31m\x07 du soir\r\n" + "é" * 4000
    meta = f"StreamTitle='{title}';".encode()
    meta += b"\0" * (-len(meta) % 16)
    assert len(meta) // 16 <= 255 * 2  # two blocks' worth: sent as the server would, cut
    block = meta[: 255 * 16]
    audio = demux.feed(b"a" * 16 + bytes([len(block) // 16]) + block + b"b" * 16)
    assert audio == b"a" * 16 + b"b" * 16
    assert len(seen) == 1
    shown = seen[0]
    assert shown.startswith("Journal[31m du soir")
    assert all(ch.isprintable() for ch in shown)
    assert len(shown) <= 300


def _open_fds() -> int:
    import os

    return len(os.listdir("/proc/self/fd"))


def test_an_unreadable_answer_leaves_no_socket_open():
    import socket
    import threading

    from maliradio.playback.net import StreamError
    from maliradio.playback.resolver import probe

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    stop = threading.Event()

    def answer_garbage() -> None:
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except OSError:
                return
            c.recv(4096)
            c.sendall(b"HELLO THERE\r\nnot: http\r\n\r\n")
            c.close()

    threading.Thread(target=answer_garbage, daemon=True).start()
    url = f"http://127.0.0.1:{srv.getsockname()[1]}/live"
    errors = set()
    before = _open_fds()
    for _ in range(40):
        try:
            probe(StreamRef(url), timeout=3)
        except StreamError as exc:
            errors.add(str(exc))
    after = _open_fds()
    stop.set()
    srv.close()
    assert errors == {"Réponse du serveur illisible"}
    assert after <= before + 1, (before, after)


def test_only_libvlc_gets_the_relayed_stream(engine, rec, icecast, qtbot):
    """Another program on this computer finds the relay's port: a guessed path gets 404, and
    even the right one cannot take the stream from libVLC (503)."""
    import socket
    from urllib.parse import urlsplit

    engine.play_url(icecast.url())
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    relay = engine._relay
    assert relay is not None
    parts = urlsplit(relay.url)
    assert len(parts.path) > 20  # an unguessable token

    def ask(path: str) -> bytes:
        with socket.create_connection(("127.0.0.1", parts.port), timeout=5) as s:
            s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
            return s.recv(100)

    assert ask("/stream").startswith(b"HTTP/1.0 404")
    assert ask("/").startswith(b"HTTP/1.0 404")
    assert ask(parts.path).startswith(b"HTTP/1.0 503")
    clock = engine.player.get_time()
    qtbot.wait(1500)
    assert engine.player.get_time() > clock  # libVLC still plays
    assert engine.status.state is State.PLAYING


def test_a_hostile_icy_title_reaches_the_listener_clean(engine, rec, mp3_file, qtbot):
    from streamservers import IcecastServer

    hostile = "\x1b]0;pwned\x07Journal \u202edu soir\r\n" + "x" * 3950
    with IcecastServer(mp3_file, titles=[(hostile, "utf-8")], metaint=4096) as server:
        engine.play_url(server.url())
        rec.wait_state(qtbot, State.PLAYING, timeout=10)
        qtbot.waitUntil(lambda: bool(rec.titles), timeout=10_000)
    shown = rec.titles[0]
    assert shown.startswith("]0;pwnedJournal du soir x")
    assert all(ch.isprintable() for ch in shown) and "\u202e" not in shown
    assert len(shown) <= 300
