"""Logging: one logger per subsystem (maliradio.player, maliradio.news, maliradio.db, ...),
a rotating log file in the user log folder, and warnings on stderr for terminal use."""

from __future__ import annotations

import logging
import logging.handlers
import os

_configured = False


def setup_logging(verbose: bool = False, console: bool = True) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger("maliradio")
    root.setLevel(logging.DEBUG)
    try:
        from maliradio import paths

        fh = logging.handlers.RotatingFileHandler(
            paths.log_dir() / "maliradio.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        fh.setLevel(logging.DEBUG if os.environ.get("MALIRADIO_DEBUG") else logging.INFO)
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(fh)
    except OSError:
        pass
    if console:
        sh = logging.StreamHandler()
        sh.setLevel(logging.DEBUG if verbose else logging.WARNING)
        sh.setFormatter(logging.Formatter("maliradio: %(message)s"))
        root.addHandler(sh)
