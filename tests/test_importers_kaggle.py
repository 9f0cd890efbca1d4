"""The Kaggle importer: every row accounted for, the night convention, places, weapon classes,
breakdowns that do not double count, idempotent ingest. Fixtures: tests/fixtures/kaggle/."""
import contextlib
import csv
import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest

from dashboard.events import WEAPON_CLASSES
from dashboard.importers import detect_format, ingest_table, read_table
from dashboard.importers.common import Places, TableError, read_vocabulary
from dashboard.importers.kaggle import (SOURCE, WeaponModels, night_date, parse_time,
                                        source_url)
from dashboard.query import Selection, Strikes, summary
from dashboard.store import Store

FIX = Path(__file__).parent / "fixtures" / "kaggle"
DAILY = FIX / "missile_attacks_daily.csv"
ACLED = Path(__file__).parent / "fixtures" / "acled" / "acled_export.csv"


@pytest.fixture(scope="module")
def places():
    return Places()


@pytest.fixture(scope="module")
def imported(places):
    return read_table(str(DAILY), "kaggle", places)


def event(result, row, k="0"):
    found = [e for e in result.events if e["event_id"].endswith(f"-r{row:06d}-{k}")]
    assert len(found) == 1, f"row {row} event {k}: {len(found)} events"
    return found[0]


def ingest(paths, db, fmt="kaggle", **kw):
    out, err = io.StringIO(), io.StringIO()
    status = ingest_table([str(p) for p in paths], fmt, db=db, out=out, err=err, **kw)
    return status, out.getvalue(), err.getvalue()


# -- cells ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell, date, clock", [
    ("2024-05-01", dt.date(2024, 5, 1), None),
    ("2024-05-01 18:30", dt.date(2024, 5, 1), dt.time(18, 30)),
    ("2023-05-16 3:30", dt.date(2023, 5, 16), dt.time(3, 30)),
    ("2025-03-06 21:00 ", dt.date(2025, 3, 6), dt.time(21, 0)),
    ("2024-05-16 ", dt.date(2024, 5, 16), None),
])
def test_time_cells(cell, date, clock):
    assert parse_time(cell) == (date, clock)


@pytest.mark.parametrize("cell", ["yesterday", "2024-02-30", "16/05/2023", "2024-05-01 25:00", ""])
def test_bad_time_cells(cell):
    with pytest.raises(ValueError):
        parse_time(cell)


@pytest.mark.parametrize("start, end, expected", [
    ("2024-05-01 18:30", "2024-05-02 08:00", ("2024-05-02", "night")),   # ends in the morning
    ("2024-06-16 22:00", "2024-06-16 23:30", ("2024-06-16", "night")),   # evening, same day
    ("2023-05-16 3:30", "2023-05-16 5:00", ("2023-05-16", "night")),     # small hours
    ("2024-05-03", "2024-05-03", ("2024-05-03", "day")),
    ("2024-06-11 10:00", "2024-06-11 11:00", ("2024-06-11", "day")),
    ("2024-05-15", "2024-05-16", ("2024-05-16", "night")),               # dates only, crosses
    ("2024-06-20 12:00", None, ("2024-06-20", "day")),                   # no time_end
])
def test_night_convention(start, end, expected):
    assert night_date(parse_time(start), parse_time(end) if end else None) == expected


@pytest.mark.parametrize("cell, url", [
    ("kpszsu/posts/pfbidX", "https://www.facebook.com/kpszsu/posts/pfbidX"),
    ("GeneralStaff.ua/posts/pfbidX", "https://www.facebook.com/GeneralStaff.ua/posts/pfbidX"),
    ("watch/?v=123", "https://www.facebook.com/watch/?v=123"),
    ("https://t.me/kpszsu/1", "https://t.me/kpszsu/1"),
    ("kharkivoda.gov.ua/news/1", "https://kharkivoda.gov.ua/news/1"),
    ("", None),
])
def test_source_links(cell, url):
    assert source_url(cell) == url


