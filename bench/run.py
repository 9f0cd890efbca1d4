"""Benchmark of the page's server work on a synthetic store: load, filter changes, memory, ingest.

What is measured (all times are medians over the iterations, in milliseconds):

``load_ms``
    ``Strikes.from_store``: read the store and merge claims into strikes (what the page caches).
``filter_ms``
    One filter change after the data is cached, i.e. a rerun of the page: ``query.mask`` +
    ``query.summary`` + ``aggregate.place_totals`` with the tooltips' rows + ``unplaced_totals`` +
    ``series`` + ``slices_in`` + ``launch_arcs`` + the credit line's sources + the map layer
    payload (``maps`` deck JSON when ``dashboard/maps.py`` provides it, else the place totals as
    JSON records; ``layer_payload`` in the output says which). The circles are bounded as on the
    page (``maps.MAX_CIRCLES``, ``maps.CIRCLE_BYTES``). ``filter_ms_by_kind``: median per kind.
``partials_ms`` / ``partials_mb``
    Building the partial sums after the load (as the page's ``load``), and the memory they hold
    (with the year and month tables of ``dashboard/ranges.py`` where it exists).
``summary_ms``
    ``query.summary`` alone.
``naive_filter_ms`` / ``naive_summary_ms``
    The same answers computed the naive way, the page without a cache: every change reads the
    whole events table from SQLite (``Store.event_table``), filters the claims with pandas,
    merges what is left into strikes (``build_strikes``) and aggregates with groupby. Measured in
    the same run on the first ``--naive-iterations`` selections; ``ratio`` is the median of the
    per-selection ratios naive / cached.
``payload_bytes``
    Largest JSON payload for the map over the selections (``payload_bytes_median`` beside it).
``peak_rss_mb``
    ``resource.getrusage`` maxrss after loading and the cached filter changes, before the naive
    runs (which would raise it). Run as a script, pyarrow uses the system allocator, as the page
    does (``dashboard/views/data.py``).
``rss_held_after_load_mb``
    Resident memory right after loading (``/proc/self/statm``): what the cached data keeps.
``ingest_reports_per_s``
    Median per-transaction rate of ``Store.ingest`` while the store was generated (batches of
    200 reports of 10-50 events); ``store_generated`` says whether that happened in this run.
``calib_ms``
    A fixed CPU workload (sort 1e6 floats + a Python loop), to compare runs on a noisy machine.

Selections vary like a reader's: all dates, a day, a week, a month, a weapon class, a country,
a claimant side, a place search, and combinations; long date ranges (a calendar quarter or year,
"since" a day with an open end, any 45 to 700 days, a year and a weapon class); the time slice
varies too.

Usage::

    .venv/bin/python bench/run.py                      # 10k and 100k, a table
    .venv/bin/python bench/run.py --events 1000000     # one size
    .venv/bin/python bench/run.py --events 100000 --json
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:      # kinds.py beside this file, however run.py is imported
    sys.path.insert(1, str(HERE))

from dashboard import aggregate, partials, query  # noqa: E402
from dashboard.query import Selection, Strikes  # noqa: E402
from dashboard.store import Store  # noqa: E402

from kinds import selections  # noqa: E402,F401 (the reader's clicks; run.selections for the tests)

try:                    # absent before round 4: the same benchmark measures the code before it
    from dashboard import ranges  # noqa: E402
except ImportError:
    ranges = None

try:                    # absent before round 5
    from dashboard import rates  # noqa: E402
except ImportError:
    rates = None

STORES = HERE / "stores"
#: Text columns of the tooltip's representative strike (as `views/data.TIP_COLUMNS`).
TIP_COLUMNS = ["place", "country", "evidence", "source", "title", "claimed_by"]

if __name__ == "__main__" and os.environ.get("BENCH_ARROW_POOL") != "default":
    import pyarrow as pa      # the allocator the page uses (dashboard/views/data.py)

    pa.set_memory_pool(pa.system_memory_pool())


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_now_mb() -> float:
    """Resident memory of this process now (what the cached data holds), in MB."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def median(values) -> float | None:
    values = list(values)
    return round(statistics.median(values), 2) if values else None


def calibrate(repeats: int = 5) -> float:
    """Median ms of a fixed workload: the machine's speed right now."""
    rng = np.random.default_rng(0)
    data = rng.random(1_000_000)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        np.sort(data)
        sum(i * i for i in range(200_000))
        times.append(time.perf_counter() - t)
    return ms(statistics.median(times))


