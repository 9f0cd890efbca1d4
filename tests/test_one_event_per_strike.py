"""End to end: reports in different words about one attack count once; other nights count again.

Report text → extraction → store → strikes → summary, with sentences written for these tests.
"""
import pytest

from dashboard.pipeline import read_batch
from dashboard.query import Selection, Strikes, summary
from dashboard.store import Store

SAME_NIGHT = {
    "wire.md": """---
title: Drones target Odesa overnight
source: Example Wire
published: 2024-03-08
---
ODESA, Ukraine, 8 March 2024 - Russia attacked Ukraine overnight with 37 Shahed drones, and air defence shot down 33 of them, the Ukrainian Air Force said on Friday.
Two people were injured in Odesa when debris fell on a house, regional governor Oleh Kiper said.
""",
    "statement.md": """---
title: Air Force statement
source: Air Force channel
published: 2024-03-08
---
On the night of 7-8 March the enemy attacked with 37 Shahed-type attack drones. Air defence destroyed 33 of them, the Air Force of Ukraine said.
""",
    "local.md": """---
title: Odesa after the night attack
source: Local Paper
published: 2024-03-08
---
Two residents of Odesa were hurt overnight after a Russian drone attack, Governor Oleh Kiper said on Friday.
""",
}

NEXT_NIGHT = """---
title: A second night
source: Example Wire
published: 2024-03-10
---
Russia launched 12 Shahed drones at Ukraine overnight; ten were shot down, the Ukrainian Air Force said on Sunday.
"""


def ingest(tmp_path, files):
    folder = tmp_path / "reports"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    results = read_batch([folder])
    assert not [r.error for r in results if r.error]
    with Store(tmp_path / "s.sqlite") as store:
        store.ingest([(r.report, r.events) for r in results])
        return Strikes.from_store(store)


def test_one_attack_in_three_reports_counts_once(tmp_path):
    result = summary(ingest(tmp_path, SAME_NIGHT))
    assert result["drones"]["launched"] == 37
    assert result["drones"]["intercepted"] == 33
    assert result["injured"] == 2
    assert result["reports"] == 3


def test_two_nights_count_twice(tmp_path):
    result = summary(ingest(tmp_path, {**SAME_NIGHT, "next.md": NEXT_NIGHT}))
    assert result["drones"]["launched"] == 37 + 12
    assert result["drones"]["intercepted"] == 33 + 10
    night_two = summary(ingest(tmp_path, {}), Selection(date_from=__import__("datetime").date(2024, 3, 10)))
    assert night_two["drones"]["launched"] == 12


def test_ingesting_the_same_files_twice_changes_nothing(tmp_path):
    first = summary(ingest(tmp_path, SAME_NIGHT))
    again = summary(ingest(tmp_path, SAME_NIGHT))
    assert first == again


def test_the_figure_shown_says_how_it_was_chosen(tmp_path):
    data = ingest(tmp_path, SAME_NIGHT)
    national = data.strikes[(data.strikes["place"] == "Ukraine") & (data.strikes["weapon"] == "drone")]
    assert len(national) == 1
    how = data.rows(national.index, ["how"]).iloc[0]["how"]
    assert how.startswith("2 reports; figures from") and "Air Force" in how
