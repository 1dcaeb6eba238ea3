"""Windows: SetThreadExecutionState (written, not run on the Linux machines that test the app).

The state belongs to the thread that sets it: the GUI thread sets and clears it."""

from __future__ import annotations

import ctypes

ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001
ES_DISPLAY_REQUIRED = 0x00000002


class WindowsInhibitor:
    def __init__(self) -> None:
        self._set = ctypes.windll.kernel32.SetThreadExecutionState  # type: ignore[attr-defined]
        self._set.argtypes = [ctypes.c_uint32]
        self._set.restype = ctypes.c_uint32

    def inhibit(self, reason: str, screen: bool) -> None:
        flags = ES_CONTINUOUS | ES_SYSTEM_REQUIRED | (ES_DISPLAY_REQUIRED if screen else 0)
        self._set(flags)

    def release(self) -> None:
        self._set(ES_CONTINUOUS)

    def close(self) -> None:
        self.release()
