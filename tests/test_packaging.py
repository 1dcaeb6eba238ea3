"""The packages: the wheel, the Linux metadata, the libVLC plugin subset of the Windows and macOS
bundles, the release workflow, and what the app says when libVLC is missing.

The .deb itself is built and proven on fresh Debian systems by `make package package-test`
(packaging/linux/package_test.py), too slow for this suite."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "org.maliradio.Maliradio"
sys.path.insert(0, str(PACKAGING))

import bundle_vlc  # noqa: E402

import testmedia  # noqa: E402
from maliradio import __version__  # noqa: E402
from streamservers import IcecastServer, StaticServer  # noqa: E402

# --- the wheel ------------------------------------------------------------------------------


def test_installed_wheel_finds_its_resources(tmp_path):
    # Built offline from what is installed (no build isolation: nothing downloaded), from a
    # copy of the sources, so that setuptools writes nothing (build/, *.egg-info) in the checkout.
    src = tmp_path / "src-copy"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "src", src / "src", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "resources", src / "resources", ignore=ignore)
    wheels = tmp_path / "wheels"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(wheels), str(src)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env=dict(os.environ, PIP_NO_INDEX="1"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    wheel = next(wheels.glob("maliradio-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "maliradio/resources/stations.json" in names
    assert "maliradio/resources/feeds.json" in names
    assert "maliradio/resources/icons/maliradio.svg" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    env = dict(os.environ, PYTHONPATH=str(target))
    proc = subprocess.run(
        [sys.executable, "-c",
         "import maliradio, sys; print(maliradio.__file__, file=sys.stderr); "
         "from maliradio.cli import main; sys.exit(main(['stations', '--json']))"],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert str(target) in proc.stderr  # the installed copy ran, not the checkout
    ids = {s["id"] for s in json.loads(proc.stdout)}
    assert {"ortm1", "tele-sahel", "rtb-tele", "rfi-afrique"} <= ids


# --- Linux metadata -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "args", "file"),
    [
        ("desktop-file-validate", [], f"{APP_ID}.desktop"),
        ("appstreamcli", ["validate", "--no-net"], f"{APP_ID}.metainfo.xml"),
    ],
)
def test_linux_metadata_validates(tool, args, file):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (.ci/run installs it)")
    proc = subprocess.run(
        [tool, *args, str(PACKAGING / "linux" / file)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_metainfo_names_this_release_its_screenshot_and_launcher():
    from xml.etree import ElementTree

    tree = ElementTree.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml")
    assert tree.findtext("id") == APP_ID
    assert tree.find("releases/release").get("version") == __version__  # newest first
    assert tree.find("launchable").text == f"{APP_ID}.desktop"
    assert tree.find("content_rating").get("type") == "oars-1.1"
    shot = tree.find("screenshots/screenshot/image").text
    assert (ROOT / shot.split("/main/", 1)[1]).is_file()  # the picture is in the repository
    desktop = (PACKAGING / "linux" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Icon={APP_ID}\n" in desktop and "Exec=maliradio\n" in desktop


def test_icons_are_rendered_at_every_hicolor_size(tmp_path):
    from PySide6.QtGui import QImage

    proc = subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    hicolor = tmp_path / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for n in (16, 24, 32, 48, 64, 128, 256, 512):
        img = QImage(str(hicolor / f"{n}x{n}" / "apps" / f"{APP_ID}.png"))
        assert (img.width(), img.height()) == (n, n)
        assert img.pixelColor(n // 2, n - n // 3).alpha() == 255  # drawn, not empty
    assert (tmp_path / "maliradio.ico").stat().st_size > 0


def test_flatpak_manifest_installs_what_the_deb_installs():
    import yaml

    manifest = yaml.safe_load((PACKAGING / "flatpak" / f"{APP_ID}.yml").read_text())
    assert manifest["app-id"] == APP_ID and manifest["command"] == "maliradio"
    args = manifest["finish-args"]
    assert "--share=network" in args and "--socket=pulseaudio" in args
    assert not [a for a in args if a.startswith(("--filesystem", "--talk-name", "--device=all"))]
    modules = {m["name"]: m for m in manifest["modules"] if isinstance(m, dict)}
    assert "vlc" in modules  # libVLC is built in the manifest (the KDE runtime has none)
    commands = "\n".join(modules["maliradio"]["build-commands"])
    for path in (
        f"/app/share/applications/{APP_ID}.desktop",
        f"/app/share/metainfo/{APP_ID}.metainfo.xml",
        f"/app/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
    ):
        assert path in commands


# --- the libVLC plugin subset of the Windows and macOS bundles ------------------------------

SYSTEM_VLC = Path("/usr/lib/x86_64-linux-gnu")


def catalogue_formats() -> dict[str, set[str]]:
    """{format: {station ids}} of every stream URL in the catalogue. A TV stream is HLS; a radio
    is told by its URL's extension, and one without (an Icecast or Shoutcast mount, Zeno,
    Radiojar) is "icy": MP3 or AAC, whichever the server's Content-Type says."""
    catalogue = json.loads((ROOT / "resources" / "stations.json").read_text(encoding="utf-8"))
    by_suffix = {".m3u8": "hls", ".mpd": "dash", ".mp3": "mp3", ".aac": "aac",
                 ".ogg": "ogg-opus", ".opus": "ogg-opus"}  # fmt: skip
    formats: dict[str, set[str]] = {}
    for station in catalogue["stations"]:
        for stream in station["streams"]:
            suffix = PurePosixPath(urlsplit(stream["url"]).path).suffix.lower()
            fmt = by_suffix.get(suffix)
            if station["kind"] == "tv" and fmt != "hls":
                raise AssertionError(f"{station['id']}: a TV stream that is not HLS: {stream}")
            formats.setdefault(fmt or "icy", set()).add(station["id"])
    return formats


