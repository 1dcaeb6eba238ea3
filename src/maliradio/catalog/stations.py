"""The station catalogue: the bundled stations.json plus the user's own stations file.

Loading never raises on bad content. A broken entry is skipped and recorded as a `CatalogError`
that names the file and the field, so one typo in a hand-edited file hides one station, not all
of them. A file that is not JSON at all gives one error; the other file still loads.

The user's file (`paths.user_stations_file()`) holds `{"version": 1, "stations": [...]}` with the
same fields as the bundled file. A user station whose id is a bundled one replaces it. When the
user file is written back, entries that could not be read are kept as they were (so a hand-fix is
still possible), and a file that was not JSON at all is first copied aside.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import re
import shutil
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from maliradio import paths
from maliradio.catalog.models import COUNTRIES, KINDS, Station, StreamRef, is_stream_url
from maliradio.catalog.vlcoptions import ALLOWED_NAMES, safe_option, safe_options
from maliradio.util import atomic_write_json

log = logging.getLogger("maliradio.catalog")

FILE_VERSION = 1
MAX_NAME_LENGTH = 200
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_EDITABLE = frozenset(
    {"name", "url", "streams", "kind", "country", "languages", "logo", "homepage", "note"}
)
_SCHEMES_TEXT = "http, https, rtsp, rtmp ou mms"
# set while validating a published catalogue: its errors are told in one line by its caller
_quiet: ContextVar[bool] = ContextVar("quiet", default=False)


def _warn(err: object) -> None:
    if not _quiet.get():
        log.warning("%s", err)


@dataclass(frozen=True)
class CatalogError:
    """One problem found in a stations file, worded for the user."""

    file: str  # the file's path
    field: str  # the field at fault ("kind", "streams"…), "" for the file itself
    message: str  # French
    index: int | None = None  # 1-based position of the station in "stations", if any
    station_id: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.index is not None:
            where = f"station n°{self.index}"
            if self.station_id:
                where += f" ({self.station_id})"
        if self.field:
            field_text = f"champ « {self.field} »"
            where = f"{where}, {field_text}" if where else field_text
        return " : ".join(part for part in (self.file, where, self.message) if part)


class CatalogSaveError(ValueError):
    """The user's stations file could not be written; the catalogue is left as it was.

    A ValueError so that a caller showing the French message of invalid input shows this too.
    """


# --------------------------------------------------------------------------------------------
# Reading and validating


class _Reporter:
    """Collects the errors of one station entry."""

    def __init__(self, errors: list[CatalogError], file: str, index: int | None) -> None:
        self.errors = errors
        self.file = file
        self.index = index
        self.station_id: str | None = None
        self.count = 0

    def __call__(self, field: str, message: str) -> None:
        err = CatalogError(self.file, field, message, self.index, self.station_id)
        self.errors.append(err)
        self.count += 1
        _warn(err)


def _quote(value: Any) -> str:
    if isinstance(value, str):
        return f"« {value} »"
    return f"« {json.dumps(value, ensure_ascii=False)} »"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return "un nombre"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    return type(value).__name__


def _clean_text(value: str) -> str:
    return " ".join(value.split())


def _check_kind(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in KINDS:
        return value.strip().lower()
    raise ValueError(f"{_quote(value)} n'est pas « tv » ou « radio »")


def _check_country(value: Any) -> str:
    if isinstance(value, str) and value.strip().upper() in COUNTRIES:
        return value.strip().upper()
    raise ValueError(f"{_quote(value)} n'est pas un pays connu ({', '.join(COUNTRIES)})")


def _check_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"texte attendu, pas {_type_name(value)}")
    name = _clean_text(value)
    if not name:
        raise ValueError("le nom est vide")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"le nom est trop long ({MAX_NAME_LENGTH} caractères au plus)")
    return name


def _check_languages(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"liste de codes de langue attendue, pas {_type_name(value)}")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*", item):
            raise ValueError(f"{_quote(item)} n'est pas un code de langue (ex. « fr », « bm »)")
        code = item.lower()
        if code not in out:
            out.append(code)
    return out


def _check_web_url(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and is_stream_url(value) and value.lower().startswith("http"):
        return value
    raise ValueError(f"{_quote(value)} n'est pas une adresse web (http ou https)")


def _check_logo(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if is_stream_url(value) and value.lower().startswith("http"):
            return value
        # a file bundled in resources/ or a local image chosen by the user
        if "://" not in value and not value.lower().startswith(("javascript:", "data:")):
            return value
    raise ValueError(f"{_quote(value)} n'est pas une adresse d'image (http ou https)")


def _check_note(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    raise ValueError(f"texte attendu, pas {_type_name(value)}")


def _check_url(value: Any) -> str:
    if isinstance(value, str) and is_stream_url(value.strip()):
        return value.strip()
    if value is None or value == "":
        raise ValueError("adresse manquante")
    raise ValueError(f"{_quote(value)} n'est pas une adresse de flux valide ({_SCHEMES_TEXT})")


def _check_stream(value: Any) -> StreamRef:
    """One stream from a file or from the caller: a URL string, a StreamRef or an object."""
    if isinstance(value, StreamRef):
        _check_url(value.url)
        return value
    if isinstance(value, str):
        return StreamRef(_check_url(value))
    if not isinstance(value, dict):
        raise ValueError(f"adresse ou objet attendu, pas {_type_name(value)}")
    url = _check_url(value.get("url"))
    texts: dict[str, str | None] = {}
    for key in ("user_agent", "referrer", "title"):
        item = value.get(key)
        if item is not None and not isinstance(item, str):
            raise ValueError(f"« {key} » : texte attendu, pas {_type_name(item)}")
        texts[key] = item.strip() if isinstance(item, str) and item.strip() else None
    raw_options = value.get("options", [])
    if raw_options is None:
        raw_options = []
    if not isinstance(raw_options, list) or not all(isinstance(o, str) for o in raw_options):
        raise ValueError("« options » : liste de textes attendue (ex. « :network-caching=2000 »)")
    options = tuple(o for o in raw_options if o.strip().lstrip(":-"))
    refused = [o for o in options if safe_option(o) is None]
    if refused:
        raise ValueError(
            f"« options » : option libVLC non autorisée ({', '.join(refused)[:120]}) ; "
            "seules " + ", ".join(ALLOWED_NAMES) + " sont acceptées"
        )
    bitrate = value.get("bitrate")
    if bitrate is not None and (
        not isinstance(bitrate, int) or isinstance(bitrate, bool) or not 1 <= bitrate <= 20_000
    ):
        raise ValueError(f"« bitrate » : débit en kbit/s attendu (1 à 20000), pas {bitrate!r}")
    return StreamRef(
        url,
        user_agent=texts["user_agent"],
        referrer=texts["referrer"],
        options=safe_options(options),
        title=texts["title"],
        bitrate=bitrate,
    )


def _check_streams(value: Any, report: _Reporter | None = None) -> list[StreamRef]:
    """Valid streams in order. With `report`, a bad stream is reported and skipped."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"liste de flux attendue, pas {_type_name(value)}")
    out: list[StreamRef] = []
    for n, item in enumerate(value, start=1):
        try:
            stream = _check_stream(item)
        except ValueError as exc:
            if report is None:
                raise ValueError(f"flux n°{n} : {exc}") from None
            report("streams", f"flux n°{n} : {exc}")
            continue
        if stream not in out:
            out.append(stream)
    return out


