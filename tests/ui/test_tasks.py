"""Work off the GUI thread: results come back on it, and a queue keeps its tasks in order."""

from __future__ import annotations

import json
import random
import threading
import time

from maliradio.settings import Settings
from maliradio.ui.tasks import TaskQueue, run_task


def test_a_queue_writes_settings_in_the_order_they_were_saved(qtbot, tmp_path):
    path = tmp_path / "settings.json"
    queue = TaskQueue("test-settings")
    threads = set()

    def save(volume: int) -> int:
        threads.add(threading.get_ident())
        time.sleep(random.uniform(0, 0.004))  # a slow disk, now and then
        Settings(volume=volume).save(path)
        return volume

    done: list[int] = []
    for v in range(60):
        queue.run(save, v, on_success=done.append)
    qtbot.waitUntil(lambda: len(done) == 60, timeout=10_000)
    assert done == list(range(60))
    assert json.loads(path.read_text())["volume"] == 59
    assert len(threads) == 1  # one owner thread, for a connection kept per thread
    queue.close()


def test_errors_come_back_on_the_gui_thread(qtbot):
    gui = threading.get_ident()
    seen: list[tuple[int, str]] = []

    def boom() -> None:
        raise ValueError("disque plein")

    run_task(boom, on_error=lambda exc: seen.append((threading.get_ident(), str(exc))))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [(gui, "disque plein")]
