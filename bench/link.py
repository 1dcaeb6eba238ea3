"""A Sahel mobile link on loopback: a userspace TCP proxy that every network figure goes through.

    link = Link(rtt=0.3, down_bps=1_000_000, up_bps=256_000).start()
    port = link.route("feeds-3", "127.0.0.1", server_port)   # or route(..., listen=(ip, port))
    ... the client connects to 127.0.0.1:port instead of the server ...
    link.stats()      # per connection: route, bytes up, bytes down (TCP payload: HTTP + TLS)
    link.stop()

What it emulates (no kernel queueing discipline is available here, so all of it is timing):

* **Round trip**: each direction's bytes are delivered `rtt / 2` after they have crossed the
  link; a new connection passes nothing until one round trip after it was accepted (the
  SYN / SYN-ACK exchange). So a plain HTTP request pays 2 RTT before its first byte comes back
  (connect + request/answer), an HTTPS one 3 or 4 (plus the TLS 1.3 / 1.2 handshake).
* **Bandwidth shared by every connection**: one serializer per direction (`down_bps` towards
  the client, `up_bps` towards the servers), shared by all the connections of all the routes:
  a chunk is sent when the link is free, takes `len * 8 / bps` seconds on it, and arrives
  `rtt / 2` after its last byte left. Each connection holds at most `window` bytes in the link
  (TCP flow control: the server's writes block beyond that), so connections take turns.
* **Stall spells**: `stall(every=M, duration=N)`: the link passes no byte for N seconds every
  M seconds (bytes wait, nothing is lost; a mobile link in a dead spot). `loss`: a probability
  per chunk that it arrives one more round trip late (a retransmission); later chunks of that
  connection wait behind it, as TCP's in-order delivery makes them.

It counts the bytes of each connection in both directions: the TCP payload (HTTP headers and
bodies, TLS records and handshakes); not the TCP/IP headers (about 3 % more on full segments).

It runs an asyncio loop on a thread of its own; every public method is thread-safe.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import socket
import threading
import time
from dataclasses import dataclass, field

CHUNK = 4096  # bytes read at a time: small enough for connections to interleave on the link


@dataclass
class ConnStats:
    route: str
    opened: float
    up: int = 0  # client -> server bytes
    down: int = 0  # server -> client bytes
    closed: float | None = None

    def to_json(self) -> dict:
        return {"route": self.route, "up": self.up, "down": self.down}


class _Flow:
    """One direction of one connection: its chunks waiting for the link, in order."""

    def __init__(self, st: ConnStats, attr: str) -> None:
        self.st, self.attr = st, attr
        self.waiting: collections.deque[bytes] = collections.deque()
        self.arrivals: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        self.last = 0.0  # when its last chunk arrives (in-order delivery)


class _Direction:
    """One direction of the link: a serializer shared by every connection, which takes their
    chunks in turn (round robin: concurrent connections share the bandwidth evenly)."""

    LOOKAHEAD = 0.02  # s: chunks are booked this far ahead, so a late wake-up costs nothing

    def __init__(self, bps: float) -> None:
        self.bps = bps
        self.free_at = 0.0  # when the link has sent everything booked so far
        self.ring: collections.deque[_Flow] = collections.deque()
        self.wake = asyncio.Event()  # (bound to the loop that first waits on it)

    def offer(self, flow: _Flow, data: bytes) -> None:
        flow.waiting.append(data)
        if flow not in self.ring:
            self.ring.append(flow)
        self.wake.set()

    async def run(self, link: Link) -> None:
        one_way = link.rtt / 2
        while True:
            if not self.ring:
                self.wake.clear()
                await self.wake.wait()
                continue
            now = time.monotonic()
            ahead = self.free_at - now - self.LOOKAHEAD
            if ahead > 0:
                await asyncio.sleep(ahead)
                continue
            flow = self.ring.popleft()
            data = flow.waiting.popleft()
            if flow.waiting:
                self.ring.append(flow)
            start = link._open_at(max(now, self.free_at))
            end = start + len(data) * 8.0 / self.bps
            end += link._stalled_between(start, end)
            self.free_at = end
            at = end + one_way
            if data and link.loss and link._rnd.random() < link.loss:
                at += link.rtt  # retransmitted
            at = flow.last = max(at, flow.last)
            flow.arrivals.put_nowait((at, data))


@dataclass
class _Route:
    name: str
    upstream: tuple[str, int]
    listen: tuple[str, int]
    server: asyncio.AbstractServer | None = None
    conns: list[ConnStats] = field(default_factory=list)


class Link:
    def __init__(
        self,
        rtt: float = 0.3,
        down_bps: float = 1_000_000,
        up_bps: float = 256_000,
        *,
        window: int = 64 * 1024,
        loss: float = 0.0,
        seed: int = 12,
    ) -> None:
        self.rtt = rtt
        self.window = window
        self.loss = loss
        self.down = _Direction(down_bps)
        self.up = _Direction(up_bps)
        self._stall_every = 0.0
        self._stall_for = 0.0
        self._stall_t0 = 0.0
        self._rnd = random.Random(seed)
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- parameters --------------------------------------------------------------------------
    def params(self) -> dict:
        return {
            "rtt_s": self.rtt,
            "down_bps": self.down.bps,
            "up_bps": self.up.bps,
            "window_bytes": self.window,
            "loss": self.loss,
            "stall_every_s": self._stall_every,
            "stall_for_s": self._stall_for,
        }

    def stall(self, every: float, duration: float) -> None:
        """From now on, no byte passes for `duration` s every `every` s (first spell after
        `every` s); `stall(0, 0)` ends the spells."""
        if duration and not 0 < duration < every:
            raise ValueError("a stall spell must be shorter than the time between two")
        self._stall_t0 = time.monotonic()
        self._stall_every, self._stall_for = every, duration

    def _in_stall(self, t: float) -> float:
        """0 if the link passes bytes at `t`, else when the spell ends."""
        if self._stall_every <= 0 or self._stall_for <= 0 or t < self._stall_t0:
            return 0.0
        k, phase = divmod(t - self._stall_t0, self._stall_every)
        if k >= 1 and phase < self._stall_for:
            return self._stall_t0 + k * self._stall_every + self._stall_for
        return 0.0

    def _open_at(self, t: float) -> float:
        end = self._in_stall(t)
        return end if end else t

    def _stalled_between(self, start: float, end: float) -> float:
        """Stall time that begins within (start, end]: the transfer waits it out."""
        if self._stall_every <= 0 or self._stall_for <= 0:
            return 0.0
        extra = 0.0
        k = max(1, int((start - self._stall_t0) // self._stall_every) + 1)
        while True:
            s = self._stall_t0 + k * self._stall_every
            if s > end + extra:
                return extra
            if s > start:
                extra += self._stall_for
            k += 1

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Link:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._tasks = [self._loop.create_task(d.run(self)) for d in (self.down, self.up)]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="link", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def close_all() -> None:
            for r in self._routes.values():
                if r.server is not None:
                    r.server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close_all(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        self._loop = None

    def __enter__(self) -> Link:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, coro):  # run a coroutine on the link's loop, from any thread
        assert self._loop is not None, "link not started"
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    # -- routes --------------------------------------------------------------------------------
    def route(
        self, name: str, host: str, port: int, listen: tuple[str, int] = ("127.0.0.1", 0)
    ) -> int:
        """Listen on `listen` (a free port by default) and pass every connection made there
        to `host:port` through the link; returns the port listened on."""

        async def make() -> int:
            r = _Route(name, (host, port), listen)
            r.server = await asyncio.start_server(
                lambda rd, wr: self._serve(r, rd, wr), listen[0], listen[1],
                reuse_address=True, backlog=128,
            )  # fmt: skip
            r.listen = r.server.sockets[0].getsockname()[:2]
            with self._lock:
                self._routes[name] = r
            return r.listen[1]

        return self._call(make())

    def address(self, name: str) -> tuple[str, int]:
        return self._routes[name].listen

    # -- counting -----------------------------------------------------------------------------
    def reset_counters(self) -> None:
        with self._lock:
            for r in self._routes.values():
                r.conns = [c for c in r.conns if c.closed is None]
                for c in r.conns:
                    c.up = c.down = 0

    def stats(self) -> list[ConnStats]:
        with self._lock:
            return [
                ConnStats(c.route, c.opened, c.up, c.down, c.closed)
                for r in self._routes.values()
                for c in r.conns
            ]

    def totals(self, prefix: str = "") -> dict[str, int]:
        conns = [c for c in self.stats() if c.route.startswith(prefix)]
        return {
            "up": sum(c.up for c in conns),
            "down": sum(c.down for c in conns),
            "connections": len(conns),
        }

    # -- the proxy ----------------------------------------------------------------------------
    async def _serve(
        self, route: _Route, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # the link stops
            await self._proxy(route, c_reader, c_writer)

    async def _proxy(
        self, route: _Route, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter
    ) -> None:
        accepted = time.monotonic()
        st = ConnStats(route.name, accepted)
        with self._lock:
            route.conns.append(st)
        try:
            s_reader, s_writer = await asyncio.open_connection(*route.upstream)
        except OSError:
            # nothing listens behind: the client sees the connection refused... one RTT late
            await asyncio.sleep(self.rtt)
            _abort(c_writer)
            st.closed = time.monotonic()
            return
        for w in (c_writer, s_writer):
            sock = w.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        opened = accepted + self.rtt  # the handshake: nothing passes before

        def abort() -> None:  # one side is gone for good: so is the other
            _abort(c_writer)
            _abort(s_writer)

        pumps = [
            asyncio.ensure_future(self._pump(c_reader, s_writer, self.up, st, "up", opened, abort)),
            asyncio.ensure_future(
                self._pump(s_reader, c_writer, self.down, st, "down", opened, abort)
            ),
        ]
        try:
            done, pending = await asyncio.wait(pumps, return_when=asyncio.FIRST_EXCEPTION)
            for t in done:
                if t.exception() is not None:  # a reset: the other side is reset as well
                    for p in pending:
                        p.cancel()
                    _abort(c_writer)
                    _abort(s_writer)
                    break
            else:
                await asyncio.gather(*pending, return_exceptions=True)
        finally:
            for w in (c_writer, s_writer):
                w.close()
            st.closed = time.monotonic()

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        d: _Direction,
        st: ConnStats,
        attr: str,
        opened: float,
        abort,
    ) -> None:
        """Read from one side, hand the bytes to the link, deliver what arrives."""
        flow = _Flow(st, attr)
        in_flight = [0]
        room = asyncio.Event()
        room.set()

        async def deliver() -> None:
            while True:
                at, data = await flow.arrivals.get()
                delay = at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if not data:  # end of stream: half-close, as the sender did
                    if writer.can_write_eof():
                        with contextlib.suppress(OSError):
                            writer.write_eof()
                    return
                try:
                    writer.write(data)
                    await writer.drain()
                except (ConnectionError, OSError):
                    abort()  # the reader of the other side then ends as well
                    room.set()
                    return
                in_flight[0] -= len(data)
                if in_flight[0] < self.window:
                    room.set()

        sender = asyncio.ensure_future(deliver())
        try:
            wait = opened - time.monotonic()
            if wait > 0:  # the handshake's round trip
                await asyncio.sleep(wait)
            while True:
                await room.wait()
                data = await reader.read(CHUNK)
                if data:
                    with self._lock:
                        setattr(st, attr, getattr(st, attr) + len(data))
                    in_flight[0] += len(data)
                    if in_flight[0] >= self.window:
                        room.clear()
                d.offer(flow, data)
                if not data:
                    break
            await sender
        except BaseException:
            sender.cancel()
            raise


def _abort(writer: asyncio.StreamWriter) -> None:
    transport = writer.transport
    with contextlib.suppress(Exception):
        transport.abort()


# --- command line: a link in front of one server, for trying things by hand ------------------

if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="a Sahel link in front of HOST:PORT")
    ap.add_argument("upstream", help="HOST:PORT")
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--rtt", type=float, default=0.3)
    ap.add_argument("--down", type=float, default=1_000_000)
    ap.add_argument("--up", type=float, default=256_000)
    a = ap.parse_args()
    h, _, p = a.upstream.rpartition(":")
    lh, _, lp = a.listen.rpartition(":")
    with Link(a.rtt, a.down, a.up) as link:
        port = link.route("cli", h, int(p), listen=(lh, int(lp)))
        print(f"listening on {lh}:{port} -> {a.upstream}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(5)
                print(link.totals(), flush=True)
