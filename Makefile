# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint sandbox sync bench bench-matching clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,speed]"
	touch $(STAMP)

# Runs the bot against Discord when DISCORD_TOKEN is set (in .env or the environment);
# without a token it says so and opens the sandbox: a local Discord in your terminal.
run: $(STAMP)
	$(PY) -m bot start

sandbox: $(STAMP)
	$(PY) -m bot sandbox

# Lint, formatting, types and the whole suite, slow reliability tier included. This is what CI runs.
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest -m "slow or not slow"

# The everyday loop: everything but the slow tier.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

sync: $(STAMP)
	$(PY) -m bot sync

# The benchmark (BENCHMARKS.md), ~8 min: SQLite, and PostgreSQL and two shard processes when a server
# answers at BENCH_POSTGRES_URL (else TEST_POSTGRES_URL, else postgres@127.0.0.1:5432/test).
# Options through BENCH_ARGS, e.g. `make bench BENCH_ARGS=--quick` (~25 s) or BENCH_ARGS=--no-postgres.
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

# Finding claims: Check claims and /search on the labelled set (bench/matching/), latency at 100,000 claims.
bench-matching: $(STAMP)
	$(PY) -m bench.matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
