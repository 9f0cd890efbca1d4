"""The slide PNG: size, content (pixels and text chunks), empty selections, the CLI, atomic writes."""
import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

from dashboard import credits, slide_basemap, slides
from dashboard.query import Selection, Strikes, summary
from dashboard.store import Store
from conftest import make_event, make_report

ROOT = Path(__file__).resolve().parent.parent
NOV = dict(date_from=dt.date(2023, 11, 1), date_to=dt.date(2023, 11, 6))


def seed_like_events(report):
    """Events shaped like the user's seed article (Kyiv, nationwide figures, Pskov, Moscow)."""
    return [
        make_event(report, 0, place="Kyiv", weapon="unknown", intercepted=20, killed=2, injured=3,
                   at_least=["intercepted"], date="2023-11-06", claimed_by="Serhii Popko",
                   source="Seed Daily"),
        make_event(report, 1, place="Ukraine", admin1=None, lat=49.0, lon=31.4, geo_precision="country",
                   weapon="cruise_missile", intercepted=28, date="2023-11-06", claimed_by="Ukraine",
                   source="Seed Daily"),
        make_event(report, 2, place="Ukraine", admin1=None, lat=49.0, lon=31.4, geo_precision="country",
                   weapon="drone", launched=16, intercepted=15, date="2023-11-06", claimed_by="Ukraine",
                   source="Seed Daily"),
        make_event(report, 3, place="Pskov", country="RU", admin1="Pskov oblast", lat=57.82, lon=28.33,
                   weapon="drone", date="2023-11-01", claimed_by="Russian officials", source="Seed Daily"),
        make_event(report, 4, place="Moscow", country="RU", admin1="Moscow", lat=55.75, lon=37.62,
                   weapon="drone", date="2023-11-01", claimed_by="Russian officials", source="Seed Daily"),
        make_event(report, 5, place="Kharkiv", admin1="Kharkiv oblast", lat=49.99, lon=36.23,
                   weapon="drone", launched=40, intercepted=31, date="2023-11-03",
                   claimed_by="Ukrainian Air Force", source="Seed Daily"),
    ]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    report = make_report("Drones and missiles over Kyiv, Kharkiv, Pskov and Moscow.\n", name="seed.md",
                         published="2023-11-06")
    path = tmp_path_factory.mktemp("slides") / "strikes.sqlite"
    with Store(path) as store:
        store.ingest([(report, seed_like_events(report))])
        strikes = Strikes.from_store(store)
    strikes.db = path
    return strikes


@pytest.fixture(scope="module")
def nationwide_only(tmp_path_factory):
    report = make_report("Ukraine downed 28 cruise missiles.\n", name="nation.md", published="2023-11-06")
    path = tmp_path_factory.mktemp("nation") / "strikes.sqlite"
    with Store(path) as store:
        store.ingest([(report, seed_like_events(report)[1:3])])
        return Strikes.from_store(store)


