"""One event per strike: merge the reports that tell the same attack, and keep totals honest.

Rules (docs/counting.md explains them for readers of the page):

1. Claims of one strike merge: same date (or night), same place, same weapon class, same attacking
   side, same claimant side. A claim of an unspecified class ("missile", "unknown") joins the one
   specific class reported for that place and date, if there is exactly one.
2. Figures are never summed across the claims of one strike. Each figure is taken from the most
   direct claimant that states it (rank in claimants.csv: the air force or defence ministry
   before a governor or mayor, before officials, before news agencies), then the latest report.
3. Claims by different sides about the same strike stay apart: the defending side's claim counts,
   the other is kept beside it as an alternative and adds nothing to totals.
4. A national total and its regional breakdown for the same night are not added together, nor a
   regional figure and the figures of the cities in that region: the parent contributes only the
   part its children do not account for, max(0, parent - sum of children). Rows of an imported
   table are separate records: there the rule applies only within one row's own breakdown.

The result is a table of strikes whose ``<figure>_count`` columns can simply be summed over any
selection, which is what makes a filter change cheap.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .events import FIGURES, MISSILE_CLASSES

CLAIMANTS_CSV = Path(__file__).with_name("claimants.csv")
#: A claim of the first class may join a strike of one of the second's classes.
PARENT_CLASSES = {"missile": MISSILE_CLASSES, "unknown": ("drone", *MISSILE_CLASSES, "glide_bomb")}
#: Level of a place in the hierarchy country > region > city; seas and unresolved names stand alone.
LEVELS = {"country": 1, "region": 2, "macro_region": 2, "city": 3, "facility": 3, "sea": 3}
UNRANKED = 5


@lru_cache(maxsize=1)
def claimant_table() -> tuple[tuple[str, str, int, str], ...]:
    with CLAIMANTS_CSV.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return tuple((r["pattern"], r["side"], int(r["rank"]), r["label"]) for r in rows)


def classify_claimant(claimed_by: str | None) -> tuple[str | None, int]:
    """(side, rank) of a claimant phrase; side None when the words do not say."""
    if not isinstance(claimed_by, str) or not claimed_by:   # None, NaN or NA: nobody named
        return None, UNRANKED
    text = claimed_by.lower()
    for pattern, side, rank, _label in claimant_table():
        if pattern in text:
            return side or None, rank
    return None, UNRANKED - 1


# -- integer codes: the merge works on small integers, not on strings, wherever it can -----------
def _codes(values: pd.Series, sort: bool = False) -> tuple[np.ndarray, object]:
    """``pd.factorize`` codes (missing values are -1) and the distinct values."""
    codes, uniques = pd.factorize(values, sort=sort)
    return np.asarray(codes, dtype=np.int64), uniques


def _lookup(codes: np.ndarray, table: np.ndarray, missing) -> np.ndarray:
    """``table[code]`` for each code, ``missing`` where the code is -1."""
    return np.append(table, np.asarray([missing], dtype=table.dtype))[codes]


def _sort_key(values: pd.Series, descending: bool = False) -> np.ndarray:
    """Integers that sort like ``values`` (missing values last, as pandas sorts them)."""
    codes, uniques = _codes(values, sort=True)
    if descending:
        return np.where(codes < 0, 1, -codes)
    return np.where(codes < 0, len(uniques), codes)


def _group_sum(codes: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Per code: the sum of ``values`` (NaN is missing), NaN where no value is given."""
    given = ~np.isnan(values)
    total = np.bincount(codes[given], weights=values[given], minlength=n)
    stated = np.bincount(codes[given], minlength=n) > 0
    return np.where(stated, total, np.nan)


