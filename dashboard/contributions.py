"""Rule 4 of the merge (see dedupe.py): a national total and its regional breakdown for the same
night are not added together, nor a regional figure and the figures of the cities in it.

The parent contributes only the part its children do not account for, max(0, parent - sum of
children). Rows of an imported table are separate records: there the rule applies only within
one row's own breakdown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .events import FIGURES

#: Level of a place in the hierarchy country > region > city; seas and unresolved names stand alone.
LEVELS = {"country": 1, "region": 2, "macro_region": 2, "city": 3, "facility": 3, "sea": 3}


def _codes(values: pd.Series) -> np.ndarray:
    return np.asarray(pd.factorize(values)[0], dtype=np.int64)


def _group_sum(codes: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Per code: the sum of ``values`` (NaN is missing), NaN where no value is given."""
    given = ~np.isnan(values)
    total = np.bincount(codes[given], weights=values[given], minlength=n)
    stated = np.bincount(codes[given], minlength=n) > 0
    return np.where(stated, total, np.nan)


def _table_row(strikes: pd.DataFrame) -> pd.Series:
    """Rows of an imported table are separate records, not totals of one another: a row's total
    is the parent only of the breakdown it carries itself (events ``<report>-r<row>-<k>``)."""
    if "kind" not in strikes:
        return pd.Series("", index=strikes.index)
    table = (strikes["kind"].fillna("text") != "text").to_numpy()
    if table.all():
        return strikes["event_id"].str.rsplit("-", n=1).str[0]
    out = pd.Series("", index=strikes.index, dtype=strikes["event_id"].dtype)
    if table.any():      # split only the imported rows' ids (a text store has none)
        out[table] = strikes["event_id"][table].str.rsplit("-", n=1).str[0]
    return out


def _contributions(strikes: pd.DataFrame, field: str) -> pd.Series:
    """What each strike adds to a total of ``field``: parents add only what children do not."""
    return contributions_all(strikes, (field,))[field]


def contributions_all(strikes: pd.DataFrame, fields=FIGURES) -> dict[str, pd.Series]:
    """`_contributions` of several figures; the place hierarchy is worked out once."""
    primary = strikes["alternative_of"].isna().to_numpy()     # the other side's claim adds nothing
    precision = strikes["geo_precision"]
    level = precision.map(LEVELS).fillna(3).to_numpy()
    dated = strikes["date"].notna().to_numpy() & primary
    bucket_key = (strikes["_date"] + "|" + strikes["weapon"] + "|" + strikes["attacker"] + "|"
                  + strikes["side"] + "|" + strikes["country"].fillna("") + "|" + _table_row(strikes))
    admin1 = strikes["admin1"].where(strikes["admin1"].notna(), strikes["place"]).fillna("")
    region = _codes(bucket_key + "|" + admin1)
    bucket = _codes(bucket_key)
    n_region, n_bucket = int(region.max()) + 1, int(bucket.max()) + 1
    is_leaf = dated & (level == 3) & precision.ne("sea").to_numpy()
    is_city = is_leaf & strikes["admin1"].notna().to_numpy()
    is_region = dated & precision.eq("region").to_numpy()
    is_country = dated & (level == 1)
    # Children of a country: rolled regions, macro-regions, cities outside any region row.
    has_region_row = np.zeros(n_region, dtype=bool)
    has_region_row[region[is_region]] = True
    city_alone = is_leaf & ~(is_city & has_region_row[region])
    as_child = city_alone | (dated & precision.eq("macro_region").to_numpy())
    child_ok = dated & ~is_country & strikes["country"].notna().to_numpy()
    out = {}
    for field in fields:
        value = strikes[field].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        value = np.where(primary, value, np.nan)
        region_children = _group_sum(region, n_region, np.where(is_city, value, np.nan))[region]
        result = value.copy()
        take = is_region & ~np.isnan(region_children)
        result[take] = np.maximum(value[take] - region_children[take], 0)
        rolled = np.where(is_region, np.fmax(value, region_children), np.nan)
        child = np.where(is_region, rolled, np.where(as_child, value, np.nan))
        child = np.where(child_ok, child, np.nan)
        country_children = _group_sum(bucket, n_bucket, child)[bucket]
        take = is_country & ~np.isnan(country_children)
        result[take] = np.maximum(value[take] - country_children[take], 0)
        out[field] = pd.Series(pd.array(result, dtype="Float64"), index=strikes.index)
    return out