def open_png(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def box(image: Image.Image, name: str, inset: int = 3) -> tuple[int, int, int, int]:
    """Pixel box of a layout area (slides.LAYOUT is in figure fractions from the bottom left)."""
    x0, y0, x1, y1 = slides.LAYOUT[name]
    w, h = image.size
    return int(x0 * w) + inset, int((1 - y1) * h) + inset, int(x1 * w) - inset, int((1 - y0) * h) - inset


def ink_pixels(image: Image.Image, name: str, background=(255, 255, 255)) -> int:
    """Pixels of an area that differ clearly from its background."""
    area = image.convert("RGB").crop(box(image, name))
    return sum(n for n, colour in area.getcolors(maxcolors=1 << 22)
               if max(abs(a - b) for a, b in zip(colour, background)) > 60)


def weapon_pixels(image: Image.Image, weapon: str) -> int:
    """Pixels in the map area of a weapon class's colour (hue within 5/255, saturated, bright)."""
    target = Image.new("RGB", (1, 1), slides.WEAPON_COLOURS[weapon]).convert("HSV").getpixel((0, 0))[0]
    hsv = np.asarray(image.convert("HSV").crop(box(image, "map"))).astype(int)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    return int(((abs(h - target) <= 5) & (s >= 150) & (v >= 120)).sum())


def figure_texts(data, sel, **kw) -> list[str]:
    fig, _ = slides.slide_figure(data, sel, **kw)
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_png_is_a_16_9_slide_with_caption_and_credit_in_text_chunks(data):
    sel = Selection(**NOV)
    image = open_png(slides.render_png(data, sel))
    assert image.format == "PNG"
    assert image.size[0] >= 1920 and image.size[1] >= 1080
    assert image.size[0] * 9 == image.size[1] * 16
    expected = summary(data, sel)["caption"]
    assert "1\u20136 Nov 2023" in expected
    assert image.text["Description"] == expected
    assert image.text["Title"] == "Drone and missile attacks"
    assert "Made with Natural Earth" in image.text["Source"] and "GeoNames" in image.text["Source"]
    assert "Seed Daily" in image.text["Source"]
    assert image.text["Comment"] == credits.POINT_OF_VIEW


def test_map_title_caption_and_credit_are_drawn(data):
    image = open_png(slides.render_png(data, Selection(**NOV)))
    map_area = image.convert("RGB").crop(box(image, "map"))
    assert len(map_area.getcolors(maxcolors=1 << 22)) > 500           # basemap, borders, circles
    assert weapon_pixels(image, "drone") > 500                        # Kharkiv, Moscow, Pskov circles
    assert ink_pixels(image, "title") > 2000
    assert ink_pixels(image, "caption") > 2000
    assert ink_pixels(image, "credit", background=(0xF2, 0xF4, 0xF5)) > 1000
    assert ink_pixels(image, "tiles") > 5000


def test_the_words_on_the_slide(data):
    sel = Selection(**NOV)
    texts = figure_texts(data, sel)
    joined = "\n".join(texts)
    total = summary(data, sel)
    assert total["caption"] in joined.replace("\n", " ")
    for label, *_ in slides.TILES:
        assert label.split()[0] in joined
    assert str(total["drones"]["launched"]) in texts and str(total["killed"]) in texts
    assert "3" in texts                                               # injured
    assert "Made with Natural Earth" in joined and "GeoNames" in joined
    assert credits.POINT_OF_VIEW in joined
    assert "not on the map" in joined                                 # nationwide figures are listed
    assert "Kyiv" in texts and "Kharkiv" in texts                     # places named beside circles
    assert "Ukraine" not in texts                                     # ... the nationwide one is not a point


def test_figures_not_reported_read_not_reported_never_zero(data):
    sel = Selection(weapon=("drone",), **NOV)
    total = summary(data, sel)
    assert total["killed"] is None and total["cruise_missiles"]["launched"] is None
    texts = figure_texts(data, sel)
    assert texts.count(slides.NOT_REPORTED) >= 5                       # cruise, ballistic, killed, injured
    assert "0" not in texts
    assert "Drone attacks" in texts


def test_nationwide_figures_are_not_points(nationwide_only):
    sel = Selection()
    image = open_png(slides.render_png(nationwide_only, sel))
    assert weapon_pixels(image, "drone") == 0 and weapon_pixels(image, "cruise_missile") == 0
    joined = "\n".join(figure_texts(nationwide_only, sel))
    assert "No place to map" in joined
    assert "Ukraine, cruise missile: 28 intercepted" in joined                # by class, never mixed
    assert "Ukraine, drone: 16 launched, 15 intercepted" in joined


def test_empty_selection_gives_a_picture_that_says_so(data):
    sel = Selection(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 1, 2))
    image = open_png(slides.render_png(data, sel))
    assert image.size == (1920, 1080)
    assert image.text["Description"] == "Drone and missile attacks, 1\u20132 Jan 2020"
    assert "Made with Natural Earth" in image.text["Source"]
    assert ink_pixels(image, "caption") > 1000
    texts = figure_texts(data, sel)
    assert "Nothing was reported\nfor this selection" in texts
    assert texts.count(slides.NOT_REPORTED) == len(slides.TILES)


