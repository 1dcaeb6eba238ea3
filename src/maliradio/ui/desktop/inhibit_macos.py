"""macOS: an IOPM assertion through IOKit (written, not run on the Linux machines that test the
app). PreventUserIdleSystemSleep for radio, PreventUserIdleDisplaySleep (which implies the
system) for TV."""

from __future__ import annotations

import ctypes
import ctypes.util

_iokit = ctypes.cdll.LoadLibrary(ctypes.util.find_library("IOKit") or "IOKit")
_cf = ctypes.cdll.LoadLibrary(ctypes.util.find_library("CoreFoundation") or "CoreFoundation")
_cf.CFStringCreateWithCString.restype = ctypes.c_void_p
_cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
_cf.CFRelease.argtypes = [ctypes.c_void_p]
_iokit.IOPMAssertionCreateWithName.argtypes = [
    ctypes.c_void_p,
    ctypes.c_uint32,
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint32),
]
_iokit.IOPMAssertionCreateWithName.restype = ctypes.c_int
_iokit.IOPMAssertionRelease.argtypes = [ctypes.c_uint32]
_iokit.IOPMAssertionRelease.restype = ctypes.c_int
UTF8 = 0x08000100
ASSERTION_LEVEL_ON = 255


def _cfstr(text: str) -> ctypes.c_void_p:
    return _cf.CFStringCreateWithCString(None, text.encode(), UTF8)


class MacInhibitor:
    def __init__(self) -> None:
        self._id: int | None = None

    def inhibit(self, reason: str, screen: bool) -> None:
        self.release()
        kind = "PreventUserIdleDisplaySleep" if screen else "PreventUserIdleSystemSleep"
        k, r = _cfstr(kind), _cfstr(reason)
        out = ctypes.c_uint32(0)
        try:
            if _iokit.IOPMAssertionCreateWithName(k, ASSERTION_LEVEL_ON, r, ctypes.byref(out)) == 0:
                self._id = out.value
        finally:
            _cf.CFRelease(k)
            _cf.CFRelease(r)

    def release(self) -> None:
        if self._id is not None:
            _iokit.IOPMAssertionRelease(self._id)
            self._id = None

    def close(self) -> None:
        self.release()