@pytest.mark.parametrize("model, weapon, known", [
    ("Shahed-136/131", "drone", True), ("Geran-2", "drone", True), ("Unknown UAV", "drone", True),
    ("Lancet", "drone", True), ("Молнія", "drone", True), ("Shahed-136/131 and Lancet", "drone", True),
    ("X-101/X-555", "cruise_missile", True), ("Kh-101", "cruise_missile", True),
    ("Kh-555", "cruise_missile", True), ("X-59", "cruise_missile", True), ("Kh-22", "cruise_missile", True),
    ("Kalibr", "cruise_missile", True), ("Iskander-K", "cruise_missile", True),
    ("3M22 Zircon", "cruise_missile", True), ("X-22 and X-32", "cruise_missile", True),
    ("Iskander-M", "ballistic_missile", True), ("KN-23", "ballistic_missile", True),
    ("Iskander-M/KN-23", "ballistic_missile", True), ("X-47 Kinzhal", "ballistic_missile", True),
    ("Kinzhal", "ballistic_missile", True),
    ("C-300", "missile", True), ("S-300", "missile", True), ("C-300/C-400", "missile", True),
    ("Unknown Missile", "missile", True),
    ("C-300 and Iskander-M", "ballistic_missile", True),      # unspecified gives way to specific
    ("X-22 and X-31P", "cruise_missile", True),
    ("X-101/X-555 and Kalibr and Iskander-M/KN-23", "missile", True),   # cruise + ballistic
    ("GBU", "glide_bomb", True), ("Aerial Bomb", "glide_bomb", True),
    ("Kometa-9", "drone", True), ("Grom-E1", "glide_bomb", True),       # from missiles_and_uavs.csv
    ("Foo-9", "unknown", False), ("Shahed-136/131 and Foo-9", "drone", False),
])
def test_weapon_classes(model, weapon, known):
    assert WeaponModels(FIX / "missiles_and_uavs.csv").classify(model) == (weapon, known)


def test_without_the_weapon_table_beside_a_model_it_alone_knows_is_unknown():
    assert WeaponModels(None).classify("Kometa-9") == ("unknown", False)


@pytest.mark.parametrize("name", ["weapon_models.csv", "weapon_categories.csv", "acled_weapons.csv"])
def test_vocabularies_name_only_our_classes(name):
    weapons = {r["weapon"] for r in read_vocabulary(name)}
    assert weapons <= set(WEAPON_CLASSES) | {"-"}


# -- rows to events --------------------------------------------------------------------------------
ROWS = [
    (1, dict(place="Ukraine", geo_precision="country", country="UA", date="2024-05-02",
             date_precision="night", weapon="drone", weapon_model="Shahed-136/131", launched=50,
             intercepted=40, lost=6, launch_place="Kursk oblast and Primorsko-Akhtarsk",
             claimed_by="Ukrainian Air Force", attacker="RU", source=SOURCE,
             source_url="https://www.facebook.com/kpszsu/posts/pfbidTEST0001")),
    # row 3 ("Unknown Missile", same night, same place) is added in: one strike, figures added
    (2, dict(place="Ukraine", weapon="cruise_missile", launched=22, intercepted=16,
             weapon_model="X-101/X-555 and Kalibr; Unknown Missile", date="2024-05-02")),
    (4, dict(place="southern Ukraine", geo_precision="macro_region", date="2024-05-03",
             date_precision="day", weapon="drone", launched=3, intercepted=3)),
    (5, dict(place="Kyiv", geo_precision="city", date="2023-05-16", date_precision="night",
             weapon="ballistic_missile", launched=6)),
    (6, dict(place="Ukraine", date="2025-03-07", date_precision="night", launched=100,
             intercepted=80, launch_place="Primorsko-Akhtarsk and Chauda, Crimea")),
    (7, dict(place="Odesa oblast", geo_precision="region", date="2025-03-08", date_precision="day",
             launch_place="Chauda, Crimea")),
    (8, dict(place="eastern Ukraine", geo_precision="macro_region", weapon="drone", launched=4)),
    (10, dict(place="Dnipropetrovsk oblast", geo_precision="region", weapon="ballistic_missile",
              launched=2, intercepted=0)),                        # a stated 0 stays 0
    (11, dict(place="Kharkiv oblast", launched=3, intercepted=None)),   # not reported stays None
    (12, dict(place="southern Ukraine", weapon="unknown", weapon_model="Foo-9")),
    (13, dict(place="Mykolaiv oblast", weapon="drone", weapon_model="Kometa-9")),
    (17, dict(place="Ukraine", geo_precision="country", date="2024-06-16", date_precision="night",
              launched=7, intercepted=6)),                         # "front line": country level
    (18, dict(place="Ukraine", launch_place="north", launch_lat=None, launch_lon=None)),
    (19, dict(place="Kharkiv", geo_precision="city", weapon="ballistic_missile",
              weapon_model="C-300 and Iskander-M", date="2024-06-18")),
    (20, dict(source_url="https://t.me/kpszsu/12345", weapon="ballistic_missile")),
    (21, dict(source_url="https://kharkivoda.gov.ua/news/99999", weapon="cruise_missile")),
    (22, dict(weapon="drone", weapon_model="Молнія", date_precision="night", place="Kherson oblast")),
    (24, dict(place="Kyiv oblast", launched=None, intercepted=None, weapon="drone")),
]


