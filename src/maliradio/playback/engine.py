"""The player service: one libVLC instance, explicit states, and a reconnect policy.

libVLC's event callbacks run on libVLC threads; they only emit a Qt signal, delivered queued to
the thread that owns the engine (the GUI thread, or the CLI's QCoreApplication thread). Every
libVLC call is made there. Because libVLC often reports nothing when a stream dies (a server that
keeps the socket open but sends nothing leaves it "playing" with the clock frozen), a watchdog
checks progress every second and reconnects when there is none.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from maliradio.catalog.models import Station, StreamRef
from maliradio.catalog.vlcoptions import VLC_OPTION_UNIQUE, safe_options
from maliradio.playback import bootstrap, recording, threads
from maliradio.playback.hlsgate import HlsGateway
from maliradio.playback.net import Response, StreamError
from maliradio.playback.relay import Relay, clean_title
from maliradio.playback.resolver import Probe, probe
from maliradio.playback.status import State, Status

log = logging.getLogger("maliradio.player")

Callback = Callable[..., None]  # a libVLC event callback (kept alive while attached)


def _loopback_without_proxy() -> None:
    """libVLC reads only this computer's relay and HLS gateway over HTTP, but follows the
    proxy settings of the environment (http_proxy): without an exception for loopback, a
    listener behind a proxy would have libVLC ask the proxy for 127.0.0.1, and hear nothing."""
    import os

    if not any(os.environ.get(k) for k in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")):
        return
    for key in ("no_proxy", "NO_PROXY"):
        current = [h.strip() for h in os.environ.get(key, "").split(",") if h.strip()]
        missing = [h for h in ("127.0.0.1", "localhost", "::1") if h not in current]
        if missing:
            os.environ[key] = ",".join(current + missing)


def recording_dir(video: bool) -> Path:
    from maliradio import paths

    return paths.recordings_dir(video)


def _looks_like_hls(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.path.lower().endswith(".m3u8")


@dataclass
class Policy:
    """Reconnect policy. Times in seconds."""

    stall_timeout: float = 8.0  # no progress this long while playing -> reconnect
    start_timeout: float = 25.0  # not playing this long after opening -> next try
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    jitter: float = 0.25
    retries_per_url: int = 3  # a URL that played is retried this often before the next URL
    max_attempts: int = 20  # after this many failures in a row: error state
    stable_after: float = 30.0  # playing this long resets the attempt counter
    probe_timeout: float = 10.0
    # a connection that played at least this long was a success: when it drops, the next
    # attempt starts after `after_drop` and the backoff starts again from its base
    played_enough: float = 1.0
    after_drop: float = 0.5

    def backoff(self, attempt: int) -> float:
        delay = min(self.backoff_cap, self.backoff_base * (2 ** max(0, attempt - 1)))
        return float(delay * random.uniform(1 - self.jitter, 1 + self.jitter))


class PlayerEngine(QObject):
    statusChanged = Signal(object)  # Status
    titleChanged = Signal(str)
    # what was received from the network and listened to since the last report (every 10 s
    # while playing, and at each stop): (station id, or its address for an address played
    # directly; bytes; seconds in "playing")
    usageReported = Signal(str, int, float)
    recordingChanged = Signal(object)  # the file being written, or None when it stops

    _vlcEvent = Signal(int, int, object)  # (generation, event type, value)
    _probeDone = Signal(int, object)  # (token, Probe | Exception)
    _relayTitle = Signal(int, str)
    _relayEnded = Signal(int, str)

    def __init__(
        self,
        policy: Policy | None = None,
        video: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.policy = policy or Policy()
        self.video_allowed = video
        self.vlc = bootstrap.load_vlc()
        args = bootstrap.vlc_args()
        if not video:
            args.append("--no-video")
        elif sys.platform.startswith("linux"):
            args.append("--no-xlib")  # Qt owns the Xlib connection
        self.instance = self.vlc.Instance(args)
        if self.instance is None:
            raise bootstrap.LibVlcMissing(f"libVLC n'a pas démarré (arguments : {args})")
        self._status = Status()
        self._title = ""
        self._station: Station | None = None
        self._queue: list[StreamRef] = []
        self._pos = 0
        self._expansions = 0
        self._token = 0
        self._gen = 0
        self._relay: Relay | None = None
        self._gateway: HlsGateway | None = None
        self.data_saver = False  # HLS: the lightest variant only
        self._unreported_bytes = 0  # of connections already closed
        self._unreported_seconds = 0.0
        self._play_mark = 0.0  # when the current stretch of "playing" was last counted
        self._usage_ticks = 0
        self._record_path: Path | None = None
        self._record_file: BinaryIO | None = None  # radio: the relay writes the audio there
        self._record_remux = False  # TV (and what libVLC reads itself): libVLC writes it
        self._media = None
        self._buffer = 0.0
        self._vlc_playing = False
        self._played_current = False  # the current URL reached "playing" this run
        self._session_played = False  # some URL of this station played since play()
        self._url_failures = 0
        self._attempt = 0
        self._playing_since = 0.0
        self._opened_at = 0.0
        self._last_progress = 0.0
        self._progress_mark: tuple[int, int, int] | tuple[()] = ()
        self._video_handle: int | None = None
        self._volume = 80
        self._muted = False
        self._last_error = ""
        self._direct_failed: set[str] = set()  # .m3u8 URLs libVLC could not open by itself
        self._direct_attempt = False
        self._vlcEvent.connect(self._on_vlc_event)
        self._probeDone.connect(self._on_probe)
        self._relayTitle.connect(self._on_relay_title)
        self._relayEnded.connect(self._on_relay_ended)
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(1000)
        self._watchdog.timeout.connect(self._tick)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._start_attempt)
        self._media_callbacks: list[Callback] = []  # the current media's ctypes callbacks
        self._disposals: list[threading.Thread] = []  # players being stopped
        self._watch_network()
        ev = self.vlc.EventType
        self._ev_buffering = ev.MediaPlayerBuffering.value
        self._ev_meta = ev.MediaMetaChanged.value
        self.player, self._callbacks = self._new_player()

    def _watch_network(self) -> None:
        """When the system says the network is back, retry at once instead of waiting out the
        backoff (where the platform can tell: NetworkManager, Windows, macOS)."""
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if not QNetworkInformation.loadDefaultBackend():
                return
            info = QNetworkInformation.instance()
        except (ImportError, RuntimeError):
            return
        if info is not None:
            info.reachabilityChanged.connect(self._on_reachability)

    @Slot(object)
    def _on_reachability(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        online = reachability == QNetworkInformation.Reachability.Online
        if online and self._status.state is State.RECONNECTING and self._retry_timer.isActive():
            log.info("réseau revenu : nouvelle tentative immédiate")
            self._retry_timer.start(0)

    def _new_player(self) -> tuple[Any, list[Callback]]:
        """A media player. Its events carry the generation of the media it plays (`_gen_box`,
        kept current while it is the engine's player), so those of a player being stopped
        (`_stop_media`) are told apart and ignored."""
        self._gen_box = box = [self._gen]
        player = self.instance.media_player_new()
        # keys and clicks on the video go to Qt (fullscreen, shortcuts), not to libVLC
        player.video_set_key_input(False)
        player.video_set_mouse_input(False)
        ev = self.vlc.EventType
        em = player.event_manager()
        callbacks: list[Callback] = []
        for etype in (
            ev.MediaPlayerOpening,
            ev.MediaPlayerBuffering,
            ev.MediaPlayerPlaying,
            ev.MediaPlayerEncounteredError,
            ev.MediaPlayerEndReached,
        ):
            cb = self._make_callback(box)
            callbacks.append(cb)
            em.event_attach(etype, cb)
        return player, callbacks

    # ---- libVLC thread side: only hand the event over ----
    def _make_callback(self, gen: list[int]) -> Callback:
        last = [-1, -1]  # (generation, 10 % step) of the last buffering event handed over

        def callback(event: Any, *_args: Any) -> None:
            etype = event.type.value
            value = None
            if etype == self._ev_buffering:
                value = float(event.u.new_cache)
                # libVLC reports every 2-3 %; the window shows steps of 10 %: the others are
                # not handed over (each is a trip through the window's thread while the
                # stream starts)
                step = (gen[0], int(value) // 10)
                if step == (last[0], last[1]):
                    return
                last[0], last[1] = step
            self._vlcEvent.emit(gen[0], etype, value)

        return callback

    def _meta_callback(self, gen: int) -> Callback:
        def callback(event: Any, *_args: Any) -> None:
            self._vlcEvent.emit(gen, self._ev_meta, None)

        return callback

    # ---- public API (GUI thread) ----
    @property
    def status(self) -> Status:
        return self._status

    @property
    def title(self) -> str:
        return self._title

    @property
    def station(self) -> Station | None:
        return self._station

    def play_station(self, station: Station) -> None:
        self._reset()
        self._station = station
        self._queue = list(station.streams)
        if not self._queue:
            self._set(State.ERROR, message=self.tr("Aucun flux connu pour cette station"))
            return
        self._start_attempt()

    def play_url(self, url: str, name: str | None = None, kind: str = "radio") -> None:
        station = Station(
            id="url", name=name or url, country="INT", kind=kind, streams=[StreamRef(url)]
        )
        self.play_station(station)

    def retry(self) -> None:
        if self._station is not None:
            self.play_station(self._station)

    def stop(self) -> None:
        self._reset()
        if self._station is not None:
            self._set(State.STOPPED)

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(100, int(volume)))
        self.player.audio_set_volume(self._volume)

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self.player.audio_set_mute(self._muted)

    def set_video_window(self, handle: int | None) -> None:
        self._video_handle = handle

    def shutdown(self) -> None:
        self._reset()
        self.report_usage()
        for t in list(self._disposals):
            t.join(10)
        self.player.release()
        self.instance.release()

    # ---- recording ----
    @property
    def recording(self) -> Path | None:
        return self._record_path

    def start_recording(self, path: Path | None = None) -> Path:
        """Record what is playing into `path` (default: the music or videos folder, named
        after the station and the time in its own time zone). Radio: the bytes the relay
        receives, in the stream's format; otherwise libVLC remuxes what it plays into MPEG-TS
        (its stream starts again with the recording). Raises RuntimeError when nothing plays."""
        st = self._station
        if st is None or self._status.state is not State.PLAYING:
            raise RuntimeError(self.tr("Rien à enregistrer : aucune station en lecture"))
        if self._record_path is not None:
            return self._record_path
        when = datetime.now(recording.station_zone(st.country))
        if self._relay is not None:
            ext = recording.extension_for(self._relay.content_type)
            path = path or recording.new_path(recording_dir(False), st.name, when, ext)
            self._record_file = open(path, "ab")  # noqa: SIM115 - kept open while recording
            self._relay.set_tee(self._record_file)
        else:
            video = st.kind == "tv"
            path = path or recording.new_path(recording_dir(video), st.name, when, ".ts")
            if '"' in str(path) or "}" in str(path):
                raise RuntimeError(self.tr("Nom de fichier impossible pour un enregistrement"))
            self._record_remux = True
            self._record_path = path
            self._restart_current()
        self._record_path = path
        log.info("enregistrement : %s", path)
        self.recordingChanged.emit(path)
        return path

    def stop_recording(self) -> None:
        if self._record_path is None:
            return
        path, self._record_path = self._record_path, None
        if self._relay is not None:
            self._relay.set_tee(None)
        if self._record_file is not None:
            try:
                self._record_file.close()
            except OSError as exc:
                log.warning("enregistrement %s : %s", path, exc)
            self._record_file = None
        if self._record_remux:
            self._record_remux = False
            if self._status.state in (State.PLAYING, State.BUFFERING, State.CONNECTING):
                self._restart_current()
        log.info("enregistrement terminé : %s", path)
        self.recordingChanged.emit(None)

    def _restart_current(self) -> None:
        """The same stream again, on a new libVLC media (its options have changed)."""
        self._token += 1
        self._start_attempt()

    def report_usage(self) -> None:
        """Emit `usageReported` with what has not been reported yet (also done every 10 s
        while playing, and when a station stops or changes)."""
        st = self._station
        nbytes = self._unreported_bytes
        self._unreported_bytes = 0
        for source in (self._relay, self._gateway):
            if source is not None:
                nbytes += source.bytes_in - source.reported
                source.reported = source.bytes_in
        seconds = self._unreported_seconds
        self._unreported_seconds = 0.0
        if self._status.state is State.PLAYING:
            now = time.monotonic()
            seconds += now - self._play_mark
            self._play_mark = now
        if st is not None and (nbytes or seconds):
            key = st.id if st.id != "url" or not st.streams else st.streams[0].url
            self.usageReported.emit(key, nbytes, seconds)

    # ---- internals ----
    def _reset(self) -> None:
        if self._record_path is not None:
            self._record_remux = False  # (no restart: the station is going)
            self.stop_recording()
        self._token += 1
        self._retry_timer.stop()
        self._watchdog.stop()
        self._stop_media()
        self.report_usage()
        self._pos = 0
        self._expansions = 0
        self._attempt = 0
        self._url_failures = 0
        self._played_current = False
        self._session_played = False
        self._last_error = ""
        self._direct_failed = set()
        self._direct_attempt = False
        self._set_title("")

    def _stop_media(self) -> None:
        self._gen += 1
        self._vlc_playing = False
        self._buffer = 0.0
        for source in (self._relay, self._gateway):
            if source is not None:
                self._unreported_bytes += source.bytes_in - source.reported
                source.reported = source.bytes_in
        if self._media is not None and self._relay is None and self._gateway is None:
            stats = self.vlc.MediaStats()  # a stream libVLC read itself (rtsp, mms...)
            if self._media.get_stats(stats):
                self._unreported_bytes += max(0, int(stats.read_bytes))
        if self._relay is not None:
            self._relay.close()
            self._relay = None
        gateway, self._gateway = self._gateway, None
        if self._media is not None:
            # libVLC's stop waits for its threads (~100 ms for HLS): done on a thread of its
            # own, the window never waits for it; the next stream gets a new player.
            old = (self.player, self._callbacks, self._media, self._media_callbacks, gateway)
            self.player, self._callbacks = self._new_player()
            self._media_callbacks = []
            t = threads.create("vlc-stop", self._dispose, old)
            self._disposals.append(t)  # (before it starts: it removes itself when done)
            t.start()
        else:
            self._gen_box[0] = self._gen
            if gateway is not None:
                threads.start("hls-gateway-stop", gateway.close)
        self._media = None

    def _dispose(self, old: tuple[Any, ...]) -> None:
        player, _callbacks, media, _media_callbacks, gateway = old  # (alive until released)
        try:
            player.stop()
            player.release()
            media.release()
            if gateway is not None:  # after libVLC: its requests end first
                gateway.close()
        except Exception:  # noqa: BLE001 - a player that will not stop must not crash the app
            log.warning("arrêt du lecteur", exc_info=True)
        finally:
            try:
                self._disposals.remove(threading.current_thread())
            except ValueError:
                pass

    def _set(self, state: State, **kw: Any) -> None:
        now = time.monotonic()
        if self._status.state is State.PLAYING and state is not State.PLAYING:
            self._unreported_seconds += now - self._play_mark
        elif state is State.PLAYING and self._status.state is not State.PLAYING:
            self._play_mark = now
        st = self._station
        self._status = Status(
            state=state,
            station_id=st.id if st else None,
            station_name=st.name if st else "",
            **kw,
        )
        log.info("état : %s %s", state.value, kw.get("message", ""))
        self.statusChanged.emit(self._status)

    def _set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            self.titleChanged.emit(title)

    @Slot()
    def _start_attempt(self) -> None:
        self._token += 1
        self._stop_media()
        if self._pos >= len(self._queue):
            self._exhausted()
            return
        ref = self._queue[self._pos]
        if self._status.state not in (State.RECONNECTING,) or self._attempt == 0:
            self._set(State.CONNECTING, url=ref.url)
        self._direct_attempt = False
        self._opened_at = time.monotonic()
        self._last_progress = self._opened_at
        if _looks_like_hls(ref.url) and ref.url not in self._direct_failed:
            # HLS goes straight to libVLC: resolving it first would cost one more round trip
            # (hundreds of ms on a Sahel link). Should libVLC fail, the app resolves it itself
            # (a plain list of streams can hide behind .m3u8).
            self._direct_attempt = True
            self._watchdog.start()
            self._play_hls(ref.url, ref)
            return
        token = self._token
        timeout = self.policy.probe_timeout
        if ref.url.split(":", 1)[0].lower() in ("http", "https"):
            # libVLC starts at once on a local relay whose answer waits for the probe: its own
            # start (threads, modules, connection) overlaps the probe's round trip. Should the
            # URL turn out not to be a stream to relay, libVLC is stopped (`_on_probe`).
            self._relay = Relay(
                None,
                on_title=lambda t: self._relayTitle.emit(token, t),
                on_end=lambda r: self._relayEnded.emit(token, r),
            )
            self._relay.set_tee(self._record_file)  # a recording goes on through a reconnect
            self._play_mrl(self._relay.url, ref, relayed=True)

        def work() -> None:
            try:
                result: object = probe(ref, timeout=timeout)
            except StreamError as exc:
                result = exc
            except Exception as exc:  # noqa: BLE001 - reported as a failure, never a crash
                log.exception("ouverture du flux")
                result = StreamError(f"Erreur inattendue : {exc}")
            self._probeDone.emit(token, result)

        threads.start("probe", work)
        self._watchdog.start()

    @Slot(int, object)
    def _on_probe(self, token: int, result: object) -> None:
        if token != self._token:
            if isinstance(result, Probe) and result.response is not None:
                result.response.close()
            return
        if isinstance(result, Exception):
            self._fail(str(result))
            return
        assert isinstance(result, Probe)
        waiting = self._relay if self._relay is not None and not self._relay.attached else None
        reopen = self._reopener(self._queue[self._pos]) if self._pos < len(self._queue) else None
        if result.kind == "media" and result.response is not None and waiting is not None:
            # libVLC's request, waiting, gets its answer
            waiting.attach(result.response, reopen)
            return
        if waiting is not None:  # not a stream to relay: the libVLC started for it goes
            self._stop_media()
        if result.kind == "playlist":
            self._expansions += 1
            if self._expansions > 10:
                self._fail(self.tr("Listes de lecture imbriquées sans fin"))
                return
            self._queue[self._pos : self._pos + 1] = result.entries or []
            self._start_attempt()
            return
        if result.kind == "media" and result.response is not None:
            tok = self._token
            self._relay = Relay(
                result.response,
                on_title=lambda t: self._relayTitle.emit(tok, t),
                on_end=lambda r: self._relayEnded.emit(tok, r),
                reopen=reopen,
            )
            self._relay.set_tee(self._record_file)
            self._play_mrl(self._relay.url, result.ref, relayed=True)
        elif result.kind == "hls":
            self._play_hls(result.ref.url, result.ref)
        else:
            self._play_mrl(result.ref.url, result.ref, relayed=False)

    def _play_hls(self, url: str, ref: StreamRef) -> None:
        """HLS through the app's gateway: libVLC fetches only what the gateway lets through."""
        try:
            self._gateway = HlsGateway(
                url,
                user_agent=ref.user_agent,
                referrer=ref.referrer,
                lowest_variant=self.data_saver,
                timeout=self.policy.probe_timeout,
            )
        except OSError as exc:
            self._fail(self.tr("Lecture impossible : %1").replace("%1", str(exc)))
            return
        self._play_mrl(self._gateway.url, ref, relayed=True)

    def _reopener(self, ref: StreamRef) -> Callable[[], Response]:
        """For the relay: open `ref` again (its own thread) after a drop; a stream that has
        turned into something else (a page, a playlist) is a failure."""
        timeout = self.policy.probe_timeout

        def reopen() -> Response:
            result = probe(ref, timeout=timeout)
            if result.kind != "media" or result.response is None:
                if result.response is not None:
                    result.response.close()
                raise StreamError("le flux a changé de nature")
            return result.response

        return reopen

    def _play_mrl(self, mrl: str, ref: StreamRef, relayed: bool) -> None:
        """libVLC on `mrl`; `relayed`: the app opens the station's server itself (ICY relay,
        HLS gateway), so the station's HTTP headers are its business, not libVLC's."""
        _loopback_without_proxy()  # (the proxy settings may have changed since the start)
        media = self.instance.media_new(mrl)
        # what came from a playlist or a catalogue: only allowed options, and without the
        # trusted flag, so that libVLC applies its own rules for untrusted input as well
        untrusted: list[str] = []
        if not relayed:
            if ref.user_agent:
                untrusted.append(f":http-user-agent={ref.user_agent}")
            if ref.referrer:
                untrusted.append(f":http-referrer={ref.referrer}")
        untrusted += ref.options
        for o in safe_options(untrusted):
            media.add_option_flag(o, VLC_OPTION_UNIQUE)
        station = self._station
        show_video = self.video_allowed and station is not None and station.kind == "tv"
        if not show_video:
            media.add_option(":no-video")  # the app's own
        if self._record_remux and self._record_path is not None:
            # the app's own (trusted) chain: play and write what is played, appended to the
            # same file through reconnects; the path was checked for quotes and braces
            dst = str(self._record_path)
            media.add_option(
                ":sout=#duplicate{dst=display,dst=std{access=file{append},mux=ts,"
                f'dst="{dst}"}}}}'
            )
        gen = self._gen
        if self._relay is None:  # (the ICY relay gives the titles itself)
            cb = self._meta_callback(gen)
            self._media_callbacks = [cb]
            media.event_manager().event_attach(self.vlc.EventType.MediaMetaChanged, cb)
        self._media = media
        self.player.set_media(media)
        if show_video and self._video_handle:
            if sys.platform.startswith("linux"):
                self.player.set_xwindow(int(self._video_handle))
            elif sys.platform == "win32":
                self.player.set_hwnd(int(self._video_handle))
            elif sys.platform == "darwin":
                self.player.set_nsobject(int(self._video_handle))
        self._progress_mark = ()
        self._last_progress = time.monotonic()
        if self.player.play() != 0:
            self._fail(self.tr("libVLC n'a pas pu ouvrir le flux"))

    @Slot(int, int, object)
    def _on_vlc_event(self, gen: int, etype: int, value: object) -> None:
        if gen != self._gen:
            return
        ev = self.vlc.EventType
        if etype == ev.MediaPlayerBuffering.value:
            self._buffer = float(value) if isinstance(value, (int, float)) else 0.0
            if self._buffer >= 100.0:
                if self._vlc_playing:
                    self._on_playing()
            elif self._status.state in (State.CONNECTING, State.BUFFERING, State.RECONNECTING):
                pct = int(self._buffer) // 10 * 10  # steps of 10 %: libVLC reports every 2-3 %
                if self._status.state is not State.BUFFERING or self._status.percent != pct:
                    self._set(State.BUFFERING, percent=pct, url=self._status.url)
        elif etype == ev.MediaPlayerPlaying.value:
            self._vlc_playing = True
            self.player.audio_set_volume(self._volume)
            self.player.audio_set_mute(self._muted)
            if self._buffer >= 100.0:
                self._on_playing()
        elif etype == ev.MediaPlayerEncounteredError.value:
            self._fail(self.tr("Le flux n'a pas pu être lu"))
        elif etype == ev.MediaPlayerEndReached.value:
            self._fail(self.tr("Le flux s'est interrompu"))
        elif etype == ev.MediaMetaChanged.value and self._media is not None:
            now = self._media.get_meta(self.vlc.Meta.NowPlaying)
            if now:
                self._set_title(clean_title(str(now)))

    def _on_playing(self) -> None:
        if self._status.state is State.PLAYING:
            return
        self._played_current = True
        self._session_played = True
        self._playing_since = time.monotonic()
        self._last_progress = self._playing_since
        url = self._queue[self._pos].url if self._pos < len(self._queue) else ""
        self._set(State.PLAYING, url=url)

    @Slot(int, str)
    def _on_relay_title(self, token: int, title: str) -> None:
        if token == self._token:
            self._set_title(title)

    @Slot(int, str)
    def _on_relay_ended(self, token: int, reason: str) -> None:
        if token == self._token:
            log.info("relais terminé : %s", reason)
            # libVLC will play out what it has, then report the end; the watchdog covers silence.

    def _progress(self) -> tuple[int, int, int]:
        """What moves while a stream really plays: the clock, and the bytes read and demuxed
        (for HLS only the demuxer's count grows; the access reads the playlist alone)."""
        t = self.player.get_time()
        read = demuxed = 0
        if self._media is not None:
            stats = self.vlc.MediaStats()
            if self._media.get_stats(stats):
                read, demuxed = stats.read_bytes, stats.demux_read_bytes
        return (t, read, demuxed)

    @Slot()
    def _tick(self) -> None:
        now = time.monotonic()
        state = self._status.state
        self._usage_ticks += 1
        if self._usage_ticks % 10 == 0:
            self.report_usage()
        if state is State.PLAYING:
            mark = self._progress()
            # progress = the play clock moved or libVLC read more bytes
            if mark != self._progress_mark:
                self._progress_mark = mark
                self._last_progress = now
            elif now - self._last_progress > self.policy.stall_timeout:
                self._fail(self.tr("Le flux ne transmet plus rien"))
                return
            if self._attempt and now - self._playing_since > self.policy.stable_after:
                log.info("lecture stable : compteur de tentatives remis à zéro")
                self._attempt = 0
                self._url_failures = 0
        elif state in (State.CONNECTING, State.BUFFERING) or (
            state is State.RECONNECTING and not self._retry_timer.isActive()
        ):
            if now - self._opened_at > self.policy.start_timeout:
                self._fail(self.tr("Le flux ne démarre pas"))

    def _fail(self, message: str) -> None:
        gateway = self._gateway
        refused = gateway is not None and bool(gateway.refused)
        if refused:
            message = self.tr(
                "Ce flux renvoie vers des adresses refusées (fichiers ou réseau local de cet "
                "ordinateur) : elles n'ont pas été ouvertes"
            )
        log.warning("échec sur %s : %s", self._status.url or "?", message)
        self._last_error = message
        played = (
            time.monotonic() - self._playing_since if self._status.state is State.PLAYING else 0.0
        )
        self._token += 1
        self._watchdog.stop()
        self._stop_media()
        if played >= self.policy.played_enough:
            # the connection brought sound: a success that ended, not a failure. The same URL
            # again, at once; the backoff is for attempts that bring nothing (a flaky mobile
            # link drops every few seconds and must not wait longer each time)
            self._attempt = 0
            self._url_failures = 0
            self._played_current = False
            self._set(
                State.RECONNECTING, attempt=1, retry_in=self.policy.after_drop, message=message
            )
            self._retry_timer.start(int(self.policy.after_drop * 1000))
            return
        if (
            self._direct_attempt
            and not self._played_current
            and not refused
            and self._pos < len(self._queue)
        ):
            # libVLC could not open it directly: look at what the URL really is, same URL
            self._direct_failed.add(self._queue[self._pos].url)
            self._start_attempt()
            return
        self._attempt += 1
        if self._played_current:
            self._url_failures += 1
            if self._url_failures >= self.policy.retries_per_url:
                self._next_url()
        else:
            self._next_url()
        if self._pos >= len(self._queue):
            if not self._session_played:
                self._exhausted()
                return
            self._pos = 0  # it played before: go round the URLs again
        if self._attempt > self.policy.max_attempts:
            self._exhausted()
            return
        if not self._session_played and self._pos > 0 and self._url_failures == 0:
            # first pass over the fallbacks: no waiting
            self._set(State.CONNECTING, message=message)
            self._start_attempt()
            return
        delay = self.policy.backoff(self._attempt)
        self._set(State.RECONNECTING, attempt=self._attempt, retry_in=delay, message=message)
        self._retry_timer.start(int(delay * 1000))

    def _next_url(self) -> None:
        self._pos += 1
        self._url_failures = 0
        self._played_current = False

    def _exhausted(self) -> None:
        self._watchdog.stop()
        self._retry_timer.stop()
        n = len(self._queue)
        reason = self._last_error or self.tr("aucune réponse")
        if n > 1:
            msg = self.tr("Aucun des %1 flux ne répond (%2). Réessayez plus tard.")
            msg = msg.replace("%1", str(n)).replace("%2", reason)
        else:
            msg = self.tr("Le flux ne répond pas (%1). Réessayez plus tard.").replace("%1", reason)
        self._set(State.ERROR, message=msg)
