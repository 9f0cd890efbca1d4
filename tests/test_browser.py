"""The page in a real browser: `streamlit run dashboard/app.py` driven by Debian's headless Chromium.

Checks the map canvas is drawn, the seed article's counts, a date filter in the URL, that nothing
leaves the machine, that the console stays clean, and that HTML in a report is shown, never run.
Outside CI the tests skip when /usr/bin/chromium is missing; under CI=true they fail instead.
"""
from __future__ import annotations

import time

import pytest

from browser_support import (CHROMIUM, LAUNCH_ARGS, ROOT, StreamlitServer, basemap_similarity,
                             choose_in_multiselect, dashboard, drag_and_zoom, drawn, image_of, main_text,
                             metrics, near_identical, number, require_chromium, saturated_spots, visit,
                             wait_for_map, wait_for_metrics, wait_for_still_map, wait_until_idle)
from conftest import make_event, make_report
from dashboard.store import Store

pytestmark = pytest.mark.browser

SEED = "seeds/000_661279230dd1bd41.txt"
#: The seed article's figures, as the page's st.metric tiles must show them.
SEED_COUNTS = {"Drones launched": 16, "Drones intercepted": 15, "Cruise missiles intercepted": 28,
               "Killed": 2, "Injured": 3}
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg onload=alert(1)>"
PAYLOAD_REPORT = f"""---
title: Night attack {SCRIPT}
source: Evil Wire {IMG}
published: 2024-03-10
---
KYIV, 10 March 2024 - Ukraine's Air Force said on Sunday that air defences shot down 12 of 14 Shahed
drones launched overnight against Kyiv {SCRIPT} and Kharkiv {IMG}, and that one person was killed and
4 were injured, according to {SCRIPT} officials {SVG}.
"""
PWNED = "typeof window.__pwned === 'undefined' ? null : String(window.__pwned)"


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def seed_app(tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("seed-store") / "strikes.sqlite"
    dashboard("--db", str(db), "ingest", SEED)
    server = StreamlitServer(db, "seed").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def payload_app(tmp_path_factory):
    """A store with a report full of HTML and script, once through extraction and once hand-made
    (payload in the place, the claimant, the evidence, the title and the source)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("payload-store")
    (folder / "payload.md").write_text(PAYLOAD_REPORT, encoding="utf-8")
    db = folder / "strikes.sqlite"
    out = dashboard("--db", str(db), "ingest", str(folder / "payload.md"))
    assert ": 0 events" not in out, f"the payload report gave no event: {out}"
    report = make_report(f"---\ntitle: Evil title {IMG}\nsource: Evil Wire {SVG}\n---\nDrones over Lviv {SCRIPT}.\n",
                         name="evil.md", published="2024-03-11")
    event = make_event(report, place=f"Lviv {SCRIPT}{IMG}", country="UA", admin1="Lviv oblast", lat=49.84,
                       lon=24.03, date="2024-03-11", weapon="drone", launched=7, intercepted=6, killed=1,
                       claimed_by=f"Governor {IMG}", evidence=f"Seven drones {SCRIPT} flew at Lviv {IMG}.",
                       source=f"Evil Wire {SVG}")
    with Store(db) as store:
        store.ingest([(report, [event])])
        assert store.counts()["reports"] == 2 and store.counts()["events"] >= 2
    server = StreamlitServer(db, "payload").start()
    yield server
    server.stop()


def assert_clean(watch, server):
    assert watch.foreign(server) == [], "requests left the machine"
    assert watch.page_errors == [], "uncaught errors in the page"
    assert watch.console_errors == [], "errors in the console"


def test_map_canvas_is_drawn_offline_and_quietly(browser, seed_app):
    with visit(browser, seed_app, "browser-seed-page") as (page, watch):
        chart, image = wait_for_map(page)
        image.save(ROOT / "test-artifacts" / "browser-seed-map.png")
        assert chart.locator("canvas").count() >= 1
        box = chart.locator("canvas").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200
        assert drawn(image), "the map area is blank or uniform"
        page.mouse.wheel(0, 3000)                 # whatever loads lazily below the fold loads now
        wait_until_idle(page)
        assert_clean(watch, seed_app)
        assert any(u.startswith(seed_app.url) for u in watch.requests)


def test_seed_counts(browser, seed_app):
    with visit(browser, seed_app, "browser-seed-counts") as (page, watch):
        shown = wait_for_metrics(page, SEED_COUNTS)
        assert {label: number(shown[label]) for label in SEED_COUNTS} == SEED_COUNTS
        assert_clean(watch, seed_app)


@pytest.mark.parametrize("query, same", [("?from=2023-11-06&to=2023-11-06", True),
                                         ("?from=2023-11-01&to=2023-11-05", False)])
def test_date_filter_in_the_url(browser, seed_app, query, same):
    name = "browser-seed-" + query.strip("?").replace("&", "_").replace("=", "-")
    with visit(browser, seed_app, name, query) as (page, watch):
        shown = wait_for_metrics(page, SEED_COUNTS, or_text=None if same else "nothing reported")
        values = {label: number(shown.get(label)) for label in SEED_COUNTS}
        if same:
            assert values == SEED_COUNTS
        else:   # the 6 Nov 2023 events are outside the range: none of their figures may show
            assert all(values[label] != SEED_COUNTS[label] for label in SEED_COUNTS), values
            assert shown or "nothing reported" in main_text(page).lower()
            assert "1\u20135 Nov 2023" in main_text(page), "the caption does not follow the URL's dates"
        assert_clean(watch, seed_app)


def test_zoom_and_pan_survive_a_filter_change(browser, seed_app):
    """Drag and zoom the map, then pick a weapon in the sidebar: Streamlit reruns and sends the
    deck again, but the basemap must stay where the reader left it (no reset to the first view)."""
    out = ROOT / "test-artifacts"
    with visit(browser, seed_app, "browser-seed-view-kept") as (page, watch):
        before = wait_for_metrics(page, SEED_COUNTS)
        chart, _ = wait_for_map(page)
        first = wait_for_still_map(chart, page)
        first.save(out / "browser-view-1-first.png")
        assert drawn(first), "the map area is blank or uniform"

        drag_and_zoom(page, chart)
        moved = wait_for_still_map(chart, page)
        moved.save(out / "browser-view-2-dragged.png")
        assert near_identical(first, moved) < 0.8 and basemap_similarity(first, moved) < 0.5, \
            "dragging and zooming did not move the map"

        choose_in_multiselect(page, "Weapon", "Drone")
        deadline = time.monotonic() + 60
        while metrics(page) == before and time.monotonic() < deadline:
            page.wait_for_timeout(250)   # the rerun has not reached the tiles yet
        assert metrics(page) != before, "choosing a weapon did not change the count tiles"
        wait_until_idle(page)
        chart, _ = wait_for_map(page)
        after = wait_for_still_map(chart, page)
        after.save(out / "browser-view-3-filtered.png")

        kept = (near_identical(moved, after), basemap_similarity(moved, after))
        reset = (near_identical(first, after), basemap_similarity(first, after))
        print(f"after filter vs dragged: {kept}; vs first view: {reset}")
        assert kept[0] > 0.85 and kept[1] > 0.6, f"the view moved on the rerun: {kept} (vs first {reset})"
        assert kept[1] > reset[1] + 0.3, f"the view went back towards the first one: {kept} vs {reset}"
        assert_clean(watch, seed_app)


def _no_payload_ran(page, watch):
    for frame in page.frames:
        assert frame.evaluate(PWNED) is None, f"a payload ran in {frame.url}"
    assert watch.dialogs == [], "a payload opened a dialog"
    assert page.evaluate("""() => [...document.querySelectorAll('script')]
                              .filter(s => (s.textContent || '').includes('__pwned')).length""") == 0
    assert page.evaluate("""() => [...document.querySelectorAll('[onerror],[onload]')]
                              .filter(e => /pwned|alert/.test(e.getAttribute('onerror') || e.getAttribute('onload') || ''))
                              .length""") == 0


def _payload_text_shown(page) -> bool:
    """The payload's words are visible as text (the deck tooltip is part of the body too)."""
    return "window.__pwned=1" in page.evaluate("() => document.body.innerText || ''")


def test_html_in_a_report_is_shown_as_text_never_run(browser, payload_app):
    with visit(browser, payload_app, "browser-payload") as (page, watch):
        chart, image = wait_for_map(page)
        _no_payload_ran(page, watch)
        shown = _payload_text_shown(page)
        box = chart.bounding_box()
        for x, y in saturated_spots(image, limit=6):   # hover (tooltip) and click (details) the circles
            page.mouse.move(box["x"] + x, box["y"] + y)
            page.wait_for_timeout(400)
            _no_payload_ran(page, watch)
            shown = shown or _payload_text_shown(page)
            page.mouse.click(box["x"] + x, box["y"] + y)
            wait_until_idle(page)
            _no_payload_ran(page, watch)
            shown = shown or _payload_text_shown(page)
        image_of(chart.screenshot()).save(ROOT / "test-artifacts" / "browser-payload-map.png")
        assert shown, "the report's text (with its HTML) is shown nowhere as text"
        _no_payload_ran(page, watch)
        assert_clean(watch, payload_app)
