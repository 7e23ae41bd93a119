# The distribution's Python 3.11 is built with PGO and LTO; a plain source build (pyenv's
# default) runs the hub about a quarter slower (bench/README.md), so it is only the fallback.
PYTHON ?= $(shell test -x /usr/bin/python3.11 && echo /usr/bin/python3.11 || echo python3.11)
VENV := .venv
PY := $(VENV)/bin/python
# Extras installed beside the project: `make LLM=1 run` adds the llama.cpp runtime
# (compiled from source, minutes); `make test` always installs it (and so CI).
EXTRAS ?= dev$(if $(LLM),$(comma)llm)$(comma)demo
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
# The tests run every runtime: `make test` installs the llm extra for them (CI adds train).
TEST_EXTRAS ?= dev,llm,demo

.PHONY: run test lint format install messages e2e clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	# The web server, the deployments supervisor (run_deployments) and the task worker
	# (db_worker) together, as the Procfile lists them; Ctrl-C stops them all.
	$(VENV)/bin/honcho start -f Procfile

test:
	$(MAKE) lint EXTRAS=$(TEST_EXTRAS)
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages --locale ja --no-obsolete --ignore '.venv/*' --ignore 'static/vendor/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py makemessages --locale ja --domain djangojs --no-obsolete --ignore '.venv/*' --ignore 'static/vendor/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --locale ja --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
