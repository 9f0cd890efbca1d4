"""The page under streamlit.testing.v1.AppTest: counts, filters, URL, empty states, deck spec, details.

Stores are built in tmp_path from hand-made event records, so every expected number is known.
The deck is checked as the spec Streamlit sends (the rendering is the browser tests' job).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import make_event, make_report
from dashboard.query import Selection, Strikes, selection_from_params, summary
from dashboard.store import Store
from dashboard.views import controls, panels

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
LABELS = ["Drones launched", "Drones intercepted", "Cruise missiles launched", "Cruise missiles intercepted",
          "Ballistic missiles launched", "Ballistic missiles intercepted", "Interception rate", "Killed",
          "Injured", "Places", "Reports"]
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def _store(path: Path, today: dt.date | None = None) -> Path:
    """Four reports: Ukrainian air force (drones, missiles, a nationwide total), a Russian claim
    about the same Kyiv strike, a Russian ministry claim in Russia, and a ballistic strike."""
    day = (today or dt.date(2024, 5, 2)).isoformat()
    uaf = make_report(f"---\ntitle: Overnight attack\nsource: Ukrainska Pravda\nurl: https://example.org/uaf\n---\n"
                      f"Air force report {day}.\n", name="uaf.md", published=day)
    ru = make_report("---\ntitle: MoD\nsource: TASS\nurl: javascript:alert(1)\n---\nMinistry report.\n",
                     name="ru.md", published=day)
    bel = make_report("---\ntitle: Belgorod\nsource: Reuters\n---\nBelgorod report.\n", name="bel.md",
                      published="2024-05-03")
    dnipro = make_report("---\ntitle: Dnipro\nsource: Suspilne\n---\nDnipro report.\n", name="dnipro.md",
                         published="2024-05-10")
    events = [
        (uaf, [make_event(uaf, 0, date=day, launched=20, intercepted=18,
                          evidence="Air defence shot down 18 of 20 drones over Kyiv.",
                          source="Ukrainska Pravda"),
               make_event(uaf, 1, place="Kharkiv", admin1="Kharkiv oblast", lat=49.99, lon=36.23, date=day,
                          launched=5, intercepted=0, killed=2, launch_place="Kursk", launch_lat=51.73,
                          launch_lon=36.19, source="Ukrainska Pravda"),
               make_event(uaf, 2, place="Odesa", admin1="Odesa oblast", lat=46.48, lon=30.72, date=day,
                          weapon="cruise_missile", launched=4, intercepted=3, injured=5, source="Ukrainska Pravda"),
               make_event(uaf, 3, place="Ukraine", admin1=None, lat=49.0, lon=31.3, geo_precision="country",
                          date=day, launched=40, intercepted=30, source="Ukrainska Pravda")]),
        (ru, [make_event(ru, 0, date=day, launched=20, hit=20, claimed_by="Russian Defence Ministry", attacker="RU",
                         evidence="All 20 targets in Kyiv were hit.", source="TASS")]),
        (bel, [make_event(bel, 0, place="Belgorod", country="RU", admin1="Belgorod oblast", lat=50.6, lon=36.6,
                          date="2024-05-03", intercepted=12, claimed_by="Russian Defence Ministry", source="Reuters")]),
        (dnipro, [make_event(dnipro, 0, place="Dnipro", admin1="Dnipropetrovsk oblast", lat=48.45, lon=35.05,
                             date="2024-05-10", weapon="ballistic_missile", launched=2, source="Suspilne")]),
    ]
    with Store(path) as store:
        store.ingest(events)
    return path


@pytest.fixture
def store(db_path):
    return _store(db_path)


def run(query: dict | None = None, **session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deck(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def expected(db: Path, params: dict | None = None) -> dict[str, str]:
    """The tiles as query.summary (the CLI's function) gives them."""
    with Store(db) as s:
        result = summary(Strikes.from_store(s), selection_from_params(params or {}))
    shown = {label: panels.number(result[block][fig]) for label, (block, fig) in panels.TILES.items()}
    shown.update(Killed=panels.number(result["killed"]), Injured=panels.number(result["injured"]),
                 Places=f"{result['places']:,}", Reports=f"{result['reports']:,}")
    return shown


# -- counts and filters --------------------------------------------------------------------
def test_tiles_have_the_fixed_labels_and_agree_with_summary(store):
    at = run()
    shown = tiles(at)
    assert list(shown) == LABELS
    assert {k: v for k, v in shown.items() if k != "Interception rate"} == expected(store)
    assert shown["Drones launched"] == "40" and shown["Killed"] == "2"
    assert shown["Ballistic missiles intercepted"] == "not reported"   # no report states it: never 0


@pytest.mark.parametrize("params", [
    {"weapon": "drone"}, {"weapon": "cruise_missile,ballistic_missile"}, {"country": "RU"},
    {"claimant": "RU"}, {"place": "khar"}, {"source": "Reuters"}, {"from": "2024-05-03", "to": "2024-05-10"},
])
def test_url_filters_drive_the_counts(store, params):
    at = run(params)
    shown = tiles(at)
    assert {k: v for k, v in shown.items() if k != "Interception rate"} == expected(store, params)
    assert shown != tiles(run())                                  # the filter changed something


def test_zero_is_zero_and_unstated_is_not_reported(store):
    shown = tiles(run({"place": "Kharkiv"}))
    assert shown["Drones intercepted"] == "0"
    assert shown["Injured"] == "not reported"


def test_widget_change_is_written_to_the_url(store):
    at = run()
    at.multiselect(key="f_weapon").set_value(["drone"]).run()
    assert at.query_params["weapon"] == "drone"
    at.text_input(key="f_place").set_value("Kyiv").run()
    assert selection_from_params(dict(at.query_params)) == Selection(weapon=("drone",), place="Kyiv")


def test_url_dates_seed_the_slider(store):
    at = run({"from": "2024-05-03", "to": "2024-05-10", "slice": "week"})
    assert at.radio(key="f_preset").value == "Custom"
    assert at.slider(key="f_dates").value == (dt.date(2024, 5, 3), dt.date(2024, 5, 10))
    assert at.radio(key="f_slice").value == "week"


def test_preset_counts_back_from_today(db_path):
    _store(db_path, today=dt.date.today())
    at = run()
    at.radio(key="f_preset").set_value("Last 7 days").run()
    assert at.query_params["from"] == (dt.date.today() - dt.timedelta(days=6)).isoformat()
    assert tiles(at)["Drones launched"] == "40"                   # today's strikes, not May 2024's
    assert tiles(at)["Ballistic missiles launched"] == "not reported"


def test_clear_filters(store):
    at = run({"weapon": "drone", "place": "Kyiv"})
    at.button(key="clear_filters").click().run()
    assert tiles(at) == tiles(run())
    assert dict(at.query_params) == {}


# -- empty states and errors --------------------------------------------------------------
def test_no_store_file_says_how_to_make_one(db_path):
    at = run()
    assert not db_path.exists()                                    # looking does not create a store
    assert "No reports yet" in at.info[0].value and "ingest seeds/" in at.info[0].value
    assert not at.get("deck_gl_json_chart") and not at.error


def test_empty_store(db_path):
    Store(db_path).close()
    at = run()
    assert "No reports yet" in at.info[0].value


def test_empty_selection(store):
    at = run({"weapon": "glide_bomb"})
    assert "Nothing reported for this selection" in at.info[0].value
    assert not at.get("deck_gl_json_chart") and not at.error


def test_an_unexpected_error_is_a_sentence_not_a_trace(store, monkeypatch):
    from dashboard.views import data

    monkeypatch.delenv("STRIKES_DEBUG", raising=False)
    monkeypatch.setattr(data, "current", lambda: 1 / 0)
    at = run()
    assert at.error and "Something went wrong" in at.error[0].value
    assert "ZeroDivisionError" not in at.error[0].value


# -- the deck spec ------------------------------------------------------------------------
def test_deck_is_offline_with_explicit_layer_ids(store):
    spec = deck(run())
    assert not spec.get("mapProvider") and "cartocdn" not in json.dumps(spec)
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == ["admin0", "admin1", "arcs", "places", "country_labels", "place_labels"]
    assert spec["initialViewState"] == deck(run({"weapon": "drone"}))["initialViewState"]  # view survives filters


def test_web_tiles_are_opt_in(store, monkeypatch):
    monkeypatch.setenv("STRIKES_WEB_TILES", "1")
    spec = deck(run())
    assert spec["mapProvider"] == "carto" and "openfreemap" in spec["mapStyle"]


def test_one_circle_per_place_and_nationwide_figures_not_drawn(store):
    at = run()
    places = next(layer for layer in deck(at)["layers"] if layer["id"] == "places")["data"]
    assert sorted(p["place"] for p in places) == ["Belgorod", "Dnipro", "Kharkiv", "Kyiv", "Odesa"]
    listed = " ".join(m.value for m in at.markdown)
    assert "Ukraine — not broken down by region" in listed


def test_shaded_regions_replace_the_admin1_borders(store):
    at = run(shade=True)
    layers = {layer["id"]: layer for layer in deck(at)["layers"]}
    assert "regions" in layers and "admin1" not in layers
    filled = [f["properties"]["name"] for f in layers["regions"]["data"]["features"]
              if f["properties"]["fill"][3] > 0]
    assert "Kyiv city" in filled and "Lviv oblast" not in filled


def test_report_html_goes_only_to_the_text_tooltip(db_path):
    report = make_report(f"---\ntitle: T {PAYLOAD}\nsource: Wire {PAYLOAD}\n---\nText.\n", name="evil.md")
    with Store(db_path) as s:
        s.ingest([(report, [make_event(report, 0, place=f"Lviv {PAYLOAD}", lat=49.84, lon=24.03, launched=3,
                                       claimed_by=f"Governor {PAYLOAD}", evidence=f"@@=3 drones {PAYLOAD}",
                                       source=f"Wire {PAYLOAD}")])])
    at = run()
    chart = at.get("deck_gl_json_chart")[0]
    assert json.loads(chart.proto.tooltip) == {"text": "{tip}", "style": json.loads(chart.proto.tooltip)["style"]}
    places = next(layer for layer in deck(at)["layers"] if layer["id"] == "places")["data"]
    assert PAYLOAD in places[0]["tip"]                              # shown as text by innerText
    assert '"@@=3' not in chart.proto.json                          # the JSON converter would run it
    for element in [*at.markdown, *at.caption, *at.subheader]:
        assert "<script>" not in element.value and "<img" not in element.value


# -- details, time slicing, presentation --------------------------------------------------
def heading(at: AppTest) -> str:
    """The caption in words above the counts."""
    return next(m.value for m in at.markdown if m.value.startswith("#### "))


def _html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def test_click_opens_the_details_with_both_sides(store):
    at = run(map={"selection": {"indices": {"places": [0]},
                                "objects": {"places": [{"place": "Kyiv", "country": "UA"}]}}})
    assert at.selectbox(key="detail_place").value == "Kyiv|UA"
    assert at.subheader[0].value == "Kyiv, Ukraine"
    body = _html(at)
    assert "<mark>18</mark> of <mark>20</mark>" in body
    assert 'href="https://example.org/uaf"' in body and "javascript:" not in body
    assert any("the other side's claim" in c.value for c in at.caption)


def test_details_from_the_list(store):
    at = run()
    at.selectbox(key="detail_place").set_value("Kharkiv|UA").run()
    assert at.subheader[0].value == "Kharkiv, Ukraine"
    assert any("How the figure was chosen" in c.value for c in at.caption)


def test_step_through_slices(store):
    at = run()
    assert at.select_slider(key="slice_pick").value == -1
    at.button(key="slice_next").click().run()
    assert tiles(at)["Drones launched"] == "40" and "2 May 2024" in heading(at)
    at.button(key="slice_next").click().run()
    assert tiles(at)["Drones launched"] == "not reported"         # 3 May: Belgorod only
    at.button(key="slice_prev").click().run()
    assert "2 May 2024" in heading(at)


def test_series_chart_and_small_multiples(store):
    at = run()
    assert len(at.get("vega_lite_chart")) == 1
    at.toggle(key="small_multiples").set_value(True).run()
    assert len(at.get("vega_lite_chart")) == 2


@pytest.mark.parametrize("fails", [False, True])
def test_presentation_mode_and_png(store, monkeypatch, fails):
    import dashboard.slides as slides

    def render_png(data, sel, *, title=None, size=(1920, 1080)):
        if fails:
            raise RuntimeError("no fonts")
        return b"\x89PNG fake " + (title or "").encode()

    monkeypatch.setattr(slides, "render_png", render_png)
    at = run({"mode": "slides", "weapon": "drone"})
    assert at.title[0].value == "Drone attacks"
    assert "Drones launched" in tiles(at) and "Cruise missiles launched" not in tiles(at)
    at.button(key="prepare_png").click().run()
    assert bool(at.error) is fails
    assert len(at.get("download_button")) == (0 if fails else 1)
    at.toggle(key="present").set_value(False).run()
    assert "mode" not in at.query_params and list(tiles(at)) == LABELS


def test_downloads_are_offered(store):
    labels = [b.proto.label for b in run().get("download_button")]
    assert labels == ["Events as CSV", "Events as GeoJSON"]


def test_remembered_selection_is_restored_without_url(store):
    """Back from the Add reports page the URL is bare and the filter widgets were dropped:
    the selection remembered in the session fills them again and goes back into the URL."""
    at = run(**{controls.PARAMS_KEY: {"weapon": ["drone"], "place": ["Kyiv"]}})
    assert at.multiselect(key="f_weapon").value == ["drone"] and at.text_input(key="f_place").value == "Kyiv"
    assert at.query_params["weapon"] == "drone" and at.query_params["place"] == "Kyiv"


def test_params_for_presentation():
    assert controls.params_for(Selection(weapon=("drone",)), True) == {"weapon": "drone", "mode": "slides"}


# -- the Add reports page -----------------------------------------------------------------
GOOD = b"---\npublished: 2024-05-02\nsource: Kyiv Independent\n---\nKYIV - Ukraine's air force said 18 of 20 drones were shot down over Kyiv overnight.\n"


@pytest.fixture
def extractor(monkeypatch):
    """A stand-in for extraction (tested on its own): one Kyiv claim per report, 18 of 20."""
    from dashboard import pipeline

    def events_from_report(report, gazetteer=None, geocode=None):
        return [make_event(report, 0, launched=20, intercepted=18, source=report.source)], []

    monkeypatch.setattr(pipeline, "events_from_report", events_from_report)


def test_add_reports_stores_good_files_and_names_bad_ones(db_path, extractor):
    from dashboard.views import add_reports

    results = add_reports.read_items([("good.md", GOOD), ("empty.txt", b"  \n"), ("huge.txt", b"x" * 3_000_000)])
    rows = add_reports.store_results(results, db_path)
    assert [r["Result"] for r in rows] == ["stored", "not stored", "not stored"]
    assert rows[1]["Notes"].startswith("empty.txt:") and "huge.txt" in rows[2]["Notes"]
    assert rows[0]["Strikes found"] >= 1
    again = add_reports.store_results(add_reports.read_items([("good.md", GOOD)]), db_path)
    assert again[0]["Result"] == "already stored, nothing changed"
    with Store(db_path) as s:
        assert s.counts()["reports"] == 1


def test_add_reports_extraction_failure_names_the_file_and_stores_nothing_of_it(db_path, monkeypatch):
    from dashboard import pipeline
    from dashboard.views import add_reports

    def broken(report, gazetteer=None, geocode=None):
        raise ValueError("bad table")

    monkeypatch.setattr(pipeline, "events_from_report", broken)
    rows = add_reports.store_results(add_reports.read_items([("odd.md", GOOD)]), db_path)
    assert rows[0]["Result"] == "not stored" and "odd.md" in rows[0]["Notes"] and "bad table" in rows[0]["Notes"]
    with Store(db_path) as s:
        assert s.counts() == {"reports": 0, "events": 0}


def test_add_reports_page_pasted_text_then_the_map_shows_it(db_path, extractor):
    def page():   # AppTest runs the function's source alone: imports go inside
        from dashboard.views import add_reports

        add_reports.render()

    at = AppTest.from_function(page, default_timeout=60).run()
    at.text_area(key="pasted").set_value(GOOD.decode())           # a form: values go in with the submit
    at.text_input(key="add_source").set_value("Wire <b>x</b>")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert "Stored 1 new report" in at.success[0].value
    assert tiles(run())["Drones intercepted"] == "18"              # a new store version: not the old cache


# -- data the aggregates find awkward ----------------------------------------------------
def test_a_place_with_named_and_unnamed_claimants(db_path):
    report = make_report("---\nsource: Wire\n---\nText.\n")
    other = make_report("---\nsource: Wire 2\n---\nOther text.\n")
    with Store(db_path) as s:
        s.ingest([(report, [make_event(report, 0, launched=5)]),
                  (other, [make_event(other, 0, weapon="cruise_missile", launched=2, claimed_by=None)])])
    at = run()
    assert tiles(at)["Drones launched"] == "5" and not at.error
