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
   part its children do not account for, max(0, parent - sum of children).

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
    if not claimed_by:
        return None, UNRANKED
    text = claimed_by.lower()
    for pattern, side, rank, _label in claimant_table():
        if pattern in text:
            return side or None, rank
    return None, UNRANKED - 1


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


def _weapon_groups(df: pd.DataFrame) -> pd.Series:
    """Weapon class for merging: an unspecified class adopts the single specific one beside it."""
    weapon = df["weapon"].fillna("unknown")
    cluster = df["_date"] + "|" + df["_place"] + "|" + df["side"]
    for parent, children in PARENT_CLASSES.items():
        specific = df[weapon.isin(children)]
        only = specific.groupby(cluster[specific.index])["weapon"].agg(
            lambda s: s.iloc[0] if s.nunique() == 1 else None)
        only = only.dropna()
        adopt = weapon.eq(parent) & cluster.isin(only.index)
        weapon = weapon.mask(adopt, cluster[adopt].map(only))
    return weapon


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
    """
    if claims.empty:
        return _empty_strikes(claims), np.zeros(0, dtype="int64")
    df = claims.reset_index(drop=True).copy()
    df["side"], df["rank"] = _claimant_columns(df)
    df["attacker"] = _attacker(df, df["side"])
    df["_date"] = df["date"].fillna("")
    df["_place"] = df["country"].fillna("") + "|" + df["place"].fillna("").str.lower()
    df["wclass"] = _weapon_groups(df)
    key = df["_date"] + "|" + df["_place"] + "|" + df["wclass"] + "|" + df["attacker"] + "|" + df["side"]
    # Undated claims cannot be matched to anything: each stands alone.
    df["_key"] = key.where(df["date"].notna(), "undated|" + df["event_id"])
    df["_pub"] = df["published"].fillna("")
    df = df.sort_values(["_key", "rank", "_pub", "event_id"], ascending=[True, True, False, False],
                        kind="stable")
    for field in FIGURES:
        stated = df[field].notna()
        df[f"{field}_at_least"] = df["at_least"].fillna("").str.contains(field).where(stated)
        df[f"{field}_from"] = df["event_id"].where(stated)
    grouped = df.groupby("_key", sort=False)
    picked = grouped[[*FIGURES, *[f"{f}_at_least" for f in FIGURES], *[f"{f}_from" for f in FIGURES]]].first()
    top = df.drop_duplicates("_key", keep="first").set_index("_key")
    strikes = top.drop(columns=[*FIGURES, *[f"{f}_at_least" for f in FIGURES],
                                *[f"{f}_from" for f in FIGURES]]).join(picked)
    strikes["n_claims"] = grouped.size()
    strikes["n_reports"] = grouped["report_id"].nunique()
    strikes["weapon"] = strikes["wclass"]
    strikes = strikes.reset_index().rename(columns={"_key": "strike_key"})
    strikes["strike_id"] = np.arange(len(strikes))
    strikes["how"] = _how(strikes)
    position = pd.Series(strikes["strike_id"].to_numpy(), index=strikes["strike_key"])
    claim_strike = position.reindex(df["_key"]).to_numpy()
    order = df.index.to_numpy()
    by_claim = np.empty(len(df), dtype="int64")
    by_claim[order] = claim_strike
    strikes["alternative_of"] = _alternatives(strikes)
    for field in FIGURES:
        strikes[f"{field}_count"] = _contributions(strikes, field)
    return strikes, by_claim


def _how(strikes: pd.DataFrame) -> pd.Series:
    """A sentence for the page: how many reports, and whose figure."""
    from_whom = strikes["claimed_by"].fillna("an unnamed source")
    reports = strikes["n_reports"].map(lambda n: "1 report" if n == 1 else f"{n} reports")
    return reports + "; figures from " + from_whom


def _alternatives(strikes: pd.DataFrame) -> pd.Series:
    """For a strike also claimed by the other side, the id of the claim that counts."""
    dated = strikes["date"].notna()
    key = strikes["_date"] + "|" + strikes["_place"] + "|" + strikes["weapon"] + "|" + strikes["attacker"]
    key = key.where(dated, "undated|" + strikes["strike_key"])
    defender = (strikes["side"] != strikes["attacker"]).astype(int)
    ranked = strikes.assign(_k=key, _d=defender).sort_values(
        ["_k", "_d", "n_claims", "strike_id"], ascending=[True, False, False, True], kind="stable")
    primary = ranked.groupby("_k", sort=False)["strike_id"].transform("first")
    out = pd.Series(primary.to_numpy(), index=ranked.index).reindex(strikes.index)
    return out.where(out != strikes["strike_id"]).astype("Int64")


def _contributions(strikes: pd.DataFrame, field: str) -> pd.Series:
    """What each strike adds to a total of ``field``: parents add only what children do not."""
    value = strikes[field].astype("Float64")
    value = value.where(strikes["alternative_of"].isna())   # the other side's claim adds nothing
    level = strikes["geo_precision"].map(LEVELS).fillna(3)
    dated = strikes["date"].notna() & strikes["alternative_of"].isna()
    bucket = (strikes["_date"] + "|" + strikes["weapon"] + "|" + strikes["attacker"] + "|"
              + strikes["side"] + "|" + strikes["country"].fillna(""))
    admin1 = strikes["admin1"].where(strikes["admin1"].notna(), strikes["place"]).fillna("")
    region_key = bucket + "|" + admin1
    is_leaf = dated & level.eq(3) & strikes["geo_precision"].ne("sea")
    is_city = is_leaf & strikes["admin1"].notna()
    is_region = dated & strikes["geo_precision"].eq("region")
    is_country = dated & level.eq(1)
    cities = value.where(is_city).groupby(region_key).sum(min_count=1)
    region_children = region_key.map(cities).astype("Float64")
    out = value.copy()
    out = out.mask(is_region & region_children.notna(), (value - region_children).clip(lower=0))
    rolled_region = pd.concat([value.where(is_region), region_children.where(is_region)], axis=1).max(axis=1)
    # Children of a country: rolled regions, macro-regions, cities outside any region row.
    region_rows = set(region_key[is_region])
    city_alone = is_leaf & ~(is_city & region_key.isin(region_rows))
    child_value = rolled_region.where(is_region).astype("Float64")
    child_value = child_value.fillna(value.where(city_alone | (dated & strikes["geo_precision"].eq("macro_region"))))
    child_value = child_value.where(dated & ~is_country & strikes["country"].notna())
    children = child_value.groupby(bucket).sum(min_count=1)
    country_children = bucket.map(children).astype("Float64")
    out = out.mask(is_country & country_children.notna(), (value - country_children).clip(lower=0))
    return out.astype("Float64")


def _empty_strikes(claims: pd.DataFrame) -> pd.DataFrame:
    cols = list(claims.columns) + ["strike_key", "strike_id", "side", "rank", "n_claims", "n_reports",
                                   "how", "alternative_of", *[f"{f}_count" for f in FIGURES]]
    return pd.DataFrame(columns=list(dict.fromkeys(cols)))