# -- the map payload ----------------------------------------------------------------------
def _maps():
    """dashboard.maps if it exists (written beside this benchmark), else None."""
    try:
        from dashboard import maps
    except ImportError:
        return None
    needed = ("load_basemap", "place_points", "arc_routes", "points_layer", "arcs_layer", "land_layer",
              "admin1_layer", "labels_layer", "top_place_labels", "build_deck")
    return maps if all(hasattr(maps, n) for n in needed) else None


class Page:
    """What the page keeps beside the data (`views/data.build_loaded`): the basemap, the sources'
    codes, and the arrays and partial sums the aggregates derive once per store."""

    def __init__(self, data: Strikes, precompute: bool = True):
        self.maps = _maps()
        self.basemap = self.maps.load_basemap() if self.maps else None
        s = data.strikes
        if len(s):
            aggregate.tip_places(data), aggregate.date_order(data), aggregate.drawable(data)
        self.source_code, self.source_names = pd.factorize(data.source_or_title(np.arange(len(s))))
        t = time.perf_counter()
        found = partials.of(data) if precompute else None    # the naive page has no cache
        self.partials_ms = ms(time.perf_counter() - t)
        held = found.nbytes() + (ranges.nbytes(data) if ranges else 0) if found is not None else None
        self.partials_mb = round(held / 2**20, 2) if held is not None else None

    @property
    def kind(self) -> str:
        return "maps deck JSON" if self.maps else "place_totals JSON records (maps.py missing)"

    def representative(self, data: Strikes, sel: Selection) -> pd.DataFrame:
        """The latest drawn strike per place: evidence and source for the tooltip (as
        `views/data.representative`)."""
        picked = data.rows(aggregate.latest_per_place(data, sel), TIP_COLUMNS)
        picked["source"] = picked["source"].where(picked["source"].notna(), picked["title"])
        return picked.drop(columns=["title", "claimed_by"]).reset_index(drop=True)

    def sources(self, keep: np.ndarray) -> list[str]:
        """The credit line's sources (as `views/data.sources_of`)."""
        present = np.bincount(self.source_code[keep] + 1, minlength=len(self.source_names) + 1)
        return [self.source_names[c] for c in np.flatnonzero(present[1:])]

    def tables(self, data: Strikes, sel: Selection, places: pd.DataFrame):
        """The aggregate frames the map layers are built from: places with tips, launch arcs."""
        arcs = aggregate.launch_arcs(data, sel)
        if self.maps is None or not len(places):
            return places, arcs
        places = places.merge(self.representative(data, sel), on=["place", "country"], how="left",
                              suffixes=("", "_tip"))
        return places, arcs

    def basemap_layers(self) -> list:
        return [self.maps.land_layer(self.basemap), self.maps.admin1_layer(self.basemap),
                self.maps.labels_layer(self.basemap.labels)]

    def payload(self, places: pd.DataFrame, arcs: pd.DataFrame) -> str:
        """The JSON the browser receives for the map: the deck spec (basemap, arcs, circles, labels)."""
        if self.maps is None:
            return places.to_json(orient="records", date_format="iso", force_ascii=False)
        m = self.maps
        figure = "intercepted"
        top = pd.to_numeric(places[figure], errors="coerce").max() if len(places) else None
        points = m.place_points(places, figure=figure, scale_max=None if pd.isna(top) else float(top))
        layers = [*self.basemap_layers()[:2], m.arcs_layer(m.arc_routes(arcs)), m.points_layer(points),
                  self.basemap_layers()[2], m.labels_layer(m.top_place_labels(points), layer_id="place-labels")]
        return m.build_deck(layers).to_json()

    def basemap_bytes(self) -> int:
        """Bytes of a deck with the basemap layers only: the part every rerun resends unchanged."""
        return len(self.maps.build_deck(self.basemap_layers()).to_json().encode()) if self.maps else 0


