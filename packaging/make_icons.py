"""Render the app icon (resources/icons/maliradio.svg) for the packages, with Qt's SVG renderer:

    python packaging/make_icons.py OUT_DIR

OUT_DIR/hicolor/<n>x<n>/apps/org.maliradio.Maliradio.png for the hicolor sizes, plus
OUT_DIR/scalable/apps/org.maliradio.Maliradio.svg (the SVG itself), OUT_DIR/maliradio.ico
(Windows: 16-256 px) and OUT_DIR/maliradio.icns (macOS) when Qt's image plugins can write them.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "maliradio.svg"
APP_ID = "org.maliradio.Maliradio"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImageWriter

    app = QGuiApplication.instance() or QGuiApplication(["make_icons"])  # noqa: F841
    scalable = out / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG, scalable / f"{APP_ID}.svg")
    for n in HICOLOR_SIZES:
        d = out / "hicolor" / f"{n}x{n}" / "apps"
        d.mkdir(parents=True, exist_ok=True)
        if not render(n).save(str(d / f"{APP_ID}.png")):
            raise SystemExit(f"could not write the {n} px PNG")
    formats = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    # .ico holds one picture per size; Qt writes the first only, so the largest that Windows
    # shows crisply in Explorer and the Start menu
    if "ico" in formats:
        render(256).save(str(out / "maliradio.ico"), "ico")
    if "icns" in formats:
        render(1024).save(str(out / "maliradio.icns"), "icns")
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
