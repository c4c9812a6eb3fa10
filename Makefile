# Linli: `make run` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LINLI := $(VENV)/bin/linli
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: install run test lint bench e2e chromium clean messages deploy-check

# Idempotent: (re)creates the virtualenv and installs Linli when pyproject.toml changes.
install: $(STAMP)
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The demo turns the sandbox payment gateway on (off by default: it would let anyone mark bills paid).
run: install
	$(LINLI) migrate --noinput
	$(LINLI) demo
	LINLI_PAYMENT_SANDBOX=true $(LINLI) runserver --insecure $(HOST)

test: install
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# The layers (.importlinter, docs/architecture.md): an app imports only the apps below it.
lint: install
	$(VENV)/bin/ruff check linli bench e2e
	$(LINLI) makemigrations --check --dry-run
	PYTHONPATH=$(CURDIR) $(VENV)/bin/lint-imports

bench: install
	$(PY) bench/run.py
	$(PY) bench/triage.py
	$(PY) bench/fees.py
	$(PY) bench/assembly.py
	$(PY) bench/volunteers.py
	$(PY) bench/workorders.py
	$(PY) bench/pages.py
	$(PY) bench/reports.py
	$(PY) bench/dashboard.py
	$(PY) bench/page_weight.py

# The production topology on this machine (own PostgreSQL and Redis, 2 web processes, 2 workers, 1 scheduler, fake
# SMS server), a scripted day and four faults; fails on any broken invariant (docs/deploy-check.md).
deploy-check: install
	$(PY) -m deploy.check.run $(DEPLOY_CHECK_ARGS)

# Browser tests need Debian's chromium (Playwright's own browser download does not work offline).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

e2e: install chromium
	$(PY) -m pytest -m e2e e2e $(PYTEST_ARGS)

# After changing translatable text (needs GNU gettext): collect the msgids into the English catalogue, keeping the
# English already written; write the English of new entries in linli/locale/en/LC_MESSAGES/django.po (the one
# source), then run this again to compile it. The last step lists entries still without English or fuzzy.
messages: install
	cd linli && ../$(LINLI) makemessages -l en --no-obsolete --ignore "tests/*" --ignore "*/tests/*"
	cd linli && ../$(LINLI) compilemessages -l en
	$(PY) -m pytest -q linli/core/tests/test_catalogue.py

clean:
	rm -rf $(VENV) var .pytest_cache
