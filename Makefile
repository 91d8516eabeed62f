# Each target works on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000

.PHONY: setup run test test-pg lint format bench messages clean

$(BIN)/certifolio: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

setup: $(BIN)/certifolio

run: setup
	$(BIN)/certifolio rundemo $(ADDR)

test: setup
	$(BIN)/python -m pytest

test-pg: setup
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/certifolio makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

bench: setup
	$(BIN)/python bench/run.py

messages: setup
	cd src/certifolio && ../../$(BIN)/certifolio makemessages -l fr -l en --no-obsolete
	$(BIN)/python scripts/french_typography.py
	cd src/certifolio && ../../$(BIN)/certifolio compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
