# Everything starts from nothing: `make run` and `make test` create ./.venv and install what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
WARM   := $(VENV)/.warm-stamp

.PHONY: translations install run test test-all test-engine test-app test-cuda bench clean bundle test-bundle

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Compile the engine once (numba cache=True) before the tests. `make run` skips this: the window
# opens at once and shows the compile's progress itself.
$(WARM): $(STAMP)
	$(PY) -c "from engine.warmup import warm_up; print('engine compiled in %.1f s' % warm_up())"
	@touch $(WARM)

# German: resources/i18n/playground_de.ts (in git) compiled to .qm (not in git) by pyside6-lrelease
QM := resources/i18n/playground_de.qm
$(QM): resources/i18n/playground_de.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

install: $(WARM) $(QM)

# After changing texts: refresh the .ts from the tr()/translate() calls, list what is untranslated
translations: $(STAMP)
	$(PY) scripts/i18n.py

run: $(STAMP) $(QM)
	$(VENV)/bin/playground $(DESIGN)

# The standalone app (packaging/): dist/network-playground-<version>-linux-x86_64.tar.gz
bundle: $(STAMP) $(QM)
	$(PY) -m pip install --quiet -e '.[bundle]'
	$(PY) packaging/build.py

# The archive unpacked far from here, run with an empty environment on a fresh account
test-bundle:
	@test -x $(PY) || { echo "make bundle first"; exit 1; }
	$(PY) packaging/test_bundle.py

SKIPS  := $(VENV)/skip-report.jsonl
PYTEST := $(PY) -m pytest -q -p no:cacheprovider -p tests.skip_report

# make test ends with one line saying which tests were skipped and why (tests/skip_report.py).
test: install
	@rm -f $(SKIPS)
	SKIP_REPORT=$(SKIPS) $(PYTEST) tests/engine -m "not cudasim"
	SKIP_REPORT=$(SKIPS) QT_QPA_PLATFORM=offscreen $(PYTEST) tests/playground
	@if ls tests/cuda/test_*.py >/dev/null 2>&1; then \
	  SKIP_REPORT=$(SKIPS) NUMBA_ENABLE_CUDASIM=1 $(PYTEST) tests/cuda -m cudasim; fi
	@$(PY) -m tests.skip_report $(SKIPS)

# Everything: the pinned CPU build of PyTorch for the export and comparison tests, then make test.
test-all: install
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet torch==2.13.0
	$(MAKE) test

test-engine: install
	$(PY) -m pytest -q -p no:cacheprovider tests/engine -m "not cudasim"

test-app: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/playground

bench: install
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
