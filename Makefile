# Chuangwen: `make run` serves the demo county, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: run test test-fast lint typecheck format lock messages install system-deps clean screenshots

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	@$(BIN)/chuangwen compilemessages --ignore=.venv -v 0

run: install messages
	@mkdir -p var
	$(BIN)/chuangwen migrate --noinput -v 0
	DEBUG=1 $(BIN)/chuangwen demo
	@echo "Chuangwen is starting on http://127.0.0.1:8000/"
	DEBUG=1 $(BIN)/chuangwen runserver 127.0.0.1:8000

system-deps:
	@scripts/system-deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The whole project, with Django's plugin; the cache (.mypy_cache) makes a second run take about a second.
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install system-deps messages lint typecheck
	@mkdir -p var
	$(BIN)/chuangwen makemigrations --check --dry-run -v 1
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# Redraw the screenshots the tests draw in docs/screenshots/ (the public report page at 200% text and in the
# elder-friendly mode; the 大屏 at three display sizes). scripts/screenshots.py draws the others from a running demo.
screenshots: install messages
	$(BIN)/pytest -n 0 --doc-screenshots docs/screenshots \
	  portal/tests/test_large_text_and_keyboard.py::test_the_report_page_at_200_percent_and_in_the_elder_friendly_mode \
	  demo/tests/test_demo_screen_labels.py

# Regenerate the lock after changing the dependencies in pyproject.toml.
lock:
	rm -rf /tmp/chuangwen-lock && $(PYTHON) -m venv /tmp/chuangwen-lock
	/tmp/chuangwen-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/chuangwen-lock/bin/pip freeze --exclude-editable | grep -v '^chuangwen' > requirements.lock

clean:
	rm -rf $(VENV) var
