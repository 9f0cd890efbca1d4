"""Compile the extraction modules with mypyc into build/native/ (see dashboard/native.py).

Usage::

    .venv/bin/python scripts/build_native.py            # what `make native` runs
    .venv/bin/python scripts/build_native.py --strict   # exit 1 if the build fails

The build is done aside and moved into place whole, with a stamp of every source's SHA-256, so
that a half build is never used and an edited source is never shadowed by an old build. Without
mypy or a C compiler the build fails soft: the stamp records the failure (so `make` does not retry
until a source changes), one line says why, and the extractor runs as pure Python.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["STRIKES_NATIVE"] = "0"  # compile the source, never import an older build

from dashboard.native import BUILD_DIR, GROUP, MODULES, RUNTIME, STAMP, source_hash, source_path  # noqa: E402


def compile_modules(out: Path, temp: Path) -> dict[str, str]:
    """Run mypyc and setuptools' build_ext; return module -> extension file relative to ``out``."""
    from mypyc.build import mypycify
    from setuptools import setup

    sources = [str(source_path(m, ROOT).relative_to(ROOT)) for m in MODULES]
    extensions = mypycify(sources, opt_level="3", group_name=GROUP, target_dir=str(temp / "c"))
    setup(name="dashboard-native", ext_modules=extensions, py_modules=[], packages=[],
          script_args=["build_ext", "--build-lib", str(out), "--build-temp", str(temp)])
    files = {}
    for module in (*MODULES, RUNTIME):
        found = sorted(out.glob(module.replace(".", "/") + ".*"))
        if not found:
            raise RuntimeError(f"mypyc built no extension for {module}")
        files[module] = str(found[0].relative_to(out))
    return files


def build(build_dir: Path = BUILD_DIR) -> dict:
    """Build into a fresh folder beside ``build_dir``, then swap it in; return the stamp written."""
    stamp = {"built": False, "cache_tag": sys.implementation.cache_tag,
             "sources": {m: source_hash(source_path(m, ROOT)) for m in MODULES}}
    fresh = build_dir.with_name(build_dir.name + ".new")
    temp = build_dir.with_name(build_dir.name + ".tmp")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    log = io.StringIO()
    started = time.perf_counter()
    old_cwd = os.getcwd()
    try:
        import mypy.version
        stamp["mypy"] = mypy.version.__version__
        os.chdir(ROOT)  # mypyc names modules by their paths from here
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            stamp["files"] = compile_modules(fresh, temp)
        stamp["built"] = True
    except (Exception, SystemExit) as exc:  # mypy type errors end in SystemExit; no compiler: CompileError
        detail = [line for line in log.getvalue().splitlines() if "error:" in line.lower()][:3]
        stamp["error"] = "; ".join(detail) or f"{type(exc).__name__}: {exc}"
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
    finally:
        os.chdir(old_cwd)
        shutil.rmtree(temp, ignore_errors=True)
    stamp["seconds"] = round(time.perf_counter() - started, 1)
    (fresh / STAMP).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    old = build_dir.with_name(build_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if build_dir.exists():
        build_dir.rename(old)
    fresh.rename(build_dir)
    shutil.rmtree(old, ignore_errors=True)
    return stamp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strict", action="store_true", help="exit 1 when the build fails")
    args = ap.parse_args(argv)
    stamp = build()
    if stamp["built"]:
        print(f"compiled {len(MODULES)} extraction modules with mypyc {stamp['mypy']} "
              f"in {stamp['seconds']} s -> {BUILD_DIR.relative_to(ROOT)}/")
        return 0
    print(f"warning: the compiled extractor was not built ({stamp['error']}); extraction runs as pure "
          "Python, about a quarter slower", file=sys.stderr)
    return 1 if args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
