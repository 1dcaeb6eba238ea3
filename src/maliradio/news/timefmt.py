"""French relative times ("il y a 12 min") for article lists.

The templates are the French source strings; the window passes its own `translate` so they go
through Qt's translation like every visible string (see ui/news_pane.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip

# The strings to translate (context "RelativeTime").
JUST_NOW = "à l'instant"
MINUTES = "il y a {n} min"
HOURS = "il y a {n} h"
YESTERDAY = "hier"
DAYS = "il y a {n} jours"
DATE = "{day} {month}"
DATE_YEAR = "{day} {month} {year}"


def relative_time(
    ts: float, now: float | None = None, translate: Callable[[str], str] | None = None
) -> str:
    tr = translate or (lambda s: s)
    now = time.time() if now is None else now
    delta = max(0.0, now - ts)
    if delta < 60:
        return tr(JUST_NOW)
    if delta < 3600:
        return tr(MINUTES).format(n=int(delta // 60))
    if delta < 86400:
        return tr(HOURS).format(n=int(delta // 3600))
    local_then = time.localtime(ts)
    local_now = time.localtime(now)
    days = (
        time.mktime((*local_now[:3], 0, 0, 0, 0, 0, -1))
        - time.mktime((*local_then[:3], 0, 0, 0, 0, 0, -1))
    ) // 86400
    if days <= 1:
        return tr(YESTERDAY)
    if days < 7:
        return tr(DAYS).format(n=int(days))
    month = tr(MONTHS[local_then.tm_mon - 1])
    if local_then.tm_year == local_now.tm_year:
        return tr(DATE).format(day=local_then.tm_mday, month=month)
    return tr(DATE_YEAR).format(day=local_then.tm_mday, month=month, year=local_then.tm_year)


def full_date(ts: float, translate: Callable[[str], str] | None = None) -> str:
    """'12 mars 2026 à 14:05' (local time)."""
    tr = translate or (lambda s: s)
    t = time.localtime(ts)
    return tr("{day} {month} {year} à {hh:02d}:{mm:02d}").format(
        day=t.tm_mday, month=tr(MONTHS[t.tm_mon - 1]), year=t.tm_year, hh=t.tm_hour, mm=t.tm_min
    )