# what each catalogue format needs to play; Opus in Ogg for the users' own stations
MEDIA_FOR_FORMAT = {
    "hls": ["hls-h264-aac"],
    "dash": ["dash-aac"],
    "mp3": ["icecast-mp3"],
    "aac": ["http-aac"],
    "icy": ["icecast-mp3", "http-aac"],
    "ogg-opus": ["http-ogg-opus"],
}
ALWAYS = ["http-ogg-opus"]


def test_plugin_list_is_well_formed_and_covers_the_catalogue():
    plugins = bundle_vlc.read_list()
    keys = [(p.module, p.where) for p in plugins]
    assert len(keys) == len(set(keys)), "a plugin is listed twice"
    for where in ("all", "windows", "macos", "test"):
        assert any(p.where == where for p in plugins)
    formats = catalogue_formats()
    assert {"hls", "dash", "mp3", "icy"} <= set(formats)  # what the catalogue holds today
    unknown = set(formats) - set(MEDIA_FOR_FORMAT)
    assert not unknown, f"formats with no test stream: {unknown} ({formats})"
    assert bundle_vlc.read_list()[0].filename("windows") == "libhttp_plugin.dll"
    assert bundle_vlc.read_list()[0].filename("macos") == "libhttp_plugin.dylib"


# A child process (libVLC loads once per process): the bootstrap finds the subset as a frozen
# app's bundled libVLC (sys._MEIPASS/vlc), then every URL plays for a few seconds.
PROBE = r"""
import json, sys, time
sys._MEIPASS = sys.argv[1]
from maliradio.playback import bootstrap
vlc = bootstrap.load_vlc()
inst = vlc.Instance(bootstrap.vlc_args())
outs, node = [], inst.audio_output_list_get()  # a linked list, NULL when empty
while node:
    outs.append(node.contents.name.decode())
    node = node.contents.next
outs.sort()
print(json.dumps({"lib": bootstrap.os.environ.get("PYTHON_VLC_LIB_PATH"), "aouts": outs}))
for item in sys.argv[2:]:
    kind, url = item.split("=", 1)
    player = inst.media_player_new()
    media = inst.media_new(url)
    player.set_media(media)
    player.play()
    stats = vlc.MediaStats()
    end = time.monotonic() + 12
    while time.monotonic() < end:
        time.sleep(0.25)
        media.get_stats(stats)
        if stats.played_abuffers > 20 and (kind != "video" or stats.displayed_pictures > 5):
            break
    print(json.dumps({"url": url, "state": str(player.get_state()),
                      "decoded_audio": stats.decoded_audio,
                      "played_abuffers": stats.played_abuffers,
                      "decoded_video": stats.decoded_video,
                      "displayed_pictures": stats.displayed_pictures}), flush=True)
    player.stop()
    player.release()
"""


