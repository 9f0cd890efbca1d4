"""Benchmark of extraction with geocoding: `pipeline.events_from_report` on ~2 KB reports.

The reports are synthetic: paragraphs written for this benchmark from templates, filled with
real place names from the shipped gazetteer data (cities, oblasts, facilities) and varied
numbers, weapons, claimants and dates. No text is taken from any corpus.

Every run extracts reports it has not seen before (extractor caches cannot flatter it); the
rate printed is the median over the runs. Below the target, the cProfile entries that take
the time are printed too. ``calib_ms`` is `run.calibrate`'s fixed workload timed before and
after the runs: the machine's speed, to compare rates measured on different machines. ``compiled``
says whether the mypyc build of the extractor ran (``make native``; ``STRIKES_NATIVE=0`` runs the
Python source).

Usage::

    .venv/bin/python bench/extract_bench.py                 # 5 runs of 200 reports
    .venv/bin/python bench/extract_bench.py --runs 7 --reports 300 --json
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import place_pools  # noqa: E402
from run import calibrate  # noqa: E402

TARGET = 500.0
NUMBERS = ["two", "three", "five", "seven", "nine", "11", "14", "16", "23", "31", "40", "57", "62", "88", "120"]
WEAPONS = [("Shahed drones", "drones"), ("attack drones", "drones"), ("cruise missiles", "missiles"),
           ("Kh-101 cruise missiles", "missiles"), ("Iskander-M ballistic missiles", "missiles"),
           ("guided aerial bombs", "bombs"), ("Kalibr missiles", "missiles"), ("unmanned aerial vehicles", "drones")]
UA_CLAIMANTS = ["Ukraine's air force", "the Ukrainian Air Force", "the General Staff", "the regional governor",
                "the head of the regional military administration", "the State Emergency Service",
                "the city's mayor", "Ukraine's interior ministry"]
RU_CLAIMANTS = ["Russia's defence ministry", "the regional governor", "the Russian Defence Ministry",
                "the local mayor", "state news agency TASS"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

PARAGRAPHS = [
    "{ua_claimant_cap} said on {weekday} that Russia had launched {n} {weapon} and {m} missiles at "
    "Ukraine overnight, and that air defences had brought down {k} of the {short}.",
    "In {city}, {n} people were killed and {m} were wounded when a missile struck a residential "
    "building, {ua_claimant} said. Rescuers were still searching the rubble on {weekday} afternoon.",
    "Air defence units destroyed {k} {weapon} over {region} and {n} over {region2}, according to "
    "{ua_claimant}.",
    "The attack on {city} damaged an energy facility and left parts of the city without power, "
    "officials said. {n} people were injured, among them two children.",
    "{ru_claimant_cap} said its air defences had intercepted and destroyed {n} Ukrainian drones over "
    "{ru_region} and {m} over {ru_region2} during the night.",
    "A drone hit an oil depot near {ru_city}, starting a fire that firefighters put out by morning, "
    "{ru_claimant} said. No one was hurt.",
    "The {weapon} were launched from {launch}, the air force said, flying in several waves towards "
    "{region} and the capital.",
    "Debris from a downed drone fell on a private house in the {city} district, injuring {n} "
    "residents, {ua_claimant} wrote on Telegram.",
    "It was the {ordinal} large-scale attack on Ukraine's energy system this month. Engineers said "
    "repairs at the substation near {city} would take at least a week.",
    "Explosions were heard in {city} and in {city2} shortly after midnight, local media reported, "
    "while air raid sirens sounded across {region}.",
    "{ru_claimant_cap} said {n} guided bombs had been dropped on Ukrainian positions near {city}; "
    "the claim could not be independently verified.",
    "Since the start of the full-scale invasion in February 2022, Russia has fired thousands of "
    "missiles and drones at Ukrainian cities, and Ukraine has increasingly struck refineries and "
    "airfields deep inside Russia with long-range drones of its own design.",
]


def synthetic_reports(n: int, seed: int = 0, size: int = 2000) -> list:
    """``n`` distinct reports of about ``size`` characters, as `reports.Report` objects."""
    from dashboard.reports import report_from_bytes

    rng = np.random.default_rng(seed)
    pools = place_pools(seed)
    ua_city = pools["city"][pools["city"]["country"] == "UA"]["name"].tolist()
    ru_city = pools["city"][pools["city"]["country"] == "RU"]["name"].tolist()
    ua_region = pools["region"][pools["region"]["country"] == "UA"]["name"].tolist()
    ru_region = pools["region"][pools["region"]["country"] == "RU"]["name"].tolist()
    launch = pools["facility"]["name"].tolist() + ["Kursk", "Bryansk", "Primorsko-Akhtarsk"]
    pick = lambda items: items[int(rng.integers(len(items)))]  # noqa: E731
    out = []
    for i in range(n):
        day = dt.date(2022, 3, 1) + dt.timedelta(days=int(rng.integers(0, 1700)))
        weapon, short = pick(WEAPONS)
        ua_claimant, ru_claimant = pick(UA_CLAIMANTS), pick(RU_CLAIMANTS)
        city = pick(ua_city)
        parts = [f"{city.upper()}, {day:%d %B %Y} \u2014 Russia and Ukraine traded drone and missile strikes "
                 f"overnight into {WEEKDAYS[day.weekday()]}, officials on both sides said. (report {seed}-{i})"]
        while sum(len(p) for p in parts) < size:
            values = {"n": pick(NUMBERS), "m": pick(NUMBERS), "k": pick(NUMBERS), "weapon": weapon, "short": short,
                      "city": pick(ua_city), "city2": pick(ua_city), "region": pick(ua_region),
                      "region2": pick(ua_region), "ru_city": pick(ru_city), "ru_region": pick(ru_region),
                      "ru_region2": pick(ru_region), "launch": pick(launch), "weekday": WEEKDAYS[day.weekday()],
                      "ua_claimant": ua_claimant, "ru_claimant": ru_claimant,
                      "ua_claimant_cap": ua_claimant[0].upper() + ua_claimant[1:],
                      "ru_claimant_cap": ru_claimant[0].upper() + ru_claimant[1:],
                      "ordinal": pick(["third", "fifth", "second", "seventh"])}
            parts.append(pick(PARAGRAPHS).format(**values))
        text = f"---\ntitle: Overnight strikes {day.isoformat()} ({i})\nsource: Bench Wire\n---\n\n" + "\n\n".join(parts)
        out.append(report_from_bytes(text.encode("utf-8"), f"bench_{seed}_{i}.md", (day + dt.timedelta(days=1)).isoformat()))
    return out


def run(reports, gazetteer) -> tuple[float, int]:
    """Seconds to extract every report, and the number of events found."""
    from dashboard.pipeline import events_from_report

    t = time.perf_counter()
    events = sum(len(events_from_report(r, gazetteer)[0]) for r in reports)
    return time.perf_counter() - t, events


def profile(reports, gazetteer, top: int = 20) -> str:
    """cProfile of one run: the entries with the most time, by own time and cumulative."""
    prof = cProfile.Profile()
    prof.enable()
    run(reports, gazetteer)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reports", type=int, default=200, help="reports per run")
    ap.add_argument("--size", type=int, default=2000, help="characters per report, about")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--profile", action="store_true", help="print cProfile entries even above target")
    args = ap.parse_args(argv)
    from dashboard.gazetteer import default_gazetteer
    from dashboard.native import MODULES, compiled_modules

    t = time.perf_counter()
    gazetteer = default_gazetteer()
    gazetteer_s = time.perf_counter() - t
    batches = [synthetic_reports(args.reports, seed=k, size=args.size) for k in range(args.runs + 2)]
    run(batches[0], gazetteer)                               # warm-up: imports, vocabularies
    rates, events, calib = [], 0, [calibrate()]
    for batch in batches[1:-1]:
        seconds, found = run(batch, gazetteer)
        rates.append(len(batch) / seconds)
        events += found
    calib.append(calibrate())
    n_reports = args.reports * args.runs
    result = {"reports_per_s": round(statistics.median(rates), 1), "runs": [round(r, 1) for r in rates],
              "reports": n_reports, "events_per_report": round(events / n_reports, 2),
              "mean_report_bytes": int(np.mean([len(r.text.encode()) for b in batches for r in b])),
              "gazetteer_load_s": round(gazetteer_s, 2), "target": TARGET,
              "calib_ms": round(statistics.median(calib), 1),
              "compiled": compiled_modules() == sorted(MODULES),  # mypyc build used (dashboard/native.py)
              "date": dt.date.today().isoformat()}
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    if (result["reports_per_s"] < TARGET or args.profile) and not args.json:
        print(f"\nbelow the target of {TARGET:.0f} reports/s: where the time goes\n" if result["reports_per_s"]
              < TARGET else "\nprofile\n")
        print(profile(batches[-1], gazetteer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
