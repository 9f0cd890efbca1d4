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


def _sort_key(values: pd.Series, descending: bool = False) -> np.ndarray:
    """Integers that sort like ``values`` (missing values last, as pandas sorts them)."""
    codes, uniques = _codes(values, sort=True)
    if descending:
        return np.where(codes < 0, 1, -codes)
    return np.where(codes < 0, len(uniques), codes)


def _firsts(codes: np.ndarray, n: int) -> np.ndarray:
    """For each code in ``[0, n)``, the first position where it occurs (len(codes) if nowhere)."""
    first = np.full(n, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return first


def _combos(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One code per distinct combination of integer columns, and a row holding each combination.

    Elementwise rules are then run, with pandas as before, on one row per combination and the
    result spread back with the codes: the same values and dtypes for a fraction of the work.
    """
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        key = np.asarray(pd.factorize(key * (int(column.max(initial=0)) + 2) + (column + 1))[0], dtype=np.int64)
    n = int(key.max(initial=-1)) + 1
    return key, _firsts(key, n)


def _group_sum(codes: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Per code: the sum of ``values`` (NaN is missing), NaN where no value is given."""
    given = ~np.isnan(values)
    total = np.bincount(codes[given], weights=values[given], minlength=n)
    stated = np.bincount(codes[given], minlength=n) > 0
    return np.where(stated, total, np.nan)


def _claimant_columns(claims: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    names = claims["claimed_by"].astype("object")
    uniques = {name: classify_claimant(name) for name in pd.unique(names)}
    side = names.map(lambda n: uniques[n][0])
    rank = names.map(lambda n: uniques[n][1]).astype("int64")
    # A claimant whose words do not name a side speaks for the country the place lies in.
    side = side.where(side.notna(), claims["country"].where(claims["country"].isin(["UA", "RU"])))
    return side.fillna("other"), rank


def _attacker(claims: pd.DataFrame, side: pd.Series) -> pd.Series:
    """The attacking side: as extracted, else the other side from the struck country."""
    guess = claims["country"].map({"UA": "RU", "RU": "UA"})
    # A Russian claim about a place in Ukraine (occupied Crimea, say) reports a Ukrainian attack.
    guess = guess.mask((claims["country"] == "UA") & (side == "RU"), "UA")
    return claims["attacker"].where(claims["attacker"].notna(), guess).fillna("?")


def _weapon_groups(weapon: np.ndarray, names: np.ndarray, stated: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """Weapon class for merging: an unspecified class adopts the single specific one beside it.

    Parameters
    ----------
    weapon : codes into ``names`` of the class with missing read as "unknown"
    names : the class names
    stated : codes into ``names`` of the class as extracted (-1: missing)
    cluster : codes of (date, place, claimant side)

    Returns
    -------
    Codes into ``names`` of the class each claim merges under.
    """
    n_clusters = int(cluster.max(initial=-1)) + 1
    width = len(names) + 1
    for parent, children in PARENT_CLASSES.items():
        child = np.isin(names, [c for c in children if c != parent])
        rows = np.flatnonzero(child[weapon])
        if not len(rows):
            continue
        c, w = cluster[rows], stated[rows]
        # distinct stated classes per cluster (missing ones not counted, as nunique does)
        pairs = pd.unique(c[w >= 0] * width + w[w >= 0])
        distinct = np.bincount(pairs // width, minlength=n_clusters)
        first = _firsts(c, n_clusters)
        here = np.flatnonzero(first < len(c))
        only = np.full(n_clusters, -1, dtype=np.int64)
        single = here[distinct[here] == 1]
        only[single] = w[first[single]]
        parent_code = np.flatnonzero(names == parent)
        adopt = np.isin(weapon, parent_code) & (only[cluster] >= 0)
        weapon = np.where(adopt, only[cluster], weapon)
    return weapon


def _first_stated(groups: np.ndarray, stated: np.ndarray, n: int) -> np.ndarray:
    """Per group, the position of its first row where ``stated``; -1 if none."""
    pos = np.flatnonzero(stated)
    first = np.full(n, len(groups), dtype=np.int64)
    np.minimum.at(first, groups[pos], pos)
    return np.where(first < len(groups), first, -1)


def _take(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column`` at ``rows`` (-1 gives a missing value), keeping the column's dtype."""
    return pd.Series(column.array.take(rows, allow_fill=True), name=column.name, dtype=column.dtype)


def _filled(claims: pd.DataFrame, column: str, fill: str) -> tuple[np.ndarray, pd.Series]:
    """Codes and values of ``claims[column].fillna(fill)``, worked out per distinct value."""
    combo, first = _combos(_codes(claims[column])[0])
    values = claims[column].iloc[first].reset_index(drop=True).fillna(fill)
    return combo, values


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
    Strikes are ordered by their key string (``strike_key``). No string is built per claim:
    the rules run on one row per distinct combination of the columns they read, and the merge
    on integer codes; only the first claim of each strike is copied into the result.
    """
    if claims.empty:
        return _empty_strikes(claims), np.zeros(0, dtype="int64")
    claims = claims.reset_index(drop=True)
    code = {c: _codes(claims[c])[0] for c in ("claimed_by", "country", "attacker", "place", "weapon")}
    # side and rank of the claimant, then the attacker: per distinct (claimant, country, attacker)
    who, first = _combos(code["claimed_by"], code["country"], code["attacker"])
    small = claims.iloc[first][["claimed_by", "country", "attacker"]].reset_index(drop=True)
    side_of, rank_of = _claimant_columns(small)
    attacker_of = _attacker(small, side_of)
    side_code, _ = _codes(side_of)
    attacker_code, _ = _codes(attacker_of)
    date_code, date_of = _filled(claims, "date", "")
    pub_code, pub_of = _filled(claims, "published", "")
    place, first = _combos(code["country"], code["place"])
    small = claims.iloc[first][["country", "place"]].reset_index(drop=True)
    place_of = small["country"].fillna("") + "|" + small["place"].fillna("").str.lower()
    place_code, _ = _codes(place_of)
    # weapon classes: unspecified claims adopt the one class beside them (date, place, side)
    weapon_code, weapon_of = _filled(claims, "weapon", "unknown")
    names = weapon_of.to_numpy(dtype=object)
    stated = np.where(code["weapon"] >= 0, weapon_code, -1)
    cluster, first = _combos(date_code, place_code[place], side_code[who])
    cluster_of = (date_of.iloc[date_code[first]].reset_index(drop=True) + "|"
                  + place_of.iloc[place[first]].reset_index(drop=True) + "|"
                  + side_of.iloc[who[first]].reset_index(drop=True))
    wclass = _weapon_groups(weapon_code, names, stated, _codes(cluster_of)[0][cluster])
    del code, cluster, stated, weapon_code          # (1M-row arrays: free them as soon as done)
    # the strike key: one string per distinct combination; undated claims stand alone
    dated = np.flatnonzero(claims["date"].notna().to_numpy())
    combo, first = _combos(date_code[dated], place_code[place[dated]], wclass[dated], attacker_code[who[dated]],
                           side_code[who[dated]])
    first = dated[first]
    key_of = (date_of.iloc[date_code[first]].reset_index(drop=True) + "|"
              + place_of.iloc[place[first]].reset_index(drop=True) + "|"
              + weapon_of.iloc[wclass[first]].reset_index(drop=True) + "|"
              + attacker_of.iloc[who[first]].reset_index(drop=True) + "|"
              + side_of.iloc[who[first]].reset_index(drop=True))
    alone = np.setdiff1d(np.arange(len(claims)), dated)
    keys = pd.concat([key_of, "undated|" + claims["event_id"].iloc[alone]], ignore_index=True)
    key_code = np.empty(len(claims), dtype=np.int64)
    key_code[dated] = combo
    key_code[alone] = len(key_of) + np.arange(len(alone))
    strike_code, strike_keys = _codes(keys, sort=True)
    strike_of = strike_code[key_code]
    del combo, strike_code, dated, alone
    # the claims of a strike: best claimant first, then the latest report (a stable lexsort)
    rank = rank_of.to_numpy()[who]
    order = np.lexsort((_sort_key(claims["event_id"], descending=True),
                        _sort_key(pub_of, descending=True)[pub_code], rank, strike_of))
    n = len(strike_keys)
    groups = strike_of[order]
    top = order[np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])]
    # one row per strike: its first claim, with the derived columns beside the stored ones
    columns: dict[str, pd.Series] = {"strike_key": _take(keys, key_code[top]).rename("strike_key")}
    derived = {"attacker": _take(attacker_of, who[top]), "side": _take(side_of, who[top]),
               "rank": pd.Series(rank[top]), "_date": _take(date_of, date_code[top]),
               "_place": _take(place_of, place[top]), "wclass": _take(weapon_of, wclass[top]),
               "_pub": _take(pub_of, pub_code[top])}
    for name in [*claims.columns, *[c for c in derived if c not in claims.columns]]:
        if name == "_key" or name in FIGURES:
            continue
        columns[name] = derived[name].rename(name) if name in derived else _take(claims[name], top)
    # each figure from the first claim (in that order) that states it
    least_code, least_of = _filled(claims, "at_least", "")
    picked_from = {}
    for field in FIGURES:
        rows = _first_stated(groups, claims[field].notna().to_numpy()[order], n)
        picked_from[field] = np.where(rows >= 0, order[np.maximum(rows, 0)], -1)
        columns[field] = _take(claims[field], picked_from[field])
    for field in FIGURES:
        flag = least_of.str.contains(field).to_numpy()[least_code[np.maximum(picked_from[field], 0)]]
        columns[f"{field}_at_least"] = pd.Series(np.where(picked_from[field] >= 0, flag, None), dtype=object)
    for field in FIGURES:
        columns[f"{field}_from"] = _take(claims["event_id"], picked_from[field])
    del order, groups, picked_from, least_code, rows
    columns["n_claims"] = pd.Series(np.bincount(strike_of, minlength=n).astype("int64"))
    report, _ = _codes(claims["report_id"])
    width = int(report.max(initial=0)) + 2
    pairs = pd.unique(strike_of[report >= 0] * width + report[report >= 0])
    columns["n_reports"] = pd.Series(np.bincount(pairs // width, minlength=n).astype("int64"))
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
    table = (strikes["kind"].fillna("text") != "text").to_numpy()
    if table.all():
        return strikes["event_id"].str.rsplit("-", n=1).str[0]
    out = pd.Series("", index=strikes.index, dtype=strikes["event_id"].dtype)
    if table.any():      # split only the imported rows' ids (a text store has none)
        out[table] = strikes["event_id"][table].str.rsplit("-", n=1).str[0]
    return out


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
