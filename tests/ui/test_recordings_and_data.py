"""The recording schedule and the data-use display, as a listener sees them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from maliradio.catalog.models import Station, StreamRef
from maliradio.datameter import DataMeter
from maliradio.playback.recording import Scheduled
from maliradio.ui.datause import DataUseDialog, DataUseLabel, budget_state
from maliradio.ui.recordings import RecordingScheduler, ScheduleDialog, load_schedule

PARIS = ZoneInfo("Europe/Paris")
ORTM = Station(id="ortm1", name="ORTM 1", country="ML", kind="tv",
               streams=[StreamRef("http://tv.example/ortm.m3u8")])  # fmt: skip


class Clock:
    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


def test_the_evening_news_in_bamako_starts_at_21h_in_paris(qtbot, tmp_path):
    clock = Clock(datetime(2026, 12, 7, 19, 0, tzinfo=PARIS))
    scheduler = RecordingScheduler([], now=clock, interval_ms=50)
    dlg = ScheduleDialog(scheduler, [ORTM], now=clock)
    qtbot.addWidget(dlg)
    assert dlg.zone_box.currentData() == "Africa/Bamako"  # ORTM's own time
    dlg.time_edit.setText("20:00")
    assert "aujourd'hui à 21:00" in dlg.when_label.text()
    dlg.minutes.setValue(30)
    dlg.add_button.click()
    assert dlg.list.item(0).text() == "ORTM 1 — 07/12 20h00 (Bamako), 21h00 ici, 30 min"
    dlg.grab().save(str(tmp_path / "schedule.png"))

    # kept in the settings as records, read back after a restart
    kept = load_schedule(scheduler.records())
    assert [(e.station, e.start, e.duration) for e in kept] == [
        ("ortm1", datetime(2026, 12, 7, 20, 0, tzinfo=ZoneInfo("Africa/Bamako")), 1800.0)
    ]
    due: list[Scheduled] = []
    later = RecordingScheduler(kept, now=clock, interval_ms=50)
    later.due.connect(due.append)
    clock.t = datetime(2026, 12, 7, 20, 59, tzinfo=PARIS)
    qtbot.wait(200)
    assert due == []  # 19:59 in Bamako: not yet
    clock.t = datetime(2026, 12, 7, 21, 0, 1, tzinfo=PARIS)
    qtbot.waitUntil(lambda: len(due) == 1, timeout=2000)
    assert due[0].station == "ortm1" and later.entries == []


def test_a_recording_missed_while_closed_expires_and_a_late_one_records_the_rest(qtbot):
    bamako = ZoneInfo("Africa/Bamako")
    clock = Clock(datetime(2026, 12, 8, 9, 0, tzinfo=bamako))
    missed = Scheduled("ortm1", datetime(2026, 12, 7, 20, 0, tzinfo=bamako), 1800)
    late = Scheduled("ortm1", datetime(2026, 12, 8, 8, 50, tzinfo=bamako), 1800)
    scheduler = RecordingScheduler([missed, late], now=clock, interval_ms=50)
    due, gone = [], []
    scheduler.due.connect(due.append)
    scheduler.expired.connect(gone.append)
    qtbot.waitUntil(lambda: bool(due and gone), timeout=2000)
    assert gone == [missed] and due == [late]
    assert late.end() - clock.t == timedelta(minutes=20)


def test_damaged_schedule_entries_are_dropped():
    assert load_schedule([{"station": "x"}, {"station": "x", "start": "2026-12-07T20:00",
                                              "duration": 60}]) == []  # fmt: skip


def test_the_status_label_and_the_budget(qtbot, tmp_path):
    meter = DataMeter(tmp_path / "usage.sqlite3")
    meter.add("stream", "ortm1", 250_000_000, seconds=3600)
    meter.add("news", "maliweb", 12_000_000)
    label = DataUseLabel(meter)
    qtbot.addWidget(label)
    qtbot.waitUntil(lambda: label.month_bytes == 262_000_000, timeout=3000)
    crossed: list[str] = []
    label.budgetCrossed.connect(crossed.append)
    label.set_budget(300)
    assert crossed == ["warn"]  # 262 MB of 300: past 80 %
    label.add_session(40_000_000)
    assert label.text() == "40,0 Mo cette session · 302 Mo ce mois"
    assert crossed == ["warn", "over"]
    label.add_session(1_000_000)
    assert crossed == ["warn", "over"]  # told once
    assert budget_state(10, 0) == "ok"

    dlg = DataUseDialog(meter.month(), {"ortm1": "ORTM 1", "maliweb": "Maliweb"}, 300)
    qtbot.addWidget(dlg)
    cells = [[dlg.table.item(r, c).text() for c in range(3)] for r in range(dlg.table.rowCount())]
    assert cells == [["ORTM 1", "250 Mo", "≈ 250 Mo/h"], ["Maliweb", "12,0 Mo", "actualités"]]
    dlg.show()
    dlg.grab().save(str(tmp_path / "data.png"))
