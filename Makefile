# The two commands of the README: `make run` (set up + the web app with demo data) and
# `make test` (set up + lint + types + every test, browser and PostgreSQL tests included).
PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup run report test lint bench loadbench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

run: setup
	$(BIN)/empathic serve --demo --port $(PORT)

report: setup
	$(BIN)/empathic demo --out out/example-report.html

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/empathic bench
	$(BIN)/python -m empathic.roleplay.bench
	$(BIN)/python bench/llm_web_first_token.py
	$(BIN)/python bench/paste.py

loadbench: setup
	$(BIN)/python -m empathic.web.loadbench

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
