"""One event per strike: merged reports, honest totals, claims of both sides kept apart."""
import pytest

from dashboard.query import Selection, Strikes, summary
from dashboard.store import Store
from conftest import make_event, make_report

KYIV = dict(place="Kyiv", country="UA", admin1="Kyiv city", lat=50.45, lon=30.52, geo_precision="city")
ODESA_OBL = dict(place="Odesa oblast", country="UA", admin1="Odesa oblast", lat=46.6, lon=30.4, geo_precision="region")
MYK_OBL = dict(place="Mykolaiv oblast", country="UA", admin1="Mykolaiv oblast", lat=47.0, lon=32.0, geo_precision="region")
ODESA = dict(place="Odesa", country="UA", admin1="Odesa oblast", lat=46.48, lon=30.72, geo_precision="city")
UKRAINE = dict(place="Ukraine", country="UA", admin1=None, lat=49.0, lon=31.0, geo_precision="country")
ENGELS = dict(place="Engels-2 airbase", country="RU", admin1="Saratov oblast", lat=51.48, lon=46.2,
              geo_precision="facility")


def strikes_of(db_path, reports):
    """reports: list of (text, published, [event fields])."""
    with Store(db_path) as store:
        batch = []
        for text, published, events in reports:
            report = make_report(text, published=published)
            batch.append((report, [make_event(report, i, **e) for i, e in enumerate(events)]))
        store.ingest(batch)
        return Strikes.from_store(store)


def test_one_attack_told_by_three_reports_counts_once(db_path):
    data = strikes_of(db_path, [
        ("Report one.", "2024-05-02", [dict(**KYIV, intercepted=15, launched=16, claimed_by="Kyiv city military administration")]),
        ("Report two.", "2024-05-02", [dict(**KYIV, intercepted=15, claimed_by="Ukrainian Air Force", killed=2)]),
        ("Report three.", "2024-05-03", [dict(**KYIV, intercepted=14, claimed_by="local media", injured=3)]),
    ])
    result = summary(data)
    assert result["events"] == 1 and result["reports"] == 3
    assert result["drones"] == {"launched": 16, "intercepted": 15, "lost": None}
    assert (result["killed"], result["injured"]) == (2, 3)
    strike = data.rows([0]).iloc[0]
    assert strike["n_reports"] == 3
    assert strike["how"] == "3 reports; figures from Ukrainian Air Force"
    assert strike["intercepted_from"].startswith(make_report("Report two.", published="2024-05-02").report_id[:16])


def test_two_nights_on_the_same_city_count_twice(db_path):
    data = strikes_of(db_path, [
        ("Night one.", "2024-05-02", [dict(**KYIV, date="2024-05-02", intercepted=10)]),
        ("Night two.", "2024-05-03", [dict(**KYIV, date="2024-05-03", intercepted=7)]),
    ])
    assert summary(data)["drones"]["intercepted"] == 17
    assert summary(data)["events"] == 2


def test_national_total_is_not_added_to_its_regional_breakdown(db_path):
    data = strikes_of(db_path, [
        ("Air force tally.", "2024-03-08", [dict(**UKRAINE, launched=37, intercepted=33, date="2024-03-08")]),
        ("Southern command.", "2024-03-08", [
            dict(**ODESA_OBL, intercepted=18, date="2024-03-08", claimed_by="military South command"),
            dict(**MYK_OBL, intercepted=4, date="2024-03-08", claimed_by="military South command")]),
    ])
    result = summary(data)
    assert result["drones"] == {"launched": 37, "intercepted": 33, "lost": None}
    # the breakdown still answers for a region
    assert summary(data, Selection(place="Odesa"))["drones"]["intercepted"] == 18


def test_breakdown_larger_than_the_total_wins(db_path):
    data = strikes_of(db_path, [
        ("Tally.", "2024-03-08", [dict(**UKRAINE, intercepted=20, date="2024-03-08")]),
        ("Regions.", "2024-03-08", [dict(**ODESA_OBL, intercepted=18, date="2024-03-08"),
                                    dict(**MYK_OBL, intercepted=4, date="2024-03-08")]),
    ])
    assert summary(data)["drones"]["intercepted"] == 22


def test_city_inside_a_regional_figure_is_not_added(db_path):
    data = strikes_of(db_path, [
        ("Governor.", "2024-03-08", [dict(**ODESA_OBL, killed=3, date="2024-03-08", claimed_by="governor")]),
        ("Mayor.", "2024-03-08", [dict(**ODESA, killed=2, date="2024-03-08", claimed_by="mayor")]),
    ])
    assert summary(data)["killed"] == 3


