"""Find out what a URL is (a playlist, an HLS stream, or media) with one connection.

`probe(ref)` runs off the GUI thread. For media it returns the open connection, which the relay
then serves to libVLC, so nothing is downloaded twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from maliradio.catalog import playlists
from maliradio.catalog.models import StreamRef
from maliradio.playback.net import Response, StreamError, open_stream

log = logging.getLogger("maliradio.player")

PLAYLIST_CAP = 1024 * 1024
SNIFF_BYTES = 4096


@dataclass
class Probe:
    kind: str  # "playlist" | "hls" | "media" | "direct"
    ref: StreamRef
    entries: list[StreamRef] | None = None
    response: Response | None = None


def probe(ref: StreamRef, timeout: float = 10.0) -> Probe:
    """Raises StreamError with a French message when the URL cannot be used."""
    scheme = ref.url.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        # rtsp, rtmp, mms...: libVLC opens these itself
        return Probe("direct", ref)
    resp = open_stream(ref.url, user_agent=ref.user_agent, referrer=ref.referrer, timeout=timeout)
    try:
        head = resp.head
        while len(head) < 512:
            more = resp.sock.recv(SNIFF_BYTES)
            if not more:
                break
            head += more
        resp.head = head
        kind = playlists.sniff(head[:SNIFF_BYTES], resp.headers.get("content-type"), resp.url)
        if "icy-metaint" in resp.headers or "icy-name" in resp.headers or "icy-br" in resp.headers:
            if kind not in ("pls", "m3u", "xspf", "asx", "hls"):
                kind = "media"
    except TimeoutError as exc:
        resp.close()
        raise StreamError("Le serveur du flux n'envoie rien") from exc
    except OSError as exc:
        resp.close()
        raise StreamError(f"Connexion coupée pendant l'ouverture : {exc}") from exc
    except BaseException:
        resp.close()
        raise
    final = StreamRef(
        url=resp.url,
        user_agent=ref.user_agent,
        referrer=ref.referrer,
        options=ref.options,
        title=ref.title,
    )
    if kind == "media":
        return Probe("media", final, response=resp)
    if kind == "hls":
        resp.close()
        return Probe("hls", final)
    if kind in ("m3u", "pls", "xspf", "asx"):
        try:
            body = resp.read_up_to(PLAYLIST_CAP)
        except OSError as exc:
            raise StreamError(f"Liste de lecture incomplète : {exc}") from exc
        finally:
            resp.close()
        entries = playlists.parse(kind, body, resp.url)
        entries = [_inherit(e, ref) for e in entries]
        if not entries:
            raise StreamError("La liste de lecture ne contient aucun flux")
        return Probe("playlist", final, entries=entries)
    resp.close()
    if kind == "html":
        raise StreamError("Cette adresse mène à une page web, pas à un flux")
    # unknown: let libVLC try it on its own
    return Probe("direct", final)


def _inherit(entry: StreamRef, parent: StreamRef) -> StreamRef:
    """Entries keep the parent's user-agent and referrer unless they set their own."""
    return StreamRef(
        url=entry.url,
        user_agent=entry.user_agent or parent.user_agent,
        referrer=entry.referrer or parent.referrer,
        options=tuple(parent.options) + tuple(entry.options),
        title=entry.title,
    )