@pytest.mark.parametrize("row, expected", ROWS)
def test_row_events(imported, row, expected):
    got = event(imported, row)
    assert {k: got[k] for k in expected} == expected


@pytest.mark.parametrize("row, near", [
    (1, "Kursk oblast"),               # the first of "Kursk oblast and Primorsko-Akhtarsk"
    (6, "Primorsko-Akhtarsk"),
    (7, "Crimea"),                     # "Chauda, Crimea": a place in Crimea, or Crimea itself
    (10, "Belgorod oblast"),
])
def test_launch_sites_are_geocoded_for_the_arc(imported, places, row, near, km=150):
    got, site = event(imported, row), places.lookup(near)
    assert abs(got["launch_lat"] - site.lat) < km / 111 and abs(got["launch_lon"] - site.lon) < km / 70


@pytest.mark.parametrize("row, k, place", [(2, "1", "Kyiv oblast"), (2, "2", "Lviv oblast"),
                                           (11, "1", "Sumy oblast")])
def test_other_targets_and_affected_regions_are_strikes_without_figures(imported, row, k, place):
    got, main = event(imported, row, k), event(imported, row)
    assert got["place"] == place and got["geo_precision"] == "region"
    assert all(got[f] is None for f in ("launched", "intercepted", "lost", "killed"))
    assert (got["date"], got["weapon"]) == (main["date"], main["weapon"])


@pytest.mark.parametrize("row, k, place, intercepted", [
    (1, "m1x0", "southern Ukraine", 15), (1, "m1x1", "eastern Ukraine", 10),
    (6, "m6x0", "Odesa oblast", 12),     # the joint "Kharkiv oblast and Sumy oblast" key is left out
])
def test_breakdowns_share_the_national_rows_strike_facts(imported, row, k, place, intercepted):
    got, parent = event(imported, row, k), event(imported, row)
    assert (got["place"], got["intercepted"], got["launched"]) == (place, intercepted, None)
    same = ("date", "weapon", "attacker", "claimed_by", "country")
    assert {f: got[f] for f in same} == {f: parent[f] for f in same}
    assert parent["attacker"] == "RU" and parent["geo_precision"] == "country"


def test_breakdown_larger_than_the_total_is_left_out(imported):
    assert not [e for e in imported.events if re.search(r"-r000018-m", e["event_id"])]
    assert not [e for e in imported.events if re.search(r"-r000006-m6x1", e["event_id"])]


def test_evidence_is_the_row_verbatim(imported):
    text = DAILY.read_text(encoding="utf-8")
    got = event(imported, 5)
    assert got["evidence"] == text[got["span"][0]:got["span"][1]]
    assert got["evidence"].startswith("2023-05-16 3:30,2023-05-16 5:00,X-47 Kinzhal")


def test_breakdown_of_folded_rows_follows_their_event(tmp_path, places):
    """Two rows of one night fold into one national event; their breakdowns must carry that
    event's row, or the dedupe rule would add the second row's breakdown to the national total."""
    header = DAILY.read_text(encoding="utf-8").splitlines()[0]
    cols = header.split(",")
    def line(model, launched, destroyed, details):
        cells = {c: "" for c in cols}
        cells.update({"time_start": "2024-05-01 22:00", "time_end": "2024-05-02 06:00", "model": model,
                      "target": "Ukraine", "launched": launched, "destroyed": destroyed,
                      "destroyed_details": details})
        return ",".join(f'"{cells[c]}"' if "," in cells[c] else cells[c] for c in cols)
    path = tmp_path / "missile_attacks_daily.csv"
    path.write_text("\n".join([header, line("Shahed-136/131", "20", "15", "{'south': 15}"),
                                line("Shahed-136/131", "10", "9", "{'east': 9}")]) + "\n", encoding="utf-8")
    from dashboard.query import Strikes, summary
    from dashboard.store import Store
    imported = read_table(str(path), "kaggle", places)
    with Store(tmp_path / "s.sqlite") as store:
        store.ingest([(imported.report, imported.events)], kind="kaggle")
        result = summary(Strikes.from_store(store))
    assert result["drones"] == {"launched": 30, "intercepted": 24, "lost": None}


