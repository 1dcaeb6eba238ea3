"""Relative times as a French-speaking listener reads them."""

from __future__ import annotations

import time

from maliradio.news.timefmt import full_date, relative_time


def test_relative_times_in_french():
    now = time.mktime((2026, 3, 12, 15, 0, 0, 0, 0, -1))
    assert relative_time(now - 20, now) == "à l'instant"
    assert relative_time(now - 12 * 60, now) == "il y a 12 min"
    assert relative_time(now - 3 * 3600 - 50, now) == "il y a 3 h"
    assert relative_time(now - 26 * 3600, now) == "hier"
    assert relative_time(now - 4 * 86400, now) == "il y a 4 jours"
    assert relative_time(now - 20 * 86400, now) == "20 févr."
    assert relative_time(now - 400 * 86400, now) == "5 févr. 2025"
    assert relative_time(now + 3600, now) == "à l'instant"  # a clock running ahead
    assert full_date(now) == "12 mars 2026 à 15:00"
    english = {"il y a {n} min": "{n} min ago"}
    assert relative_time(now - 120, now, translate=lambda s: english.get(s, s)) == "2 min ago"
