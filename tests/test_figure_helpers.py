"""Small helpers of the weapon-count rules (figures.py): which weapon a number counts, and
whether a count adds to one given before."""
import pytest

from dashboard.extract.figures import _head_noun, _partial
from dashboard.extract.numbers import find_numbers
from dashboard.extract.tables import lower_same_length
from dashboard.extract.weapons import find_weapons


def _first_count(text):
    return next(n for n in find_numbers(text) if n.kind == "count")


@pytest.mark.parametrize("text, expected", [
    ("Air defence shot down 33 Russian attack drones.", 0),  # adjectives only between
    ("Missiles hit the city, and 12 drones were downed.", 1),  # the first weapon after the number
    ("Russia launched 12 drones and 3 missiles.", 0),
    ("Officials said 12 people were hurt by drones.", None),  # a people noun stands between
    ("The 12 of them were hit by drones.", None),  # a stop word between
])
def test_head_noun(text, expected):
    w, n = lower_same_length(text), _first_count(text)
    assert _head_noun(w, n.end, find_weapons(text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("Three more drones were shot down.", True),
    ("Air defence downed 12 other drones.", True),
    ("Another 208 drones were suppressed.", False),  # "another" is part of the number's lead
    ("Twelve drones were shot down.", False),
    ("Twelve drones were shot down, more than expected.", False),  # too far from the number
])
def test_partial(text, expected):
    w = lower_same_length(text)
    assert _partial(w, _first_count(text)) is expected