def test_claims_of_the_two_sides_stay_apart(db_path):
    data = strikes_of(db_path, [
        ("Russian claim.", "2024-01-10", [dict(**ENGELS, intercepted=8, attacker="UA", date="2024-01-10",
                                                claimed_by="Russian Defence Ministry")]),
        ("Ukrainian claim.", "2024-01-10", [dict(**ENGELS, hit=3, launched=10, attacker="UA", date="2024-01-10",
                                                  claimed_by="General Staff of Ukraine")]),
    ])
    s = data.strikes.set_index("side")
    assert set(s.index) == {"RU", "UA"}
    assert s.loc["UA", "alternative_of"] == s.loc["RU", "strike_id"]
    result = summary(data)
    assert result["drones"]["intercepted"] == 8
    assert result["drones"]["launched"] is None       # the other side's figure is beside, not added
    assert result["events"] == 1


def test_unspecified_weapon_joins_the_one_class_reported(db_path):
    data = strikes_of(db_path, [
        ("A.", "2024-05-02", [dict(**KYIV, weapon="drone", intercepted=12)]),
        ("B.", "2024-05-02", [dict(**KYIV, weapon="unknown", killed=1)]),
    ])
    assert len(data.strikes) == 1
    assert summary(data)["killed"] == 1


def test_figure_no_report_states_is_none_not_zero(db_path):
    data = strikes_of(db_path, [("A.", "2024-05-02", [dict(**KYIV, intercepted=12)])])
    result = summary(data)
    assert result["killed"] is None and result["drones"]["launched"] is None
    assert result["cruise_missiles"] == {"launched": None, "intercepted": None, "lost": None}


def test_undated_claims_are_never_merged(db_path):
    data = strikes_of(db_path, [
        ("A.", None, [dict(**KYIV, date=None, intercepted=5)]),
        ("B.", None, [dict(**KYIV, date=None, intercepted=5)]),
    ])
    assert summary(data)["drones"]["intercepted"] == 10


@pytest.mark.parametrize("sel, expected", [
    (Selection(), 27),
    (Selection(weapon=("drone",)), 12),
    (Selection(weapon=("cruise_missile",)), 15),
    (Selection(country=("RU",)), None),
])
def test_filters_change_the_totals(db_path, sel, expected):
    data = strikes_of(db_path, [
        ("A.", "2024-05-02", [dict(**KYIV, weapon="drone", intercepted=12),
                              dict(**KYIV, weapon="cruise_missile", intercepted=15)]),
    ])
    result = summary(data, sel)
    got = [result[k]["intercepted"] for k in ("drones", "missiles")]
    total = None if all(v is None for v in got) else sum(v or 0 for v in got)
    assert total == expected


def test_unspecified_missile_joins_the_one_missile_class_reported(db_path):
    data = strikes_of(db_path, [
        ("A.", "2024-05-02", [dict(**ODESA, weapon="cruise_missile", intercepted=3)]),
        ("B.", "2024-05-02", [dict(**ODESA, weapon="missile", killed=2)]),
    ])
    assert len(data.strikes) == 1
    assert data.strikes.iloc[0]["weapon"] == "cruise_missile"


def test_two_missile_classes_leave_the_unspecified_claim_apart(db_path):
    data = strikes_of(db_path, [
        ("A.", "2024-05-02", [dict(**ODESA, weapon="cruise_missile", intercepted=3),
                              dict(**ODESA, weapon="ballistic_missile", intercepted=1)]),
        ("B.", "2024-05-02", [dict(**ODESA, weapon="missile", killed=2)]),
    ])
    assert sorted(data.strikes["weapon"]) == ["ballistic_missile", "cruise_missile", "missile"]


def test_nationwide_list_keeps_weapon_classes_apart(db_path):
    from dashboard.aggregate import unplaced_totals
    data = strikes_of(db_path, [
        ("Tally.", "2024-03-08", [dict(**UKRAINE, weapon="drone", launched=37, intercepted=33, date="2024-03-08"),
                                  dict(**UKRAINE, weapon="cruise_missile", intercepted=28, date="2024-03-08")]),
    ])
    rows = unplaced_totals(data, Selection()).set_index("weapon")
    assert rows.loc["drone", "intercepted"] == 33 and rows.loc["cruise_missile", "intercepted"] == 28


def test_no_launch_arc_to_a_country_centre(db_path):
    from dashboard.aggregate import launch_arcs
    site = dict(launch_place="Kursk oblast", launch_lat=51.7, launch_lon=36.2)
    data = strikes_of(db_path, [
        ("Tally.", "2024-03-08", [dict(**UKRAINE, **site, launched=37, date="2024-03-08"),
                                  dict(**ODESA, **site, launched=5, date="2024-03-08")]),
    ])
    assert list(launch_arcs(data, Selection())["place"]) == ["Odesa"]
