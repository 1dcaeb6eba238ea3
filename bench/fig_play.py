"""The playing figures: time to sound, sound stops on a flaky link, memory while TV plays.

Sound goes to PulseAudio null sinks of the bench's own (`pactl load-module module-null-sink`;
a PulseAudio daemon is started when none runs: `pulseaudio --start --exit-idle-time=-1`); each
player process is pointed at its sink with PULSE_SINK.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import _common
from _common import BENCH_DIR, PYTHON, ROOT, bench_env, median, run_json

ICY_TITLES = [("Salif Keïta – Mandjou", "utf-8"), ("Oumou Sangaré - Wassoulou", "latin-1")]
_PULSE: dict = {"started": False, "modules": []}


# --- PulseAudio ------------------------------------------------------------------------------


def sink(name: str) -> str:
    """A null sink of the bench (made once); returns its name."""
    full = f"maliradio_bench_{os.getpid()}_{name}"
    if full in _PULSE.get("sinks", ()):
        return full
    if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        subprocess.run(["pulseaudio", "--start", "--exit-idle-time=-1"], capture_output=True,
                       check=True)  # fmt: skip
        _PULSE["started"] = True
        end = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            if time.monotonic() > end:
                raise RuntimeError("PulseAudio did not start")
            time.sleep(0.1)
    out = subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={full}"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    _PULSE["modules"].append(out.stdout.strip())
    _PULSE.setdefault("sinks", set()).add(full)
    return full


def stop_pulse() -> None:
    for m in _PULSE["modules"]:
        subprocess.run(["pactl", "unload-module", m], capture_output=True)
    _PULSE["modules"] = []
    _PULSE["sinks"] = set()
    if _PULSE["started"]:
        subprocess.run(["pulseaudio", "--kill"], capture_output=True)
        _PULSE["started"] = False


class SilenceWatch(threading.Thread):
    """Records a sink's monitor (8 kHz mono) and counts the times the sound stopped (200 ms or
    more of silence) after it had first started."""

    BLOCK = 160  # samples: 20 ms
    QUIET = 200  # |sample| below this is silence (the tone peaks near 20,000)
    GAP_BLOCKS = 10

    def __init__(self, sink_name: str) -> None:
        super().__init__(daemon=True)
        self.proc = subprocess.Popen(
            ["parec", f"--device={sink_name}.monitor", "--format=s16le", "--rate=8000",
             "--channels=1", "--latency-msec=20", "--raw"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.started_at: float | None = None
        self.stops: list[tuple[float, float]] = []  # (start, length) in s from the start
        self.t0 = time.monotonic()

    def run(self) -> None:
        import array

        silent_run = 0
        gap_start = 0.0
        n = 0
        while True:
            data = self.proc.stdout.read(self.BLOCK * 2)  # type: ignore[union-attr]
            if len(data) < self.BLOCK * 2:
                return
            n += 1
            t = n * 0.02
            peak = max(abs(x) for x in array.array("h", data))
            if peak >= self.QUIET:
                if self.started_at is None:
                    self.started_at = time.monotonic() - self.t0
                elif silent_run >= self.GAP_BLOCKS:
                    self.stops.append((round(gap_start, 2), round(t - gap_start, 2)))
                silent_run = 0
            elif self.started_at is not None:
                if silent_run == 0:
                    gap_start = t
                silent_run += 1

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


def _vlc_env(home: Path, net, sink_name: str, video: bool = False, **extra: str) -> dict:
    args = f"--aout=pulse {net.vlc_tls_args()}" + ("" if video else " --vout=dummy")
    return bench_env(home, MALIRADIO_VLC_ARGS=args, PULSE_SINK=sink_name,
                     **net.client_env(), **extra)  # fmt: skip


def _icecast(bench, net) -> str:
    if "icecast" not in net.media:
        d = bench.tmp / "media"
        d.mkdir(exist_ok=True)
        bench.details["icecast_url"] = net.start_icecast(_common.make_mp3(d), ICY_TITLES)
    return bench.details["icecast_url"]


def _tv(bench, net) -> str:
    if "hls" not in net.media:
        import network

        folder = network.make_tv(bench.tmp / "tv")
        bench.details["hls_url"] = net.start_hls(folder)
    return bench.details["hls_url"]


# --- time to sound -------------------------------------------------------------------------------


def sound(bench, net) -> None:
    runs = str(bench.runs(7, 1))
    home = bench.home("sound")
    s = sink("sound")
    icy = _icecast(bench, net)
    env = _vlc_env(home, net, s, **bench.display_env())
    mpv = ["--mpv"] if shutil.which("mpv") else []
    r = run_json([str(BENCH_DIR / "sound_probe.py"), icy, runs, "icy", *mpv], env, timeout=600)
    app = [x.get("audio") for x in r["app"]]
    vlc = [x.get("audio") for x in r["python_vlc"]]
    mpv_t = [x.get("audio") for x in r["mpv"] if x]
    f = bench.figures
    f["sound_icy_vs_vlc"] = _ratio(app, vlc)
    f["sound_icy_vs_mpv"] = _ratio(app, mpv_t) if mpv_t else None
    bench.details["sound_icy"] = r
    bench.context(
        "sound_icy_vs_vlc",
        f"app {_ms(app)} / python-vlc {_ms(vlc)} (first audio "
        f"buffer played: app {_ms([x.get('abuf') for x in r['app']])}, python-vlc "
        f"{_ms([x.get('abuf') for x in r['python_vlc']])}); {len(app)} rounds",
    )
    bench.context("sound_icy_vs_mpv", f"app {_ms(app)} / mpv {_ms(mpv_t)} (time-pos > 0)"
                  if mpv_t else "mpv not installed")  # fmt: skip

    tv = _tv(bench, net)
    env = _vlc_env(home, net, s, video=True, **bench.display_env())
    r = run_json([str(BENCH_DIR / "sound_probe.py"), tv, runs, "hls"], env, timeout=900)
    later = lambda x: max(x["audio"], x["video"]) if "audio" in x and "video" in x else None  # noqa: E731
    app = [later(x) for x in r["app"]]
    vlc = [later(x) for x in r["python_vlc"]]
    f["sound_hls_vs_vlc"] = _ratio(app, vlc)
    bench.details["sound_hls"] = r
    bench.context(
        "sound_hls_vs_vlc",
        f"app {_ms(app)} / python-vlc {_ms(vlc)}; first audio app "
        f"{_ms([x.get('audio') for x in r['app']])}, python-vlc "
        f"{_ms([x.get('audio') for x in r['python_vlc']])}; first frame app "
        f"{_ms([x.get('video') for x in r['app']])}, python-vlc "
        f"{_ms([x.get('video') for x in r['python_vlc']])}; 640x360 H.264 + AAC, 4 s segments",
    )


def _ratio(a: list, b: list) -> float | None:
    ma, mb = median(a), median(b)
    if ma is None or mb is None or None in a or None in b:
        return None
    return ma / mb


def _ms(values: list) -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "n/a"
    miss = len(values) - len(vals)
    return (f"{median(vals) * 1000:.0f} ms ({min(vals) * 1000:.0f}..{max(vals) * 1000:.0f})"
            + (f" {miss} timed out" if miss else ""))  # fmt: skip


# --- sound stops on a flaky link ---------------------------------------------------------------


def rebuffers(bench, net) -> None:
    """The app (`maliradio play URL --json`) and python-vlc with its defaults (vlc_play.py),
    side by side on the same Icecast stream through the link, which stops passing bytes for
    2 s every 30 s; each to a null sink of its own, whose monitor is recorded."""
    seconds = bench.runs(180, 40)
    icy = _icecast(bench, net)
    home = bench.home("rebuffers")
    procs, watches = {}, {}
    for who in ("app", "python_vlc"):
        s = sink(f"flaky_{who}")
        watches[who] = SilenceWatch(s)
        watches[who].start()
        env = _vlc_env(home, net, s)
        cmd = ([PYTHON, "-m", "maliradio", "play", icy, "--json", "--duration", str(seconds + 5)]
               if who == "app" else
               [PYTHON, str(BENCH_DIR / "vlc_play.py"), icy, str(seconds + 5)])  # fmt: skip
        procs[who] = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    net.link.stall(every=30, duration=2)
    try:
        time.sleep(seconds)
    finally:
        net.link.stall(0, 0)
    out = {}
    for who, p in procs.items():
        try:
            stdout, _ = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            stdout, _ = p.communicate()
        w = watches[who]
        w.close()
        w.join(5)
        states = [json.loads(ln).get("state") for ln in stdout.splitlines() if ln.startswith("{")]
        out[who] = {"sound_from_s": w.started_at, "stops": w.stops,
                    "reconnects": states.count("reconnecting"),
                    "states": [s for s in states if s][:40]}  # fmt: skip
    app_n, vlc_n = len(out["app"]["stops"]), len(out["python_vlc"]["stops"])
    ok = out["app"]["sound_from_s"] is not None and out["python_vlc"]["sound_from_s"] is not None
    bench.figures["rebuffers_flaky_icy_excess"] = app_n - vlc_n if ok else None
    bench.details["rebuffers"] = {"seconds": seconds, "stall_every_s": 30, "stall_s": 2, **out}
    bench.context(
        "rebuffers_flaky_icy_excess",
        f"app {app_n} stops, python-vlc {vlc_n} in {seconds} s with a 2 s link stall every 30 s "
        f"({seconds // 30} stalls); app reconnects {out['app']['reconnects']}; stops = 200 ms+ of "
        f"silence at each one's null sink after its sound began",
    )


# --- memory while TV plays ----------------------------------------------------------------------


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as fh:
                    parents[int(d)] = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += [c for c, pp in parents.items() if pp == p]
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmd(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")[-90:]
    except OSError:
        return "?"


def pss(bench, net) -> None:
    """The window with the 10,000 articles of the 20 sources, a TV station (HLS through the
    link, real audio to a null sink, real video on Xvfb) playing 60 s, the startup automatic
    refresh (4 s after the window shows) fetching the 2 new articles of each feed meanwhile.
    PSS of the window process and all its descendants, every second; the maximum."""
    import fig_refresh

    seconds = bench.runs(60, 15)
    tv = _tv(bench, net)
    home = fig_refresh.refreshed_home(net, bench.tmp, lambda m: print(m, flush=True))
    fig_refresh._settings(home, minutes=30)
    (home / "config" / "stations.json").write_text(json.dumps({"version": 1, "stations": [{
        "id": "user-tv", "name": "Télé Bench", "country": "ML", "kind": "tv",
        "streams": [{"url": tv}]}]}), encoding="utf-8")  # fmt: skip
    net.set_version("v2")
    env = _vlc_env(home, net, sink("tv"), video=True, MALIRADIO_OFFLINE="", **bench.display_env())
    err = open(bench.tmp / "pss-stderr.txt", "w")  # noqa: SIM115
    proc = subprocess.Popen([PYTHON, str(BENCH_DIR / "window_probe.py"), "tv", "user-tv",
                             str(seconds)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=err, text=True)  # fmt: skip
    samples: list[tuple[float, int, int]] = []  # (s, kB, processes)
    at_peak: list = []
    lines: list[dict] = []
    reader = threading.Thread(
        target=lambda: [lines.append(json.loads(ln)) for ln in proc.stdout if ln.startswith("{")],
        daemon=True,
    )
    reader.start()
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < seconds + 90:
        pids = _tree(proc.pid)
        each = [(p, _pss_kb(p)) for p in pids]
        samples.append((round(time.monotonic() - t0, 1), sum(kb for _p, kb in each), len(pids)))
        if samples[-1][1] >= max(s[1] for s in samples):
            at_peak = [(_cmd(p), kb) for p, kb in each]
        time.sleep(1.0)
    if proc.poll() is None:
        proc.kill()
    reader.join(5)
    err.close()
    net.set_version("v1")
    playing = next((ln["playing_at_s"] for ln in lines if "playing_at_s" in ln), None)
    end = next((ln for ln in lines if "state" in ln), {})
    if playing is None or not end:
        raise RuntimeError(
            f"TV did not play: {lines} {(bench.tmp / 'pss-stderr.txt').read_text()[-2000:]}"
        )
    during = [s for s in samples if s[0] >= playing]
    peak = max(during, key=lambda s: s[1])
    bench.figures["pss_playing_mb"] = peak[1] * 1024 / 1e6
    refreshes = end.get("refreshes", [])
    bench.details["pss"] = {
        "samples_s_kb_procs": samples,
        "playing_at_s": playing,
        "end": end,
        "processes_at_peak_kb": at_peak,
    }
    bench.context(
        "pss_playing_mb",
        f"max of {len(during)} samples from PLAYING ({playing:.1f} s after start) "
        f"over {seconds} s; "
        f"at the peak {peak[2]} processes; automatic refreshes ended at "
        f"{[round(r['at_s'], 1) for r in refreshes]} s (new {[r['new'] for r in refreshes]}); "
        f"at PLAYING {next((s[1] for s in during), 0) * 1024 / 1e6:.0f} MB; at the peak "
        + ", ".join(f"{kb * 1024 / 1e6:.0f}" for _c, kb in at_peak)
        + " MB by process",
    )
