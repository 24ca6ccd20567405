# Gongjiang — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
SIZES ?= 1000 100000 1000000
DB ?= sqlite postgres
export PATH := $(HOME)/.local/bin:$(PATH)
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := $(UV) run --frozen python
MANAGE := $(PY) manage.py

.PHONY: help uv setup run test test-fast bench lint format messages system clean

# The demo: plain HTTP on this machine, a key generated into var/ (production needs SECRET_KEY).
run bench messages: export DEMO = 1

help:
	@echo "make run      serve the demo at http://127.0.0.1:$(PORT) (web server and task worker)"
	@echo "make test     run every test (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make test-fast the inner loop: no browser, no property tests, no whole demo (about a minute)"
	@echo "make bench    measure pages and demo generation (SIZES='1000 100000', DB=sqlite|postgres)"
	@echo "make lint     ruff, formatting, the import contracts (layers) and translations"

# uv is the only thing we install outside the project: from PyPI, into the user's site.
uv:
	@command -v uv >/dev/null 2>&1 || test -x $(HOME)/.local/bin/uv || \
		(echo "Installing uv from PyPI..." && python3 -m pip install --user --quiet uv)

setup: uv
	@$(UV) sync --frozen --quiet
	@$(PY) scripts/compile_messages.py

system:
	@scripts/ensure-system.sh

run: setup
	@$(MANAGE) migrate --no-input -v0
	@$(MANAGE) collectstatic --no-input -v0
	@$(MANAGE) demo
	@$(PY) scripts/run.py --port $(PORT)

test: setup system
	@$(PY) -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

# The inner loop: what `make test` runs less the browser, the property tests and the whole demo.
test-fast: setup
	@$(PY) -m pytest -n 2 --dist loadgroup -q -m "not browser and not slow" $(PYTEST_ARGS)

bench: setup
	@$(UV) sync --frozen --quiet --group bench
	@$(UV) run --frozen --group bench python bench/run.py --sizes $(SIZES) --db $(DB)

lint: setup
	@$(UV) run --frozen ruff check src tests bench scripts
	@$(UV) run --frozen ruff format --check src tests bench scripts
	@PYTHONPATH=src $(UV) run --frozen lint-imports --no-cache --no-logo
	@DEMO=1 $(UV) run --frozen mypy
	@$(PY) -m pytest -q -p no:xdist tests/test_translations.py

format: setup
	@$(UV) run --frozen ruff check --fix src tests bench scripts
	@$(UV) run --frozen ruff format src tests bench scripts

messages: setup
	@$(MANAGE) makemessages -l zh_Hans --no-obsolete --no-location --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	@$(PY) scripts/compile_messages.py

clean:
	rm -rf var/static
