"""Scheduled recordings: kept in the settings (they survive a restart), started at their time
in the broadcaster's time zone, listed in « Enregistrements programmés »."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from maliradio.catalog.models import Station
from maliradio.playback import recording
from maliradio.playback.recording import Scheduled

log = logging.getLogger("maliradio.ui")

ZONES = ("Africa/Bamako", "Africa/Ouagadougou", "Africa/Niamey", "Europe/Paris", "")


def load_schedule(records: list[dict[str, object]]) -> list[Scheduled]:
    """The scheduled recordings kept in the settings; a damaged one is dropped and logged."""
    out = []
    for rec in records:
        try:
            out.append(Scheduled.from_record(rec))
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("enregistrement programmé illisible ignoré (%s) : %r", exc, rec)
    return out


class RecordingScheduler(QObject):
    """Looks at the schedule every few seconds: `due(scheduled)` when one's time has come
    (or came less than its duration ago: the app was started late, the rest is recorded),
    `expired(scheduled)` for one whose whole time passed while the app was closed."""

    due = Signal(object)
    expired = Signal(object)
    changed = Signal()  # the list changed (to save it)

    def __init__(
        self,
        entries: list[Scheduled],
        now: Callable[[], datetime] | None = None,
        interval_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.entries = sorted(entries, key=lambda s: s.start)
        self._now = now or (lambda: datetime.now().astimezone())
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def add(self, entry: Scheduled) -> None:
        self.entries = sorted([*self.entries, entry], key=lambda s: s.start)
        self.changed.emit()

    def remove(self, entry: Scheduled) -> None:
        self.entries = [e for e in self.entries if e is not entry]
        self.changed.emit()

    def records(self) -> list[dict[str, object]]:
        return [e.to_record() for e in self.entries]

    def check(self) -> None:
        now = self._now()
        for entry in list(self.entries):
            if entry.end() <= now:
                self.entries.remove(entry)
                self.changed.emit()
                self.expired.emit(entry)
            elif entry.start <= now:
                self.entries.remove(entry)
                self.changed.emit()
                self.due.emit(entry)


class ScheduleDialog(QDialog):
    """« Enregistrements programmés »: the list, and a form to add one."""

    def __init__(
        self,
        scheduler: RecordingScheduler,
        stations: list[Station],
        parent: QWidget | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enregistrements programmés"))
        self.scheduler = scheduler
        self.stations = [s for s in stations if s.has_stream]
        self._now = now or (lambda: datetime.now().astimezone())
        self._names = {s.id: s.name for s in self.stations}
        lay = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Enregistrements programmés"))
        lay.addWidget(self.list, 1)
        self.remove_button = QPushButton(self.tr("Supprimer"), self)
        self.remove_button.clicked.connect(self._remove)
        lay.addWidget(self.remove_button)

        form = QFormLayout()
        self.station_box = QComboBox(self)
        for st in self.stations:
            self.station_box.addItem(st.name, st.id)
        self.station_box.setAccessibleName(self.tr("Station"))
        self.time_edit = QLineEdit("20:00", self)
        self.time_edit.setAccessibleName(self.tr("Heure de début"))
        self.zone_box = QComboBox(self)
        for z in ZONES:
            self.zone_box.addItem(z.split("/")[-1] if z else self.tr("heure de cet ordinateur"), z)
        self.zone_box.setAccessibleName(self.tr("Fuseau horaire"))
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, 24 * 60)
        self.minutes.setValue(30)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName(self.tr("Durée"))
        self.when_label = QLabel(self)
        self.when_label.setWordWrap(True)
        form.addRow(self.tr("Station"), self.station_box)
        row = QHBoxLayout()
        row.addWidget(self.time_edit)
        row.addWidget(self.zone_box)
        form.addRow(self.tr("Début"), row)
        form.addRow(self.tr("Durée"), self.minutes)
        form.addRow("", self.when_label)
        lay.addLayout(form)
        self.add_button = QPushButton(self.tr("Programmer"), self)
        self.add_button.clicked.connect(self._add)
        lay.addWidget(self.add_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        lay.addWidget(buttons)
        self.station_box.currentIndexChanged.connect(self._station_changed)
        self.time_edit.textChanged.connect(self._preview)
        self.zone_box.currentIndexChanged.connect(self._preview)
        self._station_changed()
        self._fill()

    def _station_changed(self) -> None:
        st = next((s for s in self.stations if s.id == self.station_box.currentData()), None)
        zone = recording.COUNTRY_TZ.get(st.country, "") if st else ""
        i = self.zone_box.findData(zone)
        self.zone_box.setCurrentIndex(i if i >= 0 else self.zone_box.count() - 1)
        self._preview()

    def _start(self) -> datetime:
        return recording.next_start(
            self.time_edit.text(), self.zone_box.currentData() or None, self._now()
        )

    def _preview(self) -> None:
        try:
            start = self._start()
        except ValueError as exc:
            self.when_label.setText(str(exc))
            self.add_button.setEnabled(False)
            return
        local = start.astimezone(self._now().tzinfo)
        day = self.tr("aujourd'hui") if local.date() == self._now().date() else self.tr("demain")
        self.when_label.setText(
            self.tr("Commence %1 à %2, heure de cet ordinateur")
            .replace("%1", day)
            .replace("%2", f"{local:%H:%M}")
        )
        self.add_button.setEnabled(bool(self.stations))

    def _add(self) -> None:
        try:
            start = self._start()
        except ValueError as exc:
            self.when_label.setText(str(exc))
            return
        entry = Scheduled(self.station_box.currentData(), start, self.minutes.value() * 60.0)
        self.scheduler.add(entry)
        self._fill()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.scheduler.entries):
            self.scheduler.remove(self.scheduler.entries[row])
            self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for e in self.scheduler.entries:
            local = e.start.astimezone(self._now().tzinfo)
            minutes = int(e.duration // 60)
            zone = getattr(e.start.tzinfo, "key", "") or ""
            self.list.addItem(
                f"{self._names.get(e.station, e.station)} — {e.start:%d/%m %Hh%M}"
                + (f" ({zone.split('/')[-1]})" if zone else "")
                + (f", {local:%Hh%M} ici" if local.utcoffset() != e.start.utcoffset() else "")
                + f", {minutes} min"
            )
        self.remove_button.setEnabled(bool(self.scheduler.entries))


def ends_in(entry: Scheduled, now: datetime) -> timedelta:
    """How long a due recording still has to run (started late: only the rest)."""
    return max(timedelta(0), entry.end() - now)
