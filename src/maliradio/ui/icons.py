"""Icons from resources/icons (SVG, HiDPI-safe), cached."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from maliradio import paths


@cache
def icon(name: str) -> QIcon:
    path = paths.resource(f"icons/{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
