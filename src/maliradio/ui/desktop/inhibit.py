"""Keep the computer awake while something plays: the system only for radio, the screen too for
TV. One small interface; a module per OS does the work (`make_inhibitor` picks it)."""

from __future__ import annotations

import logging
import sys
from typing import Protocol

log = logging.getLogger("maliradio.ui")


class Inhibitor(Protocol):
    def inhibit(self, reason: str, screen: bool) -> None:
        """Keep the system awake (and the screen on when `screen`) until `release`."""

    def release(self) -> None: ...

    def close(self) -> None:
        """The app quits: release what is held, free what the inhibitor uses."""


class NoInhibitor:
    def inhibit(self, reason: str, screen: bool) -> None:
        pass

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


def make_inhibitor(bus_address: str | None = None) -> Inhibitor:
    """`bus_address`: the session bus to use on Linux (None: the user's)."""
    try:
        if sys.platform.startswith("linux"):
            from maliradio.ui.desktop.inhibit_linux import LinuxInhibitor

            return LinuxInhibitor(bus_address)
        if sys.platform == "win32":
            from maliradio.ui.desktop.inhibit_windows import WindowsInhibitor

            return WindowsInhibitor()
        if sys.platform == "darwin":
            from maliradio.ui.desktop.inhibit_macos import MacInhibitor

            return MacInhibitor()
    except (ImportError, OSError) as exc:
        log.info("veille : pas d'inhibition possible ici (%s)", exc)
    return NoInhibitor()
