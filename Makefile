# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGS := survey/translations
LANGUAGES := zh en

.PHONY: run test install lint typecheck pytest catalogs compile-catalogs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

install: $(STAMP)

instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

## Install, create the SQLite database, load demo data, serve on http://$(HOST):$(PORT)
run: $(STAMP) instance/secret_key
	$(BIN)/survey init-db
	$(BIN)/survey demo
	$(BIN)/survey run --host $(HOST) --port $(PORT)

## Install the dev extras, then ruff, mypy and pytest (exit 5, "no tests collected", is a failure too)
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check survey tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

## Extract UI strings, update the .po files and compile them (compiled catalogs are committed)
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(CATALOGS)/messages.pot --no-location --sort-output --project survey .
	for lang in $(LANGUAGES); do \
	  if [ -f $(CATALOGS)/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) -l $$lang --no-fuzzy-matching --ignore-obsolete || exit 1; \
	  else \
	    $(BIN)/pybabel init -i $(CATALOGS)/messages.pot -d $(CATALOGS) -l $$lang || exit 1; \
	  fi; \
	done
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics

compile-catalogs: $(STAMP)
	$(BIN)/pybabel compile -d $(CATALOGS) --statistics

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## Regenerate the initial migration from the models (only until the first release)
migration-initial: $(STAMP)
	$(BIN)/python -m survey.migrations.regenerate