def test_event_ids_are_deterministic(places):
    first = [e["event_id"] for e in read_table(str(DAILY), "kaggle", places).events]
    again = [e["event_id"] for e in read_table(str(DAILY), "kaggle", places).events]
    assert first == again and len(set(first)) == len(first)
    assert all(re.fullmatch(r"[0-9a-f]{16}-r\d{6}-(\d+|m\d+x\d+)", i) for i in first)


# -- accounting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("row, status, reason", [
    (1, "imported", None), (3, "imported", None), (24, "imported", None),
    (9, "merged", "repeats row 8"),
    (14, "rejected", "unparseable date: time_start 'yesterday'"),
    (15, "rejected", "unparseable count: launched 'many' is not a number"),
    (16, "rejected", "no count and no place"),
    (23, "rejected", "unparseable count: launched '2.5' is not a whole number of weapons"),
    (25, "rejected", "malformed row: 7 fields, the header has 22"),
])
def test_every_row_has_one_status(imported, row, status, reason):
    account = imported.account
    assert account.status[row] == status
    reasons = dict((r.number, why) for r, why in account.rejected) | dict(account.merged)
    assert reasons.get(row) == reason


def _file_sums(path, columns):
    """The column sums a reader of the CSV gets, computed here without the importer's code."""
    sums, unreadable = dict.fromkeys(columns, 0), dict.fromkeys(columns, 0)
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for c in columns:
                cell = (row.get(c) or "").strip()
                try:
                    value = float(cell)
                except ValueError:
                    unreadable[c] += bool(cell)
                    continue
                if value == int(value):
                    sums[c] += int(value)
                else:
                    unreadable[c] += 1
    return sums, unreadable


def test_rows_and_sums_reconcile_with_the_file(imported):
    account = imported.account
    sums, unreadable = _file_sums(DAILY, ("launched", "destroyed"))
    assert account.rows == 25 and sum(account.count(s) for s in ("imported", "merged", "rejected")) == 25
    for column, fieldname in (("launched", "launched"), ("destroyed", "intercepted")):
        parts = [account.sums[s][column] for s in ("imported", "merged", "rejected")]
        assert sum(parts) == account.file_sums[column] == sums[column]
        assert account.unreadable[column] == unreadable[column]
        in_events = sum(e[fieldname] or 0 for e in imported.events if "-m" not in e["event_id"])
        assert in_events == account.sums["imported"][column] == account.stored[fieldname]
    assert account.reconciles()
    assert (account.sums["merged"]["launched"], account.sums["rejected"]["destroyed"]) == (4, 13)


def test_cli_prints_the_account_and_writes_rejected_rows_aside(tmp_path):
    from dashboard.__main__ import main
    db = tmp_path / "store" / "s.sqlite"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["--db", str(db), "ingest", str(DAILY), "--format", "kaggle"])
    text = out.getvalue()
    assert status == 0
    assert "25 rows: 19 imported as 24 events, 1 merged as duplicates, 5 rejected" in text
    assert re.search(r"launched: imported 244 \+ merged 4 \+ rejected 14 = 262; file 262; "
                     r"in events 244 -> reconciled", text)
    rejected = db.parent / "rejected" / "missile_attacks_daily.rejected.csv"
    with rejected.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["row"]) for r in rows] == [14, 15, 16, 23, 25]
    assert rows[0]["reason"] == "unparseable date: time_start 'yesterday'"
    with DAILY.open(encoding="utf-8", newline="") as f:
        source = list(csv.DictReader(f))
    assert {k: rows[1][k] for k in source[14]} == source[14]          # row 15, verbatim
    assert rows[4]["line"] == "2024-06-25,2024-06-25,Shahed-136/131,,south,5.0,5.0"


