"""A long listening session emits many thousands of Qt signals: the binding must not leak or
drop references on the way (PySide6 6.12.0 dropped one reference to True per emission, which
aborts the app with "bool_dealloc" after a few thousand)."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    number = Signal(int)
    anything = Signal(object)


def test_signal_emission_keeps_reference_counts(qapp):
    e = _Emitter()
    got: list = []
    e.number.connect(got.append)
    e.anything.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(2000):
        e.number.emit(i)
        e.anything.emit(None)
    assert len(got) == 4000
    got.clear()
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert after[0] - before[0] == 0
    assert abs(after[1] - before[1]) < 50
