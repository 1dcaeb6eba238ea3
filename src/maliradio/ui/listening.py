"""What goes with listening, in the window: recording (now, or at a set time in the
broadcaster's time zone), the data meter in the status bar, and the data saver.

One object the main window makes and feeds (`attach_engine`, `settings_loaded`); it keeps the
window's own file to the player and the panes.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from maliradio.datameter import DataMeter, megabytes
from maliradio.playback.recording import Scheduled
from maliradio.playback.status import State, Status
from maliradio.ui.datause import DataUseDialog, DataUseLabel
from maliradio.ui.recordings import RecordingScheduler, ScheduleDialog, ends_in, load_schedule
from maliradio.ui.tasks import TaskQueue, run_task

if TYPE_CHECKING:
    from maliradio.playback.engine import PlayerEngine
    from maliradio.ui.mainwindow import MainWindow

log = logging.getLogger("maliradio.ui")


class ListeningTools(QObject):
    def __init__(self, window: MainWindow, meter: DataMeter | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.engine: PlayerEngine | None = None
        self.meter = meter or DataMeter()
        self._writes = TaskQueue("data-meter", self)  # the meter's file, off the GUI thread
        self.label = DataUseLabel(self.meter, window)
        self.label.clicked.connect(self.show_details)
        self.label.budgetCrossed.connect(self._budget_crossed)
        window.statusBar().addPermanentWidget(self.label)
        self.scheduler = RecordingScheduler([], parent=self)
        self.scheduler.due.connect(self._due)
        self.scheduler.expired.connect(self._expired)
        self.scheduler.changed.connect(self._save_schedule)
        self._pending: Scheduled | None = None  # due: recording starts once it plays
        self._stop_timer = QTimer(self)
        self._stop_timer.setSingleShot(True)
        self._stop_timer.timeout.connect(self._scheduled_end)
        self._refresh_label = QTimer(self)  # the news refresh process counts in its own
        self._refresh_label.setInterval(60_000)
        self._refresh_label.timeout.connect(self.label.reload)
        self._refresh_label.start()

        self.a_record = QAction(self.tr("Enregistrer"), window)
        self.a_record.setCheckable(True)
        self.a_record.setShortcut(QKeySequence("Ctrl+R"))
        self.a_record.setEnabled(False)
        self.a_record.toggled.connect(self._record_toggled)
        self.a_schedule = QAction(self.tr("Enregistrements programmés…"), window)
        self.a_schedule.triggered.connect(self.show_schedule)
        self.a_saver = QAction(self.tr("Économie de données"), window)
        self.a_saver.setCheckable(True)
        self.a_saver.setToolTip(
            self.tr(
                "TV à la qualité la plus légère, radio au débit le plus bas, actualités sans "
                "images ni pages, actualisées deux fois moins souvent"
            )
        )
        self.a_saver.toggled.connect(self._saver_toggled)
        self.a_data = QAction(self.tr("Données consommées…"), window)
        self.a_data.triggered.connect(self.show_details)

    def add_to_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        for a in (self.a_record, self.a_schedule, self.a_saver, self.a_data):
            menu.addAction(a)

    # ---- the window tells ----
    def attach_engine(self, engine: PlayerEngine) -> None:
        self.engine = engine
        engine.data_saver = self.window.settings.data_saver
        engine.usageReported.connect(self._usage)
        engine.recordingChanged.connect(self._recording_changed)
        engine.statusChanged.connect(self._status)
        if self.window.ready:
            self.scheduler.check()

    def settings_loaded(self) -> None:
        s = self.window.settings
        self.a_saver.blockSignals(True)
        self.a_saver.setChecked(s.data_saver)
        self.a_saver.blockSignals(False)
        if self.engine is not None:
            self.engine.data_saver = s.data_saver
        self.label.set_budget(s.data_budget_mb)
        self.scheduler.entries = sorted(
            load_schedule(s.scheduled_recordings), key=lambda e: e.start
        )
        if self.engine is not None:
            self.scheduler.check()

    def station_shown(self, key: str) -> None:
        """The card shows station `key`: its MB per hour, once it has played a minute."""
        run_task(
            self.meter.rate_per_hour,
            key,
            on_success=lambda rate: self.window.card.set_data_rate(
                self.tr("≈ %1/h").replace("%1", megabytes(int(rate))) if rate else ""
            ),
        )

    # ---- data ----
    def _usage(self, key: str, nbytes: int, seconds: float) -> None:
        self._writes.run(self.meter.add, "stream", key, nbytes, seconds)
        self.label.add_session(nbytes)

    def show_details(self) -> None:
        def names() -> dict[str, str]:
            out = {}
            cat = self.window.catalog
            if cat is not None:
                out.update({s.id: s.name for s in cat.stations})
            news = getattr(self.window.news, "source_names", None)
            if callable(news):
                out.update(news())
            return out

        def show(use: dict[str, Any]) -> None:
            dlg = DataUseDialog(use, names(), self.window.settings.data_budget_mb, self.window)
            dlg.exec()
            if dlg.budget.value() != self.window.settings.data_budget_mb:
                self.window._change_settings(data_budget_mb=dlg.budget.value())
                self.label.set_budget(dlg.budget.value())

        self._writes.wait(2000)  # (what was spent since the start, written first)
        run_task(self.meter.month, on_success=show)

    def _budget_crossed(self, state: str) -> None:
        used = megabytes(self.label.month_bytes)
        budget = megabytes(self.label.budget_mb * 1_000_000)
        if state == "warn":
            self.window.show_notice(
                self.tr("Vous avez utilisé %1 de votre forfait de %2 ce mois-ci (80 %).")
                .replace("%1", used)
                .replace("%2", budget)
            )
            return
        if self.window.settings.data_saver:
            self.window.show_notice(
                self.tr("Forfait du mois atteint : %1 sur %2.")
                .replace("%1", used)
                .replace("%2", budget)
            )
            return
        answer = QMessageBox.question(
            self.window,
            self.tr("Forfait atteint"),
            self.tr(
                "Vous avez utilisé %1, tout votre forfait de %2 ce mois-ci. "
                "Activer l'économie de données ?"
            )
            .replace("%1", used)
            .replace("%2", budget),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.a_saver.setChecked(True)

    def _saver_toggled(self, on: bool) -> None:
        if self.engine is not None:
            self.engine.data_saver = on
        self.window._change_settings(data_saver=on)
        news = self.window.news
        if hasattr(news, "set_settings"):
            news.set_settings(self.window.settings)

    # ---- recording ----
    def _status(self, st: Status) -> None:
        playing = st.state is State.PLAYING
        self.a_record.setEnabled(playing or self.a_record.isChecked())
        if playing and self._pending is not None and self.engine is not None:
            entry, self._pending = self._pending, None
            if self.engine.station is not None and self.engine.station.id == entry.station:
                self._start_recording()
                remaining = ends_in(entry, datetime.now().astimezone())
                self._stop_timer.start(int(remaining.total_seconds() * 1000))

    def _record_toggled(self, on: bool) -> None:
        if self.engine is None:
            return
        if on and self.engine.recording is None:
            self._start_recording()
        elif not on and self.engine.recording is not None:
            self._stop_timer.stop()
            self.engine.stop_recording()

    def _start_recording(self) -> None:
        assert self.engine is not None
        try:
            self.engine.start_recording()
        except (RuntimeError, OSError) as exc:
            self.window.show_notice(
                self.tr("Enregistrement impossible : %1").replace("%1", str(exc))
            )
            self.a_record.setChecked(False)

    def _recording_changed(self, path: object) -> None:
        self.a_record.blockSignals(True)
        self.a_record.setChecked(path is not None)
        self.a_record.blockSignals(False)
        if path is not None:
            self.window.bar.set_recording(str(path))
        else:
            self.window.bar.set_recording(None)

    # ---- scheduled ----
    def show_schedule(self) -> None:
        stations = self.window.catalog.stations if self.window.catalog is not None else []
        ScheduleDialog(self.scheduler, stations, self.window).exec()

    def _save_schedule(self) -> None:
        self.window._change_settings(scheduled_recordings=self.scheduler.records())

    def _due(self, entry: Scheduled) -> None:
        if self.window._engine_error:  # no libVLC: nothing can be recorded
            self.window.show_notice(self.window._engine_error)
            return
        if self.engine is None or not self.window.ready:
            self.scheduler.add(entry)  # the player is not there yet: at the next look
            return
        cat = self.window.catalog
        st = cat.get(entry.station) if cat is not None else None
        if st is None:
            self.window.show_notice(
                self.tr(
                    "Enregistrement programmé impossible : la station %1 n'existe plus"
                ).replace("%1", entry.station)
            )
            return
        log.info("enregistrement programmé : %s", entry)
        self._pending = entry
        if (
            self.engine.station is not None
            and self.engine.station.id == st.id
            and (self.engine.status.state is State.PLAYING)
        ):
            self._status(self.engine.status)
        else:
            self.window.play_station(st)

    def _expired(self, entry: Scheduled) -> None:
        self.window.show_notice(
            self.tr("Enregistrement manqué (l'application était fermée) : %1 à %2")
            .replace("%1", entry.station)
            .replace("%2", f"{entry.start:%d/%m %Hh%M}")
        )

    def _scheduled_end(self) -> None:
        if self.engine is not None and self.engine.recording is not None:
            self.engine.stop_recording()
