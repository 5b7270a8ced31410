# Two commands on a fresh machine: `make demo` and `make test` (each creates .venv first).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test browser-test bench quality install clean

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
	$(VENV)/bin/auditor gallery corpus --out reports/demo --quiet
	$(VENV)/bin/auditor summary corpus --out reports/demo --quiet
	@echo "结果在 reports/demo/：index.html（总览）、summary.html（全县汇总）、gallery.html（培训图集）、整改清单.xlsx、findings.json"

test: $(STAMP)
	$(PY) -m pytest -q

# The HTML pages in headless Chromium (installed when missing); AUDITOR_KEEP_SCREENSHOTS=1 keeps
# the screenshots in reports/screenshots/.
browser-test: $(STAMP)
	command -v chromium || command -v chromium-browser || (sudo apt-get install -y chromium || apt-get install -y chromium)
	$(PY) -m pytest -q -m browser

bench: $(STAMP)
	$(PY) benchmarks/run.py

quality: $(STAMP)
	$(PY) benchmarks/quality.py

clean:
	rm -rf $(VENV) reports/demo build *.egg-info