def test_empty_store(tmp_path):
    with Store(tmp_path / "empty.sqlite") as store:
        data = Strikes.from_store(store)
    image = open_png(slides.render_png(data, Selection()))
    assert image.size == (1920, 1080) and image.text["Description"].startswith("Drone and missile attacks")


def test_larger_size_and_long_words(data):
    title = "A headline far too long for one line of a slide about drone and missile attacks " * 2
    image = open_png(slides.render_png(data, Selection(place="k", **NOV), title=title, size=(3840, 2160)))
    assert image.size == (3840, 2160)
    assert image.text["Title"] == title


def test_colours_match_the_page_and_are_okabe_ito():
    maps = pytest.importorskip("dashboard.maps")
    as_rgb = {w: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for w, c in slides.WEAPON_COLOURS.items()}
    assert as_rgb == {w: tuple(c) for w, c in maps.WEAPON_COLOURS.items()}
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert {c for w, c in slides.WEAPON_COLOURS.items() if w != "unknown"} <= okabe_ito


def test_extent_holds_the_places_and_at_least_ukraine():
    ratio = 0.6
    x0, y0, x1, y1 = slide_basemap.fitted_extent([37.62, 28.33], [55.75, 57.82], ratio)
    assert x0 <= 22.1 and x1 >= 40.2 and y0 <= 44.4 and y1 >= 57.82
    import math
    shown = (y1 - y0) / ((x1 - x0) * math.cos(math.radians((y0 + y1) / 2)))
    assert shown == pytest.approx(ratio, rel=0.02)
    x0, y0, x1, y1 = slide_basemap.fitted_extent([], [], ratio)
    assert x0 <= 22.1 and x1 >= 40.2 and y0 <= 44.4 and y1 >= 52.4


def test_render_is_fast(data):
    slides.render_png(data, Selection())                              # basemap loaded and cached
    start = time.perf_counter()
    slides.render_png(data, Selection(**NOV))
    assert time.perf_counter() - start < 5


def test_snapshot_command(data, tmp_path):
    out = tmp_path / "deck" / "slide.png"
    cmd = [sys.executable, "-m", "dashboard", "--db", str(data.db), "snapshot",
           "--from", "2023-11-01", "--to", "2023-11-06", "--out", str(out)]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    image = Image.open(out)
    assert image.size[0] >= 1920 and image.size[1] >= 1080
    assert image.text["Description"] == summary(data, Selection(**NOV))["caption"]
    assert "GeoNames" in image.text["Source"]
    assert weapon_pixels(image, "drone") > 500
    assert os.listdir(out.parent) == ["slide.png"]                    # no temporary file left behind


def test_snapshot_command_with_filters_and_nothing_found(data, tmp_path):
    out = tmp_path / "none.png"
    cmd = [sys.executable, "-m", "dashboard", "--db", str(data.db), "snapshot", "--weapon", "glide_bomb",
           "--title", "Glide bombs this week", "--out", str(out)]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    image = Image.open(out)
    assert image.text["Title"] == "Glide bombs this week"
    assert image.text["Description"].startswith("Glide bomb attacks, all dates")
    assert ink_pixels(image, "caption") > 1000


def test_write_is_atomic(data, tmp_path, monkeypatch):
    out = tmp_path / "slide.png"
    out.write_bytes(b"previous slide")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(slides.os, "replace", broken_replace)
    with pytest.raises(OSError):
        slides.write_snapshot(data, Selection(), out)
    assert out.read_bytes() == b"previous slide"
    assert os.listdir(tmp_path) == ["slide.png"]
    monkeypatch.undo()
    assert slides.write_snapshot(data, Selection(), out) == out
    assert Image.open(out).size == (1920, 1080)
