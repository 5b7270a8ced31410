# Two commands on a fresh machine: `make demo` and `make test` (each creates .venv first).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench quality install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet numpy cython wheel
	$(PY) -m pip install --quiet --no-build-isolation pkuseg
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/auditor audit corpus --out reports/demo
	@echo "结果在 reports/demo/findings.json"

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/run.py

quality: $(STAMP)
	$(PY) benchmarks/quality.py

clean:
	rm -rf $(VENV) reports/demo build *.egg-info