def _station_from_record(
    raw: Any, file: str, index: int, errors: list[CatalogError], *, user: bool
) -> Station | None:
    report = _Reporter(errors, file, index)
    if not isinstance(raw, dict):
        report("", f"objet JSON attendu, pas {_type_name(raw)}")
        return None
    sid = raw.get("id")
    if isinstance(sid, str) and _ID_RE.match(sid):
        report.station_id = sid
    elif sid is None or sid == "":
        report("id", "identifiant manquant")
        return None
    else:
        report("id", f"{_quote(sid)} n'est pas un identifiant (lettres, chiffres, « - », « _ »)")
        return None

    required: dict[str, Any] = {}
    for key, check in (("name", _check_name), ("country", _check_country), ("kind", _check_kind)):
        if key not in raw:
            report(key, "champ obligatoire manquant")
            continue
        try:
            required[key] = check(raw[key])
        except ValueError as exc:
            report(key, str(exc))
    if len(required) < 3:
        return None

    # Optional fields: a bad value is reported and dropped, the station stays listed.
    optional: dict[str, Any] = {}
    for key, check2 in (
        ("languages", _check_languages),
        ("logo", _check_logo),
        ("homepage", _check_web_url),
        ("note", _check_note),
    ):
        try:
            optional[key] = check2(raw.get(key))
        except ValueError as exc:
            report(key, str(exc))
    try:
        streams = _check_streams(raw.get("streams"), report)
    except ValueError as exc:
        report("streams", str(exc))
        streams = []
    return Station(
        id=sid,
        name=required["name"],
        country=required["country"],
        kind=required["kind"],
        languages=optional.get("languages") or [],
        logo=optional.get("logo"),
        homepage=optional.get("homepage"),
        streams=streams,
        user=user,
        note=optional.get("note"),
        origin="user" if user else "bundled",
    )


