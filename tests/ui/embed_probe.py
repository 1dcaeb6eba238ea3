"""Run by test_video_embedding.py in its own process on a real X server (Xvfb): open the
window, play a TV station, and report what the video area shows, pixel by pixel."""

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from maliradio.playback.engine import State
from maliradio.ui.mainwindow import MainWindow

app = QApplication(sys.argv[:1])
win = MainWindow()
win.resize(1000, 600)
win.show()
result: dict = {"platform": app.platformName()}


def start() -> None:
    if win.catalog is None or win.engine is None:
        QTimer.singleShot(100, start)
        return
    win.play_station(win.catalog.get("user-tv"))


def check() -> None:
    st = win.engine.status if win.engine else None
    if st is None or st.state is not State.PLAYING:
        QTimer.singleShot(200, check)
        return
    QTimer.singleShot(2000, grab)


def grab() -> None:
    top_left = win.video.mapToGlobal(win.video.rect().topLeft())
    img = app.primaryScreen().grabWindow(0).toImage()
    w, h = win.video.width(), win.video.height()
    coloured = total = 0
    for y in range(0, h, 8):
        for x in range(0, w, 8):
            c = img.pixelColor(top_left.x() + x, top_left.y() + y)
            total += 1
            coloured += c.saturation() > 80 and c.value() > 80
    result.update(coloured=coloured, total=total, status=win.bar.status_text())
    if len(sys.argv) > 1:
        img.save(sys.argv[1])
    print(json.dumps(result), flush=True)
    win.close()
    app.quit()


QTimer.singleShot(0, start)
QTimer.singleShot(0, check)
QTimer.singleShot(25000, app.quit)
app.exec()
