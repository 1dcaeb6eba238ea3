"""The sleep timer: playback stops after a while or at a time of day, the sound fading out over
the last seconds. The window does the stopping and the fading (`fade`, `expired`); the timer only
counts. Its clock can be replaced (tests)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTime, QTimer, Signal
from PySide6.QtWidgets import QMenu, QWidget

SLEEP_CHOICES = (15, 30, 60, 90)  # minutes, in the menus
FADE_SECONDS = 30.0


class SleepTimer(QObject):
    remainingChanged = Signal(int)  # whole seconds left; -1 when the timer is off
    fade = Signal(float)  # 1.0 -> 0.0 over the last `fade_seconds`
    expired = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        fade_seconds: float = FADE_SECONDS,
        tick_ms: int = 250,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.fade_seconds = fade_seconds
        self._deadline: float | None = None
        self._fading = False
        self._shown = -2
        self.chosen_minutes: int | None = None  # the menu's choice, for its check mark
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)

    def start(self, seconds: float) -> None:
        self.chosen_minutes = round(seconds / 60) if seconds % 60 == 0 else None
        self._begin(seconds)

    def start_at(self, when: QTime, now: dt.datetime | None = None) -> None:
        """At a time of day: today if it is still ahead, else tomorrow."""
        now = now or dt.datetime.now()
        target = now.replace(hour=when.hour(), minute=when.minute(), second=0, microsecond=0)
        if target <= now:
            target += dt.timedelta(days=1)
        self.chosen_minutes = None
        self._begin((target - now).total_seconds())

    def _begin(self, seconds: float) -> None:
        self._deadline = self._clock() + max(0.0, seconds)
        self._end_fade()
        self._timer.start()
        self.tick()

    def cancel(self) -> None:
        if self._deadline is None:
            return
        self._deadline = None
        self.chosen_minutes = None
        self._timer.stop()
        self._end_fade()
        self._emit_remaining(-1)

    def is_active(self) -> bool:
        return self._deadline is not None

    def is_fading(self) -> bool:
        return self._fading

    def remaining(self) -> float:
        return max(0.0, self._deadline - self._clock()) if self._deadline is not None else -1.0

    def tick(self) -> None:
        if self._deadline is None:
            return
        left = self.remaining()
        self._emit_remaining(int(left + 0.999))
        if left <= 0:
            self._deadline = None
            self.chosen_minutes = None
            self._timer.stop()
            self._fading = False
            self.expired.emit()
            self._emit_remaining(-1)
        elif left <= self.fade_seconds:
            self._fading = True
            self.fade.emit(left / self.fade_seconds)

    def _end_fade(self) -> None:
        if self._fading:
            self._fading = False
            self.fade.emit(1.0)

    def _emit_remaining(self, seconds: int) -> None:
        if seconds != self._shown:
            self._shown = seconds
            self.remainingChanged.emit(seconds)


def sleep_menu(timer: SleepTimer, parent: QWidget, ask_time: Callable[[], QTime | None]) -> QMenu:
    """The sleep timer's menu (the Lecture menu and the tray each have one)."""
    menu = QMenu(QCoreApplication.translate("SleepTimer", "Minuterie d'arrêt"), parent)
    a_off = menu.addAction(QCoreApplication.translate("SleepTimer", "Désactivée"))
    a_off.setCheckable(True)
    a_off.triggered.connect(timer.cancel)
    choices = []
    for minutes in SLEEP_CHOICES:
        text = QCoreApplication.translate("SleepTimer", "Dans %1 min")
        a = menu.addAction(text.replace("%1", str(minutes)))
        a.setCheckable(True)
        a.setData(minutes)
        a.triggered.connect(lambda _c=False, m=minutes: timer.start(m * 60))
        choices.append(a)
    a_at = menu.addAction(QCoreApplication.translate("SleepTimer", "À une heure précise…"))

    def at() -> None:
        when = ask_time()
        if when is not None:
            timer.start_at(when)

    a_at.triggered.connect(at)

    def refresh() -> None:
        a_off.setChecked(not timer.is_active())
        for a in choices:
            a.setChecked(timer.is_active() and timer.chosen_minutes == a.data())

    menu.aboutToShow.connect(refresh)
    return menu
