"""The player against real streams served on 127.0.0.1, through real libVLC."""

from __future__ import annotations

import pytest

from maliradio.catalog.models import Station, StreamRef
from maliradio.playback.engine import State
from streamservers import (
    IcecastServer,
    SilentServer,
    dead_url,
    make_asx,
    make_m3u,
    make_pls,
    make_xspf,
)


def station(*urls: str, kind: str = "radio") -> Station:
    return Station(
        id="test", name="Radio Test", country="ML", kind=kind, streams=[StreamRef(u) for u in urls]
    )


def test_icecast_plays_and_shows_both_accented_titles(engine, rec, icecast, qtbot):
    engine.play_url(icecast.url())
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    assert rec.states[0] == "connecting"
    assert "error" not in rec.states
    # the server changes title every 2 s: one sent as UTF-8, one as Latin-1
    qtbot.waitUntil(lambda: len(set(rec.titles)) >= 2, timeout=10000)
    assert set(rec.titles[:2]) == {"Salif Keïta – Mandjou", "Oumou Sangaré - Wassoulou"}
    assert engine.title in rec.titles
    # one connection only: the titles ride on the audio connection
    assert icecast.connections[icecast.path] == 1


def test_hls_plays(engine, rec, hls_server, qtbot):
    engine.play_url(hls_server.url("/index.m3u8"))
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    assert rec.states[0] == "connecting"
    assert "error" not in rec.states
    # handed straight to libVLC: the playlist is not downloaded twice (one round trip saved)
    assert hls_server.connections["/index.m3u8"] == 1


def test_switching_from_hls_leaves_the_old_stream_behind(engine, rec, hls_server, icecast, qtbot):
    """libVLC's stop takes ~100 ms on HLS; it runs off the window's thread, on the player
    left behind, while a new player starts the next station: that old player must really
    stop, and nothing it says on its way out may reach the new station's state."""
    engine.play_url(hls_server.url("/index.m3u8"))  # 20 s of 1 s segments, fetched ahead
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    n = len(rec.statuses)
    engine.play_url(icecast.url())  # another station, at once
    rec.wait_state(qtbot, State.PLAYING, timeout=10, after=n)
    qtbot.wait(1500)  # the old player has long stopped: no more segments asked for
    segments = len([p for p, _h in hls_server.requests if p.endswith(".ts")])
    qtbot.wait(2500)
    assert len([p for p, _h in hls_server.requests if p.endswith(".ts")]) == segments < 20
    after = rec.states[n:]
    assert after[after.index("playing") :] == ["playing"], after  # no end, error or retry
    assert engine.status.state is State.PLAYING
    engine.stop()
    assert rec.statuses[-1].state is State.STOPPED


@pytest.mark.parametrize(
    "name,maker,ctype",
    [
        ("list.pls", make_pls, "audio/x-scpls"),
        ("list.m3u", make_m3u, "audio/x-mpegurl"),
        ("list.xspf", make_xspf, "application/xspf+xml"),
        ("list.asx", make_asx, "video/x-ms-asf"),
        # a plain list of streams served as if it were HLS: told apart by its content
        ("list.m3u8", make_m3u, "application/vnd.apple.mpegurl"),
    ],
)
def test_playlist_with_dead_first_entry_plays_the_second(
    engine, rec, icecast, static_server, qtbot, name, maker, ctype
):
    static_server.add_route("/" + name, maker([dead_url(), icecast.url()]), ctype)
    engine.play_url(static_server.url("/" + name))
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    assert rec.statuses[-1].url == icecast.url()
    qtbot.waitUntil(lambda: bool(rec.titles), timeout=6000)
    assert rec.titles[0] in ("Salif Keïta – Mandjou", "Oumou Sangaré - Wassoulou")


def test_dead_first_url_falls_back_quickly(engine, rec, icecast, qtbot):
    engine.play_station(station(dead_url(), icecast.url()))
    rec.wait_state(qtbot, State.PLAYING, timeout=8)
    assert "error" not in rec.states
    playing_at = rec.times[rec.states.index("playing")]
    assert playing_at < 5.0, f"fallback took {playing_at:.1f} s"


def test_all_urls_dead_gives_a_plain_error(engine, rec, qtbot):
    engine.play_station(station(dead_url(), dead_url()))
    rec.wait_state(qtbot, State.ERROR, timeout=10)
    err = rec.statuses[-1]
    assert err.state is State.ERROR
    assert "Aucun des 2 flux ne répond" in err.message
    assert "playing" not in rec.states


def test_station_without_stream_says_so(engine, rec, qtbot):
    engine.play_station(station())
    assert rec.statuses[-1].state is State.ERROR
    assert rec.statuses[-1].message == "Aucun flux connu pour cette station"


def test_stream_that_goes_silent_comes_back_by_itself(engine, rec, icecast, qtbot):
    engine.play_url(icecast.url())
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    n = len(rec.statuses)
    icecast.stall()  # socket stays open, nothing is sent: libVLC itself says nothing
    rec.wait_state(qtbot, State.RECONNECTING, timeout=12, after=n)
    recon = next(s for s in rec.statuses[n:] if s.state is State.RECONNECTING)
    assert recon.attempt == 1 and recon.retry_in > 0
    assert recon.message == "Le flux ne transmet plus rien"
    icecast.resume()
    m = len(rec.statuses)
    rec.wait_state(qtbot, State.PLAYING, timeout=12, after=m)
    assert icecast.connections[icecast.path] >= 2


