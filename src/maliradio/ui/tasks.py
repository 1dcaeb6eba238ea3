"""Run work off the GUI thread and get the result back on it.

    run_task(fn, *args, on_success=cb, on_error=err_cb, kwargs...)

`fn(*args)` runs on a QThreadPool worker; `on_success(result)` or `on_error(exc)` then runs on the
GUI thread. The work must not touch widgets. Exceptions never reach the user as a traceback: when
no `on_error` is given they are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger("maliradio.ui")

_pool: QThreadPool | None = None
_live: set[_Task] = set()


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
        self.bridge = _Bridge()

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
    task = _Task(fn, args, kwargs)

    def finished(result: Any, exc: BaseException | None) -> None:
        _live.discard(task)
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                log.error("Tâche en arrière-plan échouée : %s", exc, exc_info=exc)
        elif on_success is not None:
            on_success(result)

    task.bridge.callback = finished
    _live.add(task)
    pool().start(task)


def wait_all(msecs: int = 5000) -> bool:
    """Wait for pending work (used when the app quits)."""
    return pool().waitForDone(msecs)
