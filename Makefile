# Everything starts from nothing: `make run` and `make test` create ./.venv and install what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test test-engine test-app test-cuda bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# Compile the engine once now (numba cache=True), so the app's first start is quick.
	$(PY) -c "from engine.warmup import warm_up; print('engine compiled in %.1f s' % warm_up())"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/playground $(DESIGN)

test: install
	$(PY) -m pytest -q -p no:cacheprovider tests/engine -m "not cudasim"
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider tests/playground
	@if ls tests/cuda/test_*.py >/dev/null 2>&1; then \
	  NUMBA_ENABLE_CUDASIM=1 $(PY) -m pytest -q -p no:cacheprovider tests/cuda -m cudasim; fi

test-engine: install
	$(PY) -m pytest -q -p no:cacheprovider tests/engine -m "not cudasim"

test-app: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/playground

bench: install
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
