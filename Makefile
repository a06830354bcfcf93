# One entry point for people and CI. README's quick start is `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test test-long test-sqlite test-postgres lint system-deps system-deps-test bench bench-fighters bench-airpicture bench-load clean

$(STAMP): pyproject.toml
	scripts/check-python $(PYTHON)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

system-deps:  ## Debian packages the project needs to run (ICU for name analysis)
	scripts/system-deps

system-deps-test:  ## ... and to test (PostgreSQL for the second half, Chromium for the browser tests)
	scripts/system-deps test

demo: system-deps $(STAMP)  ## Load the demo scenario and serve it on http://127.0.0.1:8000
	$(BIN)/intelcell demo
	$(BIN)/intelcell serve

serve: system-deps $(STAMP)
	$(BIN)/intelcell serve

test: system-deps-test $(STAMP)  ## The whole suite: on SQLite, then on a throwaway PostgreSQL
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/test

test-long: system-deps-test $(STAMP)  ## Issue 8's long variants on both databases: leak hunt, crash kills and fuzzing, ten times each
	INTELCELL_LEAK_HUNT=long INTELCELL_CRASH=long INTELCELL_FUZZ=long PATH="$(CURDIR)/$(BIN):$$PATH" \
		scripts/test tests/leakhunt tests/crash tests/fuzz

lint: $(STAMP)
	$(BIN)/ruff check intelcell tests bench
	$(BIN)/ruff format --check intelcell tests bench
	$(BIN)/mypy

bench: $(STAMP)  ## Benchmarks side by side with their peers (not part of the test suite)
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/taxii_vs_medallion.py
	$(MAKE) bench-fighters
	$(MAKE) bench-airpicture

bench-fighters: $(STAMP)  ## Name pairs and FEBRL4 beside logic-v2, calibration, Bloom filters, screening at 100k
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/names_eval.py
	$(BIN)/python bench/febrl4_eval.py
	$(BIN)/python bench/calibrate_ftf.py
	$(BIN)/python bench/bloom_eval.py
	$(BIN)/python bench/screening_bench.py --records 100000

bench-airpicture: $(STAMP)  ## Tracker beside Stone Soup (OSPA, GOSPA, SIAP, speed), feed latency, ASTERIX decoding speed
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/airpicture_eval.py
	$(BIN)/python bench/airpicture_latency.py
	$(BIN)/python bench/asterix_speed.py

bench-load: $(STAMP)  ## Load test on loopback: 50 clients (TAXII, screening, air-picture feed) for 5 min, errors and memory growth
	$(BIN)/python bench/load_test.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis intelcell.egg-info
