"""The player's own threads, in one place, and why each exists.

Everything that touches libVLC runs on the engine's thread (the window's, or the command
line's Qt loop). These threads exist because their work blocks, and the window must not wait
for it:

- ``vlc-stop``: libVLC's stop waits for its own threads (~100 ms for HLS, longer on a dead
  link); a player left behind is stopped and released here, the next stream gets a new one.
- ``probe``: finding out what an address is (a playlist, HLS, audio) is a network round trip.
- ``relay-accept``, ``relay-client``, ``relay-upstream``: the ICY relay waits on three sockets
  (the listening one, libVLC's, the station's); a blocking read on each is the simplest
  correct way, and each ends with its socket.
- ``hls-gateway`` (and one thread per libVLC request, from the standard library's threading
  HTTP server): the HLS gateway serves libVLC while it fetches from the station.
- ``hls-gateway-stop``: closing the gateway waits for its server loop to notice.

All are daemon threads: the app's exit never waits for a station's server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Literal

Name = Literal[
    "vlc-stop",
    "probe",
    "relay-accept",
    "relay-client",
    "relay-upstream",
    "hls-gateway",
    "hls-gateway-stop",
]


def create(name: Name, target: Callable[..., Any], *args: Any) -> threading.Thread:
    """A daemon thread called `name` (see above for each) for `target(*args)`, not started."""
    return threading.Thread(target=target, args=args, name=name, daemon=True)


def start(name: Name, target: Callable[..., Any], *args: Any) -> threading.Thread:
    t = create(name, target, *args)
    t.start()
    return t
