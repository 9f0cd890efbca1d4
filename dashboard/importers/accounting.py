"""The per-file account of an import: every row imported, merged or rejected, and the sums.

Why: a newsroom must be able to say where each number of a source table went. Each data row gets
exactly one status; the figures of the rows in each status are summed and checked against the
file's own sums (what a reader of the CSV would get by adding the column), and against what the
imported events actually carry. Rejected rows are written aside, with the reason, for a person to
look at.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .common import parse_count

#: Statuses of a row, in the order the report prints them.
STATUSES = ("imported", "merged", "rejected")


@dataclass
class Account:
    """What an import did with the rows of one file.

    Parameters
    ----------
    path, fmt : str
        The file and its format ("kaggle", "acled").
    figures : dict
        File column -> event field whose sums are reconciled, e.g. ``{"destroyed": "intercepted"}``.
    header : list of str
        The file's columns, for the rejected-rows file.
    """

    path: str
    fmt: str
    figures: dict[str, str]
    header: list[str]
    status: dict[int, str] = field(default_factory=dict)
    sums: dict[str, Counter] = field(default_factory=dict)
    file_sums: Counter = field(default_factory=Counter)
    unreadable: Counter = field(default_factory=Counter)   # cells the file's sums could not read
    rejected: list[tuple[object, str]] = field(default_factory=list)   # (Row, reason)
    merged: list[tuple[int, str]] = field(default_factory=list)        # (row, what it repeats)
    stored: Counter = field(default_factory=Counter)       # figures carried by the row events
    events: int = 0
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.sums = {s: Counter() for s in STATUSES}

    # -- recording ------------------------------------------------------------------------------
    def count_file(self, row) -> dict[str, int]:
        """Add a row to the file's own sums (every row, whatever becomes of it) and return its
        counts; a cell that is not a count adds 0 and is reported."""
        counts = {}
        for column in self.figures:
            cell = (row.cells.get(column) or "").strip()
            try:
                counts[column] = parse_count(cell) or 0
            except ValueError:
                counts[column] = 0
                self.unreadable[column] += 1
        self.file_sums.update(counts)
        return counts

    def add(self, row, status: str, counts: dict[str, int], reason: str | None = None) -> None:
        """Give a row its one status; ``reason`` says why a row was rejected or what it repeats."""
        if row.number in self.status:
            raise ValueError(f"row {row.number} already {self.status[row.number]}")
        self.status[row.number] = status
        self.sums[status].update(counts)
        if status == "rejected":
            self.rejected.append((row, reason or "rejected"))
        elif status == "merged":
            self.merged.append((row.number, reason or "duplicate"))

    def note(self, text: str) -> None:
        self.notes.append(text)

    # -- checking -------------------------------------------------------------------------------
    def count(self, status: str) -> int:
        return sum(1 for s in self.status.values() if s == status)

    @property
    def rows(self) -> int:
        return len(self.status)

    def reconciles(self) -> bool:
        """True when imported + merged + rejected give the file's sums, and the imported rows'
        figures are exactly what the row events carry."""
        for column, fieldname in self.figures.items():
            parts = sum(self.sums[s][column] for s in STATUSES)
            if parts != self.file_sums[column] or self.sums["imported"][column] != self.stored[fieldname]:
                return False
        return True

    # -- reporting ------------------------------------------------------------------------------
    def lines(self, rejects_path: Path | None = None) -> list[str]:
        """The report printed by the command line: one headline, then one line per figure."""
        head = (f"{self.path} ({self.fmt}): {self.rows:,} rows: {self.count('imported'):,} imported "
                f"as {self.events:,} events, {self.count('merged'):,} merged as duplicates, "
                f"{self.count('rejected'):,} rejected")
        out = [head]
        for column, fieldname in self.figures.items():
            s = {st: self.sums[st][column] for st in STATUSES}
            total = sum(s.values())
            ok = total == self.file_sums[column] and s["imported"] == self.stored[fieldname]
            line = (f"  {column}: imported {s['imported']:,} + merged {s['merged']:,} + rejected "
                    f"{s['rejected']:,} = {total:,}; file {self.file_sums[column]:,}; "
                    f"in events {self.stored[fieldname]:,} -> {'reconciled' if ok else 'MISMATCH'}")
            if self.unreadable[column]:
                line += f" ({self.unreadable[column]} unreadable cell(s) counted as 0)"
            out.append(line)
        if self.rejected:
            reasons = Counter(_reason_kind(r) for _row, r in self.rejected)
            where = f" -> {rejects_path}" if rejects_path else ""
            out.append("  rejected: " + ", ".join(f"{n} {k}" for k, n in reasons.most_common()) + where)
        if self.merged:
            shown = "; ".join(f"row {n} {what}" for n, what in self.merged[:5])
            more = f"; ... {len(self.merged) - 5} more" if len(self.merged) > 5 else ""
            out.append(f"  merged: {shown}{more}")
        out.extend(f"  note: {n}" for n in self.notes)
        return out

    def write_rejected(self, path: Path) -> Path | None:
        """Write the rejected rows (``row``, ``reason``, the file's columns, the verbatim ``line``);
        nothing when no row was rejected."""
        if not self.rejected:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        columns = ["row", "reason", *self.header, "line"]
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            for row, reason in self.rejected:
                values = list(row.values[:len(self.header)])
                values += [""] * (len(self.header) - len(values))
                writer.writerow([row.number, reason, *values, row.line])
        tmp.replace(path)
        return path


def _reason_kind(reason: str) -> str:
    """The kind of a reason, for the summary line: the words before the first colon that is not
    inside parentheses ("unparseable date", "not an aerial strike (Armed clash)")."""
    return re.match(r"(?:[^:(]|\([^)]*\))*", reason).group().strip()
