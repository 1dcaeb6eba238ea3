"""The main window: stations on the left, the player (card or video) in the middle with its bar,
and the news on the right."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from maliradio import __version__
from maliradio.catalog import health, published
from maliradio.catalog.models import Station
from maliradio.playback.status import State, Status
from maliradio.settings import Settings
from maliradio.ui.card import StationCard
from maliradio.ui.dialogs import StationDialog
from maliradio.ui.icons import icon
from maliradio.ui.listening import ListeningTools
from maliradio.ui.playerbar import PlayerBar
from maliradio.ui.sleeptimer import SleepTimer, sleep_menu
from maliradio.ui.stations import StationList, logo_path
from maliradio.ui.tasks import TaskQueue, run_task
from maliradio.ui.video import VideoArea

if TYPE_CHECKING:
    from maliradio.playback.engine import PlayerEngine

log = logging.getLogger("maliradio.ui")


def _load_startup():
    """Worker thread: read settings and the catalogue."""
    from maliradio.catalog.stations import Catalog

    return Settings.load(), Catalog.load()


ACTIVE = (State.CONNECTING, State.BUFFERING, State.PLAYING, State.RECONNECTING)


class MainWindow(QMainWindow):
    """Also the player the desktop drives (tray, MPRIS, media keys, another instance): its
    signals exist before libVLC is loaded, and its methods are the ones they call."""

    statusChanged = Signal(object)  # Status
    titleChanged = Signal(str)
    volumeChanged = Signal(int)
    stationsChanged = Signal()  # the catalogue or the favourites changed

    def __init__(self, engine_factory=None, desktop: bool | str = True) -> None:
        """`desktop`: the tray, MPRIS and sleep inhibition (False: none; a D-Bus address:
        on that session bus instead of the user's)."""
        super().__init__()
        self.setWindowTitle("maliradio")
        self.setWindowIcon(icon("maliradio"))
        self.resize(1280, 760)
        self.settings = Settings()
        self.catalog = None
        self.engine: PlayerEngine | None = None
        self._engine_factory = engine_factory or _new_engine
        self._engine_error = ""
        self.ready = False  # settings and catalogue loaded
        # settings changed before they were read from disk: applied on top of what is read,
        # so that an early click never writes the defaults over the user's file
        self._early_changes: dict[str, object] = {}
        self._settings_queue = TaskQueue("settings", self)  # saves land in the order asked
        self._catalog_queue = TaskQueue("catalogue", self)  # your stations' file, in order
        self._quitting = False
        self._want_desktop = desktop
        self.desktop = None  # DesktopIntegration, made after the first paint
        self.sleep = SleepTimer(self)

        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel { background: #fef3c7; color: #78350f; padding: 6px; border-radius: 4px; }"
        )
        self.notice.hide()
        self.stations = StationList(self)
        self.card = StationCard(self)
        self.video = VideoArea(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.card)
        self.stack.addWidget(self.video)
        self.bar = PlayerBar(self)
        center = QWidget(self)
        cl = QVBoxLayout(center)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.stack, 1)
        cl.addWidget(self.bar)
        # the news pane and libVLC come just after the first paint (see _after_first_paint):
        # the window shows at once, they fill in a few tens of milliseconds later
        self.news_slot = QWidget(self)
        QVBoxLayout(self.news_slot).setContentsMargins(0, 0, 0, 0)
        self.news: QWidget = self.news_slot
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.stations)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.news_slot)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([260, 520, 500])
        root = QWidget(self)
        rl = QVBoxLayout(root)
        rl.setContentsMargins(4, 4, 4, 4)
        rl.addWidget(self.notice)
        rl.addWidget(self.splitter, 1)
        self.setCentralWidget(root)
        self.listening = ListeningTools(self)  # recording, the data meter, the data saver
        self.bar.set_record_action(self.listening.a_record)
        self.bar.set_recording(None)
        self._make_menus()

        self.stations.stationActivated.connect(self.play_station)
        self.stations.favouriteToggled.connect(self._toggle_favourite)
        self.stations.addRequested.connect(self._add_station)
        self.stations.editRequested.connect(self._edit_station)
        self.stations.removeRequested.connect(self._remove_station)
        self.bar.playStopClicked.connect(self.toggle_play)
        self.bar.retryClicked.connect(self._retry)
        self.bar.volumeChanged.connect(self._volume_changed)
        self.bar.sleepCancelClicked.connect(self.sleep.cancel)
        self.sleep.remainingChanged.connect(self.bar.set_sleep_remaining)
        self.sleep.fade.connect(self._sleep_fade)
        self.sleep.expired.connect(self._sleep_expired)
        self.bar.muteToggled.connect(self._mute_toggled)
        self.video.fullscreenToggled.connect(self._fullscreen)

        run_task(_load_startup, on_success=self._loaded, on_error=self._load_failed)
        self._painted = False
        self._player_started = False
        # should no paint come (a minimised start), do not wait for one
        QTimer.singleShot(400, self._after_first_paint)

    # ---- set-up ----
    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._painted:
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self._painted:
            return
        self._painted = True
        self._make_news_pane()
        # libVLC and the desktop integration (~0.2 s on this thread) come once the news list
        # has painted its first rows, or after 0.6 s at the latest: what the listener sees
        # first is the window with its news, and no station is clicked that fast
        model = getattr(self.news, "model", None)
        if model is not None and hasattr(model, "loaded"):
            model.loaded.connect(lambda: QTimer.singleShot(30, self._start_player_side))
        QTimer.singleShot(600, self._start_player_side)

    def _start_player_side(self) -> None:
        if self._player_started:
            return
        self._player_started = True
        self._start_engine()
        if self._want_desktop:
            from maliradio.ui.desktop import DesktopIntegration

            address = self._want_desktop if isinstance(self._want_desktop, str) else None
            self.desktop = DesktopIntegration(self, address)

    def _make_news_pane(self) -> None:
        from maliradio.ui.news_pane import NewsPane

        pane = NewsPane(self.settings, self.news_slot)
        self.news_slot.layout().addWidget(pane)
        self.news = pane
        if self.ready:
            pane.set_settings(self.settings)

    def _make_menus(self) -> None:
        mb = self.menuBar()
        m_file = mb.addMenu(self.tr("&Fichier"))
        a_add = QAction(self.tr("Ajouter une station…"), self)
        a_add.triggered.connect(self._add_station)
        m_file.addAction(a_add)
        a_sources = QAction(self.tr("Sources d'actualités…"), self)
        a_sources.triggered.connect(self.open_news_sources)
        m_file.addAction(a_sources)
        a_prefs = QAction(self.tr("Préférences…"), self)
        a_prefs.setShortcut(QKeySequence.StandardKey.Preferences)
        a_prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
        a_prefs.triggered.connect(self.preferences)
        m_file.addAction(a_prefs)
        a_quit = QAction(self.tr("Quitter"), self)
        a_quit.setShortcut(QKeySequence.StandardKey.Quit)
        a_quit.triggered.connect(self.quit)
        m_file.addAction(a_quit)
        m_play = mb.addMenu(self.tr("&Lecture"))
        self.a_play = QAction(self.tr("Lecture / arrêt"), self)
        self.a_play.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.a_play.triggered.connect(self.toggle_play)
        m_play.addAction(self.a_play)
        a_mute = QAction(self.tr("Couper le son"), self)
        a_mute.setShortcut(QKeySequence(Qt.Key.Key_M))
        a_mute.triggered.connect(self.bar.mute_button.toggle)
        m_play.addAction(a_mute)
        a_full = QAction(self.tr("Plein écran"), self)
        a_full.setShortcut(QKeySequence(Qt.Key.Key_F))
        a_full.triggered.connect(lambda: self._fullscreen(True))
        m_play.addAction(a_full)
        a_esc = QAction(self)
        a_esc.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        a_esc.triggered.connect(lambda: self._fullscreen(False))
        self.addAction(a_esc)
        m_play.addMenu(self.sleep_menu(m_play))
        self.listening.add_to_menu(m_play)
        m_play.addSeparator()
        self.a_resume = QAction(self.tr("Reprendre la dernière station au démarrage"), self)
        self.a_resume.setCheckable(True)
        self.a_resume.toggled.connect(self._resume_toggled)
        m_play.addAction(self.a_resume)
        m_help = mb.addMenu(self.tr("&Aide"))
        a_about = QAction(self.tr("À propos de maliradio"), self)
        a_about.triggered.connect(self._about)
        m_help.addAction(a_about)
        a_filter = QAction(self)
        a_filter.setShortcut(QKeySequence.StandardKey.Find)
        a_filter.triggered.connect(lambda: self.stations.filter.setFocus())
        self.addAction(a_filter)

    def _start_engine(self) -> None:
        from maliradio.playback.bootstrap import LibVlcMissing

        try:
            self.engine = self._engine_factory()
        except LibVlcMissing as exc:
            self._engine_error = str(exc)
            self.show_notice(
                self.tr("Lecture impossible : %1 Les actualités restent disponibles.").replace(
                    "%1", str(exc)
                )
            )
            return
        self.engine.statusChanged.connect(self._on_status)
        self.listening.attach_engine(self.engine)
        self._plays = health.PlayRecorder(self.engine)  # learns which address of a station works
        self.engine.titleChanged.connect(self._on_title)
        self.engine.set_volume(self.settings.volume)
        self.engine.set_muted(self.settings.muted)
        self._maybe_resume()
        self._open_pending()

    def _loaded(self, result) -> None:
        self.settings, self.catalog = result
        early, self._early_changes = self._early_changes, {}
        for name, value in early.items():
            setattr(self.settings, name, value)
        self.bar.set_volume(self.settings.volume, self.settings.muted)
        self.a_resume.blockSignals(True)
        self.a_resume.setChecked(self.settings.resume_last_station)
        self.a_resume.blockSignals(False)
        if self.engine is not None:
            self.engine.set_volume(self.settings.volume)
            self.engine.set_muted(self.settings.muted)
        self._show_stations()
        if self.catalog.errors:
            lines = [str(e) for e in self.catalog.errors[:5]]
            more = len(self.catalog.errors) - len(lines)
            text = (
                self.tr("Certaines stations n'ont pas pu être chargées :")
                + "\n• "
                + "\n• ".join(lines)
            )
            if more > 0:
                text += "\n" + self.tr("… et %1 autre(s) erreur(s)").replace("%1", str(more))
            self.show_notice(text)
        if hasattr(self.news, "set_settings"):  # else it gets them when it is made
            self.news.set_settings(self.settings)
        self.listening.settings_loaded()
        self.ready = True
        if early:
            self._save_settings()
        self._maybe_resume()
        self._open_pending()
        run_task(published.refresh, self.settings.catalogue_url, on_success=self._published)

    def _published(self, outcome) -> None:
        """The daily fetch of the signed catalogue of stations ended (catalog/published.py)."""
        result, catalog = outcome
        if catalog is not None:
            self.catalog = catalog
            self._show_stations()
        elif result is not None and result.status == "rejected":
            text = self.tr("Le catalogue de stations publié a été ignoré : %1. Les stations "
                           "connues restent.")  # fmt: skip
            self.show_notice(text.replace("%1", result.error or ""))

    def _load_failed(self, exc: BaseException) -> None:
        log.error("chargement : %s", exc, exc_info=exc)
        self.show_notice(
            self.tr("Les stations n'ont pas pu être chargées : %1").replace("%1", str(exc))
        )
        self.ready = True

    def _maybe_resume(self) -> None:
        if not (self.ready and self.engine and self.catalog):
            return
        if self.settings.resume_last_station and self.settings.last_station:
            st = self.catalog.get(self.settings.last_station)
            if st is not None and st.has_stream and self.engine.status.state is State.IDLE:
                self.play_station(st)

    def _show_stations(self) -> None:
        if self.catalog is not None:
            self.stations.set_stations(self.catalog.stations, set(self.settings.favourites))
            self.stationsChanged.emit()

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    # ---- playing ----
    def play_station(self, st: Station) -> None:
        if self._is_starting_or_playing(st):
            return  # a second click, or a click and an activation: the station is on its way
        self.card.show_station(st)
        self.listening.station_shown(st.id)
        if st.kind == "tv" and st.has_stream:
            self.stack.setCurrentWidget(self.video)
        else:
            self.stack.setCurrentWidget(self.card)
        if self.engine is None:
            if self._engine_error:
                self.show_notice(self._engine_error)
            return
        if st.kind == "tv":
            self.engine.set_video_window(self._video_handle())
        self.engine.play_station(health.order_streams(st))  # the address that worked last first
        self._change_settings(last_station=st.id)

    def _is_starting_or_playing(self, st: Station) -> bool:
        if self.engine is None or self.engine.station is None:
            return False
        current = self.engine.station
        # (the engine has them best first: health.order_streams)
        same = current.id == st.id and sorted(s.url for s in current.streams) == sorted(
            s.url for s in st.streams
        )
        return same and self.engine.status.state in (
            State.CONNECTING,
            State.BUFFERING,
            State.PLAYING,
        )

    def _video_handle(self) -> int | None:
        """The native window libVLC draws into, on platforms where it can embed."""
        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.platformName() in ("xcb", "windows", "cocoa"):
            return self.video.handle()
        return None  # offscreen (tests) or pure Wayland: libVLC cannot embed there

    def toggle_play(self) -> None:
        if self.engine is None:
            return
        st = self.engine.status
        if st.state in (State.CONNECTING, State.BUFFERING, State.PLAYING, State.RECONNECTING):
            self.engine.stop()
        elif self.engine.station is not None:
            self.play_station(self.engine.station)

    def _retry(self) -> None:
        if self.engine is not None:
            self.engine.retry()

    def _on_status(self, st: Status) -> None:
        self.bar.set_status(st)
        self.stations.set_current(st.station_id if st.state in ACTIVE else None)
        if st.state in (State.STOPPED, State.ERROR) and self.isFullScreen():
            self._fullscreen(False)
        if st.state not in ACTIVE and self.sleep.is_active():
            self.sleep.cancel()  # nothing left to put to sleep
        self.statusChanged.emit(st)

    def _on_title(self, title: str) -> None:
        self.bar.set_title(title)
        self.titleChanged.emit(title)

    # ---- the player the desktop drives (tray, MPRIS, media keys, a second instance) ----
    def status(self) -> Status:
        return self.engine.status if self.engine is not None else Status()

    def is_active(self) -> bool:
        return self.status().state in ACTIVE

    def now_playing(self) -> str:
        return self.engine.title if self.engine is not None else ""

    def current_station(self) -> Station | None:
        """The station playing or last played (what Play would start)."""
        if self.engine is not None and self.engine.station is not None:
            return self.engine.station
        if self.catalog is not None and self.settings.last_station:
            return self.catalog.get(self.settings.last_station)
        return None

    def play(self) -> None:
        if self.is_active():
            return
        st = self.current_station() or next(iter(self.station_order()), None)
        if st is not None:
            self.play_station(st)

    def stop(self) -> None:
        if self.engine is not None and self.is_active():
            self.engine.stop()

    def station_order(self) -> list[Station]:
        """Favourites first, in the user's order, then the rest as the list shows them;
        stations without a known stream left out."""
        if self.catalog is None:
            return []
        by_id = {s.id: s for s in self.catalog.stations if s.has_stream}
        favs = [by_id[f] for f in self.settings.favourites if f in by_id]
        rest = [s for s in self.stations.ordered() if s.id in by_id and s not in favs]
        return favs + rest

    def favourites(self) -> list[Station]:
        fav = set(self.settings.favourites)
        return [s for s in self.station_order() if s.id in fav]

    def step_station(self, step: int) -> None:
        """Next (1) or previous (-1) favourite; without favourites, the next station."""
        ring = self.favourites() or self.station_order()
        if not ring:
            return
        cur = self.current_station()
        ids = [s.id for s in ring]
        i = ids.index(cur.id) if cur is not None and cur.id in ids else (-1 if step > 0 else 0)
        self.play_station(ring[(i + step) % len(ring)])

    def volume(self) -> int:
        return self.bar.volume.value()

    def set_volume(self, value: int) -> None:
        self.bar.volume.setValue(max(0, min(100, int(value))))

    def logo_file(self, st: Station | None) -> Path | None:
        if st is None or not st.logo:
            return None
        path = logo_path(st.logo)
        return path if path.exists() else None

    def show_window(self) -> None:
        """Back from the tray, or raised for another instance."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def handle_request(self, args: list[str]) -> None:
        """Another `maliradio` was started: come up, and play what it names (once the
        catalogue and libVLC are there)."""
        self.show_window()
        if args and args[0].strip():
            self._pending_target = args[0]
            self._open_pending()

    def _open_pending(self) -> None:
        target = getattr(self, "_pending_target", "")
        if target and self.ready and self.engine is not None:
            self._pending_target = ""
            self.open_target(target)

    def open_target(self, target: str) -> bool:
        """A station id or a stream address (from the command line): play it."""
        target = target.strip()
        if not target:
            return False
        st = self.catalog.get(target) if self.catalog is not None else None
        if st is not None:
            self.play_station(st)
            return True
        if "://" in target and self.engine is not None:
            self.card.show_station(None)
            self.stack.setCurrentWidget(self.card)
            self.engine.play_url(target)
            return True
        self.show_notice(self.tr("Station inconnue : %1").replace("%1", target))
        return False

    # ---- sleep timer ----
    def sleep_menu(self, parent: QWidget) -> QMenu:
        return sleep_menu(self.sleep, parent, self._ask_sleep_time)

    def _ask_sleep_time(self):
        from maliradio.ui.dialogs import SleepAtDialog

        dlg = SleepAtDialog(self)
        return dlg.time() if dlg.exec() else None

    def _sleep_fade(self, factor: float) -> None:
        """The last seconds of the timer: the sound goes down (the user's volume is kept)."""
        if self.engine is not None:
            self.engine.set_volume(round(self.volume() * factor))

    def _sleep_expired(self) -> None:
        self.stop()
        if self.engine is not None:
            self.engine.set_volume(self.volume())

    def _volume_changed(self, value: int) -> None:
        if self.engine is not None and not self.sleep.is_fading():
            self.engine.set_volume(value)
        self._change_settings(later=True, volume=value)
        self.volumeChanged.emit(value)

    def _mute_toggled(self, on: bool) -> None:
        if self.engine is not None:
            self.engine.set_muted(on)
        self._change_settings(later=True, muted=on)

    def _resume_toggled(self, on: bool) -> None:
        self._change_settings(resume_last_station=on)

    def open_news_sources(self) -> None:
        """The news sources dialog (the news pane owns it)."""
        if hasattr(self.news, "open_sources"):
            self.news.open_sources()

    def preferences(self) -> None:
        from maliradio.ui.prefs import PreferencesDialog

        dlg = PreferencesDialog(self.settings, self)
        if not dlg.exec():
            return
        self._change_settings(**dlg.changes())
        self.a_resume.blockSignals(True)
        self.a_resume.setChecked(self.settings.resume_last_station)
        self.a_resume.blockSignals(False)
        if hasattr(self.news, "set_settings"):
            self.news.set_settings(self.settings)

    def _fullscreen(self, on: bool) -> None:
        if on and self.stack.currentWidget() is self.video and not self.isFullScreen():
            for w in (self.stations, self.news_slot, self.bar, self.menuBar()):
                w.hide()
            self.notice_was_visible = self.notice.isVisible()
            self.notice.hide()
            self.showFullScreen()
            self.video.setFocus()
        elif self.isFullScreen():
            for w in (self.stations, self.news_slot, self.bar, self.menuBar()):
                w.show()
            if getattr(self, "notice_was_visible", False):
                self.notice.show()
            self.showNormal()

    # ---- favourites and user stations ----
    def _toggle_favourite(self, station_id: str, on: bool) -> None:
        favs = [f for f in self.settings.favourites if f != station_id]
        if on:
            favs.insert(0, station_id)
        self._change_settings(favourites=favs)
        self._show_stations()

    def _add_station(self) -> None:
        self._station_dialog(None)

    def _edit_station(self, st: Station) -> None:
        self._station_dialog(st)

    def _station_dialog(self, st: Station | None, dlg: StationDialog | None = None) -> None:
        """Add (or edit) a station. The file is written on the catalogue's queue, off the
        window's thread; a refusal (a bad address, a disk that will not take it) opens the
        dialog again with the reason."""
        if self.catalog is None:
            return
        dlg = dlg or StationDialog(st, self)
        if not dlg.exec():
            return
        v = dlg.values()
        catalog = self.catalog

        def work() -> Station:
            if st is None:
                return catalog.add_user_station(v["name"], v["url"], v["kind"], v["country"])
            return catalog.update_user_station(st.id, **v)

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, (ValueError, OSError)):
                log.error("station non enregistrée : %s", exc, exc_info=exc)
            dlg.show_error(str(exc))
            QTimer.singleShot(0, lambda: self._station_dialog(st, dlg))  # (not from a slot)

        self._catalog_queue.run(
            work, on_success=lambda _st: self._show_stations(), on_error=refused
        )

    def _remove_station(self, st: Station) -> None:
        if self.catalog is None:
            return

        def refused(exc: BaseException) -> None:
            self.show_notice(str(exc))
            self._show_stations()

        self._catalog_queue.run(
            self.catalog.remove_user_station,
            st.id,
            on_success=lambda _none: self._show_stations(),
            on_error=refused,
        )

    # ---- settings ----
    def _change_settings(self, later: bool = False, **changes: object) -> None:
        """Apply `changes` and save them (`later`: after half a second without another)."""
        for name, value in changes.items():
            setattr(self.settings, name, value)
        if not self.ready:
            self._early_changes.update(changes)  # saved once the file has been read
        elif later:
            self._save_settings_later()
        else:
            self._save_settings()

    def _save_settings(self) -> None:
        if not self.ready:
            return
        snapshot = Settings(
            **{k: (list(v) if isinstance(v, list) else v) for k, v in vars(self.settings).items()}
        )
        self._settings_queue.run(
            snapshot.save, on_error=lambda e: log.warning("réglages non enregistrés : %s", e)
        )

    def _save_settings_later(self) -> None:
        if not hasattr(self, "_save_timer"):
            self._save_timer = QTimer(self)
            self._save_timer.setSingleShot(True)
            self._save_timer.setInterval(500)
            self._save_timer.timeout.connect(self._save_settings)
        self._save_timer.start()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("À propos de maliradio"),
            self.tr(
                "maliradio %1\nRadios, télévisions et actualités du Mali, "
                "du Burkina Faso et du Niger."
            ).replace("%1", __version__),
        )

    def quit(self) -> None:
        """Quit for good (the menu, the tray): closing the window may only hide it."""
        self._quitting = True
        self.close()

    def _keeps_playing_in_tray(self) -> bool:
        return (
            not self._quitting
            and self.settings.close_to_tray
            and self.is_active()
            and self.desktop is not None
            and self.desktop.tray_available()
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._keeps_playing_in_tray():
            event.ignore()
            self.hide()
            if not self.settings.tray_notice_shown:
                self.desktop.tray_notice(
                    self.tr("maliradio joue toujours"),
                    self.tr(
                        "La fenêtre est fermée mais la radio continue : l'icône de maliradio "
                        "dans la zone de notification la rouvre ou l'arrête."
                    ),
                )
                self._change_settings(tray_notice_shown=True)
            return
        self.sleep.cancel()
        if self.desktop is not None:
            self.desktop.shutdown()
            self.desktop = None
        if hasattr(self, "_save_timer"):
            self._save_timer.stop()
        self._save_settings()  # after any save still queued, so it is the one that stays
        self._settings_queue.wait(5000)
        self._settings_queue.close()
        self._catalog_queue.wait(5000)  # a station being saved
        self._catalog_queue.close()
        if self.engine is not None:
            self.engine.shutdown()
            self.engine = None
        if hasattr(self.news, "shutdown"):
            self.news.shutdown()
        super().closeEvent(event)


def _new_engine() -> PlayerEngine:
    # Imported here: libVLC's loader and the stream code load after the first paint.
    from maliradio.playback.engine import PlayerEngine

    return PlayerEngine()
