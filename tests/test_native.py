"""The compiled extractor (dashboard/native.py): used only while it matches the source, and it
extracts exactly what the Python source extracts."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import native

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _fake_build(tmp_path: Path, **changes) -> Path:
    """A build folder whose stamp matches the source, with empty files for the extensions."""
    build = tmp_path / "native"
    files = {}
    for module in (*native.MODULES, native.RUNTIME):
        rel = module.replace(".", "/") + ".so"
        (build / rel).parent.mkdir(parents=True, exist_ok=True)
        (build / rel).write_bytes(b"")
        files[module] = rel
    stamp = {"built": True, "cache_tag": sys.implementation.cache_tag, "files": files,
             "sources": {m: native.source_hash(native.source_path(m)) for m in native.MODULES}}
    stamp.update(changes)
    (build / native.STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return build


def test_every_compiled_module_has_its_source():
    for module in native.MODULES:
        assert native.source_path(module).is_file(), module


def test_a_build_that_matches_the_source_is_used(tmp_path):
    files, reason = native.check_build(_fake_build(tmp_path))
    assert reason is None
    assert set(files) == set(native.MODULES) | {native.RUNTIME}


def test_a_build_older_than_a_source_is_not_used(tmp_path):
    sources = {m: native.source_hash(native.source_path(m)) for m in native.MODULES}
    sources["dashboard.extract.dates"] = "0" * 64  # built before dates.py was edited
    files, reason = native.check_build(_fake_build(tmp_path, sources=sources))
    assert files == {} and reason == "dashboard/extract/dates.py changed since the build"


@pytest.mark.parametrize("changes, reason", [
    ({"built": False, "error": "no C compiler"}, "the last build failed: no C compiler"),
    ({"cache_tag": "cpython-399"}, "built for another Python (cpython-399)"),
])
def test_a_failed_or_foreign_build_is_not_used(tmp_path, changes, reason):
    assert native.check_build(_fake_build(tmp_path, **changes)) == ({}, reason)


@pytest.fixture
def fresh_process(monkeypatch):
    """As if the build had not been put on the import path yet."""
    monkeypatch.setenv("STRIKES_NATIVE", "1")
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, native.NativeFinder)])


def test_no_build_is_silent(tmp_path, caplog, fresh_process):
    assert native.install(tmp_path / "nothing") == "no build"
    assert caplog.records == []


def test_a_stale_build_is_named_in_a_warning(tmp_path, caplog, fresh_process):
    build = _fake_build(tmp_path, cache_tag="cpython-399")
    assert native.install(build) == "built for another Python (cpython-399)"
    assert "not used: built for another Python" in caplog.text and "make native" in caplog.text


def test_the_environment_can_turn_the_build_off(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIKES_NATIVE", "0")
    assert native.install(_fake_build(tmp_path)) == "turned off by STRIKES_NATIVE=0"


def _need_build():
    """Under CI the build must exist (make test builds it); elsewhere a missing one skips."""
    if os.environ.get("STRIKES_NATIVE") == "0":
        pytest.skip("the compiled extractor is turned off (STRIKES_NATIVE=0)")
    reason = native.check_build()[1]
    if reason is not None:
        if IN_CI:
            pytest.fail(f"the compiled extractor is not usable under CI: {reason}")
        pytest.skip(f"no usable compiled extractor ({reason}): `make native` builds it")


def test_this_process_runs_the_compiled_modules_when_built():
    _need_build()
    import dashboard.extract  # noqa: F401 - imports the extraction modules
    import dashboard.mentions  # noqa: F401
    assert native.compiled_modules() == sorted(native.MODULES)


def _extract(path: Path, compiled: bool) -> str:
    env = dict(os.environ, STRIKES_NATIVE="1" if compiled else "0")
    code = ("import sys, json; from dashboard import native; from dashboard.pipeline import read_one; "
            "r = read_one(sys.argv[1]); print(json.dumps([native.compiled_modules(), r.events], default=str))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return out.stdout


@pytest.mark.parametrize("seed", ["000_661279230dd1bd41.txt", "004_ukraine-2022-10-10.md"])
def test_compiled_and_source_extract_the_same_events(seed):
    _need_build()
    compiled, events = json.loads(_extract(ROOT / "seeds" / seed, compiled=True))
    source, same = json.loads(_extract(ROOT / "seeds" / seed, compiled=False))
    assert compiled == sorted(native.MODULES) and source == []
    assert events and events == same


def _written_out_inits():
    """Classes whose ``__init__`` is written out for mypyc (``@dataclass(..., init=False)``)."""
    import ast

    for module in native.MODULES:
        tree = ast.parse(native.source_path(module).read_text(encoding="utf-8"))
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            decorators = [ast.unparse(d) for d in cls.decorator_list]
            if any(d.startswith("dataclass(") and "init=False" in d for d in decorators):
                yield pytest.param(cls, id=f"{module}.{cls.name}")


def _field_default(stmt) -> str | None:
    """The default of a dataclass field as source text; None for a required field."""
    import ast

    value = stmt.value
    if value is None:
        return None
    if isinstance(value, ast.Call) and ast.unparse(value.func) == "field":
        kw = {k.arg: ast.unparse(k.value) for k in value.keywords}
        return kw.get("default")
    return ast.unparse(value)


@pytest.mark.parametrize("cls", list(_written_out_inits()))
def test_a_written_out_init_takes_the_fields_in_order_with_their_defaults(cls):
    """The fields stay the one list: ``__init__`` may not drop, reorder or re-default one."""
    import ast

    fields = [s for s in cls.body if isinstance(s, ast.AnnAssign)
              and "init=False" not in ast.unparse(s.value if s.value is not None else s.target)]
    init = next(f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
    args = init.args.args[1:]
    defaults = [None] * (len(args) - len(init.args.defaults)) + [ast.unparse(d) for d in init.args.defaults]
    assert [a.arg for a in args] == [ast.unparse(f.target) for f in fields]
    assert defaults == [_field_default(f) for f in fields]
    assigned = {ast.unparse(t) for node in ast.walk(init) if isinstance(node, ast.Assign) for t in node.targets}
    for f in fields:
        assert any(f"self.{ast.unparse(f.target)}" in a for a in assigned), ast.unparse(f.target)