def test_stream_cut_mid_way_reconnects_without_a_gap(engine, rec, mp3_file, qtbot):
    """The relay opens the stream again while libVLC plays its buffer: the listener stays in
    "playing" and libVLC's clock keeps going through the cut."""
    with IcecastServer(mp3_file, cut_after_bytes=120_000) as server:  # ~7 s of audio
        engine.play_url(server.url())
        rec.wait_state(qtbot, State.PLAYING, timeout=10)
        qtbot.waitUntil(lambda: server.connections[server.path] >= 2, timeout=20_000)
        clock = engine.player.get_time()
        qtbot.wait(3000)
        assert engine.player.get_time() - clock > 2000
        assert rec.states[rec.states.index("playing") :] == ["playing"], rec.states
        assert engine._relay is not None and engine._relay.reconnects >= 1


def test_stream_cut_without_the_relay_reconnects(engine, rec, hls_audio_dir, qtbot):
    """A stream libVLC reads itself (HLS) that ends is opened again at once: it played."""
    from streamservers import StaticServer

    with StaticServer(hls_audio_dir) as server:
        engine.play_url(server.url("/index.m3u8"))  # 20 s, then its end
        rec.wait_state(qtbot, State.PLAYING, timeout=10)
        n = len(rec.statuses)
        rec.wait_state(qtbot, State.RECONNECTING, timeout=40, after=n)
        st = next(s for s in rec.statuses[n:] if s.state is State.RECONNECTING)
        assert st.retry_in <= 1.0
        rec.wait_state(qtbot, State.PLAYING, timeout=12, after=n + 1)


def test_server_that_never_sends_audio_ends_in_error(engine, rec, qtbot):
    with SilentServer() as silent:
        engine.play_url(silent.url("/live"))
        rec.wait_state(qtbot, State.ERROR, timeout=20)
    assert "playing" not in rec.states
    assert rec.statuses[-1].message.startswith("Le flux ne répond pas")


def test_stop_then_play_again(engine, rec, icecast, qtbot):
    engine.play_url(icecast.url())
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    engine.stop()
    assert rec.statuses[-1].state is State.STOPPED
    n = len(rec.statuses)
    engine.retry()
    rec.wait_state(qtbot, State.PLAYING, timeout=10, after=n)


def test_extvlcopt_user_agent_and_referrer_reach_the_server(
    engine, rec, icecast, static_server, qtbot
):
    body = make_m3u(
        [icecast.url()],
        extvlcopt=["http-user-agent=Mozilla/5.0 (Sahel)", "http-referrer=https://www.ortm.ml/"],
    )
    static_server.add_route("/ortm.m3u", body, "audio/x-mpegurl")
    engine.play_url(static_server.url("/ortm.m3u"))
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    stream_requests = [h for p, h in icecast.requests if p.startswith(icecast.path)]
    assert stream_requests[0]["user-agent"] == "Mozilla/5.0 (Sahel)"
    assert stream_requests[0]["referer"] == "https://www.ortm.ml/"


def test_hls_gets_station_user_agent(engine, rec, hls_server, qtbot):
    st = Station(
        id="tv",
        name="Télé Test",
        country="NE",
        kind="tv",
        streams=[StreamRef(hls_server.url("/index.m3u8"), user_agent="SahelTV/1.0")],
    )
    engine.play_station(st)
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    segment_uas = {h.get("user-agent") for p, h in hls_server.requests if p.endswith(".ts")}
    assert segment_uas == {"SahelTV/1.0"}


def test_titles_come_through_over_https(engine, rec, mp3_file, tls_context, qtbot):
    server = IcecastServer(
        mp3_file,
        titles=[("Salif Keïta – Mandjou", "utf-8"), ("Oumou Sangaré - Wassoulou", "latin-1")],
    )
    server.ssl_context = tls_context
    with server:
        assert server.url().startswith("https://127.0.0.1:")
        engine.play_url(server.url())
        rec.wait_state(qtbot, State.PLAYING, timeout=10)
        qtbot.waitUntil(lambda: len(set(rec.titles)) >= 2, timeout=10000)
        assert set(rec.titles[:2]) == {"Salif Keïta – Mandjou", "Oumou Sangaré - Wassoulou"}
        assert server.connections[server.path] == 1


def test_libvlc_starts_while_a_slow_server_answers_and_gets_its_one_connection(
    engine, rec, icecast, qtbot
):
    """libVLC is started on the local relay before the station's server has answered (its own
    start overlaps the wait); its request is answered once the server's is, and the server
    still sees one connection, titles included."""
    icecast.delay = 1.5
    engine.play_url(icecast.url())
    relay = engine._relay
    assert relay is not None and not relay.attached  # the server has not answered yet
    qtbot.waitUntil(lambda: relay._client is not None, timeout=1000)  # libVLC is waiting on it
    assert engine.status.state is not State.PLAYING
    rec.wait_state(qtbot, State.PLAYING, timeout=10)
    assert relay.attached and engine._relay is relay
    qtbot.waitUntil(lambda: len(set(rec.titles)) >= 1, timeout=10000)
    assert icecast.connections[icecast.path] == 1