# -- one filter change ----------------------------------------------------------------------
def filter_change(data: Strikes, sel: Selection, page: Page) -> tuple[float, float, int]:
    """What a rerun of the page computes after the data is cached.

    Returns seconds spent in query/aggregate (what views/map_page.py asks for: summary, place
    totals with the tooltips' representative rows, the places not drawn, series, slices, launch
    arcs, the credit line's sources), seconds spent building the deck JSON, and its bytes.
    """
    t0 = time.perf_counter()
    keep = query.mask(data, sel)
    query.summary(data, sel)
    if rates is not None:
        rates.paired_totals(data, sel)        # the interception-rate tile
    places = aggregate.place_totals(data, sel)
    aggregate.unplaced_totals(data, sel)
    aggregate.series(data, sel)
    aggregate.slices_in(data, sel)
    page.sources(keep)
    places, arcs = page.tables(data, sel, places)
    t1 = time.perf_counter()
    size = len(page.payload(places, arcs).encode("utf-8"))
    return t1 - t0, time.perf_counter() - t1, size


def naive_strikes(store: Store, sel: Selection) -> tuple[Strikes, Selection]:
    """The naive way: read everything, filter the claims with pandas, dedupe what is left."""
    claims = store.event_table()
    dates = pd.to_datetime(claims["date"], errors="coerce")
    keep = np.ones(len(claims), dtype=bool)
    if sel.date_from:
        keep &= (dates >= str(sel.date_from)).to_numpy()
    if sel.date_to:
        keep &= (dates <= str(sel.date_to)).to_numpy()
    if sel.country:
        keep &= claims["country"].isin(sel.country).to_numpy()
    if sel.place:
        keep &= claims["place"].fillna("").str.contains(sel.place, case=False, regex=False).to_numpy()
    if sel.source:
        keep &= claims["source"].isin(sel.source).to_numpy()
    data = Strikes.from_claims(claims[keep])
    # weapon classes and claimant sides are decided by the merge: filter after it
    return data, Selection(weapon=sel.weapon, claimant=sel.claimant, slice=sel.slice)


def naive_change(store: Store, sel: Selection) -> int:
    data, rest = naive_strikes(store, sel)
    _, _, size = filter_change(data, rest, Page(data, precompute=False))
    return size


def naive_summary(store: Store, sel: Selection) -> dict:
    data, rest = naive_strikes(store, sel)
    return query.summary(data, rest)


# -- the run ----------------------------------------------------------------------------------
def measure(path: str | Path, iterations: int = 33, naive_iterations: int = 5, load_repeats: int = 3,
            seed: int = 0) -> dict:
    """Measure one store; returns the result fields (see the module docstring)."""
    rss_start = rss_mb()
    calib = [calibrate()]
    loads = []
    for _ in range(load_repeats):
        data = None
        with Store(path) as store:
            t = time.perf_counter()
            data = Strikes.from_store(store)
            loads.append(time.perf_counter() - t)
    rss_loaded = rss_mb()
    rss_held = rss_now_mb()
    page = Page(data)
    sels = selections(data, iterations, seed)
    for _, sel in sels[:3]:                      # warm caches (first calls import and compile)
        filter_change(data, sel, page)
    filter_t, query_t, layers_t, summary_t, payloads, by_kind = [], [], [], [], [], {}
    for kind, sel in sels:
        q, lay, size = filter_change(data, sel, page)
        query_t.append(q)
        layers_t.append(lay)
        filter_t.append(q + lay)
        payloads.append(size)
        by_kind.setdefault(kind, []).append(filter_t[-1])
        t = time.perf_counter()
        query.summary(data, sel)
        summary_t.append(time.perf_counter() - t)
    peak = rss_mb()
    calib.append(calibrate())
    naive_t, naive_s, ratios = [], [], []
    with Store(path) as store:
        for i, (kind, sel) in enumerate(sels[:naive_iterations]):
            t = time.perf_counter()
            naive_change(store, sel)
            naive_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            naive_summary(store, sel)
            naive_s.append(time.perf_counter() - t)
            ratios.append(naive_t[-1] / filter_t[i])
        counts = store.counts()
    calib.append(calibrate())
    return {
        "events": counts["events"], "reports": counts["reports"], "strikes": int(len(data.strikes)),
        "load_ms": median(ms(x) for x in loads),
        "partials_ms": page.partials_ms, "partials_mb": page.partials_mb,
        "filter_ms": median(ms(x) for x in filter_t),
        "filter_p90_ms": round(float(np.percentile([ms(x) for x in filter_t], 90)), 2),
        "filter_ms_by_kind": {k: median(ms(x) for x in v) for k, v in by_kind.items()},
        "query_ms": median(ms(x) for x in query_t), "query_p90_ms": round(float(np.percentile(
            [ms(x) for x in query_t], 90)), 2), "layers_ms": median(ms(x) for x in layers_t),
        "summary_ms": median(ms(x) for x in summary_t),
        "naive_filter_ms": median(ms(x) for x in naive_t),
        "naive_summary_ms": median(ms(x) for x in naive_s),
        "filter_ms_same_selections": median(ms(x) for x in filter_t[:len(naive_t)]),
        "ratio": round(statistics.median(ratios), 1) if ratios else None,
        "payload_bytes": int(max(payloads)), "payload_bytes_median": int(statistics.median(payloads)),
        "payload_basemap_bytes": page.basemap_bytes(),
        "layer_payload": page.kind,
        "peak_rss_mb": round(peak, 1), "rss_after_imports_mb": round(rss_start, 1),
        "rss_after_load_mb": round(rss_loaded, 1),
        "rss_held_after_load_mb": round(rss_held, 1), "peak_rss_with_naive_mb": round(rss_mb(), 1),
        "calib_ms": median(calib), "iterations": len(sels), "naive_iterations": len(naive_t),
        "load_repeats": load_repeats,
    }


