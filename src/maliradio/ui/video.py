"""The video area: a native child window libVLC draws into, with fullscreen handled by Qt.

libVLC is told not to take mouse and keyboard input, so double-click, F and Esc reach Qt.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QWidget


class VideoArea(QWidget):
    fullscreenToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor("black"))
        self.setPalette(pal)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 180)
        self.setAccessibleName(self.tr("Image de la télévision"))
        self.setToolTip(self.tr("Double-clic ou F : plein écran ; Échap : quitter le plein écran"))
        self._normal_parent_layout_index = None

    def handle(self) -> int:
        return int(self.winId())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.fullscreenToggled.emit(True)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_F:
            self.fullscreenToggled.emit(True)
        elif event.key() == Qt.Key.Key_Escape:
            self.fullscreenToggled.emit(False)
        else:
            super().keyPressEvent(event)