# -- store ------------------------------------------------------------------------------------------
def test_raw_file_kept_and_second_ingest_changes_nothing(tmp_path):
    db = tmp_path / "s.sqlite"
    status, first, _ = ingest([DAILY], db)
    with Store(db) as store:
        counts, version = store.counts(), store.version()
        reports = store.reports()
        stored = store.report(reports.iloc[0]["report_id"])
    assert status == 0 and counts == {"reports": 1, "events": 24}
    assert stored["raw"] == DAILY.read_text(encoding="utf-8") and stored["kind"] == "kaggle"
    status, second, _ = ingest([DAILY], db)
    with Store(db) as store:
        assert (store.counts(), store.version()) == (counts, version)
    assert status == 0 and "already stored, nothing changed" in second


def test_a_newer_file_imports_only_its_new_rows(tmp_path):
    db = tmp_path / "s.sqlite"
    ingest([DAILY], db)
    newer = tmp_path / "missile_attacks_daily.csv"
    newer.write_text(DAILY.read_text(encoding="utf-8") +
                     "2024-07-01 20:00,2024-07-02 07:00,Shahed-136/131,,Ukraine,,40.0,35.0,,,{},,,,,,,,,,,"
                     "kpszsu/posts/pfbidNEW\n", encoding="utf-8")
    status, out, _ = ingest([newer], db)
    assert status == 0 and "26 rows: 1 imported as 1 events, 20 merged as duplicates, 5 rejected" in out
    with Store(db) as store:
        assert store.counts() == {"reports": 2, "events": 25}


def test_a_bad_file_is_one_line_and_the_others_go_on(tmp_path):
    db = tmp_path / "s.sqlite"
    status, out, err = ingest([FIX / "not_a_table.csv", ACLED, tmp_path / "missing.csv", DAILY], db)
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert "not_a_table.csv: not this table format: missing column(s)" in lines[0]
    assert "acled_export.csv: not this table format: missing column(s) time_start" in lines[1]
    assert "missing.csv: no such file" in lines[2]
    assert "missile_attacks_daily.csv (kaggle): 25 rows" in out
    with Store(db) as store:
        assert store.counts()["reports"] == 1


@pytest.mark.parametrize("path, fmt", [(DAILY, "kaggle"), (ACLED, "acled")])
def test_detect_format(path, fmt):
    assert detect_format(path) == fmt


def test_detect_format_names_the_file_it_cannot_read():
    with pytest.raises(TableError, match=r"not_a_table.csv: not a table this tool reads"):
        detect_format(FIX / "not_a_table.csv")


# -- totals -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("day, block, expected", [
    # the national 40 with its 15 + 10 breakdown is 40, not 65
    ("2024-05-02", "drones", {"launched": 50, "intercepted": 40}),
    ("2024-05-02", "cruise_missiles", {"launched": 22, "intercepted": 16}),
    ("2024-05-02", "missiles", {"launched": 22, "intercepted": 16}),
    # the national 80 with its Odesa oblast 12 is 80, not 92
    ("2025-03-07", "drones", {"launched": 100, "intercepted": 80}),
    ("2024-06-18", "drones", {"launched": 30, "intercepted": 20}),
])
def test_summary_does_not_add_a_national_total_to_its_breakdown(tmp_path, day, block, expected):
    db = tmp_path / "s.sqlite"
    ingest([DAILY], db)
    with Store(db) as store:
        data = Strikes.from_store(store)
    date = dt.date.fromisoformat(day)
    result = summary(data, Selection(date_from=date, date_to=date))
    assert {k: result[block][k] for k in expected} == expected


def test_a_table_of_thousands_of_rows_imports_in_seconds(tmp_path, places):
    with DAILY.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, [r for r in reader if r["time_start"][:4].isdigit()][:19]
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, extrasaction="ignore")
        writer.writeheader()
        for shift in range(190):                                     # 3,610 rows
            for row in rows:
                moved = dict(row)
                for column in ("time_start", "time_end"):
                    day = dt.date.fromisoformat(row[column].strip()[:10]) + dt.timedelta(days=shift)
                    moved[column] = day.isoformat() + row[column].strip()[10:]
                writer.writerow(moved)
    started = time.perf_counter()
    result = read_table(str(big), "kaggle", places)
    assert time.perf_counter() - started < 5
    assert result.account.rows == 3610 and result.account.reconciles()