def ensure_store(n_events: int, seed: int, store: str | None, fresh: bool) -> tuple[Path, dict, bool]:
    """The store to measure, generated in a child process (so its memory is not counted)."""
    path = Path(store) if store else STORES / f"events_{n_events}_s{seed}.sqlite"
    stats_path = path.with_suffix(".json")
    if path.exists() and not fresh:
        stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
        return path, stats, False
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.parent == STORES and not (STORES / ".gitignore").exists():
        (STORES / ".gitignore").write_text("# generated benchmark stores: never committed\n*\n")
    out = subprocess.run([sys.executable, str(HERE / "generate.py"), "--events", str(n_events),
                          "--seed", str(seed), "--out", str(path)], check=True, capture_output=True, text=True)
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    stats_path.write_text(json.dumps(stats))
    return path, stats, True


def run_one(args, n_events: int) -> dict:
    path, stats, generated = ensure_store(n_events, args.seed, args.store, args.fresh)
    result = measure(path, args.iterations, args.naive_iterations, args.load_repeats, args.seed)
    result.update(ingest_reports_per_s=stats.get("ingest_reports_per_s"),
                  ingest_events_per_s=stats.get("ingest_events_per_s"), store_generated=generated,
                  store=str(path), date=dt.date.today().isoformat())
    return result


TABLE = [("events", "events"), ("load_ms", "load ms"), ("filter_ms", "filter ms"),
         ("naive_filter_ms", "naive ms"), ("ratio", "ratio"), ("summary_ms", "summary ms"),
         ("naive_summary_ms", "naive summary ms"), ("payload_bytes", "payload B"),
         ("peak_rss_mb", "peak RSS MB"), ("ingest_reports_per_s", "ingest reports/s"), ("calib_ms", "calib ms")]


def table(results: list[dict]) -> str:
    lines = ["| " + " | ".join(h for _, h in TABLE) + " |", "|" + "---|" * len(TABLE)]
    lines += ["| " + " | ".join(str(r.get(k)) for k, _ in TABLE) + " |" for r in results]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", default="10000,100000", help="store size(s), comma-separated")
    ap.add_argument("--json", action="store_true", help="print one JSON object (one size only)")
    ap.add_argument("--store", help="measure this store instead of bench/stores/events_<N>_s<seed>.sqlite")
    ap.add_argument("--fresh", action="store_true", help="regenerate the store even if it exists")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--iterations", type=int, default=48, help="filter changes measured (3 per kind)")
    ap.add_argument("--naive-iterations", type=int, default=5, help="naive changes measured")
    ap.add_argument("--load-repeats", type=int, default=3, help="loads measured")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.events.split(",") if x]
    if len(sizes) == 1:
        result = run_one(args, sizes[0])
        print(json.dumps(result) if args.json else table([result]))
        return 0
    if args.json or args.store:
        ap.error("--json and --store take one size")
    results = []
    for n in sizes:     # one process per size, so each peak RSS is its own
        cmd = [sys.executable, __file__, "--events", str(n), "--json", "--seed", str(args.seed),
               "--iterations", str(args.iterations), "--naive-iterations", str(args.naive_iterations),
               "--load-repeats", str(args.load_repeats)] + (["--fresh"] if args.fresh else [])
        results.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout))
        print(json.dumps(results[-1]), file=sys.stderr)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
