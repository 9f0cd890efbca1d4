"""Importers of tables that journalists already use: `python -m dashboard ingest FILE --format
kaggle|acled|auto`.

Each file becomes one stored report (its text verbatim, keyed by the hash of its bytes) with one
event per strike, in one transaction; every data row is accounted for (imported, merged as a
duplicate, or rejected with a reason) and the account is printed, with the rejected rows written
aside. A file that cannot be read gives one line naming it, and the other files go on.
docs/importers.md is the maintainers' guide.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, TextIO

from ..reports import content_id
from ..store import Store, default_path
from . import acled, kaggle
from .common import Imported, Places, TableError, decode_table, read_rows

__all__ = ["ingest_table", "detect_format", "read_table", "TableError", "FORMATS"]


@dataclass(frozen=True)
class Format:
    """A table format: how to recognise it, read it, and find the rows a stored file holds."""

    name: str
    looks_like: Callable[[list[str]], bool]
    read: Callable[..., Imported]
    row_keys: Callable[[str], set]


FORMATS = {
    "kaggle": Format("kaggle", kaggle.looks_like, kaggle.read_kaggle, kaggle.row_keys),
    "acled": Format("acled", acled.looks_like, acled.read_acled, acled.row_keys),
}
#: Tables that come beside an importable one and are read by it, not ingested themselves.
COMPANIONS = {kaggle.WEAPON_TABLE: "the Kaggle weapon table, read beside missile_attacks_daily.csv"}


def _header(text: str, path: str) -> list[str]:
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    header, _rows = read_rows(first + "\n", path, ())
    return header


def detect_format(path: str | os.PathLike, text: str | None = None) -> str:
    """The format of a table from its header row: "kaggle" or "acled"; `TableError` otherwise."""
    path = str(path)
    if text is None:
        text = decode_table(_read_bytes(path), path)
    header = _header(text, path)
    for fmt in FORMATS.values():
        if fmt.looks_like(header):
            return fmt.name
    shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
    raise TableError(path, f"not a table this tool reads (kaggle or acled); its columns: {shown}")


def _read_bytes(path: str) -> bytes:
    p = Path(path)
    if not p.exists():
        raise TableError(path, "no such file")
    if p.is_dir():
        raise TableError(path, "is a folder")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise TableError(path, f"cannot read ({exc.strerror or exc})") from None


def table_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Files named, with every .csv file in a named folder (sorted, hidden files skipped)."""
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            out.extend(str(f) for f in sorted(p.rglob("*.csv"))
                       if not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            out.append(str(p))
    return out


def stored_keys(store: Store, fmt: str) -> Callable[[tuple], bool]:
    """``known(key)`` for the rows of files of this format already in the store; the stored raw
    text is read again, so nothing beyond the verbatim file needs to be kept per row."""
    raws = [r[0] for r in store.conn.execute("SELECT raw FROM reports WHERE kind = ?", (fmt,))]
    if not raws:
        return lambda key: False
    keys: set = set()
    for raw in raws:
        try:
            keys |= FORMATS[fmt].row_keys(raw)
        except TableError:
            continue
    return keys.__contains__


def read_table(path: str, fmt: str, places: Places, store: Store | None = None,
               data: bytes | None = None) -> Imported:
    """Read one table file (``fmt`` "kaggle", "acled" or "auto"); `TableError` when it cannot be."""
    data = _read_bytes(path) if data is None else data
    text = decode_table(data, path)
    if fmt == "auto":
        fmt = detect_format(path, text)
    if fmt not in FORMATS:
        raise TableError(path, f"unknown table format {fmt!r} (use kaggle, acled or auto)")
    known = stored_keys(store, fmt) if store is not None else (lambda key: False)
    return FORMATS[fmt].read(data, text, path, content_id(data), places, known=known)


def rejects_dir(db: str | os.PathLike | None) -> Path:
    """Where rejected rows go: ``rejected/`` beside the store."""
    return Path(db or default_path()).parent / "rejected"


def ingest_table(paths: Iterable[str | os.PathLike], fmt: str | None, db: str | os.PathLike | None = None,
                 gazetteer=None, rejects: str | os.PathLike | None = None, out: TextIO | None = None,
                 err: TextIO | None = None) -> int:
    """Import table files into the store, one transaction per file, and print each file's account.

    Parameters
    ----------
    paths : iterable of path
        Files, or folders (every .csv in them).
    fmt : str
        "kaggle", "acled" or "auto" (recognised by the header row).
    db : path, optional
        The store (default: $STRIKES_DB or data/strikes.sqlite).
    rejects : path, optional
        Folder for ``<file stem>.rejected.csv``; default ``rejected/`` beside the store.

    Returns
    -------
    int
        The exit status: 0 when every file was read (rows may still be rejected), 1 otherwise.
    """
    out, err = out or sys.stdout, err or sys.stderr
    fmt = fmt or "auto"
    files = table_paths(paths)
    if not files:
        print("error: no table files found in " + ", ".join(map(str, paths)), file=err)
        return 1
    places = Places(gazetteer)
    folder = Path(rejects) if rejects else rejects_dir(db)
    status = 0
    with Store(db) as store:
        for path in files:
            started = time.perf_counter()
            if Path(path).name in COMPANIONS:
                print(f"{path}: skipped ({COMPANIONS[Path(path).name]})", file=out)
                continue
            try:
                data = _read_bytes(path)
                if store.report(content_id(data)) is not None:
                    print(f"{path}: already stored, nothing changed", file=out)
                    continue
                result = read_table(path, fmt, places, store, data)
                stored = store.ingest([(result.report, result.events)], kind=result.account.fmt)
            except TableError as exc:
                print(f"error: {exc}", file=err)
                status = 1
                continue
            except Exception as exc:  # a bug or a database error must not stop the other files
                print(f"error: {path}: {exc.__class__.__name__}: {exc}", file=err)
                status = 1
                continue
            written = result.account.write_rejected(folder / f"{Path(path).stem}.rejected.csv")
            lines = result.account.lines(written)
            if not stored[0].new:
                lines[0] += " (already stored by another process: nothing changed)"
            lines[0] += f" [{time.perf_counter() - started:.1f} s]"
            print("\n".join(lines), file=out)
            if not result.account.reconciles():
                print(f"error: {path}: the row account does not reconcile (a bug: please report)",
                      file=err)
                status = 1
    return status
