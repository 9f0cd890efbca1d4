"""The compiled extractor: the extraction modules built with mypyc, used only while they match the source.

Why: extraction must keep up with a newsroom's backlog (the benchmark asks for 500 reports of ~2 KB a
second in one process). The rules are many small regex-and-list steps; CPython's interpreter is most
of their cost, and mypyc compiles the same Python files to C extensions that run them about a third
faster. The ``.py`` files stay the one source: ``scripts/build_native.py`` (``make native``; ``make
run`` and ``make test`` call it) compiles them into ``build/native/`` with a stamp of each source's
hash, and :func:`install` puts the compiled modules in front of the source only when every hash
still matches. An edited ``.py`` is therefore never shadowed by an old build: the source runs, with
a warning, until the next build. ``STRIKES_NATIVE=0`` turns the build off (to compare, or to debug
with the Python source).
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = PACKAGE_ROOT / "build" / "native"
STAMP = "stamp.json"
#: The compiled modules: extraction (no ``__init__``, which only wires them) and the mention scanner.
MODULES = tuple(f"dashboard.extract.{name}" for name in (
    "articles", "assemble", "background", "claimants", "context", "counts", "dates", "figures", "links",
    "numbers", "people", "places", "placing", "reading", "report", "sentences", "tables", "tolls", "weapons",
)) + ("dashboard.mentions", "dashboard.names")
#: mypyc's name for the modules built together, and the extension of the runtime they share.
GROUP = "dashboard_native"
RUNTIME = GROUP + "__mypyc"
#: Reasons of :func:`check_build` that need no warning: nothing built, or a failure the build reported.
NO_BUILD, FAILED = "no build", "the last build failed: "

log = logging.getLogger(__name__)


def source_path(module: str, root: Path = PACKAGE_ROOT) -> Path:
    """The ``.py`` file of ``module`` under ``root``."""
    return root.joinpath(*module.split(".")).with_suffix(".py")


def source_hash(path: Path) -> str:
    """SHA-256 of a source file's bytes: what the stamp records and :func:`check_build` compares."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_build(build_dir: Path = BUILD_DIR, root: Path = PACKAGE_ROOT) -> tuple[dict[str, Path], str | None]:
    """The compiled file of each module, or why the build cannot be used.

    Returns
    -------
    files : dict
        Module name -> extension file, for every module in the stamp; empty when unusable.
    reason : str or None
        None when the build matches the source; else a short reason ("no build", "built for
        another Python", "dashboard/names.py changed since the build", ...).
    """
    try:
        stamp = json.loads((build_dir / STAMP).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, NO_BUILD
    except (OSError, ValueError) as exc:
        return {}, f"unreadable stamp ({exc})"
    if not stamp.get("built"):
        return {}, FAILED + str(stamp.get("error", "unknown error"))
    if stamp.get("cache_tag") != sys.implementation.cache_tag:
        return {}, f"built for another Python ({stamp.get('cache_tag')})"
    files: dict[str, Path] = {}
    for module, rel in stamp.get("files", {}).items():
        path = build_dir / rel
        if not path.is_file():
            return {}, f"{rel} is missing from the build"
        files[module] = path
    for module in MODULES:
        source = source_path(module, root)
        if not source.is_file():
            return {}, f"{source.relative_to(root)} is missing"
        if stamp.get("sources", {}).get(module) != source_hash(source):
            return {}, f"{source.relative_to(root)} changed since the build"
    if set(files) != set(MODULES) | {RUNTIME}:
        return {}, "the build does not list the modules this version compiles"
    return files, None


class NativeFinder:
    """Finds the listed modules in the build, ahead of the source (a ``sys.meta_path`` entry)."""

    def __init__(self, files: dict[str, Path]):
        self.files = files

    def find_spec(self, name, path=None, target=None):
        file = self.files.get(name)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(name, str(file))
        return importlib.util.spec_from_file_location(name, file, loader=loader)


def install(build_dir: Path = BUILD_DIR, root: Path = PACKAGE_ROOT) -> str | None:
    """Use the compiled modules if the build matches the source; return why not, else None.

    Called once when ``dashboard`` is imported, before any extraction module. A build that no
    longer matches gets a warning; a missing one is silent (the source is complete by itself).
    """
    if os.environ.get("STRIKES_NATIVE", "1") == "0":
        return "turned off by STRIKES_NATIVE=0"
    if any(isinstance(f, NativeFinder) for f in sys.meta_path):
        return None
    files, reason = check_build(build_dir, root)
    if reason is not None:
        if reason != NO_BUILD and not reason.startswith(FAILED):
            log.warning("the compiled extractor in %s is not used: %s; running the Python source "
                        "(`make native` rebuilds it)", build_dir, reason)
        return reason
    sys.meta_path.insert(0, NativeFinder(files))
    return None


def compiled_modules() -> list[str]:
    """The extraction modules imported so far from the compiled build (for tests and reports)."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return sorted(name for name in MODULES
                  if str(getattr(sys.modules.get(name), "__file__", "")).endswith(suffixes))
