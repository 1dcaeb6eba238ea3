"""`maliradio check` (are the streams alive?) and `maliradio catalogue update` (fetch the
published catalogue now)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

_STATUS_TEXT = {
    "ok": "OK",
    "dead": "MORT",
    "timeout": "MUET",
    "not-audio": "PAS AUDIO",
    "error": "ERREUR",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from maliradio.catalog.check import DEFAULT_TIMEOUT

    p = sub.add_parser(
        "check",
        help="vérifie que les flux des stations envoient vraiment du son ou de l'image",
        description=(
            "Ouvre chaque flux comme le lecteur (sans rien jouer) et lit ses premiers octets. "
            "Code de sortie 0 quand chaque station a au moins un flux qui marche, 1 sinon."
        ),
    )
    p.add_argument(
        "stations", nargs="*", metavar="STATION", help="identifiants (toutes par défaut)"
    )
    p.add_argument("--json", action="store_true", help="un objet JSON par flux, puis le bilan")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"secondes de silence tolérées par lecture (défaut : {DEFAULT_TIMEOUT:g})",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("catalogue", help="le catalogue de stations publié par le projet")
    csub = p.add_subparsers(dest="catalogue_command", metavar="ACTION", required=True)
    u = csub.add_parser("update", help="récupère maintenant le catalogue publié (signé)")
    u.add_argument("--json", action="store_true", help="résultat en JSON")
    u.set_defaults(func=cmd_catalogue_update)
    v = csub.add_parser(
        "verify", help="vérifie un catalogue et sa signature comme l'application (mainteneurs)"
    )
    v.add_argument("file", metavar="FICHIER", help="le stations.json à publier")
    v.add_argument("--signature", metavar="MINISIG", help="défaut : FICHIER.minisig")
    v.set_defaults(func=cmd_catalogue_verify)


def _load_catalog() -> Any:
    from maliradio.catalog.stations import Catalog

    cat = Catalog.load()
    for err in cat.errors:
        print(f"maliradio: {err}", file=sys.stderr)
    return cat


def _human(r: Any) -> str:
    parts = [f"{_STATUS_TEXT.get(r.status, r.status):<9}", f"{r.station:<16}"]
    if r.ok:
        media = r.codec or "?"
        if r.bitrate:
            media += f" {r.bitrate} kbit/s"
        if r.variants:
            media += f", {len(r.variants)} variante(s)"
        parts.append(media)
    else:
        parts.append(r.error or "")
    parts.append(f"({r.seconds:.1f} s) {r.url}")
    return "  ".join(parts)


def cmd_check(args: argparse.Namespace) -> int:
    from maliradio.catalog import check, health

    cat = _load_catalog()
    if args.stations:
        unknown = [sid for sid in args.stations if cat.get(sid) is None]
        if unknown:
            print(
                f"maliradio: station inconnue : {', '.join(unknown)} (voir « maliradio stations »)",
                file=sys.stderr,
            )
            return 2
        stations = [cat.get(sid) for sid in dict.fromkeys(args.stations)]
    else:
        stations = list(cat.stations)

    def show(r: check.StreamCheck) -> None:
        if args.json:
            print(json.dumps(r.to_json(), ensure_ascii=False), flush=True)
        else:
            print(_human(r), flush=True)

    results = check.check_stations(stations, timeout=max(0.5, args.timeout), on_result=show)
    try:
        health.record(check.outcomes(results))
    except OSError as exc:
        print(f"maliradio: historique des flux non enregistré : {exc}", file=sys.stderr)
    total = check.summary(stations, results)
    if args.json:
        print(json.dumps(total, ensure_ascii=False), flush=True)
    else:
        print(
            f"{total['streams']} flux vérifiés — OK : {total['ok']}, morts : {total['dead']}, "
            f"muets : {total['timeout']}, sans audio : {total['not-audio']}, "
            f"en erreur : {total['error']} ; stations avec un flux qui marche : "
            f"{total['stations_ok']} sur {total['stations']}."
        )
        if total["stations_down"]:
            print("Sans flux qui marche : " + ", ".join(total["stations_down"]))
        if total["no_stream"]:
            print("Aucun flux connu (non vérifiées) : " + ", ".join(total["no_stream"]))
    return 0 if not total["stations_down"] else 1


def cmd_catalogue_update(args: argparse.Namespace) -> int:
    from maliradio.catalog import published
    from maliradio.settings import Settings

    result = published.update(Settings.load().catalogue_url)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        text = {
            "updated": f"Catalogue publié {result.version} reçu : {result.stations} stations.",
            "not-modified": f"Catalogue publié inchangé ({result.version}).",
            "rejected": f"Catalogue publié refusé : {result.error}.",
            "error": f"Catalogue publié non récupéré : {result.error}.",
        }[result.status]
        print(text, file=sys.stdout if result.status in ("updated", "not-modified") else sys.stderr)
    return 0 if result.status in ("updated", "not-modified") else 1


def cmd_catalogue_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from maliradio.catalog import published

    path = Path(args.file)
    try:
        data = path.read_bytes()
        signature = Path(args.signature or f"{path}.minisig").read_bytes()
        found = published.verify(data, signature, str(path))
    except OSError as exc:
        print(f"maliradio: {exc}", file=sys.stderr)
        return 2
    except published.Rejected as exc:
        print(f"maliradio: catalogue refusé : {exc}", file=sys.stderr)
        return 1
    print(
        f"Catalogue {found.version} valide et signé ({len(found.stations)} stations ; "
        f"commentaire de confiance : {found.trusted_comment})"
    )
    return 0