@dataclass
class _FileContent:
    entries: list[Any]
    extra: dict[str, Any]  # other top-level keys, written back untouched
    readable: bool  # False: the file exists but is not a stations file at all


def _read_file(path: Path, errors: list[CatalogError], *, required: bool) -> _FileContent:
    file = str(path)

    def fail(message: str, field: str = "") -> _FileContent:
        err = CatalogError(file, field, message)
        errors.append(err)
        _warn(err)
        return _FileContent([], {}, readable=False)

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if required:
            return fail("fichier introuvable")
        return _FileContent([], {}, readable=True)
    except OSError as exc:
        return fail(f"lecture impossible ({exc.strerror or exc})")
    return _parse_document(data, file, errors, required=required)


def _parse_document(
    data: bytes, file: str, errors: list[CatalogError], *, required: bool
) -> _FileContent:
    def fail(message: str, field: str = "") -> _FileContent:
        err = CatalogError(file, field, message)
        errors.append(err)
        _warn(err)
        return _FileContent([], {}, readable=False)

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return fail(f"le fichier n'est pas en UTF-8 (octet n°{exc.start + 1})")
    if not text.strip():
        if required:
            return fail("le fichier est vide")
        return _FileContent([], {}, readable=True)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        log.debug("JSON error in %s: %s", file, exc)
        return fail(f"ce n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno})")
    except RecursionError:
        return fail("ce n'est pas du JSON lisible (imbrication trop profonde)")
    if isinstance(doc, list):  # a bare list of stations is accepted too
        return _FileContent(doc, {}, readable=True)
    if not isinstance(doc, dict):
        return fail(f'objet {{"version": 1, "stations": [...]}} attendu, pas {_type_name(doc)}')
    version = doc.get("version", FILE_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        err = CatalogError(file, "version", f"nombre entier attendu, pas {_type_name(version)}")
        errors.append(err)
        _warn(err)
    elif version > FILE_VERSION and not _quiet.get():
        log.warning(
            "%s : version %d plus récente que celle connue (%d)", file, version, FILE_VERSION
        )
    stations = doc.get("stations")
    if stations is None:
        return fail("champ obligatoire manquant", "stations")
    if not isinstance(stations, list):
        return fail(f"liste de stations attendue, pas {_type_name(stations)}", "stations")
    extra = {k: v for k, v in doc.items() if k not in ("version", "stations")}
    return _FileContent(stations, extra, readable=True)


def _load_entries(
    content: _FileContent, file: str, errors: list[CatalogError], *, user: bool
) -> tuple[list[tuple[Station, Any]], list[Any]]:
    """(station, raw entry) pairs in file order, and the raw entries that were skipped."""
    good: list[tuple[Station, Any]] = []
    bad: list[Any] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(content.entries, start=1):
        station = _station_from_record(raw, file, index, errors, user=user)
        if station is None:
            bad.append(raw)
            continue
        if station.id in seen:
            err = CatalogError(
                file,
                "id",
                f"{_quote(station.id)} est déjà utilisé par la station n°{seen[station.id]}",
                index,
                station.id,
            )
            errors.append(err)
            _warn(err)
            bad.append(raw)
            continue
        seen[station.id] = index
        good.append((station, raw))
    return good, bad


def parse_catalogue(
    data: bytes, source: str, *, origin: str
) -> tuple[list[Station], dict[str, Any], list[CatalogError]]:
    """A whole stations document checked with the bundled file's rules, without logging:
    (valid stations, the other top-level fields, the errors)."""
    errors: list[CatalogError] = []
    token = _quiet.set(True)
    try:
        content = _parse_document(data, source, errors, required=True)
        good, _bad = _load_entries(content, source, errors, user=False)
    finally:
        _quiet.reset(token)
    stations = [dataclasses.replace(st, origin=origin) for st, _raw in good]
    return stations, content.extra, errors


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:40].strip("-") or "station"