def _ffmpeg_media(folder: Path) -> dict[str, Path]:
    """The catalogue's formats that tests/testmedia.py does not make."""
    folder.mkdir(parents=True, exist_ok=True)
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=20", "-ac", "2", "-ar", "48000"]
    out = {
        "aac": folder / "tone.aac",
        "opus": folder / "tone.opus",
        "mka": folder / "tone.mka",
        "dash": folder / "dash" / "manifest.mpd",
    }
    testmedia.ffmpeg(*tone, "-c:a", "aac", "-b:a", "96k", "-f", "adts", str(out["aac"]))
    testmedia.ffmpeg(*tone, "-c:a", "libopus", "-b:a", "64k", "-f", "ogg", str(out["opus"]))
    testmedia.ffmpeg(*tone, "-c:a", "aac", "-b:a", "96k", "-f", "matroska", str(out["mka"]))
    out["dash"].parent.mkdir()
    testmedia.ffmpeg(
        *tone, "-c:a", "aac", "-b:a", "96k", "-f", "dash", "-seg_duration", "2",
        "-use_template", "1", "-use_timeline", "1", str(out["dash"]),
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def subset_playback(tmp_path_factory, mp3_file, hls_dir):
    """Plays one stream of each format with libVLC restricted to the listed plugins."""
    if not (SYSTEM_VLC / "vlc" / "plugins").is_dir():
        pytest.skip("no system libVLC plugins here to copy the subset from")
    base = tmp_path_factory.mktemp("vlc-subset")
    written = bundle_vlc.copy_vlc(SYSTEM_VLC, base / "vlc", "linux", with_test=True)
    media = _ffmpeg_media(base / "media")
    www = base / "www"
    www.mkdir()
    for key in ("aac", "opus", "mka"):
        shutil.copy(media[key], www / media[key].name)
    shutil.copytree(media["dash"].parent, www / "dash")
    shutil.copytree(hls_dir, www / "hls")
    with IcecastServer(mp3_file, titles=["Test"]) as icecast, StaticServer(www) as static:
        urls = {
            "icecast-mp3": ("audio", icecast.url()),
            "http-aac": ("audio", static.url("/tone.aac")),
            "http-ogg-opus": ("audio", static.url("/tone.opus")),
            "hls-h264-aac": ("video", static.url("/hls/index.m3u8")),
            "dash-aac": ("audio", static.url("/dash/manifest.mpd")),
            "not-listed-matroska": ("audio", static.url("/tone.mka")),
        }
        env = dict(
            os.environ,
            MALIRADIO_VLC_ARGS=(
                f"--aout=afile --audiofile-file={base / 'out.wav'} "
                f"--vout=yuv --yuv-file={base / 'out.yuv'} --no-plugins-cache"
            ),
        )
        env.pop("PYTHON_VLC_LIB_PATH", None)
        env.pop("VLC_PLUGIN_PATH", None)
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, str(base),
             *(f"{kind}={url}" for kind, url in urls.values())],
            capture_output=True, text=True, timeout=240, env=env,
        )  # fmt: skip
    lines = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert proc.returncode == 0 and lines, proc.stdout + proc.stderr
    by_url = {d["url"]: d for d in lines[1:]}
    return {
        "setup": lines[0],
        "plugins": written,
        "results": {name: by_url.get(url) for name, (_, url) in urls.items()},
        "stderr": proc.stderr,
    }


def test_the_subset_is_all_libvlc_sees(subset_playback):
    setup = subset_playback["setup"]
    assert setup["lib"].endswith("vlc/libvlc.so.5")  # the copy, through the bootstrap
    assert setup["aouts"] == ["adummy", "afile"]  # not the system's PulseAudio or ALSA
    names = {p.name for p in subset_playback["plugins"]}
    assert "libavcodec_plugin.so" in names and "libpulse_plugin.so" not in names


@pytest.mark.parametrize("media", sorted({m for ms in MEDIA_FOR_FORMAT.values() for m in ms}))
def test_the_subset_plays_each_catalogue_format(subset_playback, media):
    r = subset_playback["results"][media]
    assert r is not None, subset_playback["stderr"]
    assert r["decoded_audio"] > 0 and r["played_abuffers"] > 20, r
    if media.startswith("hls"):
        assert r["decoded_video"] > 5 and r["displayed_pictures"] > 5, r  # H.264 to the screen


