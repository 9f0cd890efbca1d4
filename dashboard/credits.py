"""The credit line that goes on every export, slide and page."""
from __future__ import annotations

from typing import Iterable

MAP_CREDIT = "Made with Natural Earth; places from GeoNames (CC BY 4.0)"
POINT_OF_VIEW = "Crimea and Sevastopol are shown as part of Ukraine (Natural Earth, German point of view)"


def credit_line(sources: Iterable[str | None] = (), limit: int = 4) -> str:
    """"Sources: A, B and 3 more. Made with Natural Earth; places from GeoNames (CC BY 4.0)."""
    names = sorted({s.strip() for s in sources if s and str(s).strip()})
    if not names:
        return f"{MAP_CREDIT}."
    shown = names[:limit]
    rest = len(names) - len(shown)
    text = ", ".join(shown) + (f" and {rest} more" if rest else "")
    return f"Sources: {text}. {MAP_CREDIT}."