# --------------------------------------------------------------------------------------------
# The catalogue


class Catalog:
    """Bundled and user stations, merged; the user's part can be edited and is saved at once."""

    def __init__(self, user_path: Path | None = None) -> None:
        self.stations: list[Station] = []
        self.errors: list[CatalogError] = []
        self._user_path = user_path
        self._bundled: list[Station] = []
        self._user: list[Station] = []  # the user's stations, in file order
        self._user_raw: dict[str, Any] = {}  # id -> entry as read, written back while unchanged
        self._user_invalid: list[Any] = []  # unreadable entries, written back untouched
        self._user_extra: dict[str, Any] = {}
        self._user_unreadable = False  # the user file is not a stations file: copy it aside
        self._by_id: dict[str, Station] = {}
        self._published: list[Station] = []
        self.bundled_version: str | None = None  # "catalogue_version" of each file
        self.published_version: str | None = None  # None: the published one is not in use

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        bundled: Path | None = None,
        user: Path | None = None,
        published: Path | Literal[False] | None = None,
    ) -> Catalog:
        """The bundled file, the published one when it is newer (`published`: its cached copy,
        False for none) and the user's file on top."""
        bundled_path = Path(bundled) if bundled is not None else paths.resource("stations.json")
        user_path = Path(user) if user is not None else paths.user_stations_file()
        cat = cls(user_path)

        content = _read_file(bundled_path, cat.errors, required=True)
        good, _bad = _load_entries(content, str(bundled_path), cat.errors, user=False)
        cat._bundled = [station for station, _raw in good]
        version = content.extra.get("catalogue_version")
        cat.bundled_version = version if isinstance(version, str) else None
        for station in cat._bundled:
            station.catalogue_version = cat.bundled_version
        if published is not False:
            cat._load_published(published or None)

        content = _read_file(user_path, cat.errors, required=False)
        cat._user_unreadable = not content.readable
        cat._user_extra = content.extra
        good, bad = _load_entries(content, str(user_path), cat.errors, user=True)
        cat._user = [station for station, _raw in good]
        cat._user_raw = {station.id: raw for station, raw in good}
        cat._user_invalid = bad
        cat._rebuild()
        log.debug(
            "Catalogue : %d stations (%d de l'utilisateur), %d erreur(s)",
            len(cat.stations),
            len(cat._user),
            len(cat.errors),
        )
        return cat

    def _load_published(self, path: Path | None) -> None:
        """The signed catalogue fetched from the project's site, when it is newer than the
        bundled one (the bundled file is the floor: a new release is never undone by an old
        download). Checked again here: a copy that no longer verifies is ignored."""
        from maliradio.catalog import published as pub

        found = pub.load_cached(path)
        if found is None:
            return
        if pub.version_key(found.version) <= pub.version_key(self.bundled_version):
            log.info(
                "Catalogue publié %s ignoré : celui de l'application (%s) est aussi récent",
                found.version,
                self.bundled_version,
            )
            return
        self._published = found.stations
        self.published_version = found.version

    def _base(self) -> list[Station]:
        """Bundled stations, replaced and completed by the published catalogue's."""
        newer = {s.id: s for s in self._published}
        base = [newer.pop(s.id, s) for s in self._bundled]
        return base + [s for s in self._published if s.id in newer]

    def _rebuild(self) -> None:
        overrides = {s.id: s for s in self._user}
        base = self._base()
        base_ids = {s.id for s in base}
        merged = [overrides.get(s.id, s) for s in base]
        merged += [s for s in self._user if s.id not in base_ids]
        self.stations = merged
        self._by_id = {s.id: s for s in merged}
        self.refresh_health()

    def refresh_health(self) -> None:
        """Mark the stations whose every stream failed lately (`Station.down_since`)."""
        from maliradio.catalog import health

        history = health.load()
        for station in self.stations:
            station.down_since = health.down_since(station, history)

    # -- queries ------------------------------------------------------------------------------

    @property
    def user_path(self) -> Path:
        return self._user_path or paths.user_stations_file()

    def __iter__(self) -> Iterator[Station]:
        return iter(self.stations)

    def get(self, station_id: str) -> Station | None:
        return self._by_id.get(station_id)

    def by_country(self) -> dict[str, list[Station]]:
        """Every country code, in the order ML, BF, NE, INT, with its stations (maybe none)."""
        groups: dict[str, list[Station]] = {code: [] for code in COUNTRIES}
        for station in self.stations:
            groups.setdefault(station.country, []).append(station)
        return groups

    def bundled_station(self, station_id: str) -> Station | None:
        """The catalogue's own version of a station (published or bundled), even when the user
        overrides it."""
        return next((s for s in self._base() if s.id == station_id), None)

    # -- editing the user's stations ----------------------------------------------------------

    def add_user_station(
        self, name: str, url: str, kind: str = "radio", country: str = "INT"
    ) -> Station:
        try:
            clean_name = _check_name(name)
        except ValueError as exc:
            raise ValueError(f"Nom de station invalide : {exc}.") from None
        url = url.strip() if isinstance(url, str) else url
        if not url:
            raise ValueError("L'adresse du flux est vide.")
        if not isinstance(url, str) or not is_stream_url(url):
            raise ValueError(
                f"{_quote(url)} n'est pas une adresse de flux valide : elle doit commencer par "
                "http://, https://, rtsp://, rtmp:// ou mms://."
            )
        station = Station(
            id=self._new_id(clean_name),
            name=clean_name,
            country=self._valid(_check_country, country),
            kind=self._valid(_check_kind, kind),
            streams=[StreamRef(url)],
            user=True,
            origin="user",
        )
        self._commit(lambda: self._user.append(station))
        log.info("Station ajoutée : %s (%s)", station.name, station.id)
        return station

    def update_user_station(self, station_id: str, **changes: Any) -> Station:
        """Change fields of a user station; on a bundled station this creates an override.

        Fields: name, url (becomes the preferred stream, the others stay as fallbacks),
        streams (URLs, StreamRef or objects), kind, country, languages, logo, homepage, note.
        """
        current = self.get(station_id)
        if current is None:
            raise ValueError(f"Station inconnue : « {station_id} ».")
        for key in changes:
            if key in ("id", "user"):
                raise ValueError(f"Le champ « {key} » d'une station ne peut pas être modifié.")
            if key not in _EDITABLE:
                raise ValueError(f"Champ inconnu : « {key} ».")
        new: dict[str, Any] = {}
        if "name" in changes:
            try:
                new["name"] = _check_name(changes["name"])
            except ValueError as exc:
                raise ValueError(f"Nom de station invalide : {exc}.") from None
        if "kind" in changes:
            new["kind"] = self._valid(_check_kind, changes["kind"])
        if "country" in changes:
            new["country"] = self._valid(_check_country, changes["country"])
        if "languages" in changes:
            new["languages"] = self._valid(_check_languages, changes["languages"], "Langues")
        if "logo" in changes:
            new["logo"] = self._valid(_check_logo, changes["logo"], "Logo")
        if "homepage" in changes:
            new["homepage"] = self._valid(_check_web_url, changes["homepage"], "Site web")
        if "note" in changes:
            new["note"] = self._valid(_check_note, changes["note"], "Note")
        streams = list(current.streams)
        if "streams" in changes:
            streams = self._valid(_check_streams, changes["streams"])
        if "url" in changes:
            first = StreamRef(self._valid(_check_url, changes["url"], "Adresse du flux"))
            rest = streams[1:] if "streams" not in changes else streams
            streams = [first] + [s for s in rest if s.url != first.url]
        new["streams"] = streams
        updated = dataclasses.replace(
            current, user=True, origin="user", catalogue_version=None, **new
        )

        def apply() -> None:
            self._user_raw.pop(station_id, None)
            for i, s in enumerate(self._user):
                if s.id == station_id:
                    self._user[i] = updated
                    return
            self._user.append(updated)  # first edit of a bundled station: an override

        self._commit(apply)
        log.info("Station modifiée : %s (%s)", updated.name, updated.id)
        return updated

    def remove_user_station(self, station_id: str) -> None:
        """Remove a user station; removing an override brings the bundled station back."""
        station = self.get(station_id)
        if station is None:
            raise ValueError(f"Station inconnue : « {station_id} ».")
        if not station.user:
            raise ValueError(
                f"« {station.name} » fait partie du catalogue fourni avec maliradio : "
                "elle ne peut pas être supprimée."
            )

        def apply() -> None:
            self._user[:] = [s for s in self._user if s.id != station_id]
            self._user_raw.pop(station_id, None)

        self._commit(apply)
        log.info("Station supprimée : %s (%s)", station.name, station.id)

    # -- internals ----------------------------------------------------------------------------

    @staticmethod
    def _valid(check: Any, value: Any, label: str | None = None) -> Any:
        try:
            return check(value)
        except ValueError as exc:
            text = str(exc)
            if label:
                raise ValueError(f"{label} : {text}.") from None
            raise ValueError(f"{text[:1].upper()}{text[1:]}.") from None

    def _known_ids(self) -> set[str]:
        ids = {s.id for s in self._base()} | {s.id for s in self._user}
        ids |= {
            e["id"]
            for e in self._user_invalid
            if isinstance(e, dict) and isinstance(e.get("id"), str)
        }
        return ids

    def _new_id(self, name: str) -> str:
        base = f"user-{_slug(name)}"
        known = self._known_ids()
        candidate, n = base, 2
        while candidate in known:
            candidate = f"{base}-{n}"
            n += 1
        return candidate

    def _commit(self, change: Any) -> None:
        """Apply `change` to the user stations and save; on a failed save undo it and raise."""
        saved_user = list(self._user)
        saved_raw = dict(self._user_raw)
        change()
        try:
            self._save()
        except OSError as exc:
            self._user = saved_user
            self._user_raw = saved_raw
            raise CatalogSaveError(
                f"Impossible d'enregistrer vos stations dans {self.user_path} : "
                f"{exc.strerror or exc}."
            ) from exc
        self._rebuild()

    def _records(self) -> Iterable[Any]:
        for station in self._user:
            raw = self._user_raw.get(station.id)
            yield copy.deepcopy(raw) if raw is not None else station.to_record()
        yield from self._user_invalid

    def _save(self) -> None:
        path = self.user_path
        if self._user_unreadable and path.exists():
            stamp = time.strftime("%Y%m%d-%H%M%S")
            backup = path.with_name(f"{path.name}.illisible-{stamp}")
            shutil.copy2(path, backup)
            log.warning("Fichier de stations illisible conservé sous %s", backup)
        data: dict[str, Any] = {"version": FILE_VERSION, **self._user_extra}
        data["version"] = FILE_VERSION
        data["stations"] = list(self._records())
        atomic_write_json(path, data)
        self._user_unreadable = False
