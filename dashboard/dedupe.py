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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .contributions import contributions_all as _contributions_all
from .events import FIGURES, MISSILE_CLASSES

CLAIMANTS_CSV = Path(__file__).with_name("claimants.csv")
#: A claim of the first class may join a strike of one of the second's classes.
PARENT_CLASSES = {"missile": MISSILE_CLASSES, "unknown": ("drone", *MISSILE_CLASSES, "glide_bomb")}
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
    """Merge claims into strikes: `merge_claims` and every column of each strike's claims.

    Returns
    -------
    strikes : DataFrame
        One row per strike with the chosen figures, ``<figure>_count`` contributions to totals,
        ``n_claims``, ``n_reports``, ``how`` (how the figures were chosen) and ``alternative_of``.
    claim_strike : ndarray of int
        For each claim (in the order given), the row of its strike.
    """
    if claims.empty:
        return _empty_strikes(claims), np.zeros(0, dtype="int64")
    claims = claims.reset_index(drop=True)
    merged = merge_claims(claims)
    strikes = merged.strikes
    for name in claims.columns:         # the claim columns the merge did not need
        if name not in strikes and name != "_key" and name not in FIGURES:
            strikes[name] = _take(claims[name], merged.top)
    picked = {f: _take(claims["event_id"], rows) for f, rows in merged.picked.items()}
    at_least = {f: _take(claims["at_least"], rows) for f, rows in merged.picked.items()}
    wide = widen(strikes, picked, at_least)
    return wide[wide_order(claims.columns)], merged.claim_strike


@dataclass
class Merged:
    """`merge_claims`' result: the strikes and where their values came from.

    ``strikes`` holds the claim columns the merge read (of each strike's first claim), the
    chosen figures and the counting columns; ``top`` is the position in the claims of each
    strike's first claim, ``picked`` per figure the claim it was taken from (-1: none).
    `widen` adds the columns built from those (key, flags, sources, ``how``).
    """

    strikes: pd.DataFrame
    claim_strike: np.ndarray
    top: np.ndarray
    picked: dict[str, np.ndarray]


