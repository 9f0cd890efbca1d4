"""The page's loading cache: one store version in memory at a time."""
import gc
import weakref

from dashboard.store import Store
from dashboard.views import data

from conftest import make_event, make_report


def _ingest(path, text, **fields):
    report = make_report(text)
    with Store(path) as store:
        store.ingest([(report, [make_event(report, 0, **fields)])])


def test_a_new_version_drops_the_old_data_before_loading(db_path):
    data.load.clear()
    _ingest(db_path, "Ten drones were shot down over Kyiv.", intercepted=10)
    first = data.current()
    assert first is data.current()                       # the same version is read once
    old = weakref.ref(first.full)
    assert int(first.full.strikes["intercepted"].sum()) == 10
    del first
    _ingest(db_path, "Four missiles hit Lviv.", place="Lviv", lat=49.84, lon=24.03, weapon="cruise_missile", hit=4)
    second = data.current()
    gc.collect()
    assert old() is None                                 # with both kept, 1M events would need ~1.5 GB
    assert sorted(second.full.strikes["place"]) == ["Kyiv", "Lviv"]
    data.load.clear()


def test_no_store_file_is_no_data(db_path):
    assert data.current() is None
    assert not db_path.exists()
