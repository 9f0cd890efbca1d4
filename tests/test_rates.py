"""Interception rates count only the strikes that state both launched and intercepted."""
import pytest

from dashboard.__main__ import format_summary
from dashboard.query import Selection, Strikes, summary
from dashboard.rates import paired_totals, rate
from dashboard.store import Store

from conftest import make_event, make_report

KYIV = {}
LVIV = {"place": "Lviv", "admin1": "Lviv oblast", "lat": 49.84, "lon": 24.03}
BELGOROD = {"place": "Belgorod", "country": "RU", "admin1": "Belgorod oblast", "lat": 50.6, "lon": 36.6,
            "claimed_by": "Russian Defence Ministry"}


def _strikes(tmp_path, events: list[dict]) -> Strikes:
    """One report per event (each a different strike: other places or nights)."""
    batch = []
    for i, fields in enumerate(events):
        report = make_report(f"Report {i} written for the rate tests.", name=f"r{i}.md")
        batch.append((report, [make_event(report, 0, **fields)]))
    with Store(tmp_path / "s.sqlite") as store:
        store.ingest(batch)
        return Strikes.from_store(store)


@pytest.mark.parametrize("events, block, expected_pair, expected_rate", [
    # an interception claimed alone (no launch figure) does not count toward the rate
    ([dict(KYIV, launched=20, intercepted=18), dict(BELGOROD, intercepted=30)], "drones", (20, 18), 0.9),
    ([dict(KYIV, launched=20), dict(LVIV, intercepted=5)], "drones", (0, 0), None),
    ([dict(KYIV, launched=10, intercepted=5), dict(LVIV, launched=10, intercepted=10)], "drones", (20, 15), 0.75),
    ([dict(KYIV, weapon="cruise_missile", launched=4, intercepted=3),
      dict(LVIV, weapon="ballistic_missile", launched=2, intercepted=0)], "missiles", (6, 3), 0.5),
    ([dict(KYIV, weapon="cruise_missile", launched=4, intercepted=3)], "ballistic_missiles", (0, 0), None),
])
def test_paired_totals(tmp_path, events, block, expected_pair, expected_rate):
    pairs = paired_totals(_strikes(tmp_path, events))
    assert pairs[block] == expected_pair
    assert rate(pairs[block]) == (pytest.approx(expected_rate) if expected_rate is not None else None)


def _one_report(tmp_path, events: list[dict]) -> Strikes:
    report = make_report("A national tally with its regional breakdown, written for the tests.")
    with Store(tmp_path / "s.sqlite") as store:
        store.ingest([(report, [make_event(report, i, **fields) for i, fields in enumerate(events)])])
        return Strikes.from_store(store)


UKRAINE = {"place": "Ukraine", "admin1": None, "lat": 49.0, "lon": 31.3, "geo_precision": "country"}


@pytest.mark.parametrize("events, expected_pair", [
    # the breakdown gives interceptions only: the national figures pair whole (80 of 100)
    ([dict(UKRAINE, launched=100, intercepted=80), dict(KYIV, intercepted=20), dict(LVIV, intercepted=10)],
     (100, 80)),
    # the parts state both figures: they are paired, the total is not paired again
    ([dict(UKRAINE, launched=100, intercepted=80), dict(KYIV, launched=30, intercepted=20),
      dict(LVIV, launched=10, intercepted=10)], (40, 30)),
])
def test_a_total_and_its_breakdown_pair_once(tmp_path, events, expected_pair):
    data = _one_report(tmp_path, events)
    assert paired_totals(data)["drones"] == expected_pair
    assert summary(data)["drones"]["intercepted"] == 80          # the totals themselves count once


def test_the_other_sides_claim_is_not_paired(tmp_path):
    data = _strikes(tmp_path, [dict(KYIV, launched=20, intercepted=18),
                               dict(KYIV, launched=20, intercepted=0, claimed_by="Russian Defence Ministry",
                                    attacker="RU")])
    assert paired_totals(data)["drones"] == (20, 18)


def test_the_rate_follows_the_selection(tmp_path):
    data = _strikes(tmp_path, [dict(KYIV, launched=20, intercepted=18),
                               dict(KYIV, date="2024-06-01", launched=10, intercepted=2)])
    assert paired_totals(data, Selection())["drones"] == (30, 20)
    june = Selection(date_from=__import__("datetime").date(2024, 6, 1))
    assert paired_totals(data, june)["drones"] == (10, 2)


def test_text_summary_never_shows_more_than_all_intercepted(tmp_path):
    data = _strikes(tmp_path, [dict(KYIV, launched=20, intercepted=18), dict(BELGOROD, intercepted=30)])
    text = format_summary(summary(data), paired_totals(data))
    assert "(90% of 20 intercepted*)" in text and "of the launches in strikes whose reports state both" in text
    assert summary(data)["drones"] == {"launched": 20, "intercepted": 48, "lost": None}


@pytest.mark.parametrize("pairs, total, shown", [
    ({"drones": (20, 18), "ballistic_missiles": (4, 4), "missiles": (4, 4)}, 22 / 24,
     ["drones 90% of 20", "ballistic missiles 100% of 4"]),
    ({"drones": (0, 0), "missiles": (0, 0)}, None, []),
])
def test_the_rate_tile_names_each_rate_with_its_base(pairs, total, shown):
    from dashboard.views.panels import overall_rate

    pairs = {**dict.fromkeys(("drones", "cruise_missiles", "ballistic_missiles", "missiles_unspecified",
                              "missiles"), (0, 0)), **pairs}
    share, help_text = overall_rate(pairs)
    assert share == total
    assert all(part in help_text for part in shown)
    assert "may be fewer than the total shown" in help_text
    assert ("By class" in help_text) == bool(shown)
