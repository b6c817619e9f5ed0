# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
# HTTPS=1: serve HTTPS with a self-signed certificate on every interface, for phones on the same Wi-Fi.
HTTPS ?=
HOST ?= $(if $(filter 1,$(HTTPS)),0.0.0.0,127.0.0.1)
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
## (PORT=5101 for another port; HTTPS=1 for phones on the same Wi-Fi, see README.md)
run: $(STAMP) instance/secret_key
	$(BIN)/survey init-db
ifeq ($(HTTPS),1)
	url=$$($(BIN)/python -m survey.devcert instance $(PORT)) && \
	SURVEY_LOCAL_URL=$$url SURVEY_PUBLIC_URL=$${SURVEY_PUBLIC_URL:-$$url} $(BIN)/survey demo && \
	SURVEY_PUBLIC_URL=$${SURVEY_PUBLIC_URL:-$$url} $(BIN)/survey run --host $(HOST) --port $(PORT) \
	  --cert instance/dev-cert.pem --key instance/dev-key.pem
else
	SURVEY_LOCAL_URL=http://$(subst 0.0.0.0,127.0.0.1,$(HOST)):$(PORT) $(BIN)/survey demo
	$(BIN)/survey run --host $(HOST) --port $(PORT)
endif

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
