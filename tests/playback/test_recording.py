"""Recording: a valid file from the bytes the app already receives, named in the
broadcaster's time, and a scheduled start at the right instant wherever the listener lives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_cli_play import run_cli

from maliradio.playback import recording
from maliradio.playback.engine import State
from streamservers import IcecastServer


def _probe(path: Path) -> dict:
    if shutil.which("ffprobe") is None:
        pytest.fail("ffprobe (ffmpeg) is needed to read the recordings")
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def _user_station(url: str) -> None:
    cfg = Path(os.environ["MALIRADIO_HOME"]) / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "stations.json").write_text(
        json.dumps({"version": 1, "stations": [
            {"id": "boucle", "name": "Radio Boucle", "country": "ML", "kind": "radio",
             "streams": [url]},
        ]}),
        encoding="utf-8",
    )  # fmt: skip


def test_ten_seconds_of_radio_is_a_valid_mp3_and_costs_no_extra_data(icecast):
    _user_station(icecast.url())
    proc = run_cli("record", "boucle", "--duration", "10", "--json")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    done = next(e for e in events if e["event"] == "recorded")
    path = Path(done["path"])
    assert path.parent == Path(os.environ["MALIRADIO_HOME"]) / "music"
    bamako = datetime.now(ZoneInfo("Africa/Bamako"))
    assert path.name.startswith(f"Radio Boucle — {bamako:%Y-%m-%d} ")
    assert path.suffix == ".mp3"
    info = _probe(path)
    assert info["streams"][0]["codec_name"] == "mp3"
    assert 8.0 <= float(info["format"]["duration"]) <= 12.0, info["format"]["duration"]
    # one connection: the recording is what the player received, not a second download
    assert icecast.connections[icecast.path] == 1


def test_a_recording_goes_on_through_a_reconnection(engine, rec, mp3_file, qtbot, tmp_path):
    with IcecastServer(mp3_file, cut_after_bytes=64_000, burst_seconds=0.5) as server:
        engine.play_url(server.url())
        rec.wait_state(qtbot, State.PLAYING, timeout=10)
        out = engine.start_recording(tmp_path / "rec.mp3")
        qtbot.waitUntil(lambda: server.connections[server.path] >= 3, timeout=20_000)
        engine.stop_recording()
    assert engine.recording is None
    info = _probe(out)
    assert float(info["format"]["duration"]) >= 6.0  # more than one connection's worth


def test_tv_is_remuxed_with_audio_and_video(engine, rec, hls_server, qtbot, tmp_path):
    from maliradio.catalog.models import Station, StreamRef

    engine.video_allowed = True
    tv = Station(id="tv", name="Télé Test", country="NE", kind="tv",
                 streams=[StreamRef(hls_server.url("/index.m3u8"))])  # fmt: skip
    engine.play_station(tv)
    rec.wait_state(qtbot, State.PLAYING, timeout=15)
    path = engine.start_recording()
    assert path.parent == Path(os.environ["MALIRADIO_HOME"]) / "videos"
    assert path.name.startswith("Télé Test — ") and path.suffix == ".ts"
    n = len(rec.statuses)
    rec.wait_state(qtbot, State.PLAYING, timeout=15, after=n)  # (libVLC starts again)
    qtbot.wait(4000)
    engine.stop_recording()
    kinds = {s["codec_type"] for s in _probe(path)["streams"]}
    assert kinds == {"audio", "video"}


def test_nothing_to_record_when_nothing_plays(engine):
    with pytest.raises(RuntimeError, match="Rien à enregistrer"):
        engine.start_recording()


@pytest.mark.parametrize(
    "here,now,expected_here",
    [
        # the evening news at 20:00 in Bamako (UTC all year)
        ("Europe/Paris", "2026-12-07 19:00", "2026-12-07 21:00"),  # winter: UTC+1
        ("Europe/Paris", "2026-07-07 19:00", "2026-07-07 22:00"),  # summer: UTC+2
        ("America/New_York", "2026-12-07 10:00", "2026-12-07 15:00"),
        ("Africa/Bamako", "2026-12-07 20:30", "2026-12-08 20:00"),  # passed: tomorrow
    ],
)
def test_a_time_in_bamako_starts_at_the_right_instant_elsewhere(here, now, expected_here):
    tz = ZoneInfo(here)
    clock = datetime.fromisoformat(now).replace(tzinfo=tz)
    start = recording.next_start("20:00", "Africa/Bamako", clock)
    assert start.astimezone(tz).strftime("%Y-%m-%d %H:%M") == expected_here
    assert f"{start:%Hh%M}" == "20h00"  # the file is named in the broadcaster's time
    kept = recording.Scheduled.from_record(recording.Scheduled("ortm1", start, 600).to_record())
    assert kept.start == start and kept.start.tzinfo.key == "Africa/Bamako"


def test_a_bad_time_is_refused_with_a_message():
    with pytest.raises(ValueError, match="HH:MM"):
        recording.next_start("25:00", "Africa/Bamako", datetime.now().astimezone())
    proc = run_cli("record", "ortm1", "--at", "8 heures")
    assert proc.returncode == 2 and "HH:MM" in proc.stderr and "Traceback" not in proc.stderr
