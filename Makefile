# The two commands a newcomer needs: `make run` and `make test`. Each sets itself up.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast check lint typecheck migrations-check deploy-check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed; set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)

# Reinstalled whenever a requirements file changes. pip 25.3+ for --build-constraint.
$(STAMP): requirements.txt requirements-dev.txt constraints-build.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --build-constraint constraints-build.txt -r requirements-dev.txt
	touch $@

install: $(STAMP)

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	$(BIN)/python scripts/run.py

test: install
	$(BIN)/python -m pytest -n 2 --durations=25

# The quick loop while working: everything but the tests marked slow (see pyproject.toml).
test-fast: install
	$(BIN)/python -m pytest -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

migrations-check: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

check: lint typecheck migrations-check

# Django's production checklist against the production defaults (DEBUG off, a throw-away
# 50-character key, and the settings each hospital must supply: its host name and the patients'
# 24-hour number, here a drama number); any warning fails.
deploy-check: install
	DEBUG=0 SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48)[:50])')" \
	ALLOWED_HOSTS=mdt.example.org PATIENT_SAFETY_NET_PHONE="01632 960000" REMINDER_LAST_RESORT_USERNAMES=mdt-lead \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Benchmarks: `make bench SIZE=S` (5,000 patients) or SIZE=L (100,000). Set DATABASE_URL to a PostgreSQL
# database of its own for the real figures; without it a SQLite file in .run/ is used.
SIZE ?= S
bench: install
	$(BIN)/python -m bench.run --size $(SIZE)

clean:
	rm -rf $(VENV) .run staticfiles .pytest_cache .mypy_cache .ruff_cache
