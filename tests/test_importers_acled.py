"""The ACLED importer: which rows are aerial strikes, dates, precision codes, weapons from the notes,
sides, exact coordinates, and the row account. Fixture: tests/fixtures/acled/acled_export.csv."""
import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from dashboard.importers import ingest_table, read_table
from dashboard.importers.acled import attacker_of, parse_event_date, weapon_of
from dashboard.importers.common import Places
from dashboard.store import Store

ACLED = Path(__file__).parent / "fixtures" / "acled" / "acled_export.csv"


@pytest.fixture(scope="module")
def imported():
    return read_table(str(ACLED), "acled", Places())


@pytest.fixture(scope="module")
def source_rows():
    with ACLED.open(encoding="utf-8", newline="") as f:
        return {i: row for i, row in enumerate(csv.DictReader(f), start=1)}


def event(result, row):
    found = [e for e in result.events if e["event_id"].endswith(f"-r{row:06d}-0")]
    assert len(found) == 1, f"row {row}: {len(found)} events"
    return found[0]


@pytest.mark.parametrize("cell, date", [
    ("12/03/2024 00:00:00", dt.date(2024, 3, 12)), ("12/03/2024", dt.date(2024, 3, 12)),
    ("2024-03-12", dt.date(2024, 3, 12)), ("2024-03-12 00:00:00", dt.date(2024, 3, 12)),
    ("27 March 2024", dt.date(2024, 3, 27)), (" 01/02/2023 ", dt.date(2023, 2, 1)),
])
def test_event_dates(cell, date):
    assert parse_event_date(cell) == date


@pytest.mark.parametrize("cell", ["31/02/2024 00:00:00", "2024/03/12", "March 2024", "", "12.03.2024"])
def test_bad_event_dates(cell):
    with pytest.raises(ValueError):
        parse_event_date(cell)


@pytest.mark.parametrize("notes, weapon, model", [
    ("Russian forces launched Shahed-136 drones at Kyiv.", "drone", "Shahed"),
    ("Ukrainian forces hit a truck with an FPV drone.", "drone", "FPV"),
    ("A UAV attacked a power station.", "drone", None),
    ("Russian forces launched Kh-101 cruise missiles at Lviv region.", "cruise_missile", "Kh-101"),
    ("Russian forces launched Kalibr missiles from the Black Sea.", "cruise_missile", "Kalibr"),
    ("struck Odesa with an Iskander-M ballistic missile", "ballistic_missile", "Iskander-M"),
    ("a ballistic missile hit the port", "ballistic_missile", None),
    ("Russian aircraft dropped KAB guided bombs on the town.", "glide_bomb", "KAB"),
    ("a glide bomb hit a house", "glide_bomb", None),
    ("Russian forces launched two 'S-300' missiles at Chuhuiv.", "missile", "S-300"),
    ("Russian forces launched a missile strike at Myrhorod.", "missile", None),
    ("attacked Zaporizhzhia with missiles and drones", "unknown", None),
    ("Russian aircraft carried out airstrikes near the village.", None, None),
    ("Russian forces shelled Vovchansk with artillery and mortars.", None, None),
    ("fired an anti-tank guided missile at a car", None, None),
    ("shelled the town with Smerch MLRS", None, None),
])
def test_weapon_from_notes(notes, weapon, model):
    assert weapon_of(notes) == (weapon, model)


@pytest.mark.parametrize("actor1, side", [
    ("Military Forces of Russia (2000-) Air Force", "RU"), ("Military Forces of Russia (2000-)", "RU"),
    ("Military Forces of Ukraine (2019-)", "UA"), ("Military Forces of Ukraine (2019-) Air Force", "UA"),
    ("NAF: United Armed Forces of Novorossiya", "RU"), ("Unidentified Military Forces", None), ("", None),
])
def test_attacker_from_actor1(actor1, side):
    assert attacker_of(actor1) == side


@pytest.mark.parametrize("row, status, reason", [
    (1, "imported", None), (3, "imported", None), (4, "imported", None), (7, "imported", None),
    (17, "imported", None), (18, "imported", None),
    (2, "merged", "repeats row 1"),
    (5, "rejected", "not an aerial strike (shelling: the notes name no missile, drone or guided bomb)"),
    (13, "rejected", "not an aerial strike (shelling: the notes name no missile, drone or guided bomb)"),
    (9, "rejected", "not an aerial strike (Armed clash)"),
    (10, "rejected", "not an aerial strike (Peaceful protest)"),
    (11, "rejected", "unparseable date: event_date '31/02/2024 00:00:00'"),
    (15, "rejected", "unparseable count: fatalities 'several' is not a number"),
    (16, "rejected", "no count and no place"),
])
def test_every_row_has_one_status(imported, row, status, reason):
    account = imported.account
    assert account.status[row] == status
    reasons = dict((r.number, why) for r, why in account.rejected) | dict(account.merged)
    assert reasons.get(row) == reason


