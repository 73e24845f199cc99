# Frontdoor: two commands. `make run` starts the stack; `make test` tests it.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# PostgreSQL and Redis for the scale-out half of the tests (present on every
# machine here, CI included). Override to point elsewhere.
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/11

.PHONY: help install run test test-time test-fast check bench clean

help:
	@echo "make run    install what is missing, migrate, seed, train, start every service"
	@echo "make test   the whole test suite (SQLite and PostgreSQL, Redis, Rasa, browser)"
	@echo "make test-time  the date and time suites under faketime (summer evening, Sunday night)"
	@echo "make check  ruff and mypy"
	@echo "make bench  run the benchmarks in benchmarks/ (prints figures)"

install:
	@bash scripts/bootstrap.sh

run: install
	@.venv/bin/frontdoor run

test:
	@bash scripts/bootstrap.sh --test
	@FRONTDOOR_TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) FRONTDOOR_TEST_REDIS_URL=$(TEST_REDIS_URL) \
		bash scripts/test.sh

test-time:
	@bash scripts/bootstrap.sh --test
	@FRONTDOOR_TEST_POSTGRES_URL=$(TEST_POSTGRES_URL) FRONTDOOR_TEST_REDIS_URL=$(TEST_REDIS_URL) \
		bash scripts/test-time.sh

test-fast: install
	@.venv/bin/pytest tests/unit -q

check: install
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy frontdoor backoffice actions bottools knowledge handoff insight privacy notify payments reports  # make test runs these too

bench: install
	@bash scripts/bench.sh

clean:
	rm -rf var/ models/ .pytest_cache .mypy_cache .ruff_cache