def test_a_format_whose_plugins_are_not_listed_does_not_play(subset_playback):
    # the control: the subset really is the limit (Matroska's demuxer is not listed)
    r = subset_playback["results"]["not-listed-matroska"]
    assert r["played_abuffers"] == 0, r


def test_every_catalogue_format_has_its_test_stream():
    for fmt in catalogue_formats():
        assert MEDIA_FOR_FORMAT[fmt], fmt
    assert set(ALWAYS) <= {m for ms in MEDIA_FOR_FORMAT.values() for m in ms}


# --- the release workflow (GitHub Actions; it cannot run here) ------------------------------


def test_release_workflow_builds_every_package_on_a_version_tag():
    import yaml

    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert on["push"]["tags"] == ["v*"]
    jobs = wf["jobs"]
    runners = {name: job.get("runs-on") for name, job in jobs.items()}
    assert {"deb", "windows", "macos", "release"} <= set(jobs), runners
    assert set(jobs["macos"]["strategy"]["matrix"]["include"][0]) >= {"runner", "arch"}
    arches = {i["arch"] for i in jobs["macos"]["strategy"]["matrix"]["include"]}
    assert arches == {"arm64", "x86_64"}
    assert set(jobs["release"]["needs"]) == {"deb", "windows", "macos"}
    for name, job in jobs.items():
        assert "runs-on" in job, name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), (name, step)
            if "uses" in step:  # every action pinned to a release
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+(\.\d+)*", step["uses"]), step
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    text += (PACKAGING / "macos" / "build_dmg.sh").read_text()
    for needed in ("smoke_play.py", "fetch_vlc.py", "bundle_vlc.py", "iscc", "build_dmg.sh",
                   "hdiutil create", "codesign --force --sign -", "make package-test"):  # fmt: skip
        assert needed in text, needed
    if shutil.which("actionlint"):
        proc = subprocess.run(["actionlint", ".github/workflows/release.yml"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert proc.returncode == 0, proc.stdout


def test_vlc_lock_pins_one_version_with_checksums_and_the_iss_installs_per_user():
    lock = json.loads((PACKAGING / "vlc.lock").read_text())
    assert re.fullmatch(r"3\.0\.\d+", lock["version"])
    assert set(lock["files"]) == {"windows-x86_64", "macos-arm64", "macos-x86_64"}
    for f in lock["files"].values():
        assert f["url"].startswith("https://download.videolan.org/") and lock["version"] in f["url"]
        assert f["sha256"] == "" or re.fullmatch(r"[0-9a-f]{64}", f["sha256"])
    iss = (PACKAGING / "windows" / "maliradio.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in iss
    assert 'Name: "french"' in iss and 'Name: "english"' in iss
    assert "{autoprograms}" in iss or "{group}" in iss


# --- no libVLC: the window opens and says what to install ----------------------------------


def test_install_hint_per_os():
    from maliradio.playback.bootstrap import install_hint

    assert "apt-get install libvlc5 vlc-plugin-base vlc-plugin-video-output" in install_hint(
        "linux"
    )
    assert "https://www.videolan.org/vlc/download-windows.html" in install_hint("win32")
    assert "https://www.videolan.org/vlc/download-macosx.html" in install_hint("darwin")


WINDOW_WITHOUT_LIBVLC = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from maliradio.ui.mainwindow import MainWindow
app = QApplication([])
win = MainWindow()
win.show()
def check():
    if win.notice.isVisible():
        print(win.notice.text())
        print("window shown" if win.isVisible() else "window closed")
        app.quit()
timer = QTimer()
timer.timeout.connect(check)
timer.start(100)
QTimer.singleShot(20000, app.quit)
app.exec()
"""


def test_the_window_opens_without_libvlc_and_names_what_to_install(tmp_path):
    env = dict(os.environ, PYTHON_VLC_LIB_PATH=str(tmp_path / "nope" / "libvlc.so.5"))
    proc = subprocess.run(
        [sys.executable, "-c", WINDOW_WITHOUT_LIBVLC],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    notice, state = proc.stdout.strip().rsplit("\n", 1)
    assert state == "window shown"
    assert "Lecture impossible" in notice and "libVLC introuvable" in notice
    assert "sudo apt-get install libvlc5 vlc-plugin-base vlc-plugin-video-output" in notice
    assert "Traceback" not in proc.stderr