def merge_claims(claims: pd.DataFrame) -> Merged:
    """Merge claims (indexed 0..n-1, at least `MERGE_COLUMNS`) into strikes.

    Strikes are ordered by their key string (``strike_key``). No string is built per claim:
    the rules run on one row per distinct combination of the columns they read, and the merge
    on integer codes; only the first claim of each strike is copied into the result.
    """
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
    strike_of, n = strike_code[key_code], len(strike_keys)
    del combo, strike_code, dated, alone, keys, key_of, key_code, strike_keys
    # the claims of a strike: best claimant first, then the latest report (a stable lexsort)
    rank = rank_of.to_numpy()[who]
    order = np.lexsort((_sort_key(claims["event_id"], descending=True),
                        _sort_key(pub_of, descending=True)[pub_code], rank, strike_of))
    groups = strike_of[order]
    top = order[np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])]
    # one row per strike: its first claim, with the derived columns beside the stored ones
    columns: dict[str, pd.Series] = {}
    derived = {"attacker": _take(attacker_of, who[top]), "side": _take(side_of, who[top]),
               "rank": pd.Series(rank[top]), "_date": _take(date_of, date_code[top]),
               "_place": _take(place_of, place[top]), "wclass": _take(weapon_of, wclass[top]),
               "_pub": _take(pub_of, pub_code[top])}
    del who, date_code, place, wclass, pub_code, rank
    for name in [*claims.columns, *[c for c in derived if c not in claims.columns]]:
        if name == "_key" or name in FIGURES or name in ("at_least", "published", "report_id"):
            continue
        columns[name] = derived[name].rename(name) if name in derived else _take(claims[name], top)
    # each figure from the first claim (in that order) that states it
    picked = {}
    for field in FIGURES:
        rows = _first_stated(groups, claims[field].notna().to_numpy()[order], n)
        picked[field] = np.where(rows >= 0, order[np.maximum(rows, 0)], -1)
        columns[field] = _take(claims[field], picked[field])
    del order, groups, rows
    columns["n_claims"] = pd.Series(np.bincount(strike_of, minlength=n).astype("int64"))
    report, _ = _codes(claims["report_id"])
    width = int(report.max(initial=0)) + 2
    pairs = pd.unique(strike_of[report >= 0] * width + report[report >= 0])
    del report
    columns["n_reports"] = pd.Series(np.bincount(pairs // width, minlength=n).astype("int64"))
    strikes = pd.DataFrame(columns)
    del columns, derived
    strikes["weapon"] = strikes["wclass"]
    strikes["strike_id"] = np.arange(len(strikes))
    strikes["alternative_of"] = _alternatives(strikes)
    for field, values in _contributions_all(strikes).items():
        strikes[f"{field}_count"] = values
    return Merged(strikes, strike_of, top, picked)


#: The claim columns `merge_claims` reads (the rules, keys, ranking and counting).
MERGE_COLUMNS = ("event_id", "report_id", "place", "country", "admin1", "geo_precision", "date", "weapon",
                 *FIGURES, "at_least", "claimed_by", "attacker", "published", "kind")
#: Columns of the merge that only it needs (`widen` rebuilds them for the rows asked for).
MERGE_ONLY = ("event_id", "kind", "rank", "_date", "_place", "wclass", "_pub")


def wide_order(claim_columns) -> list[str]:
    """The columns of `build_strikes`' table, in order, for claims with ``claim_columns``."""
    lead = [c for c in claim_columns if c not in FIGURES and c != "_key"]
    extra = [c for c in ("side", "rank", "_date", "_place", "wclass", "_pub") if c not in lead]
    return ["strike_key", *lead, *extra, *FIGURES, *[f"{f}_at_least" for f in FIGURES],
            *[f"{f}_from" for f in FIGURES], "n_claims", "n_reports", "strike_id", "how", "alternative_of",
            *[f"{f}_count" for f in FIGURES]]


def widen(strikes: pd.DataFrame, picked: dict[str, pd.Series], at_least: dict[str, pd.Series]) -> pd.DataFrame:
    """Add the columns built from the merge (rows of `merge_claims` with the claim columns).

    ``picked`` and ``at_least`` give, per figure, the event id and ``at_least`` of the claim the
    figure was taken from (missing: none). Builds the merge's own columns too, when missing.
    """
    out = strikes.copy()
    if "_date" not in out:
        out["_date"] = out["date"].fillna("")
        out["_place"] = out["country"].fillna("") + "|" + out["place"].fillna("").str.lower()
        out["wclass"] = out["weapon"]
        out["_pub"] = out["published"].fillna("")
        names = out["claimed_by"].astype("object")
        rank = {name: classify_claimant(name)[1] for name in pd.unique(names)}
        out["rank"] = names.map(rank).astype("int64")
    key = out["_date"] + "|" + out["_place"] + "|" + out["wclass"] + "|" + out["attacker"] + "|" + out["side"]
    out["strike_key"] = key.where(out["date"].notna(), "undated|" + out["event_id"])
    for field in FIGURES:
        flag = at_least[field].fillna("").str.contains(field).to_numpy()
        out[f"{field}_at_least"] = pd.Series(np.where(picked[field].notna().to_numpy(), flag, None),
                                             index=out.index, dtype=object)
    for field in FIGURES:
        out[f"{field}_from"] = pd.Series(picked[field].to_numpy(), index=out.index, dtype=picked[field].dtype)
    out["how"] = _how(out) if len(out) else pd.Series([], index=out.index, dtype="str")
    return out


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
    key = key.where(dated, "undated|undated|" + strikes["event_id"])     # = its strike_key
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


def _empty_strikes(claims: pd.DataFrame) -> pd.DataFrame:
    cols = list(claims.columns) + ["strike_key", "strike_id", "side", "rank", "n_claims", "n_reports",
                                   "how", "alternative_of", *[f"{f}_count" for f in FIGURES]]
    return pd.DataFrame(columns=list(dict.fromkeys(cols)))
