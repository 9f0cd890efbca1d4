"""The pydeck layers: offline basemap, explicit ids, sizes, colours, text-only tooltips."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from dashboard import maps
from dashboard.events import WEAPON_CLASSES

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="alert(1)">'


def totals(**overrides) -> pd.DataFrame:
    """A place_totals-shaped frame with two places."""
    base = {"place": ["Kyiv", "Lviv"], "country": ["UA", "UA"], "admin1": ["Kyiv city", "Lviv oblast"],
            "geo_precision": ["city", "city"], "lat": [50.45, 49.84], "lon": [30.52, 24.03],
            "weapon": ["drone", "cruise_missile"], "weapons": ["drone", "cruise_missile, drone"],
            "launched": [100.0, np.nan], "intercepted": [90.0, 3.0], "lost": [np.nan] * 2, "hit": [np.nan] * 2,
            "killed": [np.nan, 1.0], "injured": [np.nan] * 2, "strikes": [3, 1], "reports": [4, 1],
            "first_date": ["2024-05-01", "2024-05-02"], "last_date": ["2024-05-02", "2024-05-02"],
            "claimants": ["Ukrainian Air Force", "governor"], "evidence": ["18 of 20 drones.", None],
            "source": ["Ukrainska Pravda", None]}
    base.update(overrides)
    return pd.DataFrame(base)


def test_basemap_reads_the_natural_earth_properties():
    basemap = maps.load_basemap()
    names = {f["properties"]["name"] for f in basemap.admin0["features"]}
    assert {"Ukraine", "Russia", "Belarus", "Moldova"} <= names
    countries = {f["properties"]["iso_a2"] for f in basemap.admin1["features"]}
    assert countries <= set(maps.ADMIN1_COUNTRIES) and {"UA", "RU"} <= countries
    assert "Kharkiv oblast" in {f["properties"]["name"] for f in basemap.admin1["features"]}
    assert any(label["label"] == "Ukraine" for label in basemap.labels)


def test_basemap_is_small_enough_to_send_on_every_rerun():
    basemap = maps.load_basemap()
    size = len(json.dumps(basemap.admin0)) + len(json.dumps(basemap.admin1))
    assert size < 450_000, size
    coords = json.dumps(basemap.admin1["features"][0]["geometry"]["coordinates"])
    assert max(len(x.split(".")[1]) for x in coords.replace("[", "").replace("]", "").split(",") if "." in x) <= 2


def test_missing_basemap_files_give_an_empty_basemap(tmp_path):
    basemap = maps.load_basemap(tmp_path)
    assert basemap.admin0["features"] == [] and basemap.labels == ()


def test_deck_has_no_map_provider_by_default():
    spec = json.loads(maps.build_deck([maps.points_layer([])]).to_json())
    assert "mapProvider" not in spec or spec["mapProvider"] is None
    assert spec["mapStyle"] == "__MAP_STYLE__"                     # pydeck's default: the front end fetches nothing


def test_web_tiles_name_their_provider():
    spec = json.loads(maps.build_deck([], web_tiles=True).to_json())
    assert spec["mapProvider"] == "carto" and spec["mapStyle"] == maps.WEB_TILES_STYLE


def test_deck_json_is_compact_and_the_view_fixed():
    text = maps.build_deck([maps.land_layer(maps.load_basemap())]).to_json()
    assert "\n" not in text
    view = json.loads(text)["initialViewState"]
    assert view["latitude"] == maps.INITIAL_VIEW.latitude and view["zoom"] == maps.INITIAL_VIEW.zoom


def test_tooltip_is_plain_text():
    assert set(maps.TOOLTIP) == {"text", "style"} and maps.TOOLTIP["text"] == "{tip}"


@pytest.mark.parametrize("layer, layer_id", [
    (lambda b: maps.land_layer(b), "admin0"), (lambda b: maps.admin1_layer(b), "admin1"),
    (lambda b: maps.region_layer(maps.region_shading(b, None, figure="launched")[0]), "regions"),
    (lambda b: maps.points_layer([]), "places"), (lambda b: maps.arcs_layer([]), "arcs"),
    (lambda b: maps.labels_layer(b.labels), "labels"),
])
def test_every_layer_has_its_id(layer, layer_id):
    assert layer(maps.load_basemap()).id == layer_id


def test_units_are_literal_strings_not_expressions():
    spec = json.loads(maps.build_deck([maps.points_layer([])]).to_json())
    layer = spec["layers"][0]
    assert layer["radiusUnits"] == "pixels" and layer["getRadius"] == "@@=r"


def test_radius_is_sqrt_scaled_with_a_minimum():
    r = maps.radius_px([0, 25, 100, 400, np.nan], 100)
    span = maps.MAX_RADIUS_PX - maps.MIN_RADIUS_PX
    assert r.tolist() == pytest.approx([maps.MIN_RADIUS_PX, maps.MIN_RADIUS_PX + span / 2, maps.MAX_RADIUS_PX,
                                        maps.MAX_RADIUS_PX, maps.MIN_RADIUS_PX])
    assert maps.radius_px([5], None).tolist() == [maps.MAX_RADIUS_PX]


def test_points_size_colour_and_unstated_figures():
    points = maps.place_points(totals(), figure="launched", scale_max=100)
    by_place = {p["place"]: p for p in points}
    assert by_place["Kyiv"]["r"] == maps.MAX_RADIUS_PX and by_place["Kyiv"]["v"] == 100
    assert by_place["Lviv"]["r"] == maps.MIN_RADIUS_PX and by_place["Lviv"]["v"] is None
    assert by_place["Lviv"]["c"][3] < by_place["Kyiv"]["c"][3]             # "not reported" is paler
    assert by_place["Kyiv"]["c"][:3] == list(maps.WEAPON_COLOURS["drone"])
    assert by_place["Kyiv"]["p"] == [30.52, 50.45]
    assert [p["place"] for p in points] == ["Kyiv", "Lviv"]                 # big first, small on top
    assert json.dumps(points)                                                # plain JSON types only


def test_tip_says_place_dates_weapons_figures_claimant_evidence_source():
    tip = maps.place_points(totals(), figure="launched", scale_max=100)[0]["tip"]
    for words in ("Kyiv, Kyiv city, Ukraine", "1\u20132 May 2024", "Drone", "launched 100 \u00b7 intercepted 90",
                  "Claimed by: Ukrainian Air Force", "\u201c18 of 20 drones.\u201d", "Source: Ukrainska Pravda"):
        assert words in tip


def test_tip_keeps_markup_as_text_and_defuses_json_code():
    frame = totals(place=[f"Kyiv {PAYLOAD}", "@@=Lviv"], evidence=[f"@@=x {PAYLOAD}", None])
    points = maps.place_points(frame, figure="launched", scale_max=100)
    assert PAYLOAD in points[0]["tip"]
    text = json.dumps(points)
    assert '"@@=' not in text                                                # the JSON converter would run it
    assert points[1]["place"] == "\u200b@@=Lviv"


@pytest.mark.parametrize("first, last, words", [
    ("2024-05-01", "2024-05-06", "1\u20136 May 2024"), ("2024-05-02", "2024-05-02", "2 May 2024"),
    (None, None, "date not reported"), (float("nan"), float("nan"), "date not reported"),
    (pd.NaT, "2024-05-02", "2 May 2024"), ("garbage", None, "date not reported"),
])
def test_dates_text(first, last, words):
    assert maps.dates_text(first, last) == words


def test_region_shading_joins_on_name_and_country():
    basemap = maps.load_basemap()
    table = pd.DataFrame({"admin1": ["Kharkiv oblast", "Kyiv city", "Kharkiv oblast"],
                          "country": ["UA", "UA", "RU"], "value": [100.0, np.nan, 5.0], "strikes": [4, 1, 1]})
    shaded, top = maps.region_shading(basemap, table, figure="intercepted")
    props = {(f["properties"]["name"]): f["properties"] for f in shaded["features"]}
    assert top == 100.0
    assert props["Kharkiv oblast"]["fill"][3] > 0 and "intercepted 100" in props["Kharkiv oblast"]["tip"]
    assert "not reported" in props["Kyiv city"]["tip"]
    assert props["Lviv oblast"]["fill"][3] == 0
    assert len(shaded["features"]) == len(basemap.admin1["features"])


def test_arc_routes():
    arcs = pd.DataFrame({"launch_place": ["Kursk"], "launch_lat": [51.73], "launch_lon": [36.19], "place": ["Kharkiv"],
                         "lat": [49.99], "lon": [36.23], "weapon": ["drone"], "strikes": [4], "launched": [np.nan]})
    route = maps.arc_routes(arcs)[0]
    assert route["from"] == [36.19, 51.73] and route["to"] == [36.23, 49.99]
    assert route["width"] == 3.0 and route["tip"] == "Launched from Kursk towards Kharkiv\n4 strike(s)"
    assert maps.arc_routes(arcs.iloc[:0]) == []


def test_palette_covers_every_weapon_class_with_distinct_colours():
    assert set(maps.WEAPON_COLOURS) == set(WEAPON_CLASSES)
    assert len(set(maps.WEAPON_COLOURS.values())) == len(WEAPON_CLASSES)


def test_legend_escapes_and_explains():
    from dashboard.views.mapview import legend_html

    html = legend_html(["drone", "ballistic_missile"], figure="killed<b>", scale_max=1234, region_max=7)
    assert "<b>" not in html.replace('<b style', "") and "killed&lt;b&gt;" in html
    assert "1,234" in html and "Ballistic missile" in html and "up to 7" in html


def test_tip_bounds_evidence_and_claimants():
    long = "word " * 60
    frame = totals(evidence=[long, None], claimants=["A; B; C; D", "governor"])
    tip = maps.place_points(frame, figure="launched", scale_max=100)[0]["tip"]
    quoted = tip.split("\u201c")[1].split("\u201d")[0]
    assert len(quoted) <= maps.TIP_EVIDENCE_CHARS + 1 and quoted.endswith("\u2026")
    assert "Claimed by: A; B and 2 more" in tip


def test_circles_are_bounded_largest_first_and_the_rest_counted():
    n = 40
    frame = pd.concat([totals()] * (n // 2), ignore_index=True)
    frame["place"] = [f"P{i}" for i in range(n)]
    frame["launched"] = np.arange(n, dtype="float64")
    points = maps.place_points(frame, figure="launched", scale_max=100, limit=5)
    assert [p["place"] for p in points] == ["P39", "P38", "P37", "P36", "P35"]
    assert maps.hidden_places(frame, points) == n - 5
    assert len(maps.place_points(frame, figure="launched", scale_max=100, limit=None)) == n


def test_points_json_is_utf8_not_escaped():
    spec = maps.build_deck([maps.points_layer(maps.place_points(totals(), figure="launched", scale_max=1))]).to_json()
    assert "\u2014" in spec and "\\u2014" not in spec


def test_legend_says_how_many_places_are_not_drawn():
    from dashboard.views.mapview import legend_html

    assert "1,234 smaller place(s) not drawn" in legend_html(["drone"], figure="launched", scale_max=5, hidden=1234)
    assert "not drawn" not in legend_html(["drone"], figure="launched", scale_max=5)


def test_top_place_labels_pick_the_largest():
    points = [{"place": p, "p": [30.0, 50.0], "v": v} for p, v in [("a", 1.0), ("b", None), ("c", 9.0)]]
    assert [x["label"] for x in maps.top_place_labels(points, n=1)] == ["c"]
    assert math.isclose(maps.top_place_labels(points, n=1)[0]["lat"], 49.75)


@pytest.mark.parametrize("row, figure, expected", [
    ({"launched": 20, "intercepted": 18, "hit": None}, "largest", 20),
    ({"launched": None, "intercepted": 18, "hit": 2}, "largest", 18),
    ({"launched": None, "intercepted": None, "hit": None}, "largest", None),
    ({"launched": None, "intercepted": 18, "hit": None}, "launched", None),
    ({"killed": 3}, "killed", 3),
])
def test_figure_values(row, figure, expected):
    import pandas as pd
    from dashboard.maps import figure_values
    got = figure_values(pd.DataFrame([row]), figure).iloc[0]
    assert (pd.isna(got) and expected is None) or got == expected


def test_deck_json_splices_the_kept_basemap_layers_byte_for_byte():
    basemap = maps.load_basemap()
    assert maps.CONSTANT_DATA.get(id(basemap.admin0)) is basemap.admin0
    points = [{"p": [30.5, 50.4], "r": 5.0, "c": [1, 2, 3, 4], "v": None, "place": "Kyiv", "country": "UA", "tip": "x"}]
    for web_tiles in (False, True, False):          # two land colours, each kept; the second time from the cache
        layers = [maps.land_layer(basemap, web_tiles=web_tiles), maps.admin1_layer(basemap),
                  maps.points_layer(points), maps.labels_layer(basemap.labels)]
        deck = maps.build_deck(layers, web_tiles=web_tiles)
        assert deck.to_json() == maps._dumps(deck)
        assert [layer.id for layer in deck.layers] == ["admin0", "admin1", "places", "labels"]     # left as it was
    changed = dict(basemap.admin1, features=basemap.admin1["features"][:3])     # not constant data: written each time
    deck = maps.build_deck([maps.admin1_layer(maps.Basemap(admin0=basemap.admin0, admin1=changed, labels=()))])
    assert deck.to_json() == maps._dumps(deck) and len(deck.to_json()) < len(maps.build_deck([maps.admin1_layer(basemap)]).to_json())
