"""The bench's link emulator (bench/link.py): the time a download takes through it is what the
formula says (round trips + bytes / bandwidth), it counts every byte, and its bandwidth is
shared by all the connections through it, down and up."""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from link import Link  # noqa: E402

RTT = 0.3
DOWN = 1_000_000  # bit/s
UP = 256_000
SIZE = 100 * 1000


class ByteServer:
    """Reads a request `GET n\\n` (or `PUT n\\n` + n bytes) and answers: n bytes, or `ok\\n`.
    Counts the bytes it received and sent."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.sent = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            f = conn.makefile("rb")
            line = f.readline()
            verb, n = line.split()
            got = len(line)
            if verb == b"PUT":
                got += len(f.read(int(n)))
                answer = b"ok\n"
            else:
                answer = b"x" * int(n)
            conn.sendall(answer)
            with self.lock:
                self.received += got
                self.sent += len(answer)

    def close(self) -> None:
        self.sock.close()


def get(port: int, n: int) -> tuple[float, int]:
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET %d\n" % n)
        got = 0
        while got < n:
            data = s.recv(65536)
            if not data:
                break
            got += len(data)
    return time.monotonic() - t0, got


def put(port: int, n: int) -> float:
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"PUT %d\n" % n + b"y" * n)
        assert s.recv(10) == b"ok\n"
    return time.monotonic() - t0


def together(fn, *args) -> list:
    out: list = [None, None]

    def run(i: int) -> None:
        out[i] = fn(*args)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return out


@pytest.fixture
def link_port():
    server = ByteServer()
    link = Link(rtt=RTT, down_bps=DOWN, up_bps=UP).start()
    try:
        yield link, link.route("bytes", "127.0.0.1", server.port), server
    finally:
        link.stop()
        server.close()


def test_a_download_takes_round_trips_plus_bytes_over_bandwidth(link_port):
    link, port, server = link_port
    took, got = get(port, SIZE)
    request = len(b"GET %d\n" % SIZE)
    # connect (1 RTT), request up and answer down (1 RTT), the bytes at the link's rates
    expected = 2 * RTT + request * 8 / UP + SIZE * 8 / DOWN
    assert got == SIZE
    assert abs(took - expected) <= 0.1 * expected, (took, expected)
    (conn,) = link.stats()
    assert (conn.up, conn.down) == (request, SIZE) == (server.received, server.sent)


def test_the_downlink_is_shared_by_concurrent_connections(link_port):
    link, port, _server = link_port
    results = together(get, port, SIZE)
    # both share 1 Mbit/s: the last ends when the link has carried both; the first one
    # (it began a little ahead, as TCP connections do) well after a download alone would
    alone = 2 * RTT + SIZE * 8 / DOWN
    expected = 2 * RTT + 2 * SIZE * 8 / DOWN
    times = sorted(took for took, _got in results)
    assert [got for _took, got in results] == [SIZE, SIZE]
    assert abs(times[1] - expected) <= 0.1 * expected, (results, expected)
    assert times[0] >= 1.25 * alone, (results, alone)
    assert link.totals()["down"] == 2 * SIZE


def test_the_uplink_is_shared_by_concurrent_connections(link_port):
    link, port, server = link_port
    n = 20 * 1000
    results = together(put, port, n)
    alone = 2 * RTT + n * 8 / UP
    expected = 2 * RTT + 2 * n * 8 / UP
    times = sorted(results)
    assert abs(times[1] - expected) <= 0.1 * expected, (results, expected)
    assert times[0] >= 1.25 * alone, (results, alone)
    assert link.totals()["up"] == server.received


def test_a_stall_spell_holds_the_bytes_back(link_port):
    link, port, _server = link_port
    # nothing passes from 1.0 to 1.5 s (and from 2.0 s, once every byte has left): the answer,
    # on the link from ~0.45 s to ~1.25 s without the spell, waits 0.5 s
    link.stall(every=1.0, duration=0.5)
    took, got = get(port, SIZE)
    link.stall(0, 0)
    expected = 2 * RTT + SIZE * 8 / DOWN + 0.5
    assert got == SIZE
    assert abs(took - expected) <= 0.1 * expected, (took, expected)
