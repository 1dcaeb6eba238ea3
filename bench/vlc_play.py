"""A minimal python-vlc player with libVLC's defaults (plus MALIRADIO_VLC_ARGS: the audio output
and the bench's certificate authority): plays URL for SECONDS. Should the stream end or fail,
it is played again a second later (as a listener would press play again), with a JSON line.

    python bench/vlc_play.py URL SECONDS
"""

from __future__ import annotations

import json
import os
import sys
import time

import _common

_common.loopback_guard()

import vlc  # noqa: E402


def main() -> None:
    url, seconds = sys.argv[1], float(sys.argv[2])
    inst = vlc.Instance(os.environ.get("MALIRADIO_VLC_ARGS", "").split())
    player = inst.media_player_new()
    player.set_media(inst.media_new(url))
    player.play()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.2)
        state = player.get_state()
        if state in (vlc.State.Ended, vlc.State.Error, vlc.State.Stopped):
            print(json.dumps({"state": str(state), "at": time.monotonic()}), flush=True)
            time.sleep(1.0)
            player.stop()
            player.set_media(inst.media_new(url))
            player.play()
    player.stop()
    os._exit(0)


if __name__ == "__main__":
    main()
