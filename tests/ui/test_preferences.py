"""The preferences dialog: what was only in settings.json, saved and applied."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from maliradio.ui.mainwindow import MainWindow
from maliradio.ui.prefs import PreferencesDialog


def test_preferences_are_saved_and_applied(qtbot):
    win = MainWindow(desktop=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.ready and hasattr(win.news, "auto_timer"), timeout=10000)

    def fill() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, PreferencesDialog)
        assert dlg.close_to_tray.isChecked() and not dlg.notify.isChecked()  # the defaults
        dlg.refresh.setValue(45)
        dlg.full_text.setChecked(False)
        dlg.notify.setChecked(True)
        dlg.resume.setChecked(True)
        dlg.language.setCurrentIndex(dlg.language.findData("en"))
        assert dlg.language_note.isVisibleTo(dlg)  # "at the next start"
        dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, fill)
    win.preferences()
    path = Path(os.environ["MALIRADIO_HOME"]) / "config" / "settings.json"
    qtbot.waitUntil(lambda: path.exists() and json.loads(path.read_text())["language"] == "en")
    saved = json.loads(path.read_text())
    assert saved["news_refresh_minutes"] == 45 and saved["news_fetch_full_articles"] is False
    assert saved["notify_titles"] is True and saved["resume_last_station"] is True
    assert win.a_resume.isChecked()  # the Lecture menu agrees
    assert win.news.settings.news_refresh_minutes == 45
    win.close()
