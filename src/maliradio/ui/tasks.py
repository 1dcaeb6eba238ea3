"""Run work off the GUI thread and get the result back on it.

    run_task(fn, *args, on_success=cb, on_error=err_cb, kwargs...)
    queue = TaskQueue(parent); queue.run(fn, *args, on_success=cb, ...)

`fn(*args)` runs on a worker thread; `on_success(result)` or `on_error(exc)` then runs on the GUI
thread. The work must not touch widgets. Exceptions never reach the user as a traceback: when no
`on_error` is given they are logged.

`run_task` uses a shared pool: tasks may run side by side and finish in any order (logo loads,
the start-up read). A `TaskQueue` runs its tasks one after the other, in the order given, on one
thread kept for the queue's whole life: the owner of a SQLite connection (a pool's threads come
and go, and a connection kept per thread would leak with each new one), and whatever must land
in order (settings saves: the last one asked for is the last one written).
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger("maliradio.ui")

_pool: QThreadPool | None = None
_live: set[_Task] = set()
_queues: weakref.WeakSet[TaskQueue] = weakref.WeakSet()


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


class _Bridge(QObject):
    """Lives on the GUI thread; the worker emits `done`, Qt queues `deliver` to the GUI thread."""

    done = Signal(object, object)  # (result, exception)

    def __init__(self) -> None:
        super().__init__()
        self.callback: Callable[[Any, BaseException | None], None] | None = None
        self.done.connect(self.deliver)

    @Slot(object, object)
    def deliver(self, result: Any, exc: BaseException | None) -> None:
        if self.callback is not None:
            self.callback(result, exc)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn, self.args, self.kwargs = fn, args, kwargs
        # Owned by the application, not by Python: the worker may drop the last Python
        # reference to this task, and a QObject must not be deleted from its thread (shiboken
        # would delete it from under Qt). `finished` deletes it on the window's thread.
        self.bridge = _Bridge()
        app = QCoreApplication.instance()
        if app is not None:
            self.bridge.setParent(app)

    def run(self) -> None:
        try:
            result, error = self.fn(*self.args, **self.kwargs), None
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            result, error = None, exc
        try:
            self.bridge.done.emit(result, error)
        except RuntimeError:
            pass  # the application is shutting down: nobody is left to tell


def run_task(
    fn: Callable[..., Any],
    *args: Any,
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    **kwargs: Any,
) -> None:
    _start(pool().start, fn, args, kwargs, on_success, on_error)


class TaskQueue(QObject):
    """Tasks run one at a time, in order, on one Python thread that lives as long as the queue.

    A plain Python thread, not a Qt pool's: Python forgets a foreign thread's state (and its
    `threading.local` values) after each task a Qt pool runs, so a connection kept per thread
    there is a new connection per task."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()
        _queues.add(self)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        if self._closed:
            log.warning("tâche %s donnée après la fermeture de sa file : ignorée", fn)
            return
        with self._idle:
            self._pending += 1
        _start(self._jobs.put, fn, args, kwargs, on_success, on_error)

    def _loop(self) -> None:
        while (task := self._jobs.get()) is not None:
            try:
                task.run()
            finally:
                # Let go of the task here, at once: the window's thread must hold the last
                # reference to it (its callbacks may hold widgets, which must not be freed on
                # this thread: shiboken would then delete them from under Qt).
                task = None
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def wait(self, msecs: int = 5000) -> bool:
        """Wait for the tasks given so far (used when the window closes)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, msecs / 1000)

    def close(self) -> None:
        """No more tasks: the thread ends after those already given."""
        if not self._closed:
            self._closed = True
            self._jobs.put(None)


def _start(
    submit: Callable[[_Task], Any],
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    on_success: Callable[[Any], None] | None,
    on_error: Callable[[BaseException], None] | None,
) -> None:
    task = _Task(fn, args, kwargs)

    def finished(result: Any, exc: BaseException | None) -> None:
        # The bridge whose slot runs this stays until the callback has returned: a callback
        # may run a nested event loop (a dialog).
        try:
            if exc is not None:
                if on_error is not None:
                    on_error(exc)
                else:
                    log.error("Tâche en arrière-plan échouée : %s", exc, exc_info=exc)
            elif on_success is not None:
                on_success(result)
        finally:
            task.bridge.callback = None  # (the closures let go of what they hold)
            task.bridge.deleteLater()
            _live.discard(task)

    task.bridge.callback = finished
    _live.add(task)
    submit(task)


def wait_all(msecs: int = 5000) -> bool:
    """Wait for pending work, the queues' included (used when the app quits)."""
    done = all(q.wait(msecs) for q in list(_queues))
    return pool().waitForDone(msecs) and done


_collector: QTimer | None = None


def collect_garbage_on_gui_thread(interval_ms: int = 1000) -> None:
    """Python's cycle collector runs on whatever thread happens to allocate: a libVLC event
    callback, a worker, a D-Bus thread. A cycle holding a Qt object collected there deletes
    that object off the GUI thread, and the app dies (seen: "Garbage-collecting" on a
    non-GUI thread, then a segfault). So automatic collection is off, and the GUI thread
    collects every second instead."""
    global _collector
    if _collector is not None:
        return
    import gc

    gc.disable()
    _collector = QTimer()
    _collector.setInterval(interval_ms)
    _collector.timeout.connect(lambda: gc.collect())
    _collector.start()
