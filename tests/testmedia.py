"""Test media made by ffmpeg at test time: a looping MP3 tone and HLS folders. Shared by the
tests (conftest.py) and the benchmarks (bench/_common.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def ffmpeg(*args: str) -> None:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise RuntimeError("ffmpeg is needed to generate test media (apt-get install ffmpeg)")
    cmd = [exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")


def make_mp3(out: Path) -> Path:
    """30 s of a 440 Hz tone: MP3, 44.1 kHz stereo, CBR 128 kbit/s, no ID3/Xing header."""
    ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=30",
        "-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k",
        "-id3v2_version", "0", "-write_xing", "0", str(out),
    )  # fmt: skip
    return out


def make_hls(folder: Path, video: bool = False) -> Path:
    """``index.m3u8`` (VOD, 20 x 1 s segments, ENDLIST): AAC tone, plus 160x120 H.264 if video."""
    folder.mkdir(parents=True, exist_ok=True)
    inputs = ["-f", "lavfi", "-i", "sine=frequency=440:duration=20"]
    codecs = ["-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "2"]
    if video:
        inputs = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=20", *inputs]
        codecs = [
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", *codecs,
        ]  # fmt: skip
    ffmpeg(
        *inputs, *codecs,
        "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
        "-hls_segment_filename", str(folder / "seg%03d.ts"), str(folder / "index.m3u8"),
    )  # fmt: skip
    return folder
