"""Newsroom map of reported aerial strikes in the Russia-Ukraine war.

The data takes one road: report text -> extraction -> geocoding -> events (GeoDataFrame)
-> store -> query (filter, dedupe, aggregate) -> views (map, counts, tables, exports).
"""
from . import native as _native

__version__ = "0.1.0"

# before any extraction module is imported: the compiled build, if it matches the source
_native.install()
