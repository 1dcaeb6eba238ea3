"""HLS goes through the app's gateway: a manifest cannot send libVLC to a file or to another
service on this computer, the data saver keeps the lightest variant, the bytes are counted."""

from __future__ import annotations

from pathlib import Path

from maliradio.catalog.models import Station, StreamRef
from maliradio.playback.engine import State
from streamservers import StaticServer


def _tv(url: str) -> Station:
    return Station(id="tv", name="Télé Test", country="ML", kind="tv", streams=[StreamRef(url)])


def test_a_manifest_naming_files_and_other_local_services_is_refused(
    engine, rec, static_server, tmp_path, qtbot
):
    other_root = tmp_path / "other"
    other_root.mkdir()
    (other_root / "b.ts").write_bytes(b"G" * 188 * 10)
    written = tmp_path / "written"
    written.mkdir()
    with StaticServer(other_root) as other:
        manifest = "\n".join(
            [
                "#EXTM3U",
                "#EXT-X-VERSION:3",
                "#EXT-X-TARGETDURATION:2",
                "#EXT-X-MEDIA-SEQUENCE:0",
                '#EXT-X-KEY:METHOD=AES-128,URI="file:///etc/hostname"',
                "#EXTINF:2.0,",
                other.url("/admin/reboot"),
                "#EXTINF:2.0,",
                "file:///etc/hostname",
                "#EXTINF:2.0,",
                f"file://{written}/x.ts",
                "#EXTINF:2.0,",
                other.url("/b.ts"),
                "#EXT-X-ENDLIST",
            ]
        ).encode()
        static_server.add_route(
            "/live.m3u8", manifest, content_type="application/vnd.apple.mpegurl"
        )
        engine.play_station(_tv(static_server.url("/live.m3u8")))
        rec.wait_state(qtbot, State.ERROR, timeout=30)
        assert other.requests == []  # the other local service heard nothing
    assert "adresses refusées" in rec.statuses[-1].message
    assert "playing" not in rec.states
    assert list(written.iterdir()) == []


def _two_variants(server: StaticServer, hls_dir: Path) -> str:
    """A master playlist: a heavy and a light variant of the same media, told apart by the
    query of their segment addresses."""
    index = (hls_dir / "index.m3u8").read_text()
    for name in ("hi", "lo"):
        body = "".join(
            f"/{line}?v={name}\n" if line.endswith(".ts") else line + "\n"
            for line in index.splitlines()
        )
        server.add_route(f"/{name}.m3u8", body, content_type="application/vnd.apple.mpegurl")
    master = (
        "#EXTM3U\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=2400000,CODECS="avc1.42c00d,mp4a.40.2"\n'
        "/hi.m3u8\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=300000,CODECS="avc1.42c00d,mp4a.40.2"\n'
        "/lo.m3u8\n"
    )
    server.add_route("/master.m3u8", master, content_type="application/vnd.apple.mpegurl")
    return server.url("/master.m3u8")


def test_data_saver_fetches_only_the_lightest_variant(engine, rec, hls_dir, qtbot):
    with StaticServer(hls_dir) as server:
        engine.data_saver = True
        engine.play_station(_tv(_two_variants(server, hls_dir)))
        rec.wait_state(qtbot, State.PLAYING, timeout=15)
        qtbot.wait(2000)
        paths = [p for p, _h in server.requests]
    assert any(p.endswith("?v=lo") for p in paths)
    assert not any("hi" in p for p in paths), paths


def test_the_gateway_counts_what_the_server_sent(engine, rec, hls_dir, qtbot):
    with StaticServer(hls_dir) as server:
        engine.play_station(_tv(server.url("/index.m3u8")))
        rec.wait_state(qtbot, State.PLAYING, timeout=15)
        qtbot.wait(3000)
        gateway = engine._gateway
        assert gateway is not None
        sent, counted = server.bytes_sent, gateway.bytes_in
        headers = sum(1 for _ in server.requests) * 400  # (the gateway counts headers too)
    assert sent > 100_000
    assert abs(counted - sent) <= max(0.05 * sent, 16_384) + headers, (counted, sent)
