# Inaproc — developer commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Links printed by load_demo and written into emails follow the port.
export SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test test-fast test-e2e install lint format typecheck lint-imports migrate demo \
        worker messages clean check-chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

## run: set everything up and serve http://127.0.0.1:$(PORT) with a background email worker
run: demo
	@# The demo's own emails (receipts, invitations, reminders: dozens) would bury the
	@# accounts printed above; they go to a file, the emails sent from now on to this terminal.
	@mkdir -p var
	@$(BIN)/python manage.py db_worker --batch --no-reload --no-startup-delay > var/demo-emails.log 2>&1
	@echo "The emails the demo data sent are in var/demo-emails.log."
	@echo "Starting the task worker (emails appear in this terminal) and the web server on port $(PORT)…"
	@$(BIN)/python manage.py db_worker --no-reload --interval 2 & \
	  worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: install
	$(BIN)/python manage.py db_worker

## test: the whole suite — unit, integration and end-to-end in headless Chromium, spread
## over TEST_WORKERS processes (pytest-xdist; one per CPU by default, 0 for one process).
## The browser tests run apart: Playwright keeps an event loop in its process while it runs.
TEST_WORKERS ?= auto
test: install check-chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not e2e"
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m e2e

test-fast: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not e2e"

test-e2e: install check-chromium
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m e2e

## check-chromium: Chromium for the browser tests; installs Debian's package when it can
check-chromium:
	@scripts/ensure-chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint inaproc --lint

## typecheck: mypy with django-stubs, held to mypy-baseline.txt (which may only shrink)
typecheck: install
	$(BIN)/python scripts/mypy-baseline.py

## lint-imports: import-linter's contracts (pyproject.toml): apps in layers, services apart from views
lint-imports: install
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh the Indonesian catalogue after changing user-facing strings
messages: install
	$(BIN)/python manage.py makemessages -l id --ignore=.venv --ignore=tests --ignore=benchmarks
	$(BIN)/python manage.py compilemessages -l id --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var .pytest_cache test-artifacts .mypy_cache \
	  .import_linter_cache
