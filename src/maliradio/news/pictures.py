"""The pictures of the news, for listeners who pay for every megabyte.

A refresh downloads the lead picture of each new article only (the first one in it, or the
picture the feed names for the item: media:content, media:thumbnail, an image enclosure),
and none over LEAD_MAX_BYTES. The other pictures, and in data-saver mode all of them, stay
in the article as placeholders (`clean.LATER_PREFIX`): the reader shows « Afficher l'image
(120 Ko) », and `fetch_picture` downloads the one asked for, when asked.

Why 300 KB: a news photo at the size the reader shows it (600 to 1,000 pixels wide, JPEG or
WebP) weighs 50 to 200 KB, the "large" size WordPress makes of an upload 100 to 250 KB. A
picture past 300 KB is a camera's original or a PNG screenshot: 1 to 8 MB, the price of
dozens of articles, for the same few centimetres on screen.

This module imports no more than the HTTP client: the window uses it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from maliradio.news import clean

LEAD_MAX_BYTES = 300_000  # a refresh's pictures: see above
# A picture the reader asked for: the user saw the placeholder (its size when known) and
# chose it. Still a cap: a camera's original is ~3 MB, past that it is no news photo.
ON_DEMAND_MAX_BYTES = 3_000_000
ON_DEMAND_DEADLINE = 120.0  # s: 3 MB at 25 KB/s

# pictures being fetched on demand: a second click waits for the first download
_pending: dict[str, threading.Event] = {}
_pending_lock = threading.Lock()


def is_picture(status: int, content_type: str, body: bytes) -> bool:
    """Whether an answer is a picture worth showing: a 200 with an image type or a picture
    header, not a tracking pixel (2x2 or less)."""
    dims = clean.image_dimensions(body)
    if status != 200 or not body:
        return False
    if not (content_type.lower().startswith("image/") or dims is not None):
        return False
    return not (dims is not None and dims[0] <= 2 and dims[1] <= 2)


def fetch_picture(url: str, *, source_id: str = "", image_dir: Path | None = None) -> Path:
    """Download the picture at `url` (one the reader asked for) into the image cache, under
    the name its placeholder stands for (`clean.image_name(url)`), counted in the data meter
    for `source_id`. Returns its path; raises `fetch.FetchError` in the user's words."""
    from maliradio import paths
    from maliradio.news import fetch

    image_dir = image_dir or paths.image_cache_dir()
    path = image_dir / clean.image_name(url)
    if path.is_file():
        return path
    with _pending_lock:
        other = _pending.get(url)
        if other is None:
            done = _pending[url] = threading.Event()
    if other is not None:  # asked twice: the first download serves both
        other.wait(ON_DEMAND_DEADLINE + 5)
        if path.is_file():
            return path
        raise fetch.FetchError("Image non téléchargée", "other")
    try:
        return _download(url, path, source_id)
    finally:
        with _pending_lock:
            del _pending[url]
        done.set()


def _download(url: str, path: Path, source_id: str) -> Path:
    from maliradio.datameter import DataMeter
    from maliradio.news import fetch

    client = fetch.make_client()
    wire = 0
    try:
        r = fetch.http_get(
            client,
            url,
            max_bytes=ON_DEMAND_MAX_BYTES,
            headers={"Accept": "image/*"},
            deadline=time.monotonic() + ON_DEMAND_DEADLINE,
        )
        wire = r.wire_bytes
    except fetch.FetchError as exc:
        wire = exc.wire_bytes
        raise
    finally:
        client.close()
        DataMeter().add("news", source_id or "?", wire)
    if not is_picture(r.status, r.headers.get("content-type", ""), r.body):
        if r.status != 200:
            raise fetch.FetchError(f"Le serveur a répondu {r.status}", "http")
        raise fetch.FetchError("Ce n'est pas une image lisible", "other")
    from maliradio.util import atomic_write_bytes

    atomic_write_bytes(path, r.body, fsync=False)  # (a cached picture can be fetched again)
    return path
