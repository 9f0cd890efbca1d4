"""The Altair charts: the time series of launched against intercepted, and the small maps."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from dashboard import charts, maps


def series(n_days: int = 3) -> pd.DataFrame:
    rows = []
    for i in range(n_days):
        day = pd.Timestamp("2024-05-01") + pd.Timedelta(days=i)
        rows += [(day, "drone", "launched", 20.0 + i), (day, "drone", "intercepted", 18.0),
                 (day, "cruise_missile", "launched", 4.0)]
    return pd.DataFrame(rows, columns=["slice", "weapon", "figure", "value"])


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_series_colours_are_the_map_colours_on_readable_labels():
    spec = charts.series_chart(series()).to_dict()
    colour = layers(spec)[0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Drone", "Cruise missile"]
    assert colour["range"] == [charts._hex(maps.WEAPON_COLOURS["drone"]), charts._hex(maps.WEAPON_COLOURS["cruise_missile"])]
    dash = layers(spec)[0]["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == ["launched", "intercepted"] and dash["range"][0] != dash["range"][1]


@pytest.mark.parametrize("size, unit", [("day", "day"), ("week", "week"), ("month", "month")])
def test_series_title_and_axis_follow_the_slice(size, unit):
    spec = charts.series_chart(series(), slice_size=size).to_dict()
    assert spec["title"]["text"] == f"Launched and intercepted per {unit}"
    assert layers(spec)[0]["encoding"]["y"]["title"] == f"Weapons per {unit}"


def test_series_data_is_the_aggregate_not_events():
    spec = charts.series_chart(series(5)).to_dict()
    (rows,) = spec["datasets"].values()
    assert len(rows) == 15


def test_highlight_adds_a_rule_at_the_slice():
    plain = charts.series_chart(series()).to_dict()
    marked = charts.series_chart(series(), highlight=dt.date(2024, 5, 2)).to_dict()
    assert len(marked["layer"]) == len(plain["layer"]) + 1
    assert marked["layer"][0]["mark"]["type"] == "rule"


def test_few_slices_get_one_tick_each():
    spec = charts.series_chart(series(2)).to_dict()
    assert layers(spec)[0]["encoding"]["x"]["axis"]["tickCount"] == {"interval": "day", "step": 1}


def _panel(title: str, n: int, value: float | None = 5.0) -> tuple[str, pd.DataFrame]:
    return title, pd.DataFrame({"place": [f"p{i}" for i in range(n)], "lon": [30.0 + i / 100 for i in range(n)],
                                "lat": [50.0] * n, "weapon": ["drone"] * n, "value": [value] * n})


def test_small_multiples_at_most_eight_maps_sharing_one_outline():
    outline = maps.small_outline(maps.load_basemap())
    chart = charts.small_multiples([_panel(f"{i} May", 3) for i in range(1, 11)], outline,
                                   figure="launched", scale_max=10)
    spec = chart.to_dict()
    assert spec["facet"]["field"] == "panel" and len(spec["facet"]["sort"]) == charts.MAX_SMALL_MAPS
    assert spec["datasets"][charts.OUTLINE] == json.loads(json.dumps(outline["features"]))
    points = [v for k, v in spec["datasets"].items() if k != charts.OUTLINE][0]
    assert {row["panel"] for row in points} == {f"{i} May" for i in range(1, 9)}


def test_small_maps_keep_the_largest_stated_places():
    frame = charts.small_points([_panel("a", charts.MAX_SMALL_POINTS + 50), _panel("b", 3, value=None)])
    assert len(frame) == charts.MAX_SMALL_POINTS and set(frame["panel"]) == {"a"}


def test_no_places_no_small_maps():
    assert charts.small_multiples([], maps.small_outline(maps.load_basemap()), figure="killed", scale_max=None) is None


def test_small_outline_is_clipped_to_the_region():
    outline = maps.small_outline(maps.load_basemap())
    names = {f["properties"]["name"] for f in outline["features"]}
    assert "Ukraine" in names and "Norway" not in names
