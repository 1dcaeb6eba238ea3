"""What a playback costs, as the meter says and as the server counted it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from test_cli_play import run_cli

from maliradio.datameter import DataMeter
from streamservers import StaticServer


def _summary(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events[-1]["event"] == "summary"
    return events[-1]


def _close(counted: int, sent: int) -> bool:
    return abs(counted - sent) <= max(0.05 * sent, 16 * 1024)


def test_an_icecast_play_counts_what_the_server_sent(icecast):
    proc = run_cli("play", icecast.url(), "--duration", "6", "--json")
    summary = _summary(proc)
    assert icecast.bytes_sent > 50_000
    assert _close(summary["bytes"], icecast.bytes_sent), (summary, icecast.bytes_sent)
    assert 2 <= summary["seconds"] <= 6.5


def test_an_hls_play_counts_what_the_server_sent_and_data_adds_up(hls_dir, icecast):
    with StaticServer(hls_dir) as server:
        tv = server.url("/index.m3u8")
        summary = _summary(run_cli("play", tv, "--duration", "6", "--json"))
        sent = server.bytes_sent
    assert sent > 100_000
    assert _close(summary["bytes"], sent), (summary, sent)
    radio = _summary(run_cli("play", icecast.url(), "--duration", "4", "--json"))

    proc = run_cli("data", "--json")
    assert proc.returncode == 0, proc.stderr
    use = json.loads(proc.stdout)
    assert use["streams"] == summary["bytes"] + radio["bytes"] == use["total"]
    assert use["stations"][tv]["bytes"] == summary["bytes"]
    assert use["stations"][icecast.url()]["bytes"] == radio["bytes"]
    assert sum(use["days"].values()) == use["total"]


def test_two_processes_counting_at_once_lose_nothing(tmp_path):
    path = tmp_path / "usage.sqlite3"
    code = (
        "import sys\n"
        "from maliradio.datameter import DataMeter\n"
        "m = DataMeter(sys.argv[1])\n"
        "for i in range(200):\n"
        "    m.add('news', 'source-' + sys.argv[2], 1000)\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), str(n)]) for n in range(3)]
    meter = DataMeter(path)
    threads = [
        threading.Thread(target=lambda: [meter.add("logo", "x", 10) for _ in range(100)])
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [p.wait(60) for p in procs] == [0, 0, 0]
    use = meter.month()
    assert use["news"] == 3 * 200 * 1000
    assert use["logos"] == 2 * 100 * 10
    assert use["sources"] == {f"source-{n}": 200_000 for n in range(3)}


def test_a_rate_per_hour_once_a_station_has_played_a_minute(tmp_path):
    meter = DataMeter(tmp_path / "usage.sqlite3")
    assert meter.rate_per_hour("ortm1") is None
    meter.add("stream", "ortm1", 480_000, seconds=60)
    assert meter.rate_per_hour("ortm1") == 28_800_000  # 64 kbit/s: 28.8 MB an hour
