"""Synthetic stores for the benchmarks: N events that look like the real thing.

The data imitates what the extractor stores. Strikes fall on dates from 24 Feb 2022 to late 2026
(more of them as the war goes on) at a few thousand places of Ukraine and western Russia taken
from the shipped gazetteer data (``data/places.csv.gz``, ``data/admin1_names.csv``,
``data/regions.csv``, ``data/curated_places.csv``), plus country totals, regional breakdowns,
macro-regions, seas, facilities and a few unresolved names for the same nights. Each strike is
told by one to five claims from different reports and claimants (air force, ministries,
governors, mayors, news agencies; sometimes the attacking side too), with figures that differ a
little between claims, unspecified weapon classes, some launch sites and a few undated claims.

Claims are grouped into reports of 10-50 events (first reports, then follow-ups) and written
through `dashboard.store.Store.ingest`, a batch of reports per transaction, so the ingest rate
measured here is the store's own. Records are built column-wise with numpy; nothing calls the
gazetteer per event.

Usage::

    .venv/bin/python bench/generate.py --events 100000 --out bench/stores/events_100000.sqlite
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.events import FIGURES  # noqa: E402
from dashboard.reports import Report  # noqa: E402
from dashboard.store import Store  # noqa: E402

DATA = ROOT / "data"
START, END = dt.date(2022, 2, 24), dt.date(2026, 11, 24)
WEAPONS = np.array(["drone", "cruise_missile", "ballistic_missile", "missile", "glide_bomb", "unknown"])
#: Weapon mix by attacker: RU strikes on Ukraine, UA strikes on Russia.
WEAPON_P = {"RU": [0.55, 0.12, 0.10, 0.05, 0.12, 0.06], "UA": [0.85, 0.03, 0.04, 0.05, 0.0, 0.03]}
MODELS = {"drone": ["Shahed-136", "Geran-2", "Lyutyi", "", ""], "cruise_missile": ["Kh-101", "Kalibr", "Kh-555"],
          "ballistic_missile": ["Iskander-M", "KN-23", "ATACMS", "Kinzhal"], "missile": ["", "S-300"],
          "glide_bomb": ["KAB-500", "FAB-500", "UMPK"], "unknown": [""]}
PLURAL = {"drone": "drones", "cruise_missile": "cruise missiles", "ballistic_missile": "ballistic missiles",
          "missile": "missiles", "glide_bomb": "guided bombs", "unknown": "aerial weapons"}
LEVELS = ["country", "region", "macro_region", "sea", "facility", "city", "unresolved"]
LEVEL_P = {"UA": [0.05, 0.20, 0.01, 0.01, 0.02, 0.69, 0.02], "RU": [0.04, 0.30, 0.0, 0.01, 0.10, 0.53, 0.02]}
#: Claimants by defending side: (first claim by level group, follow-up claimants).
CLAIMANTS = {
    "UA": {"total": ["Ukrainian Air Force", "General Staff of Ukraine"],
           "region": ["regional military administration", "Defence Forces of the South", "governor"],
           "local": ["mayor", "governor", "State Emergency Service", "city military administration"],
           "more": ["Ukrainska Pravda", "Reuters", "Kyiv Independent", "AFP", "Ukrainian officials",
                    "Ukrainian Air Force", "governor", "Interior Ministry"]},
    "RU": {"total": ["Russian Defence Ministry"], "region": ["governor", "Russian Defence Ministry"],
           "local": ["governor", "mayor", "regional administration"],
           "more": ["TASS", "RIA Novosti", "Reuters", "governor", "Russian officials", "AFP"]},
}
OUTLETS = {"UA": ["Kyiv Independent", "Ukrainska Pravda", "Ukrinform", "Suspilne", "Reuters", "AP"],
           "RU": ["TASS", "RIA Novosti", "Reuters", "Meduza", "AP", "BBC"]}
LAUNCH_SITES = ["Primorsko-Akhtarsk", "Kursk", "Oryol", "Millerovo", "Yeysk", "Bryansk", "Shatalovo",
                "Belgorod", "Taganrog", "Engels-2 airbase", "Olenya airbase", "Morozovsk airbase"]
UNRESOLVED = ["Pokrovsky district", "Shostka community", "the Nikopol district", "Velykyi Burluk community",
              "Sudzha district", "Kupiansk district", "Chasiv Yar outskirts", "Kozacha Lopan village"]


def place_pools(seed: int = 0, cities: int = 3000) -> dict[str, pd.DataFrame]:
    """Places by level: name, country, admin1, lat, lon, geo_precision, weight.

    ``cities`` places of Ukraine and western Russia are drawn by population; regions, countries,
    facilities, macro-regions and seas come from the shipped tables.
    """
    rng = np.random.default_rng(seed)
    admin1 = pd.read_csv(DATA / "admin1_names.csv").set_index("adm1_code")["name"]
    regions = pd.read_csv(DATA / "regions.csv").set_index("key")
    places = pd.read_csv(DATA / "places.csv.gz", usecols=["name", "country", "adm1_key", "lat", "lon", "population"])
    places = places[places["country"].isin(["UA", "RU"]) & (places["lon"] < 50) & (places["lat"] < 60)]
    weight = (places["population"].clip(lower=500) ** 0.7).to_numpy(float)
    pick = rng.choice(len(places), size=min(cities, len(places)), replace=False, p=weight / weight.sum())
    city = places.iloc[np.sort(pick)].assign(admin1=lambda d: d["adm1_key"].map(admin1), geo_precision="city")
    city["weight"] = city["population"].clip(lower=500) ** 0.7
    region = pd.DataFrame({"name": admin1.values, "admin1": admin1.values,
                           "country": [("UA" if k.startswith("UKR") else "RU") for k in admin1.index],
                           "lat": regions.reindex(admin1.index)["lat"].to_numpy(),
                           "lon": regions.reindex(admin1.index)["lon"].to_numpy(), "geo_precision": "region"})
    region = region[~admin1.index.str.startswith("BLR") & (region["lon"].to_numpy() < 50)]
    region["weight"] = np.where(region["country"] == "UA", 3.0, 1.0)
    curated = pd.read_csv(DATA / "curated_places.csv").rename(columns={"precision": "geo_precision"})
    pools = {"city": city, "region": region}
    for level in ("country", "macro_region", "sea", "facility"):
        rows = curated[curated["geo_precision"] == level]
        if level == "country":
            rows = rows[rows["country"].isin(["UA", "RU"])]
        pools[level] = rows.assign(weight=1.0)
    pools["unresolved"] = pd.DataFrame({"name": UNRESOLVED, "country": None, "admin1": None, "lat": np.nan,
                                        "lon": np.nan, "geo_precision": None, "weight": 1.0})
    cols = ["name", "country", "admin1", "lat", "lon", "geo_precision", "weight"]
    return {k: v[cols].reset_index(drop=True) for k, v in pools.items()}


def _pick_places(rng, pools, level: np.ndarray, defender: np.ndarray) -> pd.DataFrame:
    """One place row per strike, from the pool of its level, in the defending country if it has one."""
    out = []
    index = np.arange(len(level))
    for name, pool in pools.items():
        for side in ("UA", "RU"):
            want = index[(level == name) & (defender == side)]
            if not len(want):
                continue
            sub = pool[(pool["country"] == side) | pool["country"].isna()] if name != "sea" else pool
            sub = sub if len(sub) else pool
            w = sub["weight"].to_numpy(float)
            rows = sub.iloc[rng.choice(len(sub), size=len(want), p=w / w.sum())].assign(_i=want)
            out.append(rows)
    return pd.concat(out).sort_values("_i").drop(columns=["_i", "weight"]).reset_index(drop=True)


def claims_frame(n_events: int, seed: int = 0, pools=None) -> pd.DataFrame:
    """``n_events`` claims as a DataFrame of event fields (no ids, reports or spans yet)."""
    rng = np.random.default_rng(seed)
    pools = pools or place_pools(seed)
    days = (END - START).days + 1
    n_strikes = int(n_events / 2.2) + 10
    per = np.minimum(1 + rng.poisson(1.3, n_strikes), 5)
    n_strikes = int(np.searchsorted(np.cumsum(per), n_events) + 1)
    per = per[:n_strikes]
    per[-1] -= per.sum() - n_events
    ramp = np.linspace(1.0, 3.0, days)
    day = rng.choice(days, size=n_strikes, p=ramp / ramp.sum())
    defender = np.where(rng.random(n_strikes) < 0.72, "UA", "RU")
    level = np.empty(n_strikes, dtype=object)
    weapon = np.empty(n_strikes, dtype=object)
    for side in ("UA", "RU"):
        m = defender == side
        level[m] = rng.choice(LEVELS, size=m.sum(), p=LEVEL_P[side])
        weapon[m] = rng.choice(WEAPONS, size=m.sum(), p=WEAPON_P["RU" if side == "UA" else "UA"])
    place = _pick_places(rng, pools, level, defender)
    big = np.isin(level, ["country", "region", "macro_region", "sea"])
    launched = np.where(level == "country", rng.lognormal(3.6, 0.8, n_strikes), rng.lognormal(1.8, 0.9, n_strikes))
    launched = np.maximum(1, launched.round()).astype(int)
    # claims: repeat strike fields, then vary what each claimant says
    s = np.repeat(np.arange(n_strikes), per)
    j = np.arange(n_events) - np.repeat(np.cumsum(per) - per, per)    # 0 for the first claim of a strike
    df = place.iloc[s].reset_index(drop=True)
    df["strike"] = s
    df["j"] = j
    df["defender"] = defender[s]
    attacker = np.where(defender[s] == "UA", "RU", "UA").astype(object)
    group = np.where(big[s], np.where(level[s] == "region", "region", "total"), "local")
    r = rng.random(n_events)
    claimed = np.empty(n_events, dtype=object)
    for side in ("UA", "RU"):
        for g in ("total", "region", "local"):
            m = (df["defender"].to_numpy() == side) & (group == g)
            first = m & (j == 0)
            claimed[first] = rng.choice(CLAIMANTS[side][g], size=first.sum())
            later = m & (j > 0)
            claimed[later] = rng.choice(CLAIMANTS[side]["more"] + CLAIMANTS[side][g], size=later.sum())
    # the attacking side's own claim about a strike in Russia: kept apart as an alternative
    other = (df["defender"].to_numpy() == "RU") & (j > 0) & (r < 0.25) & ~big[s]
    claimed[other] = "General Staff of Ukraine"
    mayor = claimed == "mayor"
    claimed[mayor] = ["mayor of " + str(p) for p in df["name"].to_numpy()[mayor]]
    df["claimed_by"] = claimed
    df["attacker"] = np.where(rng.random(n_events) < 0.85, attacker, None)
    w = weapon[s].copy()
    vague = rng.random(n_events) < 0.15
    w[vague & np.isin(w, ["cruise_missile", "ballistic_missile"])] = "missile"
    w[vague & (w == "drone")] = "unknown"
    df["weapon"] = w
    model = np.full(n_events, None, dtype=object)
    for cls, names in MODELS.items():
        m = w == cls
        model[m] = rng.choice(names, size=m.sum())
    df["weapon_model"] = np.where(model == "", None, model)
    noise = rng.integers(-2, 3, n_events)
    stated = rng.random((n_events, len(FIGURES)))
    base = launched[s]
    figures = {
        "launched": np.where(big[s] & (stated[:, 0] < 0.7), base + np.maximum(noise, 0), -1),
        "intercepted": np.where(big[s] & (stated[:, 1] < 0.85), np.maximum(0, (base * 0.85).round() + noise), -1),
        "lost": np.where(big[s] & (stated[:, 2] < 0.1), rng.integers(0, 4, n_events), -1),
        "hit": np.where(~big[s] & (stated[:, 3] < 0.3), rng.integers(1, 4, n_events), -1),
        "killed": np.where(~big[s] & (stated[:, 4] < 0.35), rng.poisson(1.5, n_events), -1),
        "injured": np.where(~big[s] & (stated[:, 5] < 0.5), rng.poisson(4.0, n_events), -1),
    }
    for f, v in figures.items():
        df[f] = pd.array(np.where(v < 0, 0, v), dtype="Int64")
        df.loc[v < 0, f] = pd.NA
    df["at_least"] = np.where((rng.random(n_events) < 0.05) & df["killed"].notna().to_numpy(), "killed", "")
    date = np.datetime64(START) + day[s].astype("timedelta64[D]")
    undated = rng.random(n_events) < 0.01
    df["date"] = np.where(undated, None, date.astype(str).astype(object))
    df["date_precision"] = np.where(undated, "unknown", np.where(rng.random(n_events) < 0.6, "night", "day"))
    df["date_inferred"] = rng.random(n_events) < 0.3
    df["published"] = date + np.minimum(j, 3).astype("timedelta64[D]")
    launch = (df["defender"].to_numpy() == "UA") & big[s] & (rng.random(n_events) < 0.15)
    sites = pd.concat([pools["city"], pools["facility"]]).drop_duplicates("name").set_index("name")
    sites = sites.reindex(LAUNCH_SITES).dropna(subset=["lat"])
    site = rng.choice(sites.index.to_numpy(), size=n_events)
    df["launch_place"] = np.where(launch, site, None)
    df["launch_lat"] = np.where(launch, sites["lat"].reindex(site).to_numpy(), np.nan)
    df["launch_lon"] = np.where(launch, sites["lon"].reindex(site).to_numpy(), np.nan)
    df = df.rename(columns={"name": "place"})
    df["evidence"] = _sentences(df)
    return df


def _sentences(df: pd.DataFrame) -> list[str]:
    """One sentence per claim, in the words a report would use."""
    out = []
    rows = zip(df["claimed_by"], df["place"], df["weapon"], df["launched"], df["intercepted"],
               df["killed"], df["injured"], df["geo_precision"])
    for who, place, weapon, launched, intercepted, killed, injured, prec in rows:
        things = PLURAL[weapon]
        if launched is not pd.NA and intercepted is not pd.NA:
            out.append(f"The {who} said {launched} {things} were launched towards {place} overnight "
                       f"and {intercepted} of them were shot down.")
        elif intercepted is not pd.NA:
            out.append(f"Air defences destroyed {intercepted} {things} over {place}, the {who} said.")
        elif killed is not pd.NA or injured is not pd.NA:
            k = "an unknown number of" if killed is pd.NA else killed
            i = "several" if injured is pd.NA else injured
            out.append(f"{k} people were killed and {i} injured when {things} struck {place}, "
                       f"according to the {who}.".capitalize())
        elif prec == "facility":
            out.append(f"{things.capitalize()} hit the {place} overnight, the {who} said, and a fire broke out.")
        else:
            out.append(f"Explosions were heard in {place} during an attack by {things}, the {who} reported.")
    return out


def _report_sizes(rng, n: int) -> np.ndarray:
    sizes = rng.integers(10, 51, n // 10 + 2)
    cut = int(np.searchsorted(np.cumsum(sizes), n) + 1)
    sizes = sizes[:cut]
    sizes[-1] -= sizes.sum() - n
    return sizes[sizes > 0]


def reports_and_events(df: pd.DataFrame, seed: int = 0):
    """Yield ``(Report, [event records])``: first reports in date order, then follow-ups."""
    rng = np.random.default_rng(seed + 1)
    order = np.lexsort((df["published"].to_numpy(), np.minimum(df["j"].to_numpy(), 2)))
    cols = ["place", "country", "admin1", "lat", "lon", "geo_precision", "date", "date_precision",
            "date_inferred", "weapon", "weapon_model", *FIGURES, "at_least", "claimed_by", "attacker",
            "evidence", "launch_place", "launch_lat", "launch_lon"]
    frame = df.iloc[order][cols].astype(object).where(lambda d: d.notna(), None)
    published = df["published"].to_numpy()[order]
    defender = df["defender"].to_numpy()[order]
    records = frame.to_dict("records")
    start = 0
    for k, size in enumerate(_report_sizes(rng, len(df))):
        chunk = records[start:start + size]
        pub = pd.Timestamp(published[start:start + size].max()).date()
        outlet = OUTLETS[defender[start]][k % 6]
        title = f"{outlet}: overnight attacks, {pub:%d %B %Y} ({k})"
        header = f"{title}\n\n{pub:%d %B %Y}. "
        spans, pos = [], len(header)
        for e in chunk:
            spans.append((pos, pos + len(e["evidence"])))
            pos += len(e["evidence"]) + 1
        text = header + " ".join(e["evidence"] for e in chunk)
        raw = f"---\ntitle: {title}\nsource: {outlet}\npublished: {pub.isoformat()}\n---\n\n{text}"
        rid = hashlib.sha256(raw.encode()).hexdigest()
        url = f"https://example.org/{outlet.lower().replace(' ', '-')}/{k}"
        report = Report(report_id=rid, path=f"synthetic/{k:07d}.md", raw=raw, text=text, title=title,
                        url=url, source=outlet, published=pub, published_from="front matter")
        events = []
        for i, (e, span) in enumerate(zip(chunk, spans)):
            e["at_least"] = [e["at_least"]] if e["at_least"] else []
            e.update(event_id=f"{rid[:16]}-{i:03d}", report_id=rid, span=span, source=outlet, source_url=url)
            events.append(e)
        start += size
        yield report, events


def generate_store(path: str | Path, n_events: int, seed: int = 0, batch_reports: int = 200) -> dict:
    """Write a store of ``n_events`` synthetic events to ``path`` (replaced if it exists).

    Returns
    -------
    dict
        events, reports, strikes (distinct generated strikes), build_s (making the records),
        ingest_s (inside `Store.ingest`), ingest_reports_per_s (median over the transactions),
        ingest_reports_per_s_overall, ingest_events_per_s, bytes.
    """
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    df = claims_frame(n_events, seed)
    batches = reports_and_events(df, seed)
    build_s = time.perf_counter() - t0
    ingest_s, n_reports, rates = 0.0, 0, []
    with Store(path) as store:
        while True:
            t1 = time.perf_counter()
            batch = [item for _, item in zip(range(batch_reports), batches)]
            build_s += time.perf_counter() - t1
            if not batch:
                break
            t1 = time.perf_counter()
            store.ingest(batch)
            ingest_s += time.perf_counter() - t1
            rates.append(len(batch) / (time.perf_counter() - t1))
            n_reports += len(batch)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = store.counts()
    return {"events": counts["events"], "reports": counts["reports"], "strikes": int(df["strike"].nunique()),
            "build_s": round(build_s, 2), "ingest_s": round(ingest_s, 2),
            "ingest_reports_per_s": round(float(np.median(rates)), 1),
            "ingest_reports_per_s_overall": round(n_reports / ingest_s, 1),
            "ingest_events_per_s": round(counts["events"] / ingest_s, 1), "bytes": path.stat().st_size}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--out", required=True, help="store path (bench/stores/ or /tmp; never committed)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-reports", type=int, default=200, help="reports per ingest transaction")
    args = ap.parse_args(argv)
    print(json.dumps(generate_store(args.out, args.events, args.seed, args.batch_reports)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