def _claimant_columns(claims: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    codes, uniques = _codes(claims["claimed_by"])
    table = [classify_claimant(name) for name in uniques]
    side = _lookup(codes, np.array([t[0] for t in table], dtype=object), None)
    rank = _lookup(codes, np.array([t[1] for t in table], dtype=np.int64), UNRANKED)
    side = pd.Series(side, index=claims.index, dtype=object)
    # A claimant whose words do not name a side speaks for the country the place lies in.
    side = side.where(side.notna(), claims["country"].where(claims["country"].isin(["UA", "RU"])))
    return side.fillna("other"), pd.Series(rank, index=claims.index)


def _attacker(claims: pd.DataFrame, side: pd.Series) -> pd.Series:
    """The attacking side: as extracted, else the other side from the struck country."""
    guess = claims["country"].map({"UA": "RU", "RU": "UA"})
    # A Russian claim about a place in Ukraine (occupied Crimea, say) reports a Ukrainian attack.
    guess = guess.mask((claims["country"] == "UA") & (side == "RU"), "UA")
    return claims["attacker"].where(claims["attacker"].notna(), guess).fillna("?")


def _weapon_groups(df: pd.DataFrame) -> pd.Series:
    """Weapon class for merging: an unspecified class adopts the single specific one beside it.

    Per cluster (date, place, claimant side) and parent class, the specific classes stated are
    counted with integer codes: where there is exactly one, the parent's claims take it.
    """
    weapon = df["weapon"].fillna("unknown")
    cluster, _ = _codes(df["_date"] + "|" + df["_place"] + "|" + df["side"])
    n_clusters = int(cluster.max()) + 1 if len(cluster) else 0
    stated, stated_values = _codes(df["weapon"])      # the class as extracted: what `only` reports
    stated_values = np.asarray(stated_values, dtype=object)
    for parent, children in PARENT_CLASSES.items():
        rows = np.flatnonzero((weapon.isin(children) & weapon.ne(parent)).to_numpy())
        if not len(rows):
            continue
        c, w = cluster[rows], stated[rows]
        # distinct stated classes per cluster (missing ones not counted, as nunique does)
        pairs = np.unique(c[w >= 0] * (len(stated_values) + 1) + w[w >= 0])
        distinct = np.bincount(pairs // (len(stated_values) + 1), minlength=n_clusters)
        first_cluster, first_row = np.unique(c, return_index=True)
        only = np.full(n_clusters, -1, dtype=np.int64)
        single = distinct[first_cluster] == 1
        only[first_cluster[single]] = w[first_row[single]]
        adopt = np.flatnonzero(weapon.eq(parent).to_numpy() & (only[cluster] >= 0))
        if len(adopt):
            weapon = weapon.copy()
            weapon.iloc[adopt] = stated_values[only[cluster[adopt]]]
    return weapon


def _first_stated(groups: np.ndarray, stated: np.ndarray, n: int) -> np.ndarray:
    """Per group (``groups`` sorted), the position of its first row where ``stated``; -1 if none."""
    pos = np.flatnonzero(stated)
    first = np.full(n, -1, dtype=np.int64)
    g, i = np.unique(groups[pos], return_index=True)
    first[g] = pos[i]
    return first


def _take(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column`` at ``rows`` (-1 gives a missing value), keeping the column's dtype."""
    return pd.Series(column.array.take(rows, allow_fill=True), name=column.name)


def build_strikes(claims: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Merge claims into strikes.

    Parameters
    ----------
    claims : DataFrame
        Stored events (`store.Store.event_table`): one row per claim.

    Returns
    -------
    strikes : DataFrame
        One row per strike with the chosen figures, ``<figure>_count`` contributions to totals,
        ``n_claims``, ``n_reports``, ``how`` (how the figures were chosen) and ``alternative_of``.
    claim_strike : ndarray of int
        For each claim (in the order given), the row of its strike.

    Notes
    -----
    Strikes are ordered by their key string (``strike_key``). The work is done on integer codes
    and index arrays: the claims are never copied whole or sorted as a table; only the first
    claim of each strike is taken into the result.
    """
    if claims.empty:
        return _empty_strikes(claims), np.zeros(0, dtype="int64")
    claims = claims.reset_index(drop=True)
    extra = pd.DataFrame(index=claims.index)
    extra["side"], extra["rank"] = _claimant_columns(claims)
    attacker = _attacker(claims, extra["side"])
    extra["_date"] = claims["date"].fillna("")
    extra["_place"] = claims["country"].fillna("") + "|" + claims["place"].fillna("").str.lower()
    extra["wclass"] = _weapon_groups(pd.concat([claims[["weapon"]], extra[["side", "_date", "_place"]]], axis=1))
    key = (extra["_date"] + "|" + extra["_place"] + "|" + extra["wclass"] + "|" + attacker + "|"
           + extra["side"])
    # Undated claims cannot be matched to anything: each stands alone.
    key = key.where(claims["date"].notna(), "undated|" + claims["event_id"])
    extra["_pub"] = claims["published"].fillna("")
    # the claims of a strike: best claimant first, then the latest report (a stable lexsort)
    strike_of, keys = _codes(key, sort=True)
    order = np.lexsort((_sort_key(claims["event_id"], descending=True),
                        _sort_key(extra["_pub"], descending=True), extra["rank"].to_numpy(), strike_of))
    n = len(keys)
    groups = strike_of[order]
    top = order[np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])]
    # one row per strike: its first claim, with the derived columns beside the stored ones
    columns: dict[str, pd.Series] = {"strike_key": _take(key, top)}
    derived = {"attacker": attacker, "side": extra["side"], "rank": extra["rank"], "_date": extra["_date"],
               "_place": extra["_place"], "wclass": extra["wclass"], "_pub": extra["_pub"]}
    for name in [*claims.columns, *[c for c in derived if c not in claims.columns]]:
        if name == "_key" or name in FIGURES:
            continue
        columns[name] = _take(derived.get(name, claims.get(name)), top)
    # each figure from the first claim (in that order) that states it
    at_least = claims["at_least"].fillna("")
    picked_from = {}
    for field in FIGURES:
        rows = _first_stated(groups, claims[field].notna().to_numpy()[order], n)
        picked_from[field] = np.where(rows >= 0, order[np.maximum(rows, 0)], -1)
        columns[field] = _take(claims[field], picked_from[field])
    for field in FIGURES:
        flag = at_least.str.contains(field).to_numpy()[np.maximum(picked_from[field], 0)]
        columns[f"{field}_at_least"] = pd.Series(np.where(picked_from[field] >= 0, flag, None), dtype=object)
    for field in FIGURES:
        columns[f"{field}_from"] = _take(claims["event_id"], picked_from[field])
    columns["n_claims"] = pd.Series(np.bincount(strike_of, minlength=n).astype("int64"))
    report, _ = _codes(claims["report_id"])
    pairs = np.unique(strike_of[report >= 0] * (int(report.max()) + 2) + report[report >= 0])
    columns["n_reports"] = pd.Series(np.bincount(pairs // (int(report.max()) + 2), minlength=n).astype("int64"))
    strikes = pd.DataFrame(columns)
    strikes["weapon"] = strikes["wclass"]
    strikes["strike_id"] = np.arange(len(strikes))
    strikes["how"] = _how(strikes)
    strikes["alternative_of"] = _alternatives(strikes)
    for field, values in _contributions_all(strikes).items():
        strikes[f"{field}_count"] = values
    return strikes, strike_of


def _how(strikes: pd.DataFrame) -> pd.Series:
    """A sentence for the page: how many reports, and whose figure."""
    from_whom = strikes["claimed_by"].fillna("an unnamed source")
    counts, distinct = _codes(strikes["n_reports"])
    words = pd.Series(distinct).map(lambda n: "1 report" if n == 1 else f"{n} reports")
    reports = pd.Series(words.to_numpy()[counts], index=strikes.index, dtype=words.dtype)
    return reports + "; figures from " + from_whom


def _alternatives(strikes: pd.DataFrame) -> pd.Series:
    """For a strike also claimed by the other side, the id of the claim that counts."""
    dated = strikes["date"].notna()
    key = strikes["_date"] + "|" + strikes["_place"] + "|" + strikes["weapon"] + "|" + strikes["attacker"]
    key = key.where(dated, "undated|" + strikes["strike_key"])
    group, _ = _codes(key)
    defender = (strikes["side"] != strikes["attacker"]).to_numpy().astype(np.int64)
    strike_id = strikes["strike_id"].to_numpy()
    # per group: the defending side's claim first, then the most claims, then the lowest id
    order = np.lexsort((strike_id, -strikes["n_claims"].to_numpy(), -defender, group))
    starts = np.flatnonzero(np.r_[True, group[order][1:] != group[order][:-1]])
    primary = np.empty(int(group.max()) + 1, dtype=np.int64)
    primary[group[order][starts]] = strike_id[order][starts]
    out = primary[group]
    return pd.Series(pd.array(out, dtype="Int64"), index=strikes.index).where(out != strike_id)


def _table_row(strikes: pd.DataFrame) -> pd.Series:
    """Rows of an imported table are separate records, not totals of one another: a row's total
    is the parent only of the breakdown it carries itself (events ``<report>-r<row>-<k>``)."""
    if "kind" not in strikes:
        return pd.Series("", index=strikes.index)
    row = strikes["event_id"].str.rsplit("-", n=1).str[0]
    return row.where(strikes["kind"].fillna("text") != "text", "")


def _contributions(strikes: pd.DataFrame, field: str) -> pd.Series:
    """What each strike adds to a total of ``field``: parents add only what children do not."""
    return _contributions_all(strikes, (field,))[field]


def _contributions_all(strikes: pd.DataFrame, fields=FIGURES) -> dict[str, pd.Series]:
    """`_contributions` of several figures; the place hierarchy is worked out once."""
    primary = strikes["alternative_of"].isna().to_numpy()     # the other side's claim adds nothing
    precision = strikes["geo_precision"]
    level = precision.map(LEVELS).fillna(3).to_numpy()
    dated = strikes["date"].notna().to_numpy() & primary
    bucket_key = (strikes["_date"] + "|" + strikes["weapon"] + "|" + strikes["attacker"] + "|"
                  + strikes["side"] + "|" + strikes["country"].fillna("") + "|" + _table_row(strikes))
    admin1 = strikes["admin1"].where(strikes["admin1"].notna(), strikes["place"]).fillna("")
    region, _ = _codes(bucket_key + "|" + admin1)
    bucket, _ = _codes(bucket_key)
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


def _empty_strikes(claims: pd.DataFrame) -> pd.DataFrame:
    cols = list(claims.columns) + ["strike_key", "strike_id", "side", "rank", "n_claims", "n_reports",
                                   "how", "alternative_of", *[f"{f}_count" for f in FIGURES]]
    return pd.DataFrame(columns=list(dict.fromkeys(cols)))
