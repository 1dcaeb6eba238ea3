"""`startup_to_news_s` / `startup_vs_bare_qt` and the search figures."""

from __future__ import annotations

import json
import shutil
import statistics
import time

import newsdb
from _common import BENCH_DIR, bench_env, median, run_json

# what a person types in the search box: 30 words, 10 two-word queries
WORDS = """gouvernement sécurité élection président ministre attaque agriculture paludisme
Tombouctou Ouagadougou transition frontière humanitaire électricité carburant football
festival université baccalauréat coopération inondations hivernage Niamey Bamako
réconciliation entrepreneuriat infrastructures assainissement transhumance numérique""".split()
PAIRS = ["prix carburant", "attaque terroriste", "eau potable", "aide alimentaire",
         "campagne agricole", "assemblée nationale", "Burkina Faso", "fleuve Niger",
         "coupe championnat", "dialogue paix"]  # fmt: skip


def typed_queries() -> list[str]:
    """Every prefix from 3 characters on, as the box holds them while a person types."""
    out = []
    for text in [*WORDS, *PAIRS]:
        out += [text[:k] for k in range(3, len(text) + 1)]
    return out


def startup(bench) -> None:
    """A fresh process each run, bare QMainWindow and the app alternated, on Xvfb (xcb);
    automatic refresh on (settings default, MALIRADIO_OFFLINE unset), its sources refused."""
    home = bench.home("startup", refresh_minutes=30)
    newsdb.install(bench.dbs()["10k"], home)
    env = bench_env(home, MALIRADIO_OFFLINE="", **bench.display_env())
    n = bench.runs(11, 2)
    app, bare, marks = [], [], []
    for i in range(n + 1):  # run 0 of each warms the file cache and is dropped
        for mode in ("bare", "app"):
            t0 = time.monotonic()
            r = run_json([str(BENCH_DIR / "startup_probe.py"), mode], env, timeout=60)
            m = r["marks"]
            end = m.get("news_rows_painted") if mode == "app" else m["first_paint_done"]
            if i == 0:
                continue
            if mode == "bare":
                bare.append(m["first_paint_done"] - t0)
            else:
                app.append(end - t0 if end else None)
                marks.append({k: round(v - t0, 3) for k, v in m.items()})
    ok = [a for a in app if a is not None]
    f = bench.figures
    f["startup_to_news_s"] = median(ok) if len(ok) == len(app) else None
    f["startup_vs_bare_qt"] = median(ok) / median(bare) if ok and len(ok) == len(app) else None
    first = [mk.get("first_paint_done") for mk in marks]
    bench.details["startup"] = {"app_s": app, "bare_s": bare, "app_marks": marks}
    bench.context(
        "startup_to_news_s",
        f"median of {len(app)} (max {max(ok):.3f} s, min {min(ok):.3f}); first paint of the window "
        f"{median(first):.3f} s; 10,000 articles; {len(app) - len(ok)} runs without rows",
    )
    bench.context("startup_vs_bare_qt", f"bare QMainWindow {median(bare):.3f} s "
                  f"({min(bare):.3f}..{max(bare):.3f}), alternated run by run")  # fmt: skip


def search(bench) -> None:
    db = bench.tmp / "search.sqlite3"
    shutil.copyfile(bench.dbs()["100k"], db)
    qfile = bench.tmp / "queries.json"
    queries = typed_queries()
    qfile.write_text(json.dumps(queries, ensure_ascii=False))
    r = run_json([str(BENCH_DIR / "news_probe.py"), "search", str(db), str(qfile)],
                 bench_env(bench.home("search")), timeout=600)  # fmt: skip
    ms = r["ms"]
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1]
    worst = max(range(len(ms)), key=ms.__getitem__)
    bench.figures["search_p95_ms"] = p95
    bench.figures["search_max_ms"] = max(ms)
    slow = sorted(range(len(ms)), key=ms.__getitem__)[-5:]
    bench.details["search"] = {**r, "slowest": [(queries[i], round(ms[i], 1)) for i in slow]}
    bench.context(
        "search_p95_ms",
        f"{len(ms)} queries (prefixes of 30 words and 10 pairs, from 3 characters), "
        f"{r['articles']:,} articles, {r['indexed']:,} indexed, {r['pending']} pending; "
        f"median {statistics.median(ms):.1f} ms",
    )
    bench.context("search_max_ms", f"'{queries[worst]}' {ms[worst]:.1f} ms; first query "
                  f"'{queries[0]}' {ms[0]:.1f} ms; slowest: "
                  + ", ".join(f"'{queries[i]}' {ms[i]:.0f}" for i in reversed(slow)))  # fmt: skip
