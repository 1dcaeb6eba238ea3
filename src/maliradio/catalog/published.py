"""The published station catalogue: a signed stations.json on the project's site, so that a
stream address that moved can be fixed without a new release of the app.

- `catalogue_url` in the settings names it (DEFAULT_URL by default); its minisign signature is
  beside it (`URL.minisig`) and must verify with the public key shipped in the app
  (`resources/catalogue.pub`; MALIRADIO_CATALOGUE_PUBKEY, a key or a key file, replaces it for
  tests and mirrors), then pass the bundled file's own checks, with a `catalogue_version`
  (e.g. "2026-12-06") no older than the one in use.
- `maybe_update()` fetches it at most once a day (never with MALIRADIO_OFFLINE), with a
  conditional GET (ETag, Last-Modified); `update()` fetches now (`maliradio catalogue update`).
- A good file is kept in the user data folder (`catalogue/`) with its signature, and is
  checked again each time it is loaded. A file that fails is ignored with one log line and its
  reason in the result (the window shows it); the last good one stays.
- The catalogue loader uses it only when it is newer than the bundled file, which is the floor.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maliradio import __version__, paths
from maliradio.catalog import minisign
from maliradio.catalog.models import Station
from maliradio.settings import Settings
from maliradio.util import atomic_write_bytes, atomic_write_json

log = logging.getLogger("maliradio.catalog")

DEFAULT_URL: str = Settings.catalogue_url
PUBKEY_ENV = "MALIRADIO_CATALOGUE_PUBKEY"
MAX_BYTES = 1024 * 1024  # the catalogue is ~10 KB; more is not a catalogue
CHECK_EVERY = 24 * 3600  # seconds between two automatic fetches
TIMEOUT = 20.0  # silence timeout of each read
DEADLINE = 60.0  # for the whole of each GET


class Rejected(Exception):
    """The file is not a catalogue signed by the project (French reason)."""


@dataclass(frozen=True)
class Published:
    stations: list[Station]
    version: str
    trusted_comment: str


@dataclass(frozen=True)
class UpdateResult:
    status: str  # updated | not-modified | rejected | error
    version: str | None = None  # the published catalogue in use afterwards
    stations: int = 0  # its number of stations
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "version": self.version,
            "stations": self.stations,
            "error": self.error,
        }


# -- files ------------------------------------------------------------------------------------


def folder() -> Path:
    path = paths.data_dir() / "catalogue"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached_file() -> Path:
    return folder() / "stations.json"


def _signature_of(path: Path) -> Path:
    return path.with_name(path.name + ".minisig")


def _state_file() -> Path:
    return folder() / "state.json"


def _read_state() -> dict[str, Any]:
    try:
        state = json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(**changes: Any) -> None:
    state = _read_state()
    state.update(changes)
    atomic_write_json(_state_file(), {k: v for k, v in state.items() if v is not None})


# -- checking ---------------------------------------------------------------------------------


def public_key() -> minisign.PublicKey:
    """The key the catalogue must be signed with: MALIRADIO_CATALOGUE_PUBKEY (the key itself,
    or the path of a minisign .pub file), else the one shipped in resources/."""
    value = os.environ.get(PUBKEY_ENV, "").strip()
    if value and "\n" not in value and Path(value).expanduser().is_file():
        value = Path(value).expanduser().read_text(encoding="utf-8")
    elif not value:
        value = paths.resource("catalogue.pub").read_text(encoding="utf-8")
    return minisign.parse_public_key(value)


def version_key(version: str | None) -> tuple[int, ...]:
    """The numbers in a version, in order: 2026-12-06 < 2026-12-06.2 < 2026-12-10."""
    return tuple(int(n) for n in re.findall(r"\d+", version or ""))


def verify(data: bytes, signature: bytes, source: str) -> Published:
    """The stations of `data` if `signature` proves it and its content is valid; else Rejected."""
    from maliradio.catalog.stations import parse_catalogue

    try:
        key = public_key()
    except (OSError, minisign.SignatureError) as exc:
        raise Rejected(f"clé publique du catalogue illisible ({exc})") from exc
    try:
        checked = minisign.verify(data, signature, key)
    except minisign.SignatureError as exc:
        raise Rejected(str(exc)) from exc
    stations, extra, errors = parse_catalogue(data, source, origin="published")
    if errors:
        more = f" (et {len(errors) - 1} autre(s) erreur(s))" if len(errors) > 1 else ""
        raise Rejected(f"contenu invalide : {errors[0]}{more}")
    version = extra.get("catalogue_version")
    if not isinstance(version, str) or not version_key(version):
        raise Rejected("contenu invalide : « catalogue_version » manquant ou illisible")
    if not stations:
        raise Rejected("contenu invalide : aucune station")
    for station in stations:
        station.catalogue_version = version
    return Published(stations, version, checked.trusted_comment)


def load_cached(path: Path | None = None) -> Published | None:
    """The last good published catalogue, checked again (None when there is none)."""
    path = path or cached_file()
    try:
        data = path.read_bytes()
        signature = _signature_of(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("Catalogue publié illisible (%s) : %s", path, exc)
        return None
    try:
        return verify(data, signature, str(path))
    except Rejected as exc:
        log.warning("Catalogue publié en cache ignoré (%s) : %s", path, exc)
        return None


# -- fetching ---------------------------------------------------------------------------------


def _get(url: str, headers: dict[str, str], max_bytes: int) -> Any:
    from maliradio.net import client as netclient

    with netclient.Client(
        connect_timeout=TIMEOUT,
        read_timeout=TIMEOUT,
        headers={"User-Agent": f"maliradio/{__version__}"},
    ) as client:
        return client.get(
            url, headers=headers, max_bytes=max_bytes, deadline=time.monotonic() + DEADLINE
        )


def _in_use(current: Published | None) -> dict[str, Any]:
    if current is None:
        return {"version": None, "stations": 0}
    return {"version": current.version, "stations": len(current.stations)}


def update(url: str | None = None) -> UpdateResult:
    """Fetch the published catalogue now (conditional GET) and keep it if it is good."""
    from maliradio.net import client as netclient

    url = url or DEFAULT_URL
    state = _read_state()
    current = load_cached()
    headers: dict[str, str] = {}
    if state.get("url") == url and current is not None:
        if isinstance(state.get("etag"), str):
            headers["If-None-Match"] = state["etag"]
        if isinstance(state.get("last_modified"), str):
            headers["If-Modified-Since"] = state["last_modified"]
    try:
        resp = _get(url, headers, MAX_BYTES)
        if resp.status == 304 and current is not None:
            _write_state(url=url, checked_at=time.time())
            return UpdateResult("not-modified", **_in_use(current))
        if resp.status != 200:
            raise netclient.HttpError(f"le serveur a répondu {resp.status} {resp.reason}".strip())
        sig = _get(url + ".minisig", {}, minisign.MAX_SIGNATURE_BYTES)
    except netclient.TooLarge as exc:
        return _rejected(url, current, f"fichier trop volumineux ({exc})")
    except netclient.HttpError as exc:
        log.info("Catalogue publié non récupéré (%s) : %s", url, exc)
        return UpdateResult("error", error=str(exc) or type(exc).__name__, **_in_use(current))
    try:
        if sig.status != 200:
            raise Rejected(f"signature introuvable ({url}.minisig : erreur {sig.status})")
        found = verify(resp.body, sig.body, url)
        if current is not None and version_key(found.version) < version_key(current.version):
            raise Rejected(
                f"version {found.version} plus ancienne que celle en service ({current.version})"
            )
    except Rejected as exc:
        return _rejected(url, current, str(exc))
    target = cached_file()
    atomic_write_bytes(_signature_of(target), sig.body)
    atomic_write_bytes(target, resp.body)
    _write_state(
        url=url,
        etag=resp.headers.get("etag"),
        last_modified=resp.headers.get("last-modified"),
        checked_at=time.time(),
        version=found.version,
    )
    log.info("Catalogue publié %s reçu : %d stations", found.version, len(found.stations))
    return UpdateResult("updated", found.version, len(found.stations))


def _rejected(url: str, current: Published | None, reason: str) -> UpdateResult:
    # one line says it all; its validators are not kept, so a fixed file is fetched next time
    log.warning("Catalogue publié refusé (%s) : %s ; le précédent reste en service", url, reason)
    _write_state(url=url, checked_at=time.time(), etag=None, last_modified=None)
    return UpdateResult("rejected", error=reason, **_in_use(current))


def maybe_update(url: str | None = None) -> UpdateResult | None:
    """`update()` when the last fetch of `url` is a day old or more, and the network may be
    used unasked (not MALIRADIO_OFFLINE); None when nothing was fetched."""
    if paths.offline():
        return None
    url = url or DEFAULT_URL
    state = _read_state()
    checked = state.get("checked_at")
    if state.get("url") == url and isinstance(checked, int | float):
        if 0 <= time.time() - checked < CHECK_EVERY:
            return None
    return update(url)


def refresh(url: str | None = None) -> tuple[UpdateResult | None, Any]:
    """For the window, off its thread: `maybe_update()`, and the catalogue loaded again when a
    new one came (else None)."""
    result = maybe_update(url)
    if result is None or result.status != "updated":
        return result, None
    from maliradio.catalog.stations import Catalog

    return result, Catalog.load()
