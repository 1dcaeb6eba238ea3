"""`maliradio stations` and `maliradio play`: the catalogue and the player from a terminal."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from typing import TYPE_CHECKING, Any

from maliradio.catalog.models import COUNTRIES

if TYPE_CHECKING:
    from maliradio.catalog.stations import Catalog


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("stations", help="liste les stations (catalogue et stations ajoutées)")
    p.add_argument("--json", action="store_true", help="tableau JSON")
    p.set_defaults(func=cmd_stations)

    p = sub.add_parser("play", help="écoute une station ou une adresse sans fenêtre")
    p.add_argument(
        "source", metavar="SOURCE", help="identifiant de station ou adresse (flux ou liste)"
    )
    p.add_argument(
        "--duration",
        type=float,
        default=None,
        metavar="SECONDES",
        help="arrête après ce nombre de secondes",
    )
    p.add_argument("--json", action="store_true", help="un objet JSON par ligne")
    p.add_argument(
        "--data-saver",
        action="store_true",
        help="économie de données : la variante la plus légère d'un flux HLS",
    )
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("record", help="enregistre une station, maintenant ou à une heure donnée")
    p.add_argument("source", metavar="SOURCE", help="identifiant de station ou adresse du flux")
    p.add_argument("--duration", type=float, default=None, metavar="SECONDES")
    p.add_argument("--at", metavar="HH:MM", help="heure de début (dans le fuseau --tz)")
    p.add_argument(
        "--tz",
        metavar="FUSEAU",
        help="fuseau de --at, ex. Africa/Bamako (par défaut celui du pays de la station)",
    )
    p.add_argument("--output", metavar="FICHIER", help="fichier à écrire")
    p.add_argument("--json", action="store_true", help="un objet JSON par ligne")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("data", help="données consommées ce mois-ci (flux, actualités, logos)")
    p.add_argument("--json", action="store_true", help="objet JSON")
    p.add_argument("--month", metavar="AAAA-MM", help="un autre mois")
    p.set_defaults(func=cmd_data)


def cmd_data(args: argparse.Namespace) -> int:
    from maliradio.datameter import DataMeter, megabytes

    use = DataMeter().month(args.month)
    if args.json:
        print(json.dumps(use, ensure_ascii=False))
        return 0
    print(f"{use['month']} : {megabytes(use['total'])}")
    print(f"  flux        {megabytes(use['streams'])}")
    print(f"  actualités  {megabytes(use['news'])}")
    print(f"  logos       {megabytes(use['logos'])}")
    for key, st in sorted(use["stations"].items(), key=lambda kv: -kv[1]["bytes"]):
        minutes = st["seconds"] / 60
        print(f"    {key:<30} {megabytes(st['bytes'])} en {minutes:.0f} min")
    return 0


def _load_catalog() -> Catalog:
    from maliradio.catalog.stations import Catalog

    cat = Catalog.load()
    for err in cat.errors:
        print(f"maliradio: {err}", file=sys.stderr)
    return cat


def cmd_stations(args: argparse.Namespace) -> int:
    cat = _load_catalog()
    if args.json:
        print(json.dumps([s.to_json() for s in cat.stations], ensure_ascii=False, indent=2))
        return 0
    for country, stations in cat.by_country().items():
        print(f"{COUNTRIES.get(country, country)}")
        for s in stations:
            kind = "TV   " if s.kind == "tv" else "Radio"
            state = "" if s.has_stream else "  (aucun flux connu)"
            mark = " [perso]" if s.user else ""
            print(f"  {kind}  {s.id:<18} {s.name}{mark}{state}")
    return 0


def _run_until_quit(app: Any) -> None:
    """The Qt loop until something quits it, Ctrl-C and SIGTERM included (a timer wakes the
    loop so that Python gets to run its signal handlers)."""
    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    app.exec()


def _emit(args: argparse.Namespace, obj: dict[str, object], human: str) -> None:
    if args.json:
        print(json.dumps(obj, ensure_ascii=False), flush=True)
    else:
        print(human, flush=True)


def cmd_play(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from maliradio.catalog import health
    from maliradio.datameter import DataMeter, megabytes
    from maliradio.playback.bootstrap import LibVlcMissing
    from maliradio.playback.engine import PlayerEngine
    from maliradio.playback.status import State, Status

    source = args.source
    station = None
    if "://" not in source:
        station = _load_catalog().get(source)
        if station is None:
            print(
                f"maliradio: station inconnue : {source} (voir « maliradio stations »)",
                file=sys.stderr,
            )
            return 2
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    try:
        engine = PlayerEngine(video=False)
    except LibVlcMissing as exc:
        print(f"maliradio: {exc}", file=sys.stderr)
        return 3
    engine.data_saver = bool(args.data_saver)
    ever_played = False
    last: list[Status] = [engine.status]
    spent = {"bytes": 0, "seconds": 0.0}

    def on_usage(key: str, nbytes: int, seconds: float) -> None:
        spent["bytes"] += nbytes
        spent["seconds"] += seconds
        DataMeter().add("stream", key, nbytes, seconds)

    def on_status(st: Status) -> None:
        nonlocal ever_played
        last[0] = st
        if st.state is State.PLAYING:
            ever_played = True
        _emit(args, st.to_json(), st.text())
        if st.state is State.ERROR:
            QTimer.singleShot(0, app.quit)

    def on_title(title: str) -> None:
        if title:
            _emit(args, {"event": "title", "title": title}, f"♪ {title}")

    engine.statusChanged.connect(on_status)
    engine.titleChanged.connect(on_title)
    engine.usageReported.connect(on_usage)
    _plays = health.PlayRecorder(engine, write=health.record)  # what worked, for next time
    if station is not None:
        # the address that worked last first (the lightest with the data saver)
        engine.play_station(health.order_streams(station, data_saver=engine.data_saver))
    else:
        engine.play_url(source)
    if args.duration is not None:
        QTimer.singleShot(int(args.duration * 1000), app.quit)

    _run_until_quit(app)
    final = last[0]
    playing_at_end = final.state is State.PLAYING
    engine.statusChanged.disconnect(on_status)
    engine.shutdown()  # (reports the last of the usage)
    _emit(
        args,
        {"event": "summary", "bytes": spent["bytes"], "seconds": round(spent["seconds"], 1)},
        f"{megabytes(int(spent['bytes']))} reçus en {spent['seconds']:.0f} s",
    )
    if playing_at_end:
        return 0
    if final.state is State.ERROR:
        print(f"maliradio: {final.message}", file=sys.stderr)
    elif not ever_played:
        print("maliradio: la lecture n'a pas pu commencer", file=sys.stderr)
    return 1


def cmd_record(args: argparse.Namespace) -> int:
    """Waits for --at, plays without sound, records for --duration (or until Ctrl-C)."""
    from datetime import datetime
    from pathlib import Path

    from PySide6.QtCore import QCoreApplication, QTimer

    from maliradio.catalog import health
    from maliradio.catalog.models import Station, StreamRef
    from maliradio.playback import recording
    from maliradio.playback.bootstrap import LibVlcMissing
    from maliradio.playback.engine import PlayerEngine
    from maliradio.playback.status import State, Status

    source = args.source
    if "://" in source:
        station = Station(id="url", name=source, country="INT", kind="radio",
                          streams=[StreamRef(source)])  # fmt: skip
    else:
        found = _load_catalog().get(source)
        if found is None:
            print(f"maliradio: station inconnue : {source}", file=sys.stderr)
            return 2
        station = found
    delay = 0.0
    if args.at:
        tz_name = args.tz or recording.COUNTRY_TZ.get(station.country)
        try:
            start = recording.next_start(args.at, tz_name, datetime.now().astimezone())
        except ValueError as exc:
            print(f"maliradio: {exc}", file=sys.stderr)
            return 2
        delay = max(0.0, (start - datetime.now().astimezone()).total_seconds())
        local = start.astimezone()
        _emit(
            args,
            {"event": "scheduled", "start": start.isoformat(), "local": local.isoformat()},
            f"Enregistrement programmé à {start:%H:%M} ({tz_name or 'heure locale'}), "
            f"soit {local:%H:%M} ici",
        )
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    try:
        engine = PlayerEngine(video=station.kind == "tv")
    except LibVlcMissing as exc:
        print(f"maliradio: {exc}", file=sys.stderr)
        return 3
    engine.set_muted(True)  # a recording, not a listening
    result = {"path": None, "error": ""}

    def on_status(st: Status) -> None:
        _emit(args, st.to_json(), st.text())
        if st.state is State.PLAYING and engine.recording is None and result["path"] is None:
            try:
                path = engine.start_recording(Path(args.output) if args.output else None)
            except (RuntimeError, OSError) as exc:
                result["error"] = str(exc)
                QTimer.singleShot(0, app.quit)
                return
            result["path"] = str(path)
            _emit(args, {"event": "recording", "path": str(path)}, f"Enregistrement : {path}")
            if args.duration is not None:
                QTimer.singleShot(int(args.duration * 1000), app.quit)
        elif st.state is State.ERROR:
            result["error"] = st.message
            QTimer.singleShot(0, app.quit)

    engine.statusChanged.connect(on_status)
    QTimer.singleShot(int(delay * 1000), lambda: engine.play_station(health.order_streams(station)))
    _run_until_quit(app)
    engine.statusChanged.disconnect(on_status)
    engine.stop_recording()
    engine.shutdown()
    if result["path"]:
        size = Path(result["path"]).stat().st_size if Path(result["path"]).exists() else 0
        _emit(
            args,
            {"event": "recorded", "path": result["path"], "bytes": size},
            f"Enregistré : {result['path']} ({size // 1000} Ko)",
        )
        return 0
    print(f"maliradio: rien n'a été enregistré ({result['error'] or 'arrêté'})", file=sys.stderr)
    return 1