ROWS = [
    # rows 1 and 18: two ACLED events of one night's drone strike on Kyiv, fatalities added
    (1, dict(place="Kyiv", admin1="Kyiv city", country="UA", geo_precision="city", date="2024-03-12",
             date_precision="day", weapon="drone", weapon_model="Shahed", killed=3, attacker="RU",
             claimed_by="Kyiv City Military Administration", launched=None, intercepted=None,
             source="ACLED", lat=50.4389, lon=30.4670)),
    (3, dict(place="Novohrodivka", admin1="Donetsk oblast", geo_precision="city", date="2024-02-15",
             date_precision="week", weapon="unknown", killed=0, claimed_by="Ministry of Defence of Ukraine",
             lat=48.2050, lon=37.3472)),
    (4, dict(date="2024-03-20", date_precision="month", weapon="missile", weapon_model="S-300", killed=1,
             admin1="Kharkiv oblast", lat=49.8353, lon=36.6880)),
    (6, dict(place="Odesa", weapon="ballistic_missile", weapon_model="Iskander-M", killed=0)),
    (7, dict(place="Kharkiv oblast", admin1="Kharkiv oblast", geo_precision="region",
             weapon="glide_bomb", killed=3, lat=49.9808, lon=36.2527)),
    (8, dict(place="Tokmak", admin1="Zaporizhzhia oblast", attacker="UA", weapon="drone",
             claimed_by="Ministry of Defence of Russia")),
    (12, dict(place="Lviv", date="2024-03-25", weapon="cruise_missile", weapon_model="Kh-101")),
    (14, dict(place="Zaporizhzhia", date="2024-03-27", weapon="unknown")),
    (17, dict(place="Sumy", geo_precision="city", killed=1)),   # no coordinates: the gazetteer's
]


@pytest.mark.parametrize("row, expected", ROWS)
def test_row_events(imported, row, expected):
    got = event(imported, row)
    assert {k: got[k] for k in expected} == expected


def test_no_event_for_a_row_added_into_another(imported):
    assert not [e for e in imported.events if "-r000018-" in e["event_id"]]
    assert len(imported.events) == 9


def test_coordinates_are_kept_exactly(imported, source_rows):
    for e in imported.events:
        row = source_rows[int(e["event_id"].split("-r")[1][:6])]
        if row["latitude"]:
            assert (e["lat"], e["lon"]) == (float(row["latitude"]), float(row["longitude"]))


def test_coordinates_from_the_gazetteer_when_acled_has_none(imported):
    got = event(imported, 17)
    assert got["lat"] == pytest.approx(50.91, abs=0.1) and got["lon"] == pytest.approx(34.80, abs=0.1)


def test_evidence_is_the_notes(imported, source_rows):
    text = ACLED.read_text(encoding="utf-8")
    got = event(imported, 7)
    assert got["evidence"] == source_rows[7]["notes"] == text[got["span"][0]:got["span"][1]]
    both = event(imported, 1)["evidence"].splitlines()
    assert both == [source_rows[1]["notes"], source_rows[18]["notes"]] and event(imported, 1)["span"] is None


def test_fatalities_reconcile_with_the_file(imported, source_rows):
    account = imported.account
    readable = [int(r["fatalities"]) for r in source_rows.values() if r["fatalities"].isdigit()]
    parts = [account.sums[s]["fatalities"] for s in ("imported", "merged", "rejected")]
    assert sum(parts) == account.file_sums["fatalities"] == sum(readable) == 17
    assert account.sums["imported"]["fatalities"] == sum(e["killed"] or 0 for e in imported.events) == 8
    assert account.unreadable["fatalities"] == 1 and account.reconciles()


def test_ingest_prints_the_account_writes_rejects_and_is_idempotent(tmp_path):
    db = tmp_path / "s.sqlite"
    out, err = io.StringIO(), io.StringIO()
    assert ingest_table([str(ACLED)], "auto", db=db, out=out, err=err) == 0
    text = out.getvalue()
    assert "acled_export.csv (acled): 18 rows: 10 imported as 9 events, 1 merged as duplicates, 7 rejected" in text
    assert "fatalities: imported 8 + merged 2 + rejected 7 = 17; file 17; in events 8 -> reconciled" in text
    with (tmp_path / "rejected" / "acled_export.rejected.csv").open(encoding="utf-8", newline="") as f:
        rejected = {int(r["row"]): r for r in csv.DictReader(f)}
    assert sorted(rejected) == [5, 9, 10, 11, 13, 15, 16]
    assert rejected[9]["reason"] == "not an aerial strike (Armed clash)"
    assert rejected[9]["event_id_cnty"] == "UKR900009"
    with Store(db) as store:
        counts, version = store.counts(), store.version()
        assert store.reports().iloc[0]["kind"] == "acled"
    out = io.StringIO()
    assert ingest_table([str(ACLED)], "acled", db=db, out=out, err=err) == 0
    assert "already stored, nothing changed" in out.getvalue()
    with Store(db) as store:
        assert (store.counts(), store.version()) == (counts, version)


def test_a_newer_export_imports_only_its_new_rows(tmp_path):
    db = tmp_path / "s.sqlite"
    ingest_table([str(ACLED)], "acled", db=db, out=io.StringIO(), err=io.StringIO())
    with ACLED.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    new = dict(rows[0], event_id_cnty="UKR999999", event_date="2024-04-01", location="Odesa",
               latitude="46.4825", longitude="30.7233", admin1="Odesa", fatalities="4",
               notes="On 1 April 2024, a Russian Iskander-M missile hit Odesa, killing 4 civilians.")
    newer = tmp_path / "acled_export.csv"
    with newer.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerows([*rows, new])
    out = io.StringIO()
    assert ingest_table([str(newer)], "acled", db=db, out=out, err=io.StringIO()) == 0
    assert "19 rows: 1 imported as 1 events, 11 merged as duplicates, 7 rejected" in out.getvalue()
