"""The player bar: play/stop, volume, mute, status text, now playing, retry on error."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from maliradio.playback.status import State, Status
from maliradio.ui.icons import icon


class PlayerBar(QWidget):
    playStopClicked = Signal()
    retryClicked = Signal()
    volumeChanged = Signal(int)
    muteToggled = Signal(bool)
    sleepCancelClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.play_button = QToolButton(self)
        self.play_button.setIcon(icon("play"))
        self.play_button.setIconSize(self.play_button.iconSize() * 1.5)
        self.play_button.setAccessibleName(self.tr("Lecture"))
        self.play_button.setToolTip(self.tr("Lecture / arrêt (Espace)"))
        self.play_button.setEnabled(False)
        self.status_label = QLabel(self.tr("Choisissez une station"), self)
        self.status_label.setAccessibleName(self.tr("État du lecteur"))
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label = QLabel("", self)
        self.title_label.setAccessibleName(self.tr("Titre en cours"))
        f = self.title_label.font()
        f.setBold(True)
        self.title_label.setFont(f)
        self.sleep_button = QToolButton(self)
        self.sleep_button.setAutoRaise(True)
        self.sleep_button.setToolTip(self.tr("Minuterie d'arrêt : cliquer pour l'annuler"))
        self.sleep_button.hide()
        for lab in (self.status_label, self.title_label):
            lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.retry_button = QPushButton(self.tr("Réessayer"), self)
        self.retry_button.hide()
        # « Enregistrer »: the window gives it its action (set_record_action)
        self.record_button = QToolButton(self)
        self.record_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.record_button.setAccessibleName(self.tr("Enregistrer"))
        self.record_button.hide()
        self.mute_button = QToolButton(self)
        self.mute_button.setCheckable(True)
        self.mute_button.setIcon(icon("volume"))
        self.mute_button.setAccessibleName(self.tr("Couper le son"))
        self.mute_button.setToolTip(self.tr("Couper le son (M)"))
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(120)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setToolTip(self.tr("Volume"))
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.title_label)
        status_row = QHBoxLayout()
        status_row.setSpacing(6)
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.sleep_button)
        texts.addLayout(status_row)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.play_button)
        lay.addLayout(texts, 1)
        lay.addWidget(self.retry_button)
        lay.addWidget(self.record_button)
        lay.addWidget(self.mute_button)
        lay.addWidget(self.volume)
        self._status = Status()
        self._deadline = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._refresh_text)
        self.play_button.clicked.connect(self.playStopClicked)
        self.retry_button.clicked.connect(self.retryClicked)
        self.sleep_button.clicked.connect(self.sleepCancelClicked)
        self.volume.valueChanged.connect(self.volumeChanged)
        self.mute_button.toggled.connect(self._mute)

    def set_volume(self, value: int, muted: bool) -> None:
        self.volume.setValue(value)
        self.mute_button.setChecked(muted)
        self.mute_button.setIcon(icon("mute" if muted else "volume"))

    def _mute(self, on: bool) -> None:
        self.mute_button.setIcon(icon("mute" if on else "volume"))
        self.muteToggled.emit(on)

    def set_status(self, st: Status) -> None:
        self._status = st
        active = st.state in (State.CONNECTING, State.BUFFERING, State.PLAYING, State.RECONNECTING)
        self.play_button.setEnabled(st.station_id is not None)
        self.play_button.setIcon(icon("stop" if active else "play"))
        self.play_button.setAccessibleName(self.tr("Arrêt") if active else self.tr("Lecture"))
        self.retry_button.setVisible(st.state is State.ERROR and st.station_id is not None)
        if st.state is State.RECONNECTING:
            self._deadline = time.monotonic() + st.retry_in
            self._countdown.start()
        else:
            self._countdown.stop()
        if not active:
            self.title_label.clear()
        self._refresh_text()

    def _refresh_text(self) -> None:
        st = self._status
        if st.state is State.RECONNECTING:
            from dataclasses import replace

            st = replace(st, retry_in=max(0.0, self._deadline - time.monotonic()))
        self.status_label.setText(st.text())
        self.status_label.setToolTip(st.url)

    def set_sleep_remaining(self, seconds: int) -> None:
        """The sleep timer in the status line: « Arrêt dans 29:59 » (hidden when off)."""
        if seconds < 0:
            self.sleep_button.hide()
            return
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        left = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
        text = self.tr("Arrêt dans %1").replace("%1", left)
        self.sleep_button.setText(text)
        self.sleep_button.setAccessibleName(text)
        self.sleep_button.show()

    def sleep_text(self) -> str:
        return "" if self.sleep_button.isHidden() else self.sleep_button.accessibleName()

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)
        self.title_label.setToolTip(title)

    def status_text(self) -> str:
        return self.status_label.text()

    def set_record_action(self, action: QAction) -> None:
        self.record_button.setDefaultAction(action)
        self.record_button.show()

    def set_recording(self, path: str | None) -> None:
        """Recording into `path` (shown on the button, its file in the tooltip), or not."""
        action = self.record_button.defaultAction()
        if path is None:
            self.record_button.setText(action.text() if action else self.tr("Enregistrer"))
            self.record_button.setStyleSheet("")
            self.record_button.setToolTip(self.tr("Enregistrer ce qui est en lecture (Ctrl+R)"))
        else:
            self.record_button.setText("● " + self.tr("Enregistrement"))
            self.record_button.setStyleSheet("QToolButton { color: #c0392b; font-weight: bold; }")
            self.record_button.setToolTip(
                self.tr("Enregistrement dans %1 (cliquer pour arrêter)").replace("%1", path)
            )
